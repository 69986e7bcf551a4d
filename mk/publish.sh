#!/usr/bin/env bash
# shipsync publish: ship exactly what `make validate` kept, in an order that
# keeps a failure cheap, and verify each artifact from the outside.
#
#   1. preflight: tag at HEAD, clean tree, versions agree, CI passed for the
#      tag's commit, credentials present, artifacts match the manifest
#   2. stage what can be undone: image blobs and manifests by digest, a draft
#      GitHub release with its assets
#   3. the irreversible step: PyPI
#   4. promote: image tags, publish the release
# Each tool skips what is already done, so a failed publish is finished by
# running it again. DRY_RUN=1 runs the preflight and prints every action.
set -euo pipefail

PYPROJECT=${PYPROJECT:-pyproject.toml}
TAG_PREFIX=${TAG_PREFIX-v}
DIST=${DIST:-dist}
IMAGE=${IMAGE:-}
DRY_RUN=${DRY_RUN:-}
CI_WORKFLOW=${CI_WORKFLOW:-}
PYPI_REPOSITORY_URL=${PYPI_REPOSITORY_URL:-}
MANIFEST=$DIST/shipsync-manifest
here=$(cd "$(dirname "$0")" && pwd)

say() { printf 'publish: %s\n' "$*" >&2; }
step=preflight version=
notes=
# On failure, tell the release channel which step failed (never fails the publish itself).
finish() {
	local status=$?
	[ -z "$notes" ] || rm -f "$notes"
	if [ "$status" -ne 0 ] && [ -n "${RELEASE_WEBHOOK_URL:-}" ] && [ -z "$DRY_RUN" ] && [ -n "$version" ]; then
		release-notify -b -s "$step" "$version" || true
	fi
	exit "$status"
}
trap finish EXIT
fail() { say "$*"; exit 1; }
dry=()
[ -z "$DRY_RUN" ] || dry=(-n)

# --- preflight -------------------------------------------------------------
tags=$(git tag --points-at HEAD --list "${TAG_PREFIX}*")
[ -n "$tags" ] || fail "no ${TAG_PREFIX}X.Y.Z tag at HEAD: run make bump first, or check out the tag"
[ "$(echo "$tags" | wc -l)" -eq 1 ] || fail "several version tags at HEAD ($(echo $tags)); publish one at a time"
tag=$tags
version=${tag#"$TAG_PREFIX"}
semver-check -q "$version" || fail "tag '$tag' is not ${TAG_PREFIX} followed by a SemVer version"
[ -z "$(git status --porcelain --untracked-files=no)" ] || fail "the work tree has uncommitted changes"
"$here/version-check.sh" >&2 || fail "the version references disagree (table above); fix them and tag again"
pep440=$(semver-check --pep440 "$version")

[ -f "$MANIFEST" ] || fail "no '$MANIFEST': run make validate for $tag first"
[ "$(sed -n 's/^version //p' "$MANIFEST")" = "$pep440" ] ||
	fail "'$MANIFEST' is for version $(sed -n 's/^version //p' "$MANIFEST"), not $pep440: run make validate again"
archives=() dists=()
while read -r sum size file; do
	case $sum in shipsync-manifest|version|image) continue ;; esac
	[ -f "$DIST/$file" ] || fail "'$DIST/$file' is in the manifest but missing"
	[ "$(sha256sum "$DIST/$file" | cut -d ' ' -f 1)" = "$sum" ] && [ "$(stat -c %s "$DIST/$file")" = "$size" ] ||
		fail "'$DIST/$file' is not what validate tested (sha256 differs): run make validate again"
	case $file in image-*.tar) ;; *) dists+=("$DIST/$file") ;; esac
done <"$MANIFEST"
while read -r kind platform _ file; do
	[ "$kind" = image ] && archives+=("$platform=$DIST/$file")
done <"$MANIFEST"
[ ${#dists[@]} -gt 0 ] || fail "'$MANIFEST' lists no sdist or wheel"
for f in "$DIST"/*.whl "$DIST"/*.tar.gz "$DIST"/image-*.tar; do
	[ -e "$f" ] || continue
	grep -q " ${f##*/}\$" "$MANIFEST" || fail "'$f' is not in '$MANIFEST': it was not validated; remove it or validate again"
done

[ -n "${GITHUB_TOKEN:-}${GH_TOKEN:-}" ] || fail "no GITHUB_TOKEN or GH_TOKEN in the environment: the GitHub release needs one"
[ -n "${PYPI_TOKEN:-}${TWINE_PASSWORD:-}${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -f "${HOME:-/}/.pypirc" ] ||
	fail "no PyPI credentials: set PYPI_TOKEN (or TWINE_USERNAME/TWINE_PASSWORD, ~/.pypirc, or trusted publishing)"
image=${IMAGE%% *}
[ ${#archives[@]} -eq 0 ] || [ -n "$image" ] || fail "the manifest has images but IMAGE names no repository to push them to"

ci=(gh-release ci-status)
[ -z "$CI_WORKFLOW" ] || ci+=(--workflow "$CI_WORKFLOW")
"${ci[@]}" "$tag" || fail "CI has not passed for $tag (gh-release ci-status says why); publish waits for a green run"

say "preflight passed for $tag${DRY_RUN:+ (dry run: nothing will be changed)}"

# --- stage what can be undone ----------------------------------------------
step="staging the images and the draft release"
notes=$(mktemp)
changelog-prepend -f "${CHANGELOG:-CHANGELOG.md}" -x "$version" >"$notes" 2>/dev/null ||
	echo "Release $tag" >"$notes"
if [ ${#archives[@]} -gt 0 ]; then
	say "staging the images of $image by digest"
	oci-push "${dry[@]}" "$image" "${archives[@]}" >/dev/null
fi
say "staging a draft GitHub release for $tag"
gh-release "${dry[@]}" draft --name "$tag" --notes "$notes" "$tag" "${dists[@]}" >/dev/null

# --- the irreversible step -------------------------------------------------
pypi=(pypi-upload "${dry[@]}" --release-version "$pep440")
[ -z "$PYPI_REPOSITORY_URL" ] || pypi+=(-U "$PYPI_REPOSITORY_URL")
say "uploading ${#dists[@]} files to the package index"
step="uploading to the package index"
"${pypi[@]}" "${dists[@]}"
step="tagging the images and publishing the release"

# --- promote ---------------------------------------------------------------
if [ ${#archives[@]} -gt 0 ]; then
	docker_tag=$(semver-check --docker-tag "$version")
	names=("$TAG_PREFIX$docker_tag" "$docker_tag")
	if [ -z "$(semver-check --field prerelease "$version")" ]; then
		major=$(semver-check --field major "$version")
		minor=$(semver-check --field minor "$version")
		# oci-push moves these only when this is the registry's highest stable version.
		names+=("$major.$minor" "$major" latest)
	fi
	image_tags=()
	for t in "${names[@]}"; do image_tags+=(-t "$t"); done
	say "tagging $image: ${names[*]}"
	oci-push "${dry[@]}" "${image_tags[@]}" "$image" "${archives[@]}"
fi
if [ -n "$DRY_RUN" ] && ! gh-release get "$tag" >/dev/null 2>&1; then
	say "would publish the draft release of $tag that the step above would create"
else
	say "publishing the GitHub release"
	release_url=$(gh-release "${dry[@]}" publish "$tag")
	echo "$release_url"
fi

if [ -n "${RELEASE_WEBHOOK_URL:-}" ] && [ -z "$DRY_RUN" ]; then
	release-notify -b "$version" ${release_url:+"$release_url"} || true
fi
say "published $tag${DRY_RUN:+ (dry run: nothing was changed)}"
