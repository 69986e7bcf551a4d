#!/usr/bin/env bats
# make bump may be stopped at any point, by a signal or by kill -9, followed
# by any ordinary git work, and no byte of that work is lost: a bump undoes
# itself, or the next one undoes it when the repository is exactly as it was
# left, or changes nothing and prints the commands that keep or undo it.

load ../lib/common
load helpers

setup() {
	make_project
}

# The commands a refused recovery prints under a heading, one a line.
printed() {
	awk -v head="  $1" 'index($0, head) == 1 { on = 1; next } on && /^    / { sub(/^    /, ""); print; next } { on = 0 }' <<<"$output"
}

# A pre-commit hook that writes the pid of the bump script (git's parent)
# to $BATS_TEST_TMPDIR/hook-pid, then waits until $BATS_TEST_TMPDIR/go exists.
slow_hook() {
	cat >.git/hooks/pre-commit <<-EOT
	#!/bin/sh
	read -r _ _ _ ppid _ </proc/\$PPID/stat
	echo "\$ppid" >"$BATS_TEST_TMPDIR/hook-pid.tmp" && mv "$BATS_TEST_TMPDIR/hook-pid.tmp" "$BATS_TEST_TMPDIR/hook-pid"
	i=0
	while [ ! -e "$BATS_TEST_TMPDIR/go" ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
	EOT
	chmod +x .git/hooks/pre-commit
}

wait_for_hook() {
	local i
	for i in $(seq 1 300); do
		[ -e "$BATS_TEST_TMPDIR/hook-pid" ] && return 0
		sleep 0.1
	done
	echo "the pre-commit hook never started"
	return 1
}

@test "stopped after its commit, then a branch switch, a commit and an edit: the next bump changes nothing and says what to do" {
	local bumped work before cmds
	git branch feature "$ORIG"
	run env SHIPSYNC_BUMP_KILL_AT=commit make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	bumped=$(git rev-parse main)
	[ "$(git rev-parse main~1)" = "$ORIG" ]
	git switch -q feature
	echo work >feature.txt && git add feature.txt && git commit -q -m "feat: work on a feature"
	work=$(git rev-parse HEAD)
	echo "- An edit of mine." >>CHANGELOG.md
	before=$(snapshot)

	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"HEAD is on 'feature', the bump was on 'main'"* ]]
	[ "$(snapshot)" = "$before" ]
	[ "$(git rev-parse feature)" = "$work" ] && [ "$(git rev-parse main)" = "$bumped" ]
	tail -n 1 CHANGELOG.md | grep -qx -- "- An edit of mine."
	cmds=$(printed "to undo it:")
	[ "$cmds" = "$(printf 'git switch main\ngit reset --keep %s' "$ORIG")" ]
	[[ "$(printed "to keep the bump")" == "git tag -a v1.3.0 -m Release\\ v1.3.0 $bumped" ]]

	# The printed commands do what they say; then a bump runs again.
	git stash -q
	bash -ec "$cmds"
	bash -ec "$(printed "then, either way")"
	[ "$(git rev-parse main)" = "$ORIG" ]
	run make -s bump VERSION=1.3.0
	[ "$status" -eq 0 ]
	[ "$(git rev-parse main~1)" = "$ORIG" ]
	git switch -q feature && git stash pop -q
	[ "$(git rev-parse HEAD)" = "$work" ]
	tail -n 1 CHANGELOG.md | grep -qx -- "- An edit of mine."
}

@test "stopped with its files staged, then an edit: only the bump's own content is undone by the printed commands" {
	local before
	run env SHIPSYNC_BUMP_KILL_AT=add make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	echo "- An edit of mine." >>CHANGELOG.md
	before=$(snapshot)
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"'CHANGELOG.md' holds neither its content before the bump nor the bump's"* ]]
	[ "$(snapshot)" = "$before" ]
	bash -ec "$(printed "to undo it:")"
	bash -ec "$(printed "then, either way")"
	[ "$(git show "$ORIG:pyproject.toml")" = "$(cat pyproject.toml)" ]
	[ "$(git show "$ORIG:compose.yaml")" = "$(cat compose.yaml)" ]
	[ -z "$(git diff --cached --name-only)" ]
	[ "$(git diff --name-only)" = CHANGELOG.md ]
	tail -n 1 CHANGELOG.md | grep -qx -- "- An edit of mine."
	[ ! -e .git/shipsync-bump ]
}

@test "a stopped bump, then a bump to another version: the first is undone, the second made" {
	run env SHIPSYNC_BUMP_KILL_AT=recorded make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	run make -s bump VERSION=1.4.0
	[ "$status" -eq 0 ]
	[[ "$output" == *"a bump to v1.3.0 was stopped; undoing it first"* ]]
	[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
	[ "$(git rev-parse 'v1.4.0^{commit}')" = "$(git rev-parse HEAD)" ]
	! git rev-parse -q --verify refs/tags/v1.3.0
	[ -z "$(git status --porcelain)" ]
}

@test "stopped after its tag: the same command again says it is done, another version bumps on top" {
	run env SHIPSYNC_BUMP_KILL_AT=tag make -s bump VERSION=minor
	[ "$status" -ne 0 ]
	run make -s bump VERSION=minor
	[ "$status" -eq 0 ]
	[[ "$output" == *"the stopped bump to v1.3.0 had finished"* ]]
	[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
	! git rev-parse -q --verify refs/tags/v1.4.0
	run env SHIPSYNC_BUMP_KILL_AT=tag make -s bump VERSION=1.3.1
	run make -s bump VERSION=patch
	[ "$status" -eq 0 ]
	[ "$(git rev-parse 'v1.3.2^{commit}')" = "$(git rev-parse HEAD)" ]
	[ "$(git rev-parse 'v1.3.1^{commit}')" = "$(git rev-parse HEAD~1)" ]
}

@test "SIGINT and SIGTERM at any point: exit 130 or 143, with everything as it was" {
	local sig code point before
	before=$(snapshot)
	for sig in INT TERM; do
		code=$([ $sig = INT ] && echo 130 || echo 143)
		for point in journal replace add commit recorded; do
			run env SHIPSYNC_BUMP_KILL_AT=$point SHIPSYNC_BUMP_KILL_SIGNAL=$sig make -s bump VERSION=1.3.0
			[ "$status" -ne 0 ] || { echo "SIG$sig at $point: exit 0"; return 1; }
			[[ "$output" == *"bump] Error $code"* ]] || { echo "SIG$sig at $point: $output"; return 1; }
			[[ "$output" == *"stopped by SIG$sig; every file, the index and the branch are back as they were"* ]] ||
				{ echo "SIG$sig at $point: $output"; return 1; }
			[ "$(snapshot)" = "$before" ] || { echo "SIG$sig at $point changed the repository"; return 1; }
			[ ! -e .git/shipsync-bump ]
		done
	done
	run env SHIPSYNC_BUMP_KILL_AT=tag SHIPSYNC_BUMP_KILL_SIGNAL=TERM make -s bump VERSION=1.3.0
	[[ "$output" == *"bump] Error 143"* ]] || { echo "$output"; return 1; }
	[[ "$output" == *"stopped by SIGTERM after the bump was complete: v1.3.0 is tagged"* ]]
	[ "$(git rev-parse 'v1.3.0^{commit}')" = "$(git rev-parse HEAD)" ]
	[ ! -e .git/shipsync-bump ]
}

@test "SIGTERM during a slow pre-commit hook: exit 143, and the tree back as it was" {
	local before pid mpid
	slow_hook
	before=$(snapshot)
	make -s bump VERSION=1.3.0 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	mpid=$!
	wait_for_hook
	pid=$(cat "$BATS_TEST_TMPDIR/hook-pid")
	grep -q bump.sh "/proc/$pid/cmdline"
	kill -TERM "$pid"
	touch "$BATS_TEST_TMPDIR/go"
	status=0
	wait "$mpid" || status=$?
	[ "$status" -ne 0 ]
	output=$(cat "$BATS_TEST_TMPDIR/out")
	[[ "$output" == *"bump] Error 143"* ]] || { echo "$output"; return 1; }
	[[ "$output" == *"stopped by SIGTERM; every file, the index and the branch are back as they were"* ]]
	[ "$(snapshot)" = "$before" ]
	[ ! -e .git/shipsync-bump ]
}

@test "two bumps at once: the second is refused and changes nothing, the first completes" {
	local mpid
	slow_hook
	make -s bump VERSION=1.3.0 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	mpid=$!
	wait_for_hook
	run make -s bump VERSION=1.4.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"another bump is running in this repository"* ]]
	touch "$BATS_TEST_TMPDIR/go"
	wait "$mpid" || { cat "$BATS_TEST_TMPDIR/out"; return 1; }
	[ "$(git rev-parse 'v1.3.0^{commit}')" = "$(git rev-parse HEAD)" ]
	[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
	! git rev-parse -q --verify refs/tags/v1.4.0
	[ -z "$(git status --porcelain)" ]
}

@test "kill -9 at any point, then ordinary git work: not a byte of that work is lost" {
	local point work mine
	# Before any file, with files staged, committed unrecorded, tagged.
	for point in journal add commit tag; do
		for work in commit edit switch; do
			cd "$BATS_TEST_TMPDIR" && rm -rf "$P" && make_project
			run env SHIPSYNC_BUMP_KILL_AT=$point make -s bump VERSION=1.3.0
			[ "$status" -ne 0 ]
			case $work in
			commit) echo mine >mine.txt && git add mine.txt && git commit -q -m "feat: mine" ;;
			edit) echo "- An edit of mine." >>CHANGELOG.md ;;
			switch) git switch -q -c other && echo mine >mine.txt && git add mine.txt && git commit -q -m "feat: mine" ;;
			esac
			mine=$(git rev-parse -q --verify HEAD)
			run make -s bump VERSION=1.3.0
			# The user's commit is still on a branch, and every byte of the work tree is kept.
			case $work in
			commit|switch)
				[ -n "$(git branch --contains "$mine")" ] && git cat-file -e "$mine:mine.txt" ||
					{ echo "$point/$work: commit lost: $output"; return 1; } ;;
			edit)
				tail -n 1 CHANGELOG.md | grep -qx -- "- An edit of mine." ||
					{ echo "$point/$work: edit lost: $output"; return 1; } ;;
			esac
			# Either the bump went through cleanly, or it said what to do by hand.
			if [ "$status" -eq 0 ]; then
				[ "$(git rev-parse 'v1.3.0^{commit}')" = "$(git rev-parse HEAD)" ] ||
					[[ "$output" == *"the stopped bump to v1.3.0 had finished"* ]] || { echo "$point/$work: $output"; return 1; }
				[ "$(git rev-parse 'v1.3.0^{commit}~1')" = "$ORIG" ]
			else
				[[ "$output" == *"then, either way, forget it:"* ]] || { echo "$point/$work: $output"; return 1; }
			fi
		done
	done
}
