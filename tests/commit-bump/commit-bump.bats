# commit-bump: real git repositories made here, with crafted messages, tags and merges.
load ../lib/common

setup() {
	require git commit-bump || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME=$BATS_TEST_TMPDIR GIT_CONFIG_NOSYSTEM=1
	export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
	export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
	export GIT_AUTHOR_DATE=1700000000 GIT_COMMITTER_DATE=1700000000
	unset GIT_DIR
}

# A fresh repository in ./repo, entered.
new_repo() {
	git init -q -b main repo && cd repo || return 1
	git config commit.gpgsign false
	git config tag.gpgsign false
}

# One commit with exactly this message (kept byte for byte: CR, trailing lines).
commit() {
	printf '%s' "$1" >"$BATS_TEST_TMPDIR/msg"
	git commit -q --allow-empty --cleanup=verbatim -F "$BATS_TEST_TMPDIR/msg"
}

@test "--help prints the usage on stdout and exits 0" {
	run commit-bump --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: commit-bump "* ]]
	run commit-bump --version
	[[ $output == "commit-bump (shipsync) "* ]]
}

@test "a bad command line exits 2" {
	run commit-bump -c -N
	[ "$status" -eq 2 ]
	run commit-bump extra
	[ "$status" -eq 2 ]
	run commit-bump --bogus
	[ "$status" -eq 2 ]
}

@test "outside a repository it says so and exits 8" {
	mkdir plain
	run commit-bump -C plain
	[ "$status" -eq 8 ]
	[[ $output == *"'plain' is not in a git repository"* ]]
	run commit-bump -C does-not-exist
	[ "$status" -eq 8 ]
}

@test "an empty repository: bump none, no next version, no entries" {
	new_repo
	run commit-bump
	[ "$status" -eq 0 ]
	[ "$output" = none ]
	run commit-bump -N
	[ "$status" -eq 1 ]
	[[ $output == *"no commit since the first commit calls for a release"* ]]
	run commit-bump -c
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "without a version tag every commit counts, from 0.0.0" {
	new_repo
	commit "chore: init"
	commit "fix: one"
	run commit-bump -N
	[ "$output" = 0.0.1 ]
	commit "feat: two"
	run commit-bump -v -N
	[ "${lines[-1]}" = 0.1.0 ]
	[[ $output == *"latest version tag: none (0.0.0); 3 commits since"* ]]
	run commit-bump -0 -N
	[ "$output" = 0.0.1 ]
}

@test "the latest tag is the highest SemVer reachable from HEAD, not the newest nor the name order" {
	new_repo
	commit "feat: a"
	git tag v1.10.0
	commit "fix: b"
	git tag v1.9.0	# newer, but lower
	commit "fix: c"
	git checkout -q -b other
	commit "feat: on a branch"
	git tag v3.0.0	# higher, but not reachable from main
	git checkout -q main
	run commit-bump -v -N
	[[ $output == *"latest version tag: v1.10.0 (1.10.0); 2 commits since"* ]]
	[ "${lines[-1]}" = 1.10.1 ]
}

@test "annotated and lightweight tags both count" {
	new_repo
	commit "feat: a"
	git tag -a -m "release 1.0.0" v1.0.0
	commit "fix: b"
	run commit-bump -N
	[ "$output" = 1.0.1 ]
	git tag v1.1.0
	commit "feat: c"
	run commit-bump -v -N
	[[ $output == *"latest version tag: v1.1.0"* ]]
	[ "${lines[-1]}" = 1.2.0 ]
}

@test "tags that are not versions are ignored, and so are tags of no commit" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit "fix: b"
	for t in latest v1.2 v01.2.3 vfoo release-9.0.0 v9.0 V9.0.0 v9.0.0.0 'v9.0.0-'; do
		git tag "$t" 2>/dev/null || true
	done
	git tag v8.0.0 "$(git write-tree)"	# names a tree
	git tag -a -m blob v7.0.0 "$(git hash-object -w --stdin </dev/null)"
	run commit-bump -v -N
	[[ $output == *"latest version tag: v1.0.0"* ]]
	[ "${lines[-1]}" = 1.0.1 ]
}

@test "the tag prefix option picks other tags" {
	new_repo
	commit "feat: a"
	git tag pkg-2.0.0
	git tag v9.0.0
	commit "fix: b"
	run commit-bump -t pkg- -N
	[ "$output" = 2.0.1 ]
	run commit-bump -t '' -N
	[ "$output" = 0.1.0 ]
	git tag 3.0.0
	commit "fix: c"
	run commit-bump -t '' -N
	[ "$output" = 3.0.1 ]
}

@test "reads like git log TAG..HEAD: commits of a merged branch count, merges are skipped" {
	new_repo
	commit "chore: base"
	git checkout -q -b side
	commit "feat: made on a branch before the release"
	git checkout -q main
	commit "fix: released"
	git tag v1.0.0
	commit "docs: after"
	git merge -q --no-ff -m $'Merge branch \'side\'\n\nfix!: a breaking note in a merge message is not read' side
	run commit-bump -v
	[ "${lines[-1]}" = minor ]
	[[ $output == *"2 commits since, 1 merges skipped"* ]]
	[ "$(git rev-list --count --no-merges v1.0.0..HEAD)" -eq 2 ]
	run commit-bump -c
	[ "$output" = $'### Added\n\n- made on a branch before the release' ]
}

@test "a detached HEAD is read from where it is; -r names another revision" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit "fix: b"
	commit "feat!: c"
	git checkout -q --detach HEAD~1
	run commit-bump
	[ "$output" = patch ]
	git checkout -q main
	run commit-bump
	[ "$output" = major ]
	run commit-bump -r HEAD~1 -N
	[ "$output" = 1.0.1 ]
	run commit-bump -r v1.0.0
	[ "$output" = none ]
	run commit-bump -r no-such-rev
	[ "$status" -eq 8 ]
	[[ $output == *"'no-such-rev' names no commit"* ]]
}

@test "a tag on HEAD itself: nothing since" {
	new_repo
	commit "feat: a"
	git tag v2.3.4
	run commit-bump -v
	[[ $output == *"0 commits since"* ]]
	[ "${lines[-1]}" = none ]
	run commit-bump -N
	[ "$status" -eq 1 ]
	[[ $output == *"no commit since v2.3.4 calls for a release"* ]]
}

@test "CRLF messages, BREAKING-CHANGE footers and upper-case types" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit $'fix(parser): accept CRLF\r\n\r\nBREAKING-CHANGE: lines now end with LF\r\n'
	run commit-bump
	[ "$output" = major ]
	run commit-bump -c
	[ "$output" = $'### Fixed\n\n- **Breaking:** **parser:** accept CRLF' ]
	git tag v2.0.0
	commit "FEAT: shouting"
	run commit-bump
	[ "$output" = minor ]
	run commit-bump -c
	[ "$output" = $'### Added\n\n- shouting' ]
}

@test "reverts: git revert of a feature is Removed, revert: of a fix is Changed" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	echo thing >thing && git add thing
	git commit -q -m "feat: the thing"
	git revert --no-edit HEAD >/dev/null
	commit "revert: fix: an old fix"
	run commit-bump
	[ "$output" = minor ]
	run commit-bump -c
	[ "$output" = $'### Added\n\n- the thing\n\n### Changed\n\n- fix: an old fix\n\n### Removed\n\n- Revert "feat: the thing"' ]
}

@test "the changelog groups, hidden types, -a and the 0.x rule" {
	new_repo
	commit "feat: first"
	git tag v0.3.0
	commit "docs: readme"
	commit "ci: pipeline"
	commit "perf(db): faster queries"
	commit "deprecate: the old flag"
	commit "security: CVE-2026-0001 closed"
	commit "fix(api)!: stricter input"
	commit "Tidy up"
	run commit-bump -c
	[ "$output" = $'### Changed\n\n- **db:** faster queries\n\n### Deprecated\n\n- the old flag\n\n### Fixed\n\n- **Breaking:** **api:** stricter input\n\n### Security\n\n- CVE-2026-0001 closed' ]
	run commit-bump -c -a
	[ "${lines[0]}" = "### Changed" ]
	[ "${lines[1]}" = "- Tidy up" ]
	[ "${lines[2]}" = "- **db:** faster queries" ]
	[[ $output == *"- pipeline"* && $output == *"- readme"* ]]
	run commit-bump
	[ "$output" = major ]
	run commit-bump -0
	[ "$output" = minor ]
	run commit-bump -0 -N
	[ "$output" = 0.4.0 ]
	run commit-bump -N
	[ "$output" = 1.0.0 ]
}

@test "a pre-release tag is finished by the next bump" {
	new_repo
	commit "feat: a"
	git tag v2.0.0-rc.1
	commit "feat: b"
	run commit-bump -N
	[ "$output" = 2.0.0 ]
	git tag v2.0.0
	commit "fix: c"
	run commit-bump -v -N
	[[ $output == *"latest version tag: v2.0.0 (2.0.0)"* ]]
	[ "${lines[-1]}" = 2.0.1 ]
}

@test "hostile messages: control characters, huge bodies, headings, no message" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit $'feat: bell\a escape\e[31m red\x7f'
	commit $'fix: x\n\n## [9.9.9] - 2020-01-01\n'"$(head -c 2000000 /dev/zero | tr '\0' 'y')"
	git commit -q --allow-empty --allow-empty-message -m ''
	commit $'\n\n\n'
	run commit-bump -c
	[ "$status" -eq 0 ]
	[ "$output" = $'### Added\n\n- bell  escape [31m red \n\n### Fixed\n\n- x' ]
	run commit-bump
	[ "$output" = minor ]
}

@test "a bare repository, -C and GIT_DIR" {
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit "fix: b"
	cd ..
	git clone -q --bare repo bare.git
	run commit-bump -C bare.git -N
	[ "$output" = 1.0.1 ]
	run commit-bump -C repo -N
	[ "$output" = 1.0.1 ]
	mkdir -p repo/sub/dir
	run commit-bump -C repo/sub/dir -N
	[ "$output" = 1.0.1 ]
	GIT_DIR=$PWD/bare.git run commit-bump -N
	[ "$output" = 1.0.1 ]
}

@test "the entries go straight into changelog-prepend and parse" {
	require node changelog-prepend
	new_repo
	commit "feat: a"
	git tag v1.0.0
	commit "feat(ui): dark mode"
	commit "fix: a crash"
	commit "chore: deps"
	changelog-prepend -o CHANGELOG.md -d 2025-01-01 1.0.0 </dev/null
	commit-bump -c | changelog-prepend -d 2026-01-01 "$(commit-bump -N)" -
	run changelog-prepend -x 1.1.0
	[ "$output" = $'### Added\n\n- **ui:** dark mode\n\n### Fixed\n\n- a crash' ]
	run node "$TOP/tests/changelog-prepend/kac-parse.mjs" CHANGELOG.md
	[ "$output" = '[null,"1.1.0","1.0.0"]' ]
}

@test "the man page examples run as shown" {
	require changelog-prepend
	new_repo
	commit "chore: start"
	git tag v1.2.0
	commit "fix: Crash on empty input."
	commit "feat(cli): Export to CSV."
	commit "docs: typo"
	changelog-prepend -o CHANGELOG.md -d 2025-01-01 1.2.0
	python3 "$TOP/tests/lib/man-examples.py" "$TOP/man/commit-bump.1" ..
	local n
	for n in 0 1; do
		[ -s ../example-$n.sh ]
		bash -e ../example-$n.sh >../example-$n.got
		diff ../example-$n.out ../example-$n.got
	done
	[ ! -e ../example-2.sh ]
}

@test "a PEP 440 tag in its normalised form counts, by its SemVer form" {
	new_repo
	commit "feat: a"
	git tag v0.6.1
	commit "feat: b"
	git tag v0.6.2.dev1
	git tag v0.7	# two numbers: not a version tag
	commit "fix: c"
	run commit-bump -v -N
	[[ $output == *"latest version tag: v0.6.2.dev1 (0.6.2-dev.1); 1 commits since"* ]] || { echo "$output"; return 1; }
	[ "${lines[-1]}" = 0.6.2 ]
	git tag v1.0.0RC1
	run commit-bump -v
	[[ $output == *"latest version tag: v0.6.2.dev1"* ]]
	git tag -d v1.0.0RC1 >/dev/null
	git tag v1.0.0rc1
	run commit-bump -v
	[[ $output == *"latest version tag: v1.0.0rc1 (1.0.0-rc.1)"* ]] || { echo "$output"; return 1; }
}
