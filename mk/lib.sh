# shellcheck shell=bash
# Sourced by the mk/*.sh scripts: the exit statuses of the tools by name,
# messages, and the checks of user values that several scripts share.
# A script sets `me` (its message prefix) before it sources this file.

if [ ! -r "${BASH_SOURCE[0]%/*}/exitcode.sh" ]; then
	echo "${me:-shipsync}: '${BASH_SOURCE[0]%/*}/exitcode.sh' is missing: build shipsync (make) or install it again" >&2
	exit 1
fi
# shellcheck source=exitcode.sh
. "${BASH_SOURCE[0]%/*}/exitcode.sh"

say() { printf '%s: %s\n' "${me:-shipsync}" "$*" >&2; }
die() { say "$*"; exit "$EXIT_NO"; }

# shown TEXT: TEXT fit for a message, control characters shown as '?', so
# that a hostile value cannot rewrite the terminal it is printed on.
shown() { printf '%s' "$1" | tr '[:cntrl:]' '?'; }

# indent: a tool's output under the step that ran it.
indent() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '    %s\n' "$line"
	done
}

# A tag prefix is text put in front of a version to name a git tag, never a
# pattern: a git ref name cannot hold * ? [ or other glob and regex magic
# that matters here, so `git tag --list "$TAG_PREFIX*"` means what it says.
# A leading dash would make a tag name read as an option.
check_tag_prefix() {
	case $TAG_PREFIX in -*) false ;; esac &&
		git check-ref-format "refs/tags/${TAG_PREFIX}0.0.0" ||
		die "TAG_PREFIX '$(shown "$TAG_PREFIX")' cannot start a git tag name (see git-check-ref-format(1))"
}

# version_tags: the tags that start with TAG_PREFIX, one a line, the prefix removed.
version_tags() {
	local tags t
	tags=$(git tag "$@" --list "${TAG_PREFIX}*") || return
	while IFS= read -r t; do
		[ -z "$t" ] || printf '%s\n' "${t#"$TAG_PREFIX"}"
	done <<<"$tags"
}

# first_image: the first repository of IMAGE, the one publish and rollback
# handle today (split on white space, never globbed).
first_image() {
	local images
	read -r -a images <<<"$IMAGE"
	printf '%s' "${images[0]:-}"
}
