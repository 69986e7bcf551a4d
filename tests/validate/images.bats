#!/usr/bin/env bats
# make validate with several own images: an app and a worker built from one
# multi-stage Dockerfile (two targets, the worker with no HEALTHCHECK and a
# ${VAR:-default} build argument), a front end from its own Dockerfile, and a
# third-party image that is never touched. The validation split by platform
# and merged; one unhealthy image; an image nothing says how to build.
# tests/run runs this file with Docker and with DOCKER=podman.
load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	need_engine || return 1
	require make git sha256sum healthwait toml-setver compose-retag || return 1
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

setup() {
	need_engine
	find_python
	P=$BATS_TEST_TMPDIR/sample
	cp -r "$TOP/tests/validate/images" "$P"
	busybox_context "$P"
	busybox_context "$P/web"
	git -C "$P" init -q
	git -C "$P" add -A
	git -C "$P" -c user.name=t -c user.email=t@example.invalid commit -q -m sample
	APP=registry.invalid/acme/app WORKER=registry.invalid/acme/worker WEB=registry.invalid/acme/web
	IMAGES="$APP $WORKER $WEB"
}

teardown() {
	"$DOCKER" ps -aq --filter label=shipsync.validate | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
	"$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep '^registry.invalid/acme/' |
		xargs -r "$DOCKER" rmi -f >/dev/null 2>&1 || true
}

# images_make TARGET [make variables...]
images_make() {
	run make -C "$P" --no-print-directory "$1" SHIPSYNC_MK="$TOP/mk/" DOCKER="$DOCKER" \
		PYTHON="$PY" IMAGE="$IMAGES" VALIDATE_GRACE=2 "${@:2}"
	echo "make $1: status $status"
	echo "$output"
}

# config_of ARCHIVE: the image config inside a docker-archive, as JSON.
config_of() {
	local config
	config=$(tar -xOf "$1" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
	tar -xOf "$1" "$config"
}

@test "per-platform legs merge into one manifest of every own image; the build's arguments and targets hold" {
	# amd64 here with the argument's default; arm64 "elsewhere", with it from
	# the environment; the front end declares amd64 only.
	images_make validate-platform PLATFORMS=linux/amd64 DIST=leg-amd64 PLATFORMS_web=linux/amd64
	[ "$status" -eq 0 ]
	[[ $output == *"$APP linux/amd64: building $APP:1.2.3-linux-amd64 (target app)"* ]]
	[[ $output == *"$WORKER linux/amd64: building $WORKER:1.2.3-linux-amd64 (target worker)"* ]]
	[[ $output == *"$WORKER linux/amd64: kept running for 2s, which is all that was checked"* ]]
	[[ $output == *"$WEB linux/amd64: healthy"* ]]
	[[ $output != *postgres* ]] && [[ $output != *"/db"* ]]
	[ -f "$P/leg-amd64/shipsync-partial" ]
	[ ! -e "$P/leg-amd64/shipsync-manifest" ]
	! ls "$P"/leg-amd64/*.whl 2>/dev/null
	WORKER_MESSAGE="from the environment" images_make validate-platform PLATFORMS=linux/arm64 DIST=leg-arm64 PLATFORMS_web=linux/amd64
	[ "$status" -eq 0 ]
	[[ $output == *"$WEB: none of PLATFORMS (linux/arm64) is one it supports; skipped"* ]]
	config_of "$P/leg-amd64/image-registry.invalid+acme+worker-linux-amd64.tar" | grep -q '"WORKER_MESSAGE=working hard"'
	config_of "$P/leg-arm64/image-registry.invalid+acme+worker-linux-arm64.tar" | grep -q '"WORKER_MESSAGE=from the environment"'
	# Two targets of one Dockerfile are two images: the worker's command and no HEALTHCHECK, the app's.
	! config_of "$P/leg-amd64/image-registry.invalid+acme+worker-linux-amd64.tar" | grep -q Healthcheck
	config_of "$P/leg-amd64/image-registry.invalid+acme+app-linux-amd64.tar" | grep -q Healthcheck
	! config_of "$P/leg-amd64/image-registry.invalid+acme+app-linux-amd64.tar" | grep -q WORKER_MESSAGE

	images_make validate-merge PARTS="leg-amd64 leg-arm64" PLATFORMS_web=linux/amd64
	[ "$status" -eq 0 ]
	local m=$P/dist/shipsync-manifest
	cat "$m"
	[ "$(grep -c '^image ' "$m")" -eq 5 ]
	grep -q "^image $WEB linux/amd64 " "$m"
	! grep -q "^image $WEB linux/arm64 " "$m"
	grep -qx "commit $(git -C "$P" rev-parse HEAD)" "$m"
	# The merged archives are the legs' bytes; the dists were built once, here.
	cmp "$P/leg-arm64/image-registry.invalid+acme+app-linux-arm64.tar" "$P/dist/image-registry.invalid+acme+app-linux-arm64.tar"
	grep -q "$(sha256sum "$P/leg-amd64/image-registry.invalid+acme+web-linux-amd64.tar" | cut -d ' ' -f 1) " "$m"
	ls "$P"/dist/*.whl "$P"/dist/*.tar.gz

	# A platform twice, a missing one, another version, and a front end missing on a platform: refused.
	images_make validate-merge PARTS="leg-amd64 leg-amd64" DIST=bad PLATFORMS_web=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"linux/amd64 was validated twice"* ]]
	images_make validate-merge PARTS="leg-amd64" DIST=bad PLATFORMS_web=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"no partial result holds linux/arm64"* ]]
	images_make validate-merge PARTS="leg-amd64 leg-arm64" DIST=bad
	[ "$status" -ne 0 ]
	[[ $output == *"holds no $WEB for linux/arm64"* ]]
	sed -i 's/^version .*/version 1.2.2/' "$P/leg-arm64/shipsync-partial"
	images_make validate-merge PARTS="leg-amd64 leg-arm64" DIST=bad PLATFORMS_web=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"holds version '1.2.2', not 1.2.3"* ]]
	[ ! -e "$P/bad/shipsync-manifest" ]
	no_container_left
}

@test "one own image failing its health check fails validate, and nothing is kept" {
	# The front end's HEALTHCHECK only fetches the page; its own health URL reads it.
	printf '{"status": "starting"}\n' >"$P/web/www/health"
	images_make validate PLATFORMS=linux/amd64 HEALTH_TIMEOUT=10s HEALTH_URL_web=http://127.0.0.1:8001/health
	[ "$status" -ne 0 ]
	[[ $output == *"field 'status' is \"starting\", not \"healthy\""* ]]
	[[ $output == *"$APP linux/amd64: healthy"* ]]
	[[ $output == *"$WEB linux/amd64: the logs of shipsync-validate-"* ]]
	[[ $output == *"$WEB linux/amd64: the image is not healthy"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	[ -z "$(ls -A "$P/dist")" ]
	no_container_left
}

@test "an own image that nothing says how to build stops validate before building, naming its variables" {
	IMAGES="$IMAGES registry.invalid/acme/cli-tool"
	images_make validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"registry.invalid/acme/cli-tool: nothing says how to build it"* ]]
	[[ $output == *"DOCKER_CONTEXT_cli_tool"* ]]
	[[ $output != *building* ]]
	# Make variables say it, and the image is built from them.
	mkdir "$P/cli"
	cp "$P/web/Dockerfile" "$P/cli/"
	cp -r "$P/web/www" "$P/amd64" "$P/arm64" "$P/cli/"
	images_make validate PLATFORMS=linux/amd64 DOCKER_CONTEXT_cli_tool=cli PLATFORMS_web=linux/arm64
	[ "$status" -eq 0 ]
	[[ $output == *"registry.invalid/acme/cli-tool linux/amd64: healthy"* ]]
	grep -q '^image registry.invalid/acme/cli-tool linux/amd64 ' "$P/dist/shipsync-manifest"
	! grep -q "^image $WEB " "$P/dist/shipsync-manifest"
}
