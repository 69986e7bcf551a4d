#!/usr/bin/env bash
# shipsync publish: ship exactly what `make validate` kept, in an order that
# keeps a failure cheap, and verify each artifact from the outside.
#
#   1. preflight: tag at HEAD, clean tree, versions agree, artifacts match
#      the manifest, credentials present, CI passed for the tag's commit
#   2. stage what can be undone: image blobs and manifests by digest, a draft
#      GitHub release with its assets
#   3. the irreversible step: PyPI
#   4. promote: image tags, publish the release
# Each tool skips what is already done, so a failed publish is finished by
# running it again. DRY_RUN=1 runs the preflight and shows, step by step,
# what each tool would do. Configuration: the environment (mk/defaults.mk).
set -euo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me=publish
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=report.sh
. "$(dirname "$0")/report.sh"
here=$(cd "$(dirname "$0")" && pwd)

# Paths handed to the tools never start with a dash.
case $DIST in /*) ;; *) DIST=./$DIST ;; esac
MANIFEST=$DIST/shipsync-manifest

step=preflight version='' notes=''
# On failure, tell the release channel which step failed (never fails the publish itself).
finish() {
	local status=$?
	[ -z "$notes" ] || rm -f -- "$notes"
	# A preflight failure has nothing to report but its message.
	if [ "$status" -ne 0 ] && [ "$step" != preflight ]; then
		report_finish failed "$step"
	fi
	if [ "$status" -ne 0 ] && [ -n "${RELEASE_WEBHOOK_URL:-}" ] && [ -z "$DRY_RUN" ] && [ -n "$version" ]; then
		release-notify -b -s "$step" -- "$version" || true
	fi
	exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dry=()
[ -z "$DRY_RUN" ] || dry=(-n)

# begin STEP MESSAGE: a new step, named for the failure report, announced.
begin() {
	step=$1
	say "$2"
}

# act TOOL ARG...: run a tool that changes something. In a dry run the tool
# only reads and plans, and its plan is shown under the step that runs it.
act() {
	if [ -z "$DRY_RUN" ]; then
		"$@"
	else
		"$@" | indent >&2
	fi
}

# --- preflight -----------------------------------------------------------

# The one version tag at HEAD; sets tag, version, pep440.
find_tag() {
	local versions
	check_tag_prefix
	versions=$(version_tags --points-at HEAD)
	[ -n "$versions" ] || die "no ${TAG_PREFIX}X.Y.Z tag at HEAD: run make bump first, or check out the tag"
	[ "$(wc -l <<<"$versions")" -eq 1 ] ||
		die "several version tags at HEAD ($(echo "$versions" | tr '\n' ' ')); publish one at a time"
	version=$versions
	tag=$TAG_PREFIX$version
	semver-check -q -- "$version" || die "tag '$tag' is not '${TAG_PREFIX}' followed by a SemVer version"
	pep440=$(semver-check --pep440 -- "$version")
	report_for "$tag" "$version"
}

# plain_name NAME: NAME names a file directly inside DIST: no directory, not
# . or .., no leading dash, no control character. The manifest is a file on
# disk, and a name such as ../../.ssh/id_rsa would attach that file.
plain_name() {
	case $1 in
	''|.|..|-*|*/*|*[[:cntrl:]]*) return 1 ;;
	esac
}

# verified NAME SHA256 SIZE: DIST/NAME is a regular file with those bytes.
verified() {
	local path=$DIST/$1
	[ ! -L "$path" ] || die "'$path' is a symbolic link; validate keeps the files themselves: run make validate again"
	[ -f "$path" ] || die "'$path' is in the manifest but missing"
	[ "$(sha256sum -- "$path" | cut -d ' ' -f 1)" = "$2" ] && [ "$(stat -c %s -- "$path")" = "$3" ] ||
		die "'$path' is not what validate tested (sha256 differs): run make validate again"
}

# read_manifest: check every line of DIST/shipsync-manifest and every file it
# names; sets dists (the sdist and wheels) and archives (platform=path).
read_manifest() {
	local first a b c extra platform for_version=''
	local -A checked=()
	dists=() archives=()
	[ -f "$MANIFEST" ] || die "no '$MANIFEST': run make validate for $tag first"
	while read -r first a b c extra; do
		case $first in
		''|shipsync-manifest)
			;;
		version)
			for_version=$a ;;
		image)	# image PLATFORM CONFIG-DIGEST FILE
			platform=$a
			plain_name "$c" && [ -z "$extra" ] || die "'$MANIFEST': '$(shown "$c")' is not a plain file name in '$DIST'"
			case $platform in ''|*[!a-z0-9/._-]*|[!a-z]*) die "'$MANIFEST': '$(shown "$platform")' is not a platform" ;; esac
			archives+=("$platform=$DIST/$c") ;;
		*)	# SHA256 SIZE FILE
			plain_name "$b" && [ -z "$c$extra" ] || die "'$MANIFEST': '$(shown "$b")' is not a plain file name in '$DIST'"
			[[ $first =~ ^[0-9a-f]{64}$ ]] && [[ $a =~ ^[0-9]+$ ]] ||
				die "'$MANIFEST': '$(shown "$first $a $b")' is not a line validate writes: run make validate again"
			verified "$b" "$first" "$a"
			checked[$b]=1
			case $b in image-*.tar) ;; *) dists+=("$DIST/$b") ;; esac ;;
		esac
	done <"$MANIFEST"
	[ "$for_version" = "$pep440" ] ||
		die "'$MANIFEST' is for version '$(shown "$for_version")', not $pep440: run make validate again"
	[ ${#dists[@]} -gt 0 ] || die "'$MANIFEST' lists no sdist or wheel"
	for a in "${archives[@]}"; do
		[ -n "${checked[${a##*/}]:-}" ] || die "'$MANIFEST' names the image '${a##*/}' without its sha256"
	done
	for a in "$DIST"/*.whl "$DIST"/*.tar.gz "$DIST"/image-*.tar; do
		[ -e "$a" ] || continue
		[ -n "${checked[${a##*/}]:-}" ] ||
			die "'$a' is not in '$MANIFEST': it was not validated; remove it or validate again"
	done
}

preflight() {
	find_tag
	[ -z "$(git status --porcelain --untracked-files=no)" ] || die "the work tree has uncommitted changes"
	"$here/version-check.sh" >&2 || die "the version references disagree (table above); fix them and tag again"
	read_manifest
	[ -n "${GITHUB_TOKEN:-}${GH_TOKEN:-}" ] || die "no GITHUB_TOKEN or GH_TOKEN in the environment: the GitHub release needs one"
	[ -n "${PYPI_TOKEN:-}${TWINE_PASSWORD:-}${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -f "${HOME:-/}/.pypirc" ] ||
		die "no PyPI credentials: set PYPI_TOKEN (or TWINE_USERNAME/TWINE_PASSWORD, ~/.pypirc, or trusted publishing)"
	image=$(first_image)
	[ ${#archives[@]} -eq 0 ] || [ -n "$image" ] || die "the manifest has images but IMAGE names no repository to push them to"
	local ci=(gh-release ci-status)
	[ -z "$CI_WORKFLOW" ] || ci+=(--workflow "$CI_WORKFLOW")
	"${ci[@]}" -- "$tag" || die "CI has not passed for $tag (gh-release ci-status says why); publish waits for a green run"
	say "preflight passed for $tag${DRY_RUN:+ (dry run: nothing will be changed)}"
}

# --- the steps -----------------------------------------------------------

stage_images() {
	[ ${#archives[@]} -gt 0 ] || return 0
	begin "staging the images" "staging the images of $image by digest"
	act oci-push "${dry[@]}" -- "$image" "${archives[@]}" >/dev/null
}

stage_release() {
	begin "staging the draft release" "staging a draft GitHub release for $tag"
	notes=$(mktemp)
	changelog-prepend -f "$CHANGELOG" -x "$version" >"$notes" 2>/dev/null || echo "Release $tag" >"$notes"
	act gh-release "${dry[@]}" draft --name "$tag" --notes "$notes" -- "$tag" "${dists[@]}" >/dev/null
}

upload_packages() {
	local pypi=(pypi-upload "${dry[@]}" --list-state --release-version "$pep440")
	[ -z "$PYPI_REPOSITORY_URL" ] || pypi+=(-U "$PYPI_REPOSITORY_URL")
	local urls url
	begin "uploading to the package index" "uploading ${#dists[@]} files to the package index"
	urls=$(act "${pypi[@]}" -- "${dists[@]}")
	while IFS= read -r url; do
		[ -z "$url" ] || report_package "$url"
	done <<<"$urls"
}

tag_images() {
	local docker_tag major minor names t out image_tags=()
	[ ${#archives[@]} -gt 0 ] || return 0
	docker_tag=$(semver-check --docker-tag -- "$version")
	names=("$TAG_PREFIX$docker_tag" "$docker_tag")
	if [ -z "$(semver-check --field prerelease -- "$version")" ]; then
		major=$(semver-check --field major -- "$version")
		minor=$(semver-check --field minor -- "$version")
		# oci-push moves these only when this is the registry's highest stable version.
		names+=("$major.$minor" "$major" latest)
	fi
	for t in "${names[@]}"; do image_tags+=(-t "$t"); done
	begin "tagging the images" "tagging $image: ${names[*]}"
	if [ -n "$DRY_RUN" ]; then
		act oci-push -n "${image_tags[@]}" -- "$image" "${archives[@]}"
		return
	fi
	out=$(oci-push -l "${image_tags[@]}" -- "$image" "${archives[@]}")
	report_image "$image" "$(head -n 1 <<<"$out")" "$out"
}

publish_release() {
	begin "publishing the release" "publishing the GitHub release"
	if [ -n "$DRY_RUN" ] && ! gh-release get -- "$tag" >/dev/null 2>&1; then
		say "would publish the draft release of $tag that the step above would create"
		return
	fi
	release_url=$(act gh-release "${dry[@]}" publish -- "$tag")
	[ -z "$release_url" ] || report_release "$release_url"
}

release_url=''
preflight
stage_images
stage_release
upload_packages
tag_images
publish_release
if [ -n "${RELEASE_WEBHOOK_URL:-}" ] && [ -z "$DRY_RUN" ]; then
	release-notify -b -- "$version" ${release_url:+"$release_url"} || true
fi
if [ -n "$DRY_RUN" ]; then
	say "dry run for $tag done: nothing was changed"
else
	report_finish published ''
fi
