#!/usr/bin/env bash
# shipsync rollback: undo what can be undone for one version and say plainly
# what cannot. The GitHub release and the version's tags of every own
# image are deleted; the git tag is deleted locally (and on GitHub with
# ROLLBACK_REMOTE_TAG=1); PyPI files are immutable, so they get yank advice.
# VERSION and the rest come from the environment (mk/defaults.mk); with
# DRY_RUN set every deletion is only planned and reported as "would delete".
set -uo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me=rollback
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
trap 'exit 130' INT
trap 'exit 143' TERM

dry=() deleted=deleted
[ -z "$DRY_RUN" ] || dry=(-n) deleted="would delete"

check_tag_prefix
version=${VERSION#"$TAG_PREFIX"}
semver-check -q -- "$version" 2>/dev/null ||
	{ say "give the version to roll back: make rollback VERSION=1.2.3"; exit "$EXIT_USAGE"; }
tag=$TAG_PREFIX$version
status=0

# run_tool TOOL ARG...: run a tool that deletes. In a dry run it only plans,
# and its plan is kept in `planned` for show_plan, under the line that says
# what the step does.
planned=''
run_tool() {
	planned=''
	if [ -z "$DRY_RUN" ]; then
		"$@" >/dev/null
	else
		planned=$("$@")
	fi
}
show_plan() { [ -z "$planned" ] || indent <<<"$planned" >&2; }

delete_release() {
	if run_tool gh-release "${dry[@]}" delete -- "$tag"; then
		say "$deleted the GitHub release of $tag (the tag itself is kept by GitHub)"
	else
		say "could not delete the GitHub release of $tag (see above)"
		status=1
	fi
	show_plan
}

# A registry deletes manifests, not tags: every tag on this version's image
# (X.Y.Z, and latest, X, X.Y where they had moved) goes with it. Every own
# image of IMAGE, each in its own registry.
delete_images() {
	local list images=() image
	list=$(own_images) || { status=1; return; }
	[ -z "$list" ] || mapfile -t images <<<"$list"
	for image in "${images[@]}"; do
		delete_image "$image"
	done
	[ ${#images[@]} -eq 0 ] ||
		say "if latest, X or X.Y pointed at $version they go too: publish the previous version again to restore them"
}

delete_image() {
	local image=$1 docker_tag t
	docker_tag=$(semver-check --docker-tag -- "$version") || return 0
	for t in "$TAG_PREFIX$docker_tag" "$docker_tag"; do
		run_tool oci-push "${dry[@]}" -d "$t" -- "$image"
		case $? in
		"$EXIT_OK")
			say "$deleted image $image:$t and every tag on the same image"
			show_plan
			return ;;
		"$EXIT_NOTFOUND")
			continue ;;
		*)
			say "image $image:$t stays (see above)"
			status=1
			return ;;
		esac
	done
	say "image $image has no tag $docker_tag: nothing to delete there"
}

delete_tags() {
	if [ "$ROLLBACK_REMOTE_TAG" = 1 ]; then
		if run_tool gh-release "${dry[@]}" delete-tag -- "$tag"; then
			say "$deleted the tag $tag on GitHub"
		else
			say "could not delete the tag $tag on GitHub (see above)"
			status=1
		fi
		show_plan
	fi
	git rev-parse -q --verify "refs/tags/$tag" >/dev/null || return 0
	if [ -n "$DRY_RUN" ]; then
		say "would delete the local tag $tag"
	elif git tag -d "$tag" >/dev/null; then
		say "deleted the local tag $tag"
	else
		status=1
	fi
}

delete_release
delete_images
delete_tags
pep440=$(semver-check --pep440 -- "$version")
say "PyPI files cannot be deleted and uploaded again: if $pep440 reached PyPI, yank it"
say "  (the project's PyPI page, Manage, Releases, $pep440, Options, Yank) and release a new version"
exit $status
