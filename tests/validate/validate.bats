#!/usr/bin/env bats
# make validate on a sample project with the real engine: both platforms,
# unhealthy and broken images, the version check, and Ctrl-C. tests/run runs
# this file twice: with Docker, and with DOCKER=podman.
load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	need_engine || return 1
	require make git sha256sum setsid healthwait toml-setver || return 1
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

setup() {
	need_engine
	find_python
	sample_project
}

teardown() {
	validate_teardown
}

@test "healthy on both platforms: image archives, dists and a manifest that matches them" {
	run make -C "$P" --no-print-directory -f "$TOP/mk/validate.mk" validate DOCKER="$DOCKER" \
		PYTHON="$PY" IMAGE="$IMAGE"
	echo "$output"
	[ "$status" -eq 0 ]
	# The HEALTHCHECK decided too: the engine kept it in the image.
	[[ $output != *"has no HEALTHCHECK"* ]]
	no_container_left
	local m=$P/dist/shipsync-manifest
	[ -f "$m" ]
	[ "$(sed -n 1p "$m")" = "shipsync-manifest 2" ]
	grep -qx 'version 1.2.3' "$m"
	grep -qx "commit $(git -C "$P" rev-parse HEAD)" "$m"
	grep -qx 'platforms linux/amd64 linux/arm64' "$m"
	# Every artifact line: the sha256 and size of a file that is there.
	local n=0 sum size path
	while read -r sum size path; do
		[ "$(sha256sum "$P/dist/$path" | cut -d ' ' -f 1)" = "$sum" ]
		[ "$(stat -c %s "$P/dist/$path")" = "$size" ]
		n=$((n + 1))
	done < <(grep -E '^[0-9a-f]{64} ' "$m")
	[ "$n" -eq 4 ]
	grep -Eq ' shipsync-sample-1\.2\.3\.tar\.gz$' "$m"
	grep -Eq ' shipsync_sample-1\.2\.3-py3-none-any\.whl$' "$m"
	# Each image line: the config digest and architecture of the saved archive.
	local platform digest archive config arch
	for arch in amd64 arm64; do
		read -r _ _ platform digest archive < <(grep "^image $IMAGE linux/$arch " "$m")
		[ "$archive" = "image-$IMAGE-linux-$arch.tar" ]
		config=$(tar -xOf "$P/dist/$archive" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
		[ "sha256:$(tar_member_sha256 "$P/dist/$archive" "$config")" = "$digest" ]
		tar -xOf "$P/dist/$archive" "$config" | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["architecture"] != sys.argv[1])' "$arch"
		# The archive keeps the HEALTHCHECK, and the engine holds the image validated.
		tar -xOf "$P/dist/$archive" "$config" | python3 -c 'import json,sys; sys.exit("Healthcheck" not in json.load(sys.stdin)["config"])'
		[ "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE:1.2.3-linux-$arch")" = "${digest#sha256:}" ] ||
			[ "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE:1.2.3-linux-$arch")" = "$digest" ]
	done
	# Nothing else was left in dist.
	[ "$(ls -A "$P/dist" | wc -l)" -eq 5 ]
	grep -q "^image $IMAGE linux/amd64 sha256:[0-9a-f]\{64\} image-$IMAGE-linux-amd64.tar$" "$m"
}

@test "/health says starting forever: fails at the deadline and shows the logs" {
	printf '{"status": "starting"}\n' >"$P/www/health"
	validate PLATFORMS=linux/amd64 HEALTH_TIMEOUT=15s
	[ "$status" -ne 0 ]
	[[ $output == *"field 'status' is \"starting\", not \"healthy\""* ]]
	[[ $output == *"$IMAGE linux/amd64: the logs of shipsync-validate-"* ]]
	[[ $output == *"url:/health"* ]]
	[[ $output == *"$IMAGE linux/amd64: the image is not healthy"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	[ -z "$(ls -A "$P/dist")" ]
	no_container_left
}

@test "a container that exits at start fails at once with its exit code and logs" {
	sed -i 's|^CMD .*|CMD ["/bin/busybox", "sh", "-c", "echo cannot bind the port >\&2; exit 3"]|' "$P/Dockerfile"
	validate PLATFORMS=linux/amd64 HEALTH_TIMEOUT=5m
	[ "$status" -ne 0 ]
	[[ $output == *"exited with code 3 before it was healthy"* ]]
	[[ $output == *"cannot bind the port"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	no_container_left
}

@test "no HEALTHCHECK: the JSON check alone decides, and a matching pre-release tag passes" {
	sed -i '/^HEALTHCHECK/,/CMD \["\/bin\/busybox", "wget"/d' "$P/Dockerfile"
	! grep -q HEALTHCHECK "$P/Dockerfile"
	sed -i 's/^version = .*/version = "1.2.3rc1"/' "$P/pyproject.toml"
	git -C "$P" -c user.name=t -c user.email=t@example.invalid commit -q -am rc
	git -C "$P" tag v1.2.3-rc.1
	validate PLATFORMS=linux/arm64
	[ "$status" -eq 0 ]
	[[ $output == *"$IMAGE linux/arm64: the image has no HEALTHCHECK; checking http://127.0.0.1:8000/health only"* ]]
	grep -qx 'version 1.2.3rc1' "$P/dist/shipsync-manifest"
	grep -q "^image $IMAGE linux/arm64 sha256:" "$P/dist/shipsync-manifest"
	! grep -q "^image $IMAGE linux/amd64" "$P/dist/shipsync-manifest"
	no_container_left
}

@test "a platform that no emulator runs: says how to get one before building anything" {
	[ ! -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ] || unmet "an emulator for riscv64 is registered"
	validate PLATFORMS="linux/amd64 linux/riscv64"
	[ "$status" -ne 0 ]
	[[ $output == *"linux/riscv64 programs cannot run on this $(uname -m) machine: no emulator is registered for riscv64"* ]]
	[[ $output == *qemu-user-static* ]]
	[[ $output == *"linux/riscv64: no emulator runs its programs here; nothing was built"* ]]
	[[ $output != *building* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	[ -z "$("$DOCKER" images -q "$IMAGE")" ]
}

@test "a container that dies of exec format error: says how to get an emulator" {
	# Programs of another architecture than the platform says: busybox with
	# the ELF header's machine field set to RISC-V (0xf3) in the amd64 image.
	printf '\363\000' | dd of="$P/amd64/bin/busybox" bs=1 seek=18 conv=notrunc status=none
	git -C "$P" -c user.name=t -c user.email=t@example.invalid commit -q -am riscv
	validate PLATFORMS=linux/amd64 HEALTH_TIMEOUT=30s
	[ "$status" -ne 0 ]
	[[ $output == *"exec format error"* ]]
	[[ $output == *"the image holds programs of another architecture than linux/amd64's"* ]]
	[[ $output == *"$IMAGE linux/amd64: the image is not healthy"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	no_container_left
}

@test "no HEALTHCHECK and no HEALTH_URL: it must keep running through the grace period, and says that is all" {
	sed -i '/^HEALTHCHECK/,/CMD \["\/bin\/busybox", "wget"/d' "$P/Dockerfile"
	validate PLATFORMS=linux/amd64 HEALTH_URL= VALIDATE_GRACE=2
	[ "$status" -eq 0 ]
	[[ $output == *"no HEALTHCHECK and no health URL: checking only that it keeps running for 2s"* ]]
	[[ $output == *"kept running for 2s, which is all that was checked"* ]]
	no_container_left
	# One that exits within the grace period fails, with its logs.
	sed -i 's|^CMD .*|CMD ["/bin/busybox", "sh", "-c", "echo giving up >\&2; exit 0"]|' "$P/Dockerfile"
	validate PLATFORMS=linux/amd64 HEALTH_URL= VALIDATE_GRACE=5
	[ "$status" -ne 0 ]
	[[ $output == *"giving up"* ]]
	[[ $output == *"$IMAGE linux/amd64: the image is not healthy"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	no_container_left
}

@test "no Dockerfile: names the image and the variables to set, before building anything" {
	git -C "$P" rm -q Dockerfile
	validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"$IMAGE: no Dockerfile 'Dockerfile' (from DOCKERFILE and DOCKER_CONTEXT)"* ]]
	[[ $output == *"DOCKERFILE_${IMAGE//-/_}"* ]]
	[[ $output != *building* ]]
	[[ $output != *buildx* ]]
}

@test "a Docker client without BuildKit: names the buildx component and how to get it" {
	# A client of today's version whose buildx plugin is missing.
	cat >"$BATS_TEST_TMPDIR/docker" <<-EOF
	#!/bin/sh
	case "\$1" in
	--version) echo "Docker version 28.0.1, build 068a01e"; exit 0 ;;
	buildx) echo "docker: 'buildx' is not a docker command." >&2; exit 1 ;;
	esac
	exec "$DOCKER" "\$@"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/docker"
	validate PLATFORMS=linux/amd64 DOCKER="$BATS_TEST_TMPDIR/docker"
	[ "$status" -ne 0 ]
	[[ $output == *"buildx"*"component, which is not installed"* ]]
	[[ $output == *"docker-buildx"* ]]
	[[ $output != *building* ]]
}

@test "a broken Dockerfile fails with the build's error and keeps no old manifest" {
	mkdir -p "$P/dist"
	printf 'shipsync-manifest 1\nversion 0.9.0\n' >"$P/dist/shipsync-manifest"
	printf 'COPY no-such-dir/ /opt/\n' >>"$P/Dockerfile"
	validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"no-such-dir"* ]]
	[[ $output == *"$IMAGE linux/amd64: the image does not build"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	no_container_left
}

@test "refuses a tag at HEAD that disagrees with pyproject.toml, before building" {
	git -C "$P" tag v1.2.4
	validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"the tag at HEAD (v1.2.4) and 'pyproject.toml' (1.2.3) disagree"* ]]
	[[ $output != *building* ]]
	[ -z "$("$DOCKER" images -q "$IMAGE")" ]
}

@test "a broken pyproject.toml fails before building" {
	printf '[project\nname = \n' >"$P/pyproject.toml"
	validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"cannot read the version from 'pyproject.toml'"* ]]
	[[ $output != *building* ]]
}

@test "Ctrl-C while waiting for health leaves no container and no manifest" {
	printf '{"status": "starting"}\n' >"$P/www/health"
	# Background jobs of a non-interactive shell ignore SIGINT: restore it for make.
	setsid env --default-signal=INT make -C "$P" --no-print-directory validate SHIPSYNC_MK="$TOP/mk/" DOCKER="$DOCKER" \
		PYTHON="$PY" IMAGE="$IMAGE" PLATFORMS=linux/amd64 HEALTH_TIMEOUT=5m \
		>"$BATS_TEST_TMPDIR/make.log" 2>&1 &
	local pid=$! i
	echo "$pid" >"$BATS_TEST_TMPDIR/make.pid"
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	for i in $(seq 1 600); do
		[ -n "$("$DOCKER" ps -q --filter label=shipsync.validate)" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$("$DOCKER" ps -q --filter label=shipsync.validate)" ]
	sleep 1
	kill -INT -- "-$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -ne 0 ]
	cat "$BATS_TEST_TMPDIR/make.log"
	grep -q 'validate: interrupted' "$BATS_TEST_TMPDIR/make.log"
	no_container_left
	[ ! -e "$P/dist/shipsync-manifest" ]
	[ -z "$(ls -A "$P/dist")" ]
}

@test "VALIDATE_NETWORK=host: the container shares the host's network and is probed from here" {
	local port
	port=$(free_port)
	sed -i "s/8000/$port/g" "$P/Dockerfile"
	validate PLATFORMS=linux/amd64 VALIDATE_NETWORK=host HEALTH_URL="http://127.0.0.1:$port/health"
	[ "$status" -eq 0 ]
	[[ $output == *"$IMAGE linux/amd64: starting shipsync-validate-"*"(--network host)"* ]]
	grep -q "^image $IMAGE linux/amd64 sha256:" "$P/dist/shipsync-manifest"
	no_container_left
}
