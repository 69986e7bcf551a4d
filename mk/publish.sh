#!/usr/bin/env bash
# shipsync publish: ship exactly what `make validate` kept, in an order that
# keeps a failure cheap, and verify each artifact from the outside.
#
#   1. preflight: tag at HEAD, clean tree, versions agree, artifacts match
#      the manifest, credentials present, CI passed for the tag's commit
#   2. stage what can be undone: every own image's blobs and manifests by
#      digest, a draft GitHub release with its assets and each image's digest
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

# read_manifest: check every line of DIST/shipsync-manifest and every file it
# names; sets dists (the sdist and wheels), images (the repositories of
# IMAGE) and, for each, archives_of[REPOSITORY] (platform=path ..., one
# line each).
# shellcheck disable=SC2154 # m_*: set by read_manifest_file (lib.sh)
read_manifest() {
	local entry repo platform digest file list head
	local -A own=() used=()
	dists=() images=() archives_of=()
	read_manifest_file "$MANIFEST" "$DIST" shipsync-manifest
	[ "$m_version" = "$pep440" ] ||
		die "'$MANIFEST' is for version '$(shown "$m_version")', not $pep440: run make validate again"
	head=$(git rev-parse -q --verify HEAD)
	[ "$m_commit" = "$head" ] ||
		die "'$MANIFEST' was validated at commit '$(shown "$m_commit")', not at $tag ($head): run make validate again"
	list=$(own_images) || exit
	[ -z "$list" ] || mapfile -t images <<<"$list"
	for repo in "${images[@]}"; do own[$repo]=1; done
	for entry in "${m_images[@]}"; do
		read -r repo platform digest file <<<"$entry"
		[ -n "${own[$repo]:-}" ] ||
			die "'$MANIFEST' holds the image '$(shown "$repo")', which IMAGE does not name: run make validate again"
		archives_of[$repo]+="$platform=$DIST/$file"$'\n'
		used[$file]=1
	done
	for repo in "${images[@]}"; do
		[ -n "${archives_of[$repo]:-}" ] ||
			die "IMAGE names $repo, which '$MANIFEST' has no archive of: run make validate again"
	done
	for file in "${!m_files[@]}"; do
		[ -z "${used[$file]:-}" ] || continue
		case $file in
		*.whl|*.tar.gz) dists+=("$DIST/$file") ;;
		*) die "'$MANIFEST' lists '$(shown "$file")', which is neither an image nor an sdist or wheel" ;;
		esac
	done
	[ ${#dists[@]} -eq 0 ] || mapfile -t dists < <(printf '%s\n' "${dists[@]}" | sort)
	[ ${#dists[@]} -gt 0 ] || die "'$MANIFEST' lists no sdist or wheel"
	for file in "$DIST"/*.whl "$DIST"/*.tar.gz "$DIST"/image-*.tar; do
		[ -e "$file" ] || continue
		[ -n "${m_files[${file##*/}]:-}" ] ||
			die "'$file' is not in '$MANIFEST': it was not validated; remove it or validate again"
	done
}

# archives REPOSITORY: sets archives, the platform=path arguments of oci-push.
archives() {
	archives=()
	[ -z "${archives_of[$1]:-}" ] || mapfile -t archives <<<"${archives_of[$1]%$'\n'}"
}

# fetch_validated: with no manifest in DIST, the bytes CI validated for the
# tag are what ships, not a rebuild here. The download writes only DIST, so
# a dry run fetches too: its preview is then of those very files.
fetch_validated() {
	[ ! -f "$MANIFEST" ] || return 0
	[ -z "$LOCAL_VALIDATE" ] || die "no '$MANIFEST': run make validate for $tag first (LOCAL_VALIDATE is set)"
	say "no '$MANIFEST': fetching what CI validated for $tag (LOCAL_VALIDATE=1 and make validate build it here instead)"
	DRY_RUN='' "$here/fetch-dist.sh" || exit
}

preflight() {
	find_tag
	[ -z "$(git status --porcelain --untracked-files=no)" ] || die "the work tree has uncommitted changes"
	fetch_validated
	"$here/version-check.sh" >&2 || die "the version references disagree (table above); fix them and tag again"
	read_manifest
	[ -n "${GITHUB_TOKEN:-}${GH_TOKEN:-}" ] || die "no GITHUB_TOKEN or GH_TOKEN in the environment: the GitHub release needs one"
	[ -n "${PYPI_TOKEN:-}${TWINE_PASSWORD:-}${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -f "${HOME:-/}/.pypirc" ] ||
		die "no PyPI credentials: set PYPI_TOKEN (or TWINE_USERNAME/TWINE_PASSWORD, ~/.pypirc, or trusted publishing)"
	local ci=(gh-release ci-status --commit "$(git rev-parse --verify -q 'HEAD^{commit}')")
	[ -z "$CI_WORKFLOW" ] || ci+=(--workflow "$CI_WORKFLOW")
	"${ci[@]}" -- "$tag" || die "CI has not passed for $tag (gh-release ci-status says why); publish waits for a green run"
	say "preflight passed for $tag${DRY_RUN:+ (dry run: nothing will be changed)}"
}

# --- the steps -----------------------------------------------------------

# Each image goes to its registry by digest, an index over its platforms;
# oci-push prints the index's digest, which the release names.
stage_images() {
	local repo digest
	[ ${#images[@]} -gt 0 ] || return 0
	for repo in "${images[@]}"; do
		archives "$repo"
		begin "staging the images" "staging the images of $repo by digest"
		if [ -z "$DRY_RUN" ]; then
			digest=$(oci-push -- "$repo" "${archives[@]}") || exit
			digests[$repo]=${digest##*$'\n'}
		else
			act oci-push -n -- "$repo" "${archives[@]}" >/dev/null
		fi
	done
}

# The release notes: the changelog's section, and each image by digest.
write_notes() {
	local repo
	changelog-prepend -f "$CHANGELOG" -x "$version" 2>/dev/null || echo "Release $tag"
	[ ${#images[@]} -gt 0 ] || return 0
	printf '\n### Images
\n'
	for repo in "${images[@]}"; do
		printf -- '- `%s:%s`' "$repo" "$(semver-check --docker-tag -- "$version")"
		[ -z "${digests[$repo]:-}" ] || printf ' (`%s`)' "${digests[$repo]}"
		printf '\n'
	done
}

stage_release() {
	begin "staging the draft release" "staging a draft GitHub release for $tag"
	notes=$(mktemp)
	write_notes >"$notes"
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
	local docker_tag major minor names t repo out image_tags=()
	[ ${#images[@]} -gt 0 ] || return 0
	docker_tag=$(semver-check --docker-tag -- "$version")
	names=("$TAG_PREFIX$docker_tag" "$docker_tag")
	if [ -z "$(semver-check --field prerelease -- "$version")" ]; then
		major=$(semver-check --field major -- "$version")
		minor=$(semver-check --field minor -- "$version")
		# oci-push moves these only when this is the registry's highest
		# stable version of that image.
		names+=("$major.$minor" "$major" latest)
	fi
	for t in "${names[@]}"; do image_tags+=(-t "$t"); done
	for repo in "${images[@]}"; do
		archives "$repo"
		begin "tagging the images" "tagging $repo: ${names[*]}"
		if [ -z "$DRY_RUN" ]; then
			out=$(oci-push -l "${image_tags[@]}" -- "$repo" "${archives[@]}") || exit
			digests[$repo]=$(head -n 1 <<<"$out")
			report_image "$repo" "${digests[$repo]}" "$out"
		else
			act oci-push -n "${image_tags[@]}" -- "$repo" "${archives[@]}"
		fi
	done
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
declare -A digests=() archives_of=()
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
