#!/usr/bin/env bash
# shipsync bump: set one new version everywhere, commit it and tag it, all or nothing.
#
# Configuration comes from the environment (mk/defaults.mk exports it): VERSION
# (x.y.z, or major, minor, patch, prerelease, release, post, auto), PREID, PYPROJECT
# (one or several, released in lockstep), COMPOSE_FILES, CHANGELOG, TAG_PREFIX,
# VERSION_FILES, IMAGE.
#
# A bump may be stopped at any point without costing any work:
# - one bump at a time: a lock in the repository's git directory, held with
#   flock(1), so that the kernel drops it when its holder dies;
# - every new file is computed before any file is replaced;
# - a journal in the git directory records the branch, the commit the bump
#   started from, each file's absolute path with the git blobs of its old and
#   new content, and the bump commit once made;
# - a failure or a signal undoes the bump before exiting (SIGINT 130, SIGTERM
#   143); after kill -9 the next bump undoes it, but only when the repository
#   is exactly as the bump left it. Otherwise it changes nothing and prints the
#   commands that keep or undo that bump by hand.
set -euo pipefail

me=shipsync-bump
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# File names reach git as names, never as patterns.
export GIT_LITERAL_PATHSPECS=1

# Tests stop the bump at a named point to prove that every point is safe.
checkpoint() {
	[ "${SHIPSYNC_BUMP_KILL_AT:-}" != "$1" ] || kill -s "${SHIPSYNC_BUMP_KILL_SIGNAL:-KILL}" $$
}

q() { printf '%q' "$1"; }
short() { git rev-parse -q --short --verify "$1^{commit}" 2>/dev/null || printf '%s' "${1:-(none)}"; }

# --- the request, checked before anything else ------------------------------
# An explicit version is SemVer, the form of the tag and the changelog; a
# PEP 440 spelling is refused with its SemVer form to type instead.
check_explicit() {
	local semver
	semver-check -q -- "$1" 2>/dev/null && return
	if semver-check -P -q -- "$1" 2>/dev/null && semver=$(semver-check -P --semver -- "$1" 2>/dev/null); then
		die "VERSION '$(shown "$1")' is not a SemVer 2.0.0 version but PEP 440's spelling of one: make bump VERSION=$semver"
	fi
	die "VERSION '$(shown "$1")' is not a SemVer 2.0.0 version (such as 1.2.3 or 1.3.0-rc.1), nor major, minor, patch, prerelease, release, post or auto"
}

request=$VERSION
check_tag_prefix
case $request in
'')
	die "usage: make bump VERSION=x.y.z|major|minor|patch|prerelease|release|post|auto" ;;
major|minor|patch|release|prerelease|post|auto)
	;;
*)
	check_explicit "${request#"$TAG_PREFIX"}" ;;
esac

# The work tree, this work tree's git directory, and the one all share.
dirs=$(git rev-parse --path-format=absolute --show-toplevel --git-dir --git-common-dir 2>/dev/null) ||
	die "not inside a git repository with a work tree"
{ read -r top; read -r gitdir; read -r commondir; } <<<"$dirs"
stage=$gitdir/shipsync-bump
journal=$stage/journal

take_lock() {
	local lock=$commondir/shipsync-bump.lock
	command -v flock >/dev/null || die "flock(1) is missing (util-linux): it keeps two bumps from running at once"
	exec 9>>"$lock"
	flock -n 9 || die "another bump is running in this repository (it holds '$lock'); let it finish first"
}

# --- the journal -------------------------------------------------------------
# "key value" lines; one "file OLD NEW INDEX PATH" line per file, with the
# blobs (git hash-object --no-filters) of its content before the bump ("-":
# no file) and after, the blob its index entry gets, and its absolute path.
read_journal() {
	local key rest old new index path
	j_request='' j_branch='' j_start='' j_tag='' j_top='' j_commit=''
	j_old=() j_new=() j_index=() j_path=()
	while IFS=' ' read -r key rest; do
		case $key in
		request) j_request=$rest ;;
		branch) j_branch=$rest ;;
		start) j_start=$rest ;;
		tag) j_tag=$rest ;;
		top) j_top=$rest ;;
		commit) j_commit=$rest ;;
		file)
			IFS=' ' read -r old new index path <<<"$rest"
			j_old+=("$old") j_new+=("$new") j_index+=("$index") j_path+=("$path") ;;
		esac
	done <"$journal"
	[ -n "$j_branch" ] && [ -n "$j_start" ] && [ -n "$j_tag" ] && [ -n "$j_top" ] ||
		die "'$journal' is not a bump journal; if no bump is running, remove it: rm -r -- $(q "$stage")"
}

git_path() { printf '%s' "${1#"$j_top/"}"; }

# content_of PATH: the blob of the file's bytes, or "-" when there is none.
content_of() {
	if [ -f "$1" ]; then git hash-object --no-filters -- "$1"; else echo -; fi
}

# index_entry GITPATH [COMMIT]: the blob of GITPATH in the index (or in
# COMMIT), "-" when it has none.
index_entry() {
	local e
	if [ $# -eq 2 ]; then
		git rev-parse -q --verify "$2:$1" || echo -
		return
	fi
	e=$(git -C "$top" ls-files -s -- "$1")	# MODE BLOB STAGE<tab>PATH
	e=${e#* }
	e=${e%% *}
	echo "${e:--}"
}

# The bump commit: the one recorded, or (when the bump was stopped before it
# could record it) the branch's first commit after the start, if it is the
# bump's: its subject, and the bump's content in every file.
find_bump_commit() {
	local tip after first i
	if [ -n "$j_commit" ] && git rev-parse -q --verify "$j_commit^{commit}" >/dev/null; then
		echo "$j_commit"
		return
	fi
	tip=$(git rev-parse -q --verify "$j_branch^{commit}") || return 0
	after=$(git rev-list --first-parent --reverse "$j_start..$tip" 2>/dev/null) || return 0
	first=${after%%$'\n'*}
	[ -n "$first" ] && [ "$(git rev-parse -q --verify "$first^1")" = "$j_start" ] || return 0
	[ "$(git log -1 --format=%s "$first")" = "chore(release): $j_tag" ] || return 0
	for i in "${!j_path[@]}"; do
		[ "$(index_entry "$(git_path "${j_path[i]}")" "$first")" = "${j_index[i]}" ] || return 0
	done
	echo "$first"
}

# survey: compare the repository with the journal. Sets bump (the bump
# commit, if made), complete (the bump was tagged: nothing to undo) and
# problems (what differs from what the bump left, one a line).
survey() {
	local head branch i path gp cur idx start_entry tag_commit
	problems=() complete=
	bump=$(find_bump_commit)
	tag_commit=$(git rev-parse -q --verify "refs/tags/$j_tag^{commit}" || true)
	if [ -n "$bump" ] && [ "$tag_commit" = "$bump" ]; then
		complete=1
		return
	fi
	[ "$j_top" = "$top" ] || problems+=("the repository was at '$j_top', it is at '$top' now")
	branch=$(git symbolic-ref -q HEAD || echo "(detached HEAD)")
	[ "$branch" = "$j_branch" ] ||
		problems+=("HEAD is on '${branch#refs/heads/}', the bump was on '${j_branch#refs/heads/}'")
	head=$(git rev-parse -q --verify HEAD || true)
	[ "$head" = "$j_start" ] || { [ -n "$bump" ] && [ "$head" = "$bump" ]; } ||
		problems+=("HEAD is at $(short "$head"), neither the commit the bump started from ($(short "$j_start")) nor the bump's commit")
	[ -z "$tag_commit" ] || problems+=("tag '$j_tag' exists and is not on the bump's commit")
	for i in "${!j_path[@]}"; do
		path=${j_path[i]} gp=$(git_path "${j_path[i]}")
		cur=$(content_of "$path")
		[ "$cur" = "${j_old[i]}" ] || [ "$cur" = "${j_new[i]}" ] ||
			problems+=("'$gp' holds neither its content before the bump nor the bump's")
		idx=$(index_entry "$gp")
		start_entry=$(index_entry "$gp" "$j_start")
		[ "$idx" = "$start_entry" ] || [ "$idx" = "${j_index[i]}" ] ||
			problems+=("'$gp' has changes of its own staged in the index")
	done
}

# The atomic replace of mk/: a temp file beside DEST (a fixed name, since the
# lock is ours, so that a recovery finds one left by kill -9), the old file's
# owner where permitted and its mode, then a rename.
temp_beside() { printf '%s/.%s.shipsync-bump' "${1%/*}" "${1##*/}"; }
install_blob() {
	local blob=$1 dest=$2 tmp
	tmp=$(temp_beside "$dest")
	git cat-file blob "$blob" >"$tmp"
	if [ -e "$dest" ]; then
		chown --reference="$dest" -- "$tmp" 2>/dev/null || chgrp --reference="$dest" -- "$tmp" 2>/dev/null || true
		chmod --reference="$dest" -- "$tmp"
	else
		chmod "$(printf '%o' $((0666 & ~0$(umask))))" -- "$tmp"
	fi
	mv -f -- "$tmp" "$dest"
}

# undo: put back the branch, every file and its index entry. Each step leaves
# a state that survey accepts, so an undo that is itself stopped can be rerun.
undo() {
	local i gp
	if [ -n "$bump" ] && [ "$(git rev-parse HEAD)" = "$bump" ]; then
		git update-ref -m "shipsync bump: undo $j_tag" "$j_branch" "$j_start" "$bump"
	fi
	for i in "${!j_path[@]}"; do
		gp=$(git_path "${j_path[i]}")
		rm -f -- "$(temp_beside "${j_path[i]}")"
		if [ "$(content_of "${j_path[i]}")" != "${j_old[i]}" ]; then
			if [ "${j_old[i]}" = - ]; then rm -f -- "${j_path[i]}"; else install_blob "${j_old[i]}" "${j_path[i]}"; fi
		fi
		[ "$(index_entry "$gp")" = "$(index_entry "$gp" "$j_start")" ] || git -C "$top" reset -q "$j_start" -- "$gp"
	done
	rm -rf -- "$stage"
}

# undo_commands: what undoes the bump by hand, from where the repository is now.
undo_commands() {
	local tip head_branch i gp switch=
	tip=$(git rev-parse -q --verify "$j_branch^{commit}" || true)
	head_branch=$(git symbolic-ref -q HEAD || true)
	[ "$head_branch" = "$j_branch" ] || switch="git switch $(q "${j_branch#refs/heads/}")"
	if [ -n "$bump" ] && [ "$tip" = "$bump" ]; then
		[ -z "$switch" ] || echo "$switch"
		echo "git reset --keep $j_start"
	elif [ -n "$bump" ] && [ -n "$tip" ] && git merge-base --is-ancestor "$bump" "$tip"; then
		[ -z "$switch" ] || echo "$switch"
		echo "git revert --no-edit $bump"
	elif [ -z "$bump" ]; then
		for i in "${!j_path[@]}"; do
			gp=$(git_path "${j_path[i]}")
			[ "$(index_entry "$gp")" != "${j_index[i]}" ] || [ "${j_index[i]}" = "$(index_entry "$gp" "$j_start")" ] ||
				echo "git reset -q $j_start -- $(q "${j_path[i]}")"
			[ "$(content_of "${j_path[i]}")" = "${j_new[i]}" ] && [ "${j_new[i]}" != "${j_old[i]}" ] || continue
			if [ "${j_old[i]}" = - ]; then
				echo "rm -- $(q "${j_path[i]}")"
			else
				echo "git cat-file blob ${j_old[i]} > $(q "${j_path[i]}")"
			fi
		done
	fi
}

# explain WHAT: why the bump cannot be undone by itself, and the commands
# that keep or undo it; WHAT says what was (not) done about it.
explain() {
	local p cmds
	say "a bump to $j_tag was stopped, and the repository has changed since:"
	for p in "${problems[@]}"; do say "  $p"; done
	cmds=$(undo_commands)
	{
		echo "$me: $1. Decide what to keep, then run one of these and make bump again:"
		if [ -n "$bump" ] && git merge-base --is-ancestor "$bump" "$j_branch" 2>/dev/null; then
			echo "  to keep the bump, committed as $(short "$bump") on '${j_branch#refs/heads/}', tag it:"
			echo "    git tag -a $(q "$j_tag") -m $(q "Release $j_tag") $bump"
		fi
		if [ -n "$cmds" ]; then
			echo "  to undo it:"
			indent <<<"$cmds"
		else
			echo "  nothing of it is left to undo."
		fi
		echo "  then, either way, forget it:"
		echo "    rm -r -- $(q "$stage")"
	} >&2
}

next_steps() {
	cat >&2 <<-EOT
	$me: committed and tagged $1. Next:
	  git push --follow-tags      # CI validates the tag
	  make publish                # once CI has passed (DRY_RUN=1 to preview)
	EOT
}

# recover: deal with the journal of a bump that did not finish.
recover() {
	read_journal
	survey
	if [ -n "$complete" ]; then
		rm -rf -- "$stage"
		say "the stopped bump to $j_tag had finished: $j_tag tags $(short "$bump")"
		if [ "$j_request" = "$request" ]; then
			next_steps "$j_tag"
			exit 0
		fi
		return
	fi
	[ ${#problems[@]} -eq 0 ] || { explain "so nothing was changed"; exit "$EXIT_NO"; }
	say "a bump to $j_tag was stopped; undoing it first"
	undo
}

# While files change, any exit undoes the bump; a signal exits 128+N after that.
phase=checking signal=
on_exit() {
	local status=$?
	trap '' INT TERM HUP
	set +e
	[ "$phase" = changing ] && [ -f "$journal" ] || exit "$status"
	local what="failed"
	[ -z "$signal" ] || what="stopped by SIG$signal"
	read_journal
	survey
	if [ -n "$complete" ]; then
		rm -rf -- "$stage"
		say "$what after the bump was complete: $j_tag is tagged"
	elif [ ${#problems[@]} -eq 0 ] && undo; then
		say "$what; every file, the index and the branch are back as they were"
	else
		say "$what, and could not undo the bump by itself"
		explain "so it is left as it is"
	fi
	exit "$status"
}
trap on_exit EXIT
trap 'signal=INT; exit 130' INT
trap 'signal=TERM; exit 143' TERM
trap 'signal=HUP; exit 129' HUP

# --- the bump ----------------------------------------------------------

preflight() {
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		die "the work tree has uncommitted changes; commit or stash them first"
	branch=$(git symbolic-ref -q HEAD) || die "HEAD is detached; check out the release branch first"
	read -r -a pyprojects <<<"$PYPROJECT"
	[ ${#pyprojects[@]} -gt 0 ] || die "PYPROJECT is empty; name the project's pyproject.toml"
}

# check_current WHERE VERSION: a version found in a file is read as PEP 440,
# or the bump stops: what it cannot read, it cannot order a new version after.
check_current() {
	local why
	why=$(semver-check -P -- "$2" 2>&1) && return
	why=${why#semver-check: }
	die "$1 holds the version '$(shown "$2")', which cannot be read: $(shown "$why"); write it there as PEP 440 (such as 1.2.3 or 1.3.0rc1), commit that, and make bump again"
}

# read_sources: the version of each PYPROJECT where toml-setver finds it.
# Sets current (as written there) and current_at (file:line); both stay
# empty when git tags decide the version (vcs names the tool that does).
# The projects of a monorepo must agree on the current version.
read_sources() {
	local p list kind where found what rows=() r v
	current='' current_at='' vcs=''
	for p in "${pyprojects[@]}"; do
		[ -f "$p" ] || die "'$(shown "$p")' not found; set PYPROJECT to the project's pyproject.toml"
		list=$(toml-setver -l -- "$p") || die "cannot read the version of '$(shown "$p")' (see above)"
		while IFS=$'\t' read -r kind where found what; do
			case $kind in
			version) check_current "$where" "$found"; rows+=("$where"$'\t'"$found") ;;
			vcs) vcs=$what ;;
			esac
		done <<<"$list"
	done
	[ ${#rows[@]} -gt 0 ] || return 0
	IFS=$'\t' read -r current_at current <<<"${rows[0]}"
	for r in "${rows[@]:1}"; do
		v=${r#*$'\t'}
		semver-check -P --eq -- "$v" "$current" && continue
		say "the projects of PYPROJECT disagree on the current version:"
		for v in "${rows[@]}"; do printf '  %-48s %s\n' "${v%%$'\t'*}" "${v#*$'\t'}"; done >&2
		die "bring them to one version in a commit of its own, then make bump again"
	done
}

# highest_tag: the highest version tag merged into HEAD by PEP 440, if any.
# A SemVer tag that PEP 440 cannot read would be passed over, and a bump
# could then go below it: that stops the bump.
highest_tag() {
	local tags semver=() why
	tags=$(version_tags --merged HEAD)
	[ -n "$tags" ] || return 0
	mapfile -t semver < <(semver-check -k --sort <<<"$tags" 2>/dev/null)
	if [ ${#semver[@]} -gt 0 ] && ! why=$(semver-check -P -- "${semver[@]}" 2>&1); then
		say "$(shown "${why//semver-check: /}")"
		die "a version tag (prefix '$TAG_PREFIX') cannot be read as PEP 440, so no bump can be ordered after it; rename it or delete it (git tag -d), then make bump again"
	fi
	semver-check -P -k --max <<<"$tags" || case $? in
		"$EXIT_NOTFOUND") ;;
		*) die "cannot sort the version tags" ;;
		esac
}

# base_version: sets base, the version to bump from, and base_at, where it
# was read: the higher of the pyproject version and the highest version tag
# by PEP 440; both empty when there is neither (a first release).
base_version() {
	local tag_max
	read_sources
	tag_max=$(highest_tag)
	base=$current base_at=$current_at
	if [ -n "$tag_max" ] && { [ -z "$base" ] || semver-check -P --gt -- "$tag_max" "$base"; }; then
		base=$tag_max base_at="tag $TAG_PREFIX$tag_max"
	fi
}

# bump_from VERSION LEVEL: the PEP 440 bump. prerelease on a final release
# starts the PREID series of the next minor version (1.2.0 becomes 1.3.0rc1).
bump_from() {
	local args=(--bump "$2")
	if [ "$2" = prerelease ] && [ -z "$(semver-check -P --field pre -- "$1")$(semver-check -P --field dev -- "$1")" ]; then
		args=(--bump preminor --preid "$PREID" --preid-base 1)
	fi
	semver-check -P "${args[@]}" -- "$1" ||
		die "cannot bump '$1' (${base_at:-no version yet}) by $2${args[3]:+ with PREID '$(shown "$PREID")'}; name the version instead: make bump VERSION=x.y.z"
}

# A greater version to offer when the one asked for is not.
suggestion() {
	local next
	next=$(semver-check -P --bump patch -- "$base" 2>/dev/null) &&
		semver-check -P --semver -- "$next" 2>/dev/null || echo "a higher x.y.z"
}

# next_version: sets new (SemVer: the tag and the changelog), pep440 (the
# Python side), tag and docker_tag, or refuses. Every comparison is PEP 440's.
next_version() {
	local level=$request
	base_version
	if [ "$request" = auto ]; then
		level=$(commit-bump --tag-prefix "$TAG_PREFIX") || die "cannot read the commits since the last version tag"
		[ "$level" != none ] ||
			die "nothing to release: no commit since the last version tag is a feat, a fix or a breaking change"
	fi
	case $level in
	major|minor|patch|release|prerelease|post)
		pep440=$(bump_from "${base:-0.0.0}" "$level")
		new=$(semver-check -P --semver -- "$pep440") ||
			die "'$pep440', the $level bump of '$base', has no SemVer form to tag; name a version that has: make bump VERSION=x.y.z" ;;
	*)
		new=${request#"$TAG_PREFIX"}
		pep440=$(semver-check --pep440 -- "$new") || die "'$new' has no PEP 440 form, so it cannot go to PyPI" ;;
	esac
	semver-check -q -- "$new" || die "'$new' is not a SemVer 2.0.0 version (such as 1.2.3 or 1.3.0-rc.1)"
	tag=$TAG_PREFIX$new
	! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || die "tag '$tag' already exists"
	[ -z "$base" ] || semver-check -P --gt -- "$pep440" "$base" ||
		die "'$new' is not greater than the current version '$base' ($base_at) by PEP 440; ask for a greater one, such as make bump VERSION=$(suggestion)"
	docker_tag=$(semver-check --docker-tag -- "$new") || die "'$new' has no Docker tag form"
}

# stage_file NAME: NAME's new content is in staged_out; NAME is followed
# through symbolic links to the file that is really rewritten, which must be
# in the repository, and appears once.
paths=()
declare -A seen=()
stage_file() {
	local path
	path=$(realpath -m -- "$1")
	case $path in "$top"/*) ;; *) die "'$1' is '$path', outside the repository: the bump could not commit it" ;; esac
	case $path in *$'\n'*|*' ') die "'$(shown "$1")': a file name with a newline or a final space cannot be journaled" ;; esac
	[ -z "${seen[$path]:-}" ] || die "'$1' and '${seen[$path]}' are the same file"
	seen[$path]=$1
	paths+=("$path")
}
# Where the next file's new content goes.
staged_out() { printf '%s/new.%d' "$stage" "${#paths[@]}"; }

# set_dunder_version FILE OUT: every line `__version__ = "CURRENT"` (or with
# single quotes) gets the new version; plain string comparison, no pattern.
set_dunder_version() {
	OLD=${current:-$base} NEW=$pep440 awk '
	BEGIN { old = ENVIRON["OLD"]; new = ENVIRON["NEW"]; n = 0 }
	{
		line = $0
		if (substr(line, 1, 11) == "__version__") {
			i = 12
			while (substr(line, i, 1) == " " || substr(line, i, 1) == "\t") i++
			if (substr(line, i, 1) == "=") {
				i++
				while (substr(line, i, 1) == " " || substr(line, i, 1) == "\t") i++
				q = substr(line, i, 1)
				if ((q == "\"" || q == "'\''") && substr(line, i + 1, length(old)) == old &&
				    substr(line, i + 1 + length(old), 1) == q) {
					line = substr(line, 1, i) new substr(line, i + 1 + length(old))
					n++
				}
			}
		}
		print line
	}
	END { exit n == 0 }' <"$1" >"$2" || return
	# awk ends every line; keep a file that had no final newline without one.
	[ -z "$(tail -c 1 -- "$1")" ] || truncate -s -1 -- "$2"
}

# stage_python: each PYPROJECT's version set where toml-setver finds it,
# every file it would change staged; a version that git tags decide needs
# no file, and toml-setver says so.
stage_python() {
	local p out from to
	mkdir -p -- "$stage/python"
	for p in "${pyprojects[@]}"; do
		out=$(toml-setver -O "$stage/python" -- "$p" "$pep440") || die "cannot set the version of '$(shown "$p")' (see above)"
		while IFS=$'\t' read -r from to; do
			[ -n "$from" ] || continue
			mv -f -- "$from" "$(staged_out)"
			stage_file "$to"
		done <<<"$out"
	done
}

# stage_changelog: the changelog's new content; for a changelog that
# towncrier builds, also the news fragments it consumes, to be removed in the
# same commit (a journal entry with no new content). Entries from the
# commits are not given to towncrier, which has its own.
stage_changelog() {
	local entries=() fragments f
	if [ "$request" = auto ] && ! { [ -f "$CHANGELOG" ] && grep -qF 'towncrier release notes start' -- "$CHANGELOG"; }; then
		commit-bump --changelog --tag-prefix "$TAG_PREFIX" >"$stage/entries" || die "cannot read the commits"
		entries=(-e "$stage/entries")
	fi
	fragments=$(changelog-prepend -f "$CHANGELOG" -t "$TAG_PREFIX" -o "$(staged_out)" "${entries[@]}" -- "$new") ||
		die "cannot add '$new' to '$(shown "$CHANGELOG")'"
	stage_file "$CHANGELOG"
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		git ls-files --error-unmatch -- "$f" >/dev/null 2>&1 ||
			die "the news fragment '$(shown "$f")' is not committed; commit it (or remove it), then make bump again"
		stage_file "$f"
	done <<<"$fragments"
}

# stage_edits: every changed file computed into the stage, none replaced yet.
stage_edits() {
	local f i image_args=() compose_files version_files images
	read -r -a compose_files <<<"$COMPOSE_FILES"
	read -r -a version_files <<<"$VERSION_FILES"
	read -r -a images <<<"$IMAGE"
	mkdir -p -- "$stage"

	stage_python

	for i in "${images[@]}"; do image_args+=(-i "$i"); done
	for f in "${compose_files[@]}"; do
		[ ${#images[@]} -gt 0 ] || die "COMPOSE_FILES is set but IMAGE is empty; name the project's own images"
		compose-retag "${image_args[@]}" -s "$docker_tag" -o "$(staged_out)" -- "$f" || die "cannot retag '$f'"
		stage_file "$f"
	done

	stage_changelog

	for f in "${version_files[@]}"; do
		# A file the pyproject already names has its new version staged.
		[ -z "${seen[$(realpath -m -- "$f")]:-}" ] || continue
		set_dunder_version "$f" "$(staged_out)" || die "'$f' has no line __version__ = \"${current:-$base}\" to update"
		stage_file "$f"
	done
}

# write_journal: the journal of this bump, written whole before any file changes.
# The blobs are written to the object store, so that the journal can always
# give back the bytes it names; one git for all old files, one for all new.
# A file with no new content is one the bump removes: "-" for its new blob
# and its index entry.
write_journal() {
	local i start hashes index old new existing=() staged=() added=()
	start=$(git rev-parse HEAD)
	for i in "${!paths[@]}"; do
		[ ! -e "$stage/new.$i" ] || staged+=("$stage/new.$i")
		[ ! -e "${paths[i]}" ] || existing+=("${paths[i]}")
	done
	if [ ${#staged[@]} -gt 0 ]; then
		hashes=$(git hash-object -w --no-filters -- "${staged[@]}")
		mapfile -t added <<<"$hashes"
	fi
	if [ ${#existing[@]} -gt 0 ]; then
		hashes=$(git hash-object -w --no-filters -- "${existing[@]}")
		mapfile -t existing <<<"$hashes"
	fi
	{
		printf 'shipsync-bump-journal 1\nrequest %s\nbranch %s\nstart %s\ntag %s\ntop %s\n' \
			"$request" "$branch" "$start" "$tag" "$top"
		for i in "${!paths[@]}"; do
			old=- new=- index=-
			if [ -e "${paths[i]}" ]; then old=${existing[0]}; existing=("${existing[@]:1}"); fi
			if [ -e "$stage/new.$i" ]; then
				new=${added[0]}
				added=("${added[@]:1}")
				# The blob git add makes: the path's filters (eol, clean) applied.
				index=$(git -C "$top" hash-object --path="${paths[i]#"$top/"}" -- "$stage/new.$i")
			fi
			printf 'file %s %s %s %s\n' "$old" "$new" "$index" "${paths[i]}"
		done
	} >"$journal.tmp"
	mv -f -- "$journal.tmp" "$journal"
}

# apply: replace (or remove) the files, commit, record the commit, tag.
apply() {
	local i p gitpaths=()
	for i in "${!j_path[@]}"; do
		if [ "${j_new[i]}" = - ]; then rm -f -- "${j_path[i]}"; else install_blob "${j_new[i]}" "${j_path[i]}"; fi
		checkpoint replace
	done
	for p in "${j_path[@]}"; do gitpaths+=("$(git_path "$p")"); done
	git -C "$top" add -- "${gitpaths[@]}"
	checkpoint add
	git -C "$top" commit -q -m "chore(release): $tag" -- "${gitpaths[@]}"
	checkpoint commit
	echo "commit $(git rev-parse HEAD)" >>"$journal"
	checkpoint recorded
	git tag -a "$tag" -m "Release $tag"
	checkpoint tag
}

take_lock
[ ! -f "$journal" ] || recover
rm -rf -- "$stage"
preflight
next_version
stage_edits
write_journal
phase=changing
read_journal
checkpoint journal
apply
phase=finished
rm -rf -- "$stage"

echo "$tag" >&2
say "PyPI version $pep440${vcs:+ (from the tag, through $vcs)}, image tag $docker_tag"
next_steps "$tag"
