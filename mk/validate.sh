#!/usr/bin/env bash
# shipsync validate: build, start and health-check every own image for every
# platform, build the Python dists, and keep what was validated in DIST with a
# manifest. Configured by the variables mk/validate.mk exports. Whatever it
# started is removed on every exit, Ctrl-C included. The engine, Docker or
# podman, is behind the functions of engine.sh.
#
#   validate.sh           every platform of PLATFORMS, the dists, the manifest
#   validate.sh platform  the images of PLATFORMS only, with a partial manifest
#   validate.sh merge     the partial results in PARTS, the dists, the manifest
#
# `validate.sh` is `platform` into a stage directory, then `merge` of it.
set -euo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me=validate
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# engine.sh reports with these.
fail() { die "$@"; }
# shellcheck source=engine.sh
. "$(dirname "$0")/engine.sh"

# Every variable and its default: mk/defaults.mk.
MANIFEST=$DIST/shipsync-manifest
PARTIAL=shipsync-partial
mode=${1:-all}

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

# --- the own images and how each is built ---------------------------------

# Sets images (the repositories of IMAGE, or the directory's name when IMAGE
# is empty: the image is then only built and checked here).
find_images() {
	local list key
	local -A keys=()
	list=$(own_images) || exit
	images=()
	[ -z "$list" ] || mapfile -t images <<<"$list"
	if [ ${#images[@]} -eq 0 ]; then
		images=("$(basename "$PWD" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9._\n-' '-')")
		return
	fi
	for list in "${images[@]}"; do
		key=$(image_key "$list")
		[ -z "${keys[$key]:-}" ] ||
			fail "IMAGE has two images whose variables would be named '*_$key' (${keys[$key]} and $list): rename one"
		keys[$key]=$list
	done
}

declare -A context=() dockerfile=() target=() buildargs=() from=()

# The build sections of the own images' compose services: COMPOSE_FILES, then
# the compose files a development checkout has at the top. The first file
# that says how an image is built says it all. An image whose context or
# Dockerfile make variables name is not looked up: they say it all.
compose_builds() {
	local files=() f out repo field value image_args=()
	local -A seen=()
	[ -n "$IMAGE" ] || return 0
	for f in "${images[@]}"; do
		image_var DOCKER_CONTEXT "$f" >/dev/null || image_var DOCKERFILE "$f" >/dev/null || image_args+=(-i "$f")
	done
	[ ${#image_args[@]} -gt 0 ] || return 0
	read -r -a files <<<"$COMPOSE_FILES"
	for f in "${files[@]}" compose.y*ml compose.*.y*ml docker-compose.y*ml docker-compose.*.y*ml; do
		[ -f "$f" ] && [ -z "${seen[$f]:-}" ] || continue
		seen[$f]=1
		out=$(compose-retag "${image_args[@]}" -b -- "$f") ||
			fail "cannot read how '$f' builds the images (see above): fix it, or name the image's context with DOCKER_CONTEXT_<key> (shipsync(7))"
		while IFS=$'\t' read -r repo field value; do
			[ -n "$repo" ] || continue
			[ -z "${from[$repo]:-}" ] || [ "${from[$repo]}" = "$f" ] || continue
			from[$repo]=$f
			case $field in
			context) context[$repo]=$value ;;
			dockerfile) dockerfile[$repo]=$value ;;
			target) target[$repo]=$value ;;
			arg) buildargs[$repo]+=$value$'\n' ;;
			esac
		done <<<"$out"
	done
}

# Make variables name the context, Dockerfile and target of an image that no
# compose file builds, or override what one says. The first image falls back
# on DOCKER_CONTEXT and DOCKERFILE, as for a project with one image.
variable_builds() {
	local repo key v
	for repo in "${images[@]}"; do
		key=$(image_key "$repo")
		if v=$(image_var DOCKER_CONTEXT "$repo"); then
			context[$repo]=$v dockerfile[$repo]=$v/Dockerfile from[$repo]="DOCKER_CONTEXT_$key"
		fi
		if v=$(image_var DOCKERFILE "$repo"); then
			dockerfile[$repo]=$v from[$repo]="DOCKERFILE_$key"
			[ -n "${context[$repo]:-}" ] || context[$repo]=.
		fi
		if v=$(image_var DOCKER_TARGET "$repo"); then
			target[$repo]=$v
		fi
		if [ -z "${from[$repo]:-}" ] && [ "$repo" = "${images[0]}" ]; then
			context[$repo]=$DOCKER_CONTEXT dockerfile[$repo]=$DOCKERFILE from[$repo]="DOCKERFILE and DOCKER_CONTEXT"
		fi
		[ -n "${from[$repo]:-}" ] ||
			fail "$repo: nothing says how to build it: give its compose service a build: section, or set DOCKER_CONTEXT_$key (and DOCKERFILE_$key, DOCKER_TARGET_$key) in the Makefile"
	done
}

# platforms_of REPOSITORY: the platforms of PLATFORMS the image supports
# (PLATFORMS_<key> declares those; all when it is not set).
platforms_of() {
	local p own
	own=$(image_var PLATFORMS "$1") || { printf '%s\n' $PLATFORMS; return; }
	for p in $PLATFORMS; do
		case " $(echo $own) " in *" $p "*) printf '%s\n' "$p" ;; esac
	done
}

# Before anything is built: every Dockerfile is there, and the engine can
# build and run every platform.
preflight() {
	local repo p
	local -A all=()
	for repo in "${images[@]}"; do
		[ -d "${context[$repo]}" ] ||
			fail "$repo: the build context '${context[$repo]}' (from ${from[$repo]}) is not a directory"
		[ -f "${dockerfile[$repo]}" ] ||
			fail "$repo: no Dockerfile '${dockerfile[$repo]}' (from ${from[$repo]}): write one, or name it with DOCKERFILE_$(image_key "$repo") and DOCKER_CONTEXT_$(image_key "$repo")"
		for p in $(platforms_of "$repo"); do all[$p]=1; done
	done
	engine_check_builder
	for p in $PLATFORMS; do
		[ -z "${all[$p]:-}" ] || engine_check_platform "$p"
	done
}

# --- one image on one platform ---------------------------------------------

# health_of REPOSITORY: sets url, field and expect. HEALTH_URL and its field
# are the first image's; another image has its own or none.
health_of() {
	local repo=$1
	if ! url=$(image_var HEALTH_URL "$repo"); then
		url=''
		[ "$repo" != "${images[0]}" ] || url=$HEALTH_URL
	fi
	field=$(image_var HEALTH_FIELD "$repo") || field=$HEALTH_FIELD
	expect=$(image_var HEALTH_EXPECT "$repo") || expect=$HEALTH_EXPECT
}

# failed WHO PLATFORM WHAT LOG: show the end of the log, what to do about it, and stop.
failed() {
	tail -n 60 "$4" >&2
	engine_explain "$2" "$4"
	fail "$1: $3"
}

# stays_running WHO NAME: the container runs through the grace period.
stays_running() {
	local i
	say "$1: the image has no HEALTHCHECK and no health URL: checking only that it keeps running for ${VALIDATE_GRACE}s"
	for ((i = 0; i < VALIDATE_GRACE; i++)); do
		engine_running "$2" || return 1
		sleep 1
	done
	engine_running "$2"
}

# validate_one REPOSITORY PLATFORM: build, run, wait; on success save the image into the stage.
validate_one() {
	local repo=$1 platform=$2 slug=${2//\//-} ref id digest name hc url field expect arg archive
	local who="$1 $2" wait_args=(-t "$HEALTH_TIMEOUT" -R) build_opts=()
	ref=$repo:${version//+/-}-$slug
	[ -z "${target[$repo]:-}" ] || build_opts+=(--target "${target[$repo]}")
	while IFS= read -r arg; do
		[ -z "$arg" ] || build_opts+=(--build-arg "$arg")
	done <<<"${buildargs[$repo]:-}"
	say "$who: building $ref${target[$repo]:+ (target ${target[$repo]})}"
	engine_build "$platform" "${dockerfile[$repo]}" "$ref" "$stage/iid" "${context[$repo]}" "$stage/build.log" \
		"${build_opts[@]}" || failed "$who" "$platform" "the image does not build (see above)" "$stage/build.log"
	id=$(cat "$stage/iid")
	hc=$(engine_healthcheck "$id")
	health_of "$repo"
	[ -n "$hc" ] || [ -z "$url" ] || say "$who: the image has no HEALTHCHECK; checking $url only"

	name=shipsync-validate-$$-$((++started))-$slug
	say "$who: starting $name (--network $VALIDATE_NETWORK)"
	engine_run "$platform" "$VALIDATE_NETWORK" "$label" "$name" "$id" "$stage/run.log" ||
		failed "$who" "$platform" "the container does not start" "$stage/run.log"
	engine_healthwait_args wait_args
	wait_args+=(-c "$name")
	if [ -n "$url" ]; then
		[ "$VALIDATE_NETWORK" = host ] || wait_args+=(-N)
		[ -z "$field" ] || wait_args+=(-f "$field" -e "$expect")
		wait_args+=("$url")
	fi
	if { [ -n "$hc$url" ] && ! healthwait "${wait_args[@]}"; } ||
		{ [ -z "$hc$url" ] && ! stays_running "$who" "$name"; }; then
		say "$who: the logs of $name:"
		engine_logs "$name" | tee "$stage/container.log" >&2 || true
		engine_explain "$platform" "$stage/container.log"
		fail "$who: the image is not healthy"
	fi
	engine_remove "$name"
	if [ -n "$hc$url" ]; then
		say "$who: healthy; saving it"
	else
		say "$who: kept running for ${VALIDATE_GRACE}s, which is all that was checked; saving it"
	fi
	archive=image-$(archive_slug "$repo")-$slug.tar
	engine_save "$ref" "$stage/part/$archive" "$stage/save.log" ||
		failed "$who" "$platform" "cannot save the image" "$stage/save.log"
	case $id in sha256:*) digest=$id ;; *) digest=sha256:$id ;; esac
	printf 'image %s %s %s %s\n' "$repo" "$platform" "$digest" "$archive" >>"$stage/images"
}

# sums DIR FILE...: the sha256, size and name of each file, one a line.
sums() {
	local dir=$1 f
	shift
	for f; do
		printf '%s %s %s\n' "$(sha256sum -- "$dir/$f" | cut -d ' ' -f 1)" "$(stat -c %s -- "$dir/$f")" "$f"
	done
}

# validate_platforms: every own image on each of PLATFORMS, into $stage/part
# with its partial manifest.
validate_platforms() {
	local repo p archives=()
	started=0
	mkdir "$stage/part"
	: >"$stage/images"
	for repo in "${images[@]}"; do
		[ -n "$(platforms_of "$repo")" ] || say "$repo: none of PLATFORMS ($PLATFORMS) is one it supports; skipped"
	done
	for p in $PLATFORMS; do
		for repo in "${images[@]}"; do
			# Not a pipe into grep -q: under pipefail its early exit fails the pipe.
			grep -qxF -- "$p" <<<"$(platforms_of "$repo")" || continue
			validate_one "$repo" "$p"
		done
	done
	while read -r _ _ _ _ p; do archives+=("$p"); done <"$stage/images"
	{
		printf '%s 2\nversion %s\ncommit %s\nplatforms %s\n' "$PARTIAL" "$version" "$commit" "$(echo $PLATFORMS)"
		cat "$stage/images"
		sums "$stage/part" "${archives[@]}"
	} >"$stage/part/$PARTIAL"
}

# --- merging partial results -------------------------------------------------

build_dists() {
	local dir
	dir=$(dirname "$PYPROJECT")
	say "building the sdist and the wheel of '$dir'"
	mkdir -p "$stage/py"
	quietly "$stage/dists.log" "$PYTHON" -m build --no-isolation --sdist --wheel \
		--outdir "$stage/py" "$dir" || fail "the sdist or the wheel does not build (see above)"
}

# merge PART...: check the partial results against each other and this
# checkout, put their archives and the dists in DIST, and the manifest last.
# shellcheck disable=SC2154 # m_*: set by read_manifest_file (lib.sh)
merge() {
	local part p repo digest file entry lines=() archives=() dists=()
	local -A platform_in=() have=()
	mkdir -p "$stage/merged"
	for part; do
		read_manifest_file "$part/$PARTIAL" "$part" "$PARTIAL"
		[ "$m_version" = "$version" ] ||
			fail "'$part' holds version '$(shown "$m_version")', not $version: validate this version there again"
		[ "$m_commit" = "$commit" ] ||
			fail "'$part' was validated at commit '$(shown "$m_commit")', not at $commit: validate this commit there again"
		for p in $m_platforms; do
			[ -z "${platform_in[$p]:-}" ] || fail "$p was validated twice: in '${platform_in[$p]}' and in '$part'"
			case " $(echo $PLATFORMS) " in *" $p "*) ;; *) fail "'$part' validated $p, which PLATFORMS ($PLATFORMS) does not name" ;; esac
			platform_in[$p]=$part
		done
		for entry in "${m_images[@]}"; do
			read -r repo p digest file <<<"$entry"
			[ -n "${platform_in[$p]:-}" ] && [ "${platform_in[$p]}" = "$part" ] ||
				fail "'$part' holds $repo for $p, a platform it does not say it validated"
			have["$repo $p"]=$file
			lines+=("image $entry")
			ln -f -- "$part/$file" "$stage/merged/$file" 2>/dev/null || cp -- "$part/$file" "$stage/merged/$file"
			archives+=("$file")
		done
	done
	for p in $PLATFORMS; do
		[ -n "${platform_in[$p]:-}" ] || fail "no partial result holds $p: validate it (make validate-platform PLATFORMS=$p) and add its DIST to PARTS"
	done
	for repo in "${images[@]}"; do
		for p in $(platforms_of "$repo"); do
			[ -n "${have["$repo $p"]:-}" ] || fail "'${platform_in[$p]}' holds no $repo for $p: it was validated with another IMAGE or PLATFORMS_$(image_key "$repo")"
		done
	done
	build_dists
	for file in "$stage"/py/*; do
		mv -- "$file" "$stage/merged/"
		dists+=("${file##*/}")
	done
	{
		printf 'shipsync-manifest 2\nversion %s\ncommit %s\nplatforms %s\n' "$version" "$commit" "$(echo $PLATFORMS)"
		[ ${#lines[@]} -eq 0 ] || printf '%s\n' "${lines[@]}"
		sums "$stage/merged" "${archives[@]}" "${dists[@]}"
	} >"$stage/merged/shipsync-manifest"
	keep "$stage/merged" shipsync-manifest
	say "validated $version for $(echo $PLATFORMS), ${#images[@]} image(s): $MANIFEST"
}

# keep DIR RECORD: replace what DIST holds of an earlier validation with the
# files of DIR, the record (manifest or partial manifest) last.
keep() {
	local dir=$1 record=$2 f
	rm -f -- "$DIST"/image-*.tar "$DIST"/*.whl "$DIST"/*.tar.gz "$DIST/$PARTIAL" "$MANIFEST"
	for f in "$dir"/*; do
		[ "${f##*/}" = "$record" ] || mv -- "$f" "$DIST/"
	done
	mv -- "$dir/$record" "$DIST/$record"
}

# Paths handed to the tools never start with a dash.
case $DIST in /*) ;; *) DIST=./$DIST ;; esac
MANIFEST=$DIST/shipsync-manifest
[[ $VALIDATE_GRACE =~ ^[0-9]+$ ]] || fail "VALIDATE_GRACE '$(shown "$VALIDATE_GRACE")' is not a number of seconds"
# Platforms are words of letters and digits: unquoted, they split and never glob.
for p in $PLATFORMS; do
	[[ $p =~ ^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$ ]] || fail "PLATFORMS: '$(shown "$p")' is not a platform like linux/amd64 or linux/arm/v7"
done
version=$(project_version)
commit=$(git rev-parse -q --verify HEAD 2>/dev/null) || commit=none
find_images
mkdir -p "$DIST"
stage=$(mktemp -d "$DIST/.validate.XXXXXX")
case $mode in
all|platform)
	compose_builds
	variable_builds
	engine_detect
	preflight
	rm -f -- "$MANIFEST" "$DIST/$PARTIAL"
	validate_platforms
	if [ "$mode" = platform ]; then
		keep "$stage/part" "$PARTIAL"
		say "validated $version for $(echo $PLATFORMS): $DIST/$PARTIAL; merge it with the other platforms' (make validate-merge)"
	else
		merge "$stage/part"
	fi ;;
merge)
	read -r -a parts <<<"$PARTS"
	[ ${#parts[@]} -gt 0 ] || fail "name the DIST directories of the platforms' validations with PARTS"
	for p in "${!parts[@]}"; do
		case ${parts[$p]} in /*) ;; *) parts[$p]=./${parts[$p]} ;; esac
	done
	merge "${parts[@]}" ;;
*)
	fail "unknown mode '$(shown "$mode")'" ;;
esac
