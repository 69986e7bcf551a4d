#!/usr/bin/env bash
# shipsync version-check: do the Python project(s), the project's own compose
# images, the changelog's newest entry and the tag at HEAD all name one
# version? Prints a table of every place, with where the version was found,
# and exits 1 when any disagrees. Versions are compared by PEP 440.
# Configuration: the environment (mk/defaults.mk).
set -uo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me='version-check'
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
check_tag_prefix
read -r -a pyprojects <<<"$PYPROJECT"
read -r -a compose_files <<<"$COMPOSE_FILES"
read -r -a images <<<"$IMAGE"

# The reference: the version tag at HEAD (SemVer, or PEP 440 as Python
# projects tag), else the changelog's newest release in whatever style it has.
version=''
while IFS= read -r v; do
	{ semver-check -q -- "$v" || semver-check -P -q -- "$v"; } 2>/dev/null && version=$v
done < <(version_tags --points-at HEAD 2>/dev/null)
changelog_version=''
[ ! -f "$CHANGELOG" ] || changelog_version=$(changelog-prepend -f "$CHANGELOG" -l 2>/dev/null)
[ -n "$version" ] || version=$changelog_version
if [ -z "$version" ]; then
	die "no version tag at HEAD and no release in '$(shown "$CHANGELOG")' to compare with"
fi
# Its names on PyPI and on the images, as bump writes them.
if semver-check -q -- "$version" 2>/dev/null; then
	pep440=$(semver-check --pep440 -- "$version" 2>/dev/null) || pep440="(no PEP 440 form)"
	docker_tag=$(semver-check --docker-tag -- "$version" 2>/dev/null) || docker_tag="(no image tag form)"
else
	pep440=$(semver-check -P --pep440 -- "$version" 2>/dev/null) || pep440="(no PEP 440 form)"
	docker_tag=$(semver-check -P --docker-tag -- "$version" 2>/dev/null) || docker_tag="(no image tag form)"
fi

bad=0
# row SOURCE FOUND EXPECTED [pep440]: with pep440, one version however spelt
# (1.0.0-beta.50 is 1.0.0b50) matches.
row() {
	local mark=ok
	if [ "$2" != "$3" ] && ! { [ $# -eq 4 ] && [ -n "$2" ] && semver-check -P --eq -- "$2" "$3" 2>/dev/null; }; then
		mark=MISMATCH bad=1
	fi
	printf '%-48s %-24s %-24s %s\n' "$1" "${2:-(none)}" "$3" "$mark"
}
printf '%-48s %-24s %-24s %s\n' SOURCE FOUND EXPECTED ""

# Each Python project: every place toml-setver finds its version, and the
# source it followed there. A version that git tags decide is the tag's.
for p in "${pyprojects[@]}"; do
	if ! list=$(toml-setver -l -- "$p"); then
		row "$p" "(unreadable)" "$pep440"
		continue
	fi
	while IFS=$'\t' read -r kind where found what; do
		case $kind in
		vcs) row "$p: $what" "$pep440" "$pep440" ;;
		*) row "$where: $what" "$found" "$pep440" pep440 ;;
		esac
	done <<<"$list"
done
row "$CHANGELOG (newest release)" "$changelog_version" "$version" pep440
tag_at_head=$(git tag --points-at HEAD --list "${TAG_PREFIX}*" 2>/dev/null | head -n 1)
[ -z "$tag_at_head" ] || row "tag at HEAD" "$tag_at_head" "$TAG_PREFIX$version"

if [ ${#compose_files[@]} -gt 0 ] && [ ${#images[@]} -gt 0 ]; then
	image_args=()
	for i in "${images[@]}"; do image_args+=(-i "$i"); done
	# compose-retag -c prints the own images whose tag does not carry the
	# version (a suffix such as -slim is fine; 1.2.3-rc.1 is not 1.2.3).
	# A usage error: the version cannot be an image tag, so no image is at it.
	behind=$(compose-retag "${image_args[@]}" -c "$docker_tag" -- "${compose_files[@]}" 2>/dev/null)
	[ $? -ne "$EXIT_USAGE" ] || docker_tag="(no image tag form)"
	while IFS=$'\t' read -r where image owner; do
		[ "$owner" = own ] || continue
		found=$docker_tag
		if [[ $docker_tag == "("* ]] || grep -qxF "$where	$image" <<<"$behind"; then
			found=${image##*/}
		fi
		row "$where" "$found" "$docker_tag"
	done < <(compose-retag "${image_args[@]}" -l -- "${compose_files[@]}")
fi
exit $bad
