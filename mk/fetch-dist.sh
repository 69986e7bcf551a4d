#!/usr/bin/env bash
# shipsync fetch-dist: put into DIST what CI validated for the version tag
# at HEAD: the artifact shipsync-dist of the tag's successful run of
# CI_WORKFLOW, checked against its manifest (gh-release download-artifact).
# The tag must be at the same commit on GitHub. DIST must be absent or
# empty. DRY_RUN=1 says what it would fetch. Configuration: the environment
# (mk/defaults.mk).
set -euo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me=fetch-dist
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

case $DIST in '') die "DIST is empty" ;; /*|./*) ;; *) DIST=./$DIST ;; esac
check_tag_prefix
versions=$(version_tags --points-at HEAD)
[ -n "$versions" ] || die "no ${TAG_PREFIX}X.Y.Z tag at HEAD: check out the tag whose CI run to fetch"
[ "$(wc -l <<<"$versions")" -eq 1 ] || die "several version tags at HEAD; check out one"
tag=$TAG_PREFIX$versions
head=$(git rev-parse --verify -q 'HEAD^{commit}') || die "cannot read the commit at HEAD"

args=(download-artifact --commit "$head")
[ -z "$CI_WORKFLOW" ] || args+=(--workflow "$CI_WORKFLOW")
[ -z "$DRY_RUN" ] || args=(-n "${args[@]}")
# gh-release fills DIST beside itself and then renames: its parent must exist.
[ -n "$DRY_RUN" ] || mkdir -p -- "$(dirname -- "$DIST")" || die "cannot make the directory of '$DIST'"
gh-release "${args[@]}" -- "$tag" "$DIST" ||
	die "no validated artifact for $tag in '$DIST' (gh-release says why); make validate builds one here instead"
[ -n "$DRY_RUN" ] || say "'$DIST' holds what CI validated for $tag"
