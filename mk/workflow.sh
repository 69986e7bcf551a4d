#!/usr/bin/env bash
# shipsync workflow: write the project's GitHub Actions release workflow,
# .github/workflows/release.yml, from the template installed beside this
# script: validate per platform, merge, publish from CI (shipsync(7)).
# The tag filter takes TAG_PREFIX, the validate matrix PLATFORMS; shipsync
# is built in CI from SHIPSYNC_REPOSITORY at SHIPSYNC_COMMIT (default: the
# commit this copy of shipsync was built from). A different file already
# there is kept unless WORKFLOW_REPLACE=1. Configuration: the environment
# (mk/defaults.mk).
set -euo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me=workflow
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
template=$here/release.yml
target=.github/workflows/release.yml

# Every value below is written into YAML and into a GitHub filter pattern,
# so each is held to characters that mean nothing special in either.
check_tag_prefix
case $TAG_PREFIX in
*[!A-Za-z0-9._/-]*)
	die "TAG_PREFIX '$(shown "$TAG_PREFIX")' has a character GitHub's tag filters treat as a pattern; the workflow takes letters, digits and . _ / - only" ;;
esac

if [ -z "$SHIPSYNC_COMMIT" ] && [ -r "$here/shipsync-commit" ]; then
	SHIPSYNC_COMMIT=$(cat "$here/shipsync-commit")
fi
[ -n "$SHIPSYNC_COMMIT" ] ||
	die "no SHIPSYNC_COMMIT: set it to the 40-hex commit of shipsync the workflow builds (this copy does not know its own)"
[[ $SHIPSYNC_COMMIT =~ ^[0-9a-f]{40}$ ]] ||
	die "SHIPSYNC_COMMIT '$(shown "$SHIPSYNC_COMMIT")' is not a full 40-hex commit: CI builds shipsync from a commit, never a branch or a tag"
[ -n "$SHIPSYNC_REPOSITORY" ] ||
	die "no SHIPSYNC_REPOSITORY: set it to the GitHub repository (owner/name) CI fetches shipsync from"
[[ $SHIPSYNC_REPOSITORY =~ ^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$ ]] && [[ ! ${SHIPSYNC_REPOSITORY#*/} =~ ^\.\.?$ ]] ||
	die "SHIPSYNC_REPOSITORY '$(shown "$SHIPSYNC_REPOSITORY")' is not owner/name"
[ -r "$template" ] || die "the template '$template' is missing: install shipsync again"

# matrix_entries: the validate matrix, one entry for each of PLATFORMS: a
# native runner for amd64 and arm64, QEMU on an amd64 runner for the rest.
matrix_entries() {
	local p runner qemu platforms
	local -A seen=()
	read -r -a platforms <<<"$PLATFORMS"
	[ ${#platforms[@]} -gt 0 ] || die "PLATFORMS is empty: the workflow validates at least one platform"
	for p in "${platforms[@]}"; do
		[[ $p =~ ^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$ ]] ||
			die "PLATFORMS: '$(shown "$p")' is not a platform (os/arch or os/arch/variant)"
		[ -z "${seen[$p]:-}" ] || die "PLATFORMS names '$p' twice"
		seen[$p]=1
		case $p in
		linux/amd64) runner=ubuntu-24.04 qemu=false ;;
		linux/arm64) runner=ubuntu-24.04-arm qemu=false ;;
		*) runner=ubuntu-24.04 qemu=true ;;
		esac
		printf '          - platform: %s\n            runner: %s\n            slug: %s\n            qemu: %s\n' \
			"$p" "$runner" "${p//\//-}" "$qemu"
	done
}

# The template with the matrix between its platform markers replaced.
entries=$(matrix_entries) || exit
text='' skipping=''
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	*'# platforms: '*) text+=$line$'\n'$entries$'\n'; skipping=1; continue ;;
	*'# end of platforms'*) skipping='' ;;
	esac
	[ -n "$skipping" ] || text+=$line$'\n'
done <"$template" || die "cannot read '$template'"
[ -z "$skipping" ] || die "the template '$template' is damaged: install shipsync again"
text=${text%$'\n'}
text=${text//@TAG_PREFIX@/"$TAG_PREFIX"}
text=${text//@SHIPSYNC_REPOSITORY@/"$SHIPSYNC_REPOSITORY"}
text=${text//@SHIPSYNC_COMMIT@/"$SHIPSYNC_COMMIT"}

if [ -f "$target" ]; then
	if [ "$(cat "$target")" = "$text" ]; then
		say "'$target' is up to date"
		exit "$EXIT_OK"
	fi
	[ -n "$WORKFLOW_REPLACE" ] ||
		{ say "'$target' exists and differs from the template: keep it, or write it anew with WORKFLOW_REPLACE=1"; exit "$EXIT_CONFLICT"; }
fi
[ ! -L "$target" ] || die "'$target' is a symbolic link; replace it with a file first"

mkdir -p "$(dirname "$target")"
tmp=$(mktemp "$target.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s\n' "$text" >"$tmp"
chmod 644 "$tmp"
sync -- "$tmp" 2>/dev/null || true
mv -f -- "$tmp" "$target"
say "wrote '$target' (tags '${TAG_PREFIX}X.Y.Z', shipsync $SHIPSYNC_REPOSITORY@$SHIPSYNC_COMMIT)"
