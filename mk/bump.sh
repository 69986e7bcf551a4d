#!/usr/bin/env bash
# shipsync bump: set one new version everywhere, commit it and tag it, all or nothing.
#
#   bump.sh VERSION|major|minor|patch|prerelease|auto
#
# Configuration comes from the environment (release.mk exports it): PYPROJECT,
# COMPOSE_FILES, CHANGELOG, TAG_PREFIX, VERSION_FILES, IMAGE, PREID.
#
# Every new file is computed first into a staging directory inside .git. A
# journal there records the commit we started from; until the tag exists a
# failure (or a re-run after kill -9) puts every file, the index and HEAD back.
set -euo pipefail

me=shipsync-bump
die() { echo "$me: $*" >&2; exit 1; }

PYPROJECT=${PYPROJECT:-pyproject.toml}
CHANGELOG=${CHANGELOG:-CHANGELOG.md}
TAG_PREFIX=${TAG_PREFIX-v}
COMPOSE_FILES=${COMPOSE_FILES:-}
VERSION_FILES=${VERSION_FILES:-}
IMAGE=${IMAGE:-}
PREID=${PREID:-rc}

# Tests stop the bump dead at a named point to prove that a re-run recovers.
checkpoint() { [ "${SHIPSYNC_BUMP_KILL_AT:-}" != "$1" ] || kill -9 $$; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: make bump VERSION=x.y.z|major|minor|patch|prerelease|auto"
request=$1

git rev-parse --git-dir >/dev/null 2>&1 || die "not inside a git repository"
top=$(git rev-parse --show-toplevel)
gitdir=$(git rev-parse --absolute-git-dir)
stage=$gitdir/shipsync-bump
journal=$stage/journal

# Files that a bump may change, relative to the current directory.
read -r -a compose_files <<<"$COMPOSE_FILES"
read -r -a version_files <<<"$VERSION_FILES"
files=("$PYPROJECT" "$CHANGELOG" "${compose_files[@]}" "${version_files[@]}")

# Put back what an interrupted or failed bump changed: files, index, HEAD, tag.
restore() {
	local start tag i
	start=$(sed -n 's/^start //p' "$journal")
	tag=$(sed -n 's/^tag //p' "$journal")
	if [ -n "$tag" ] && git rev-parse -q --verify "refs/tags/$tag" >/dev/null &&
		[ "$(git rev-parse "refs/tags/$tag^{commit}")" != "$start" ] &&
		[ "$(git rev-parse "refs/tags/$tag^{commit}")" = "$(git rev-parse HEAD)" ]; then
		git tag -d "$tag" >/dev/null
	fi
	[ "$(git rev-parse HEAD)" = "$start" ] || git reset -q --soft "$start"
	i=0
	while read -r kind path; do
		[ "$kind" = file ] || continue
		if [ -e "$stage/orig.$i" ]; then
			cp -p "$stage/orig.$i" "$path.shipsync-restore" && mv -f "$path.shipsync-restore" "$path"
		else
			rm -f "$path"
		fi
		git reset -q -- "$path" 2>/dev/null || true
		i=$((i + 1))
	done <"$journal"
	rm -rf "$stage"
}

if [ -f "$journal" ]; then
	tag=$(sed -n 's/^tag //p' "$journal")
	if grep -q '^done$' "$journal"; then
		rm -rf "$stage"
	else
		echo "$me: an earlier bump to ${tag:-?} was interrupted; undoing it first" >&2
		restore
	fi
fi
rm -rf "$stage"

# --- preflight -----------------------------------------------------------
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "the work tree has uncommitted changes; commit or stash them first"
git symbolic-ref -q HEAD >/dev/null || die "HEAD is detached; check out the release branch first"
[ -f "$PYPROJECT" ] || die "'$PYPROJECT' not found; set PYPROJECT to the project's pyproject.toml"

current=$(toml-setver -g "$PYPROJECT") || die "cannot read the current version from '$PYPROJECT'"
latest_tag=$(git tag --merged HEAD --list "${TAG_PREFIX}*" | sed "s/^${TAG_PREFIX}//" | semver-check -k --max 2>/dev/null || true)
# The current version as SemVer: the highest tag, or the pyproject version when it parses.
base=$latest_tag
if semver-check -q "$current" 2>/dev/null && { [ -z "$base" ] || semver-check --gt "$current" "$base"; }; then
	base=$current
fi
[ -n "$base" ] || base=0.0.0

case $request in
major|minor|patch|release)
	new=$(semver-check --bump "$request" "$base") || die "cannot bump '$base' by '$request'" ;;
prerelease)
	if [ -n "$(semver-check --field prerelease "$base")" ]; then
		new=$(semver-check --bump prerelease "$base") || die "cannot bump the prerelease of '$base'"
	else
		new=$(semver-check --bump preminor --preid "$PREID" --preid-base 1 "$base") || die "cannot start a prerelease after '$base'"
	fi ;;
auto)
	level=$(commit-bump --tag-prefix "$TAG_PREFIX") || die "cannot read the commits since the last version tag"
	[ "$level" != none ] ||
		die "nothing to release: no commit since the last version tag is a feat, a fix or a breaking change"
	new=$(commit-bump --next --tag-prefix "$TAG_PREFIX") || die "cannot work out the next version from the commits" ;;
*)
	new=${request#"$TAG_PREFIX"} ;;
esac
[ -n "$new" ] || die "nothing to release: the commits since ${TAG_PREFIX}${base} call for no new version"

semver-check -q "$new" || die "'$new' is not a SemVer 2.0.0 version (such as 1.2.3 or 1.3.0-rc.1)"
tag=$TAG_PREFIX$new
! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || die "tag '$tag' already exists"
[ "$base" = 0.0.0 ] || semver-check --gt "$new" "$base" ||
	die "'$new' is not greater than the current version '$base'"
pep440=$(semver-check --pep440 "$new") || die "'$new' has no PEP 440 form, so it cannot go to PyPI"
docker_tag=$(semver-check --docker-tag "$new") || die "'$new' has no Docker tag form"

# --- compute every edit --------------------------------------------------
mkdir -p "$stage"
printf 'start %s\ntag %s\n' "$(git rev-parse HEAD)" "$tag" >"$journal.tmp"
staged=()
stage_file() {	# stage_file PATH: $stage/new.N holds the new content
	staged+=("$1")
}
n=0
toml-setver -o "$stage/new.$n" "$PYPROJECT" "$pep440" || die "cannot set the version in '$PYPROJECT'"
stage_file "$PYPROJECT"; n=$((n + 1))

for f in "${compose_files[@]}"; do
	[ -n "$IMAGE" ] || die "COMPOSE_FILES is set but IMAGE is empty; name the project's own images"
	images=()
	for i in $IMAGE; do images+=(-i "$i"); done
	compose-retag "${images[@]}" -s "$docker_tag" -o "$stage/new.$n" "$f" || die "cannot retag '$f'"
	stage_file "$f"; n=$((n + 1))
done

entries=()
[ "$request" != auto ] || commit-bump --changelog --tag-prefix "$TAG_PREFIX" >"$stage/entries" || die "cannot read the commits"
[ "$request" != auto ] || entries=(-e "$stage/entries")
changelog-prepend -f "$CHANGELOG" -t "$TAG_PREFIX" -o "$stage/new.$n" "${entries[@]}" "$new" ||
	die "cannot add '$new' to '$CHANGELOG'"
stage_file "$CHANGELOG"; n=$((n + 1))

for f in "${version_files[@]}"; do
	old_pep=$(printf '%s' "$current" | sed 's/[.[\*^$]/\\&/g')
	sed -E "s/^(__version__[[:space:]]*=[[:space:]]*[\"'])${old_pep}([\"'])/\\1${pep440}\\2/" "$f" >"$stage/new.$n"
	cmp -s "$f" "$stage/new.$n" && die "'$f' has no line __version__ = \"$current\" to update"
	stage_file "$f"; n=$((n + 1))
done

# --- replace, commit, tag ------------------------------------------------
i=0
for f in "${staged[@]}"; do
	echo "file $f" >>"$journal.tmp"
	[ ! -e "$f" ] || cp -p "$f" "$stage/orig.$i"
	i=$((i + 1))
done
mv "$journal.tmp" "$journal"
checkpoint journal

trap 'status=$?; echo "$me: failed; every file is back as it was" >&2; restore; exit $status' ERR INT TERM
i=0
for f in "${staged[@]}"; do
	[ ! -e "$f" ] || chmod --reference="$f" "$stage/new.$i"
	mv -f "$stage/new.$i" "$f"
	i=$((i + 1))
	checkpoint replace
done
git add -- "${staged[@]}"
git commit -q -m "chore(release): $tag" -- "${staged[@]}"
checkpoint commit
git tag -a "$tag" -m "Release $tag"
checkpoint tag
trap - ERR INT TERM
echo done >>"$journal"
rm -rf "$stage"

echo "$tag" >&2
cat >&2 <<EOT
$me: committed and tagged $tag (PyPI $pep440, image tag $docker_tag). Next:
  git push --follow-tags      # CI validates the tag
  make publish                # once CI has passed (DRY_RUN=1 to preview)
EOT
