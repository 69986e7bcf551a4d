#!/usr/bin/env bash
# shipsync version-check: do pyproject.toml, the project's own compose images,
# the changelog's newest entry and the tag at HEAD all name one version?
# Prints a table of every source and exits 1 when any disagrees.
# Configuration: the environment (mk/defaults.mk).
set -uo pipefail

# shellcheck disable=SC2034 # the message prefix of lib.sh
me='version-check'
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
check_tag_prefix
read -r -a compose_files <<<"$COMPOSE_FILES"
read -r -a images <<<"$IMAGE"

# The reference: the version tag at HEAD, else the changelog's newest release.
version=''
while IFS= read -r v; do
	semver-check -q -- "$v" 2>/dev/null && version=$v
done < <(version_tags --points-at HEAD 2>/dev/null)
changelog_version=''
[ -f "$CHANGELOG" ] && changelog_version=$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' "$CHANGELOG" | head -n 1)
[ -n "$version" ] || version=$changelog_version
if [ -z "$version" ]; then
	die "no version tag at HEAD and no release in '$CHANGELOG' to compare with"
fi

bad=0
row() {	# row SOURCE FOUND EXPECTED
	local mark=ok
	[ "$2" = "$3" ] || { mark=MISMATCH; bad=1; }
	printf '%-40s %-24s %-24s %s\n' "$1" "${2:-(none)}" "$3" "$mark"
}
printf '%-40s %-24s %-24s %s\n' SOURCE FOUND EXPECTED ""

pep440=$(semver-check --pep440 -- "$version" 2>/dev/null) || pep440="(no PEP 440 form)"
row "$PYPROJECT" "$(toml-setver -g -- "$PYPROJECT" 2>/dev/null)" "$pep440"
row "$CHANGELOG (newest release)" "$changelog_version" "$version"
tag_at_head=$(git tag --points-at HEAD --list "${TAG_PREFIX}*" 2>/dev/null | head -n 1)
[ -z "$tag_at_head" ] || row "tag at HEAD" "$tag_at_head" "$TAG_PREFIX$version"

if [ ${#compose_files[@]} -gt 0 ] && [ ${#images[@]} -gt 0 ]; then
	docker_tag=$(semver-check --docker-tag -- "$version" 2>/dev/null) || docker_tag="(no image tag form)"
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
