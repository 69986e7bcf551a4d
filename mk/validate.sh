#!/usr/bin/env bash
# shipsync validate: build, start and health-check the image for every
# platform, build the Python dists, and keep what was validated in DIST with a
# manifest. Configured by the variables mk/validate.mk exports. Whatever it
# started is removed on every exit, Ctrl-C included. The engine, Docker or
# podman, is behind the functions of engine.sh.
set -euo pipefail

# Every variable and its default: mk/defaults.mk.
MANIFEST=$DIST/shipsync-manifest

say() { printf 'validate: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }
# shellcheck source=engine.sh
. "$(dirname "$0")/engine.sh"

# quietly LOG CMD...: run CMD with its output in LOG, shown only when CMD fails.
quietly() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	tail -n 60 "$log" >&2
	return 1
}

label=shipsync.validate=$$
stage=
cleanup() {
	local ids tries=0
	# By label: a container whose `docker run` was interrupted may still be
	# starting, and removing it then can fail; try again for a few seconds.
	while [ -n "$ENGINE" ] && ids=$(engine_labelled "$label") && [ -n "$ids" ] &&
		[ $((tries += 1)) -le 20 ]; do
		# shellcheck disable=SC2086 # IDs: one word each
		engine_remove $ids || sleep 0.5
	done
	[ -z "$stage" ] || rm -rf "$stage"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# The version in PYPROJECT; the tag at HEAD, when there is one, must say the same.
project_version() {
	local v tag tv pep matched='' tags
	v=$(toml-setver -g "$PYPROJECT") || fail "cannot read the version from '$PYPROJECT'"
	tags=$(git tag --points-at HEAD --list "${TAG_PREFIX}*" 2>/dev/null || true)
	[ -n "$tags" ] || { printf '%s\n' "$v"; return; }
	for tag in $tags; do
		tv=${tag#"$TAG_PREFIX"}
		pep=$(semver-check --pep440 "$tv" 2>/dev/null) || pep=$tv
		[ "$pep" != "$v" ] && [ "$tv" != "$v" ] || matched=$tag
	done
	[ -n "$matched" ] || fail "the tag at HEAD ($(echo $tags)) and '$PYPROJECT' ($v) disagree: fix the version or the tag (make version-check shows all)"
	printf '%s\n' "$v"
}

# The local name the validated images get: IMAGE's first word, or the directory's name.
image_name() {
	local name=${IMAGE%% *}
	[ -n "$name" ] || name=$(basename "$PWD" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9._\n-' '-')
	printf '%s\n' "$name"
}

# failed PLATFORM WHAT LOG: show the end of the log, what to do about it, and stop.
failed() {
	tail -n 60 "$3" >&2
	engine_explain "$1" "$3"
	fail "$1: $2"
}

# validate_platform PLATFORM: build, run, wait; on success save the image into the stage.
validate_platform() {
	local platform=$1 slug=${1//\//-} ref id name hc
	local wait_args=(-t "$HEALTH_TIMEOUT" -R)
	ref=$(image_name):${version//+/-}-$slug
	say "$platform: building $ref"
	engine_build "$platform" "$DOCKERFILE" "$ref" "$stage/iid" "$DOCKER_CONTEXT" "$stage/build.log" ||
		failed "$platform" "the image does not build (see above)" "$stage/build.log"
	id=$(cat "$stage/iid")
	hc=$(engine_healthcheck "$id")
	[ -n "$hc" ] || [ -n "$HEALTH_URL" ] ||
		fail "$platform: the image has no HEALTHCHECK and HEALTH_URL is empty: nothing tells whether it works"
	[ -n "$hc" ] || say "$platform: the image has no HEALTHCHECK; checking $HEALTH_URL only"

	name=shipsync-validate-$$-$slug
	say "$platform: starting $name (--network $VALIDATE_NETWORK)"
	engine_run "$platform" "$VALIDATE_NETWORK" "$label" "$name" "$id" "$stage/run.log" ||
		failed "$platform" "the container does not start" "$stage/run.log"
	engine_healthwait_args wait_args
	wait_args+=(-c "$name")
	if [ -n "$HEALTH_URL" ]; then
		[ "$VALIDATE_NETWORK" = host ] || wait_args+=(-N)
		[ -z "$HEALTH_FIELD" ] || wait_args+=(-f "$HEALTH_FIELD" -e "$HEALTH_EXPECT")
		wait_args+=("$HEALTH_URL")
	fi
	if ! healthwait "${wait_args[@]}"; then
		say "$platform: the logs of $name:"
		engine_logs "$name" | tee "$stage/container.log" >&2 || true
		engine_explain "$platform" "$stage/container.log"
		fail "$platform: the image is not healthy"
	fi
	engine_remove "$name"
	say "$platform: healthy; saving it"
	engine_save "$ref" "$stage/image-$slug.tar" "$stage/save.log" ||
		failed "$platform" "cannot save the image" "$stage/save.log"
	printf 'image %s %s image-%s.tar\n' "$platform" "$id" "$slug" >>"$stage/images"
}

build_dists() {
	local dir
	dir=$(dirname "$PYPROJECT")
	say "building the sdist and the wheel of '$dir'"
	quietly "$stage/dists.log" "$PYTHON" -m build --no-isolation --sdist --wheel \
		--outdir "$stage/py" "$dir" || fail "the sdist or the wheel does not build (see above)"
}

# Move the staged artifacts into DIST and write the manifest last.
keep_artifacts() {
	local f
	rm -f "$DIST"/image-*.tar "$DIST"/*.whl "$DIST"/*.tar.gz
	mv "$stage"/image-*.tar "$stage"/py/* "$DIST/"
	{
		printf 'shipsync-manifest 1\n'
		printf 'version %s\n' "$version"
		cat "$stage/images"
		for f in $(cd "$DIST" && ls image-*.tar *.tar.gz *.whl); do
			printf '%s %s %s\n' "$(sha256sum "$DIST/$f" | cut -d ' ' -f 1)" \
				"$(stat -c %s "$DIST/$f")" "$f"
		done
	} >"$stage/manifest"
	mv "$stage/manifest" "$MANIFEST"
	say "validated $version for $PLATFORMS: $MANIFEST"
}

version=$(project_version)
engine_detect
mkdir -p "$DIST"
rm -f "$MANIFEST"
stage=$(mktemp -d "$DIST/.validate.XXXXXX")
for platform in $PLATFORMS; do
	validate_platform "$platform"
done
build_dists
keep_artifacts
