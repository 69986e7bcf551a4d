#!/usr/bin/env bash
# shipsync rollback: undo what can be undone for one version and say plainly
# what cannot. The GitHub release and the version's own image tags are
# deleted; the git tag is deleted locally (and on GitHub with
# ROLLBACK_REMOTE_TAG=1); PyPI files are immutable, so they get yank advice.
set -uo pipefail

TAG_PREFIX=${TAG_PREFIX-v}
IMAGE=${IMAGE:-}
DRY_RUN=${DRY_RUN:-}
say() { printf 'rollback: %s\n' "$*" >&2; }
dry=()
[ -z "$DRY_RUN" ] || dry=(-n)

version=${1:-}
version=${version#"$TAG_PREFIX"}
semver-check -q "$version" 2>/dev/null ||
	{ say "give the version to roll back: make rollback VERSION=1.2.3"; exit 2; }
tag=$TAG_PREFIX$version
status=0

if gh-release "${dry[@]}" delete "$tag"; then
	say "deleted the GitHub release of $tag (the tag itself is kept by GitHub)"
else
	say "could not delete the GitHub release of $tag (see above)"; status=1
fi

image=${IMAGE%% *}
if [ -n "$image" ]; then
	docker_tag=$(semver-check --docker-tag "$version")
	# A registry deletes manifests, not tags: every tag on this version's
	# image (X.Y.Z, and latest, X, X.Y where they had moved) goes with it.
	for t in "$TAG_PREFIX$docker_tag" "$docker_tag"; do
		oci-push "${dry[@]}" -d "$t" "$image" >/dev/null && { say "deleted image $image:$t and every tag on the same image"; break; }
		case $? in
		8) continue ;;	# already gone
		*) say "image $image:$t stays (see above)"; status=1; break ;;
		esac
	done
	say "if latest, X or X.Y pointed at $version they are gone too: publish the previous version again to restore them"
fi

if [ "${ROLLBACK_REMOTE_TAG:-}" = 1 ]; then
	gh-release "${dry[@]}" delete-tag "$tag" || status=1
fi
if [ -z "$DRY_RUN" ] && git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
	git tag -d "$tag" >/dev/null && say "deleted the local tag $tag"
fi

pep440=$(semver-check --pep440 "$version")
say "PyPI files cannot be deleted and uploaded again: if $pep440 reached PyPI, yank it"
say "  (the project's PyPI page, Manage, Releases, $pep440, Options, Yank) and release a new version"
exit $status
