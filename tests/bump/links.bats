#!/usr/bin/env bats
# A version file that is a symbolic link: the file it names is rewritten and
# committed, the link stays a link; a link that leads out of the repository
# is refused. The tools that rewrite files in place keep links the same way.

load ../lib/common
load helpers

setup() {
	make_project
	mkdir docs
	git mv CHANGELOG.md docs/CHANGELOG.md
	ln -s docs/CHANGELOG.md CHANGELOG.md
	git add CHANGELOG.md
	git commit -q -m "docs: the changelog lives in docs/"
	ORIG=$(git rev-parse HEAD)
	chmod 0640 docs/CHANGELOG.md
}

@test "a symlinked CHANGELOG.md: the file it names gets the release, the link stays" {
	run make -s bump VERSION=1.3.0
	[ "$status" -eq 0 ]
	[ -L CHANGELOG.md ] && [ "$(readlink CHANGELOG.md)" = docs/CHANGELOG.md ]
	grep -q '^## \[1.3.0\] - ' docs/CHANGELOG.md
	[ "$(stat -c %a docs/CHANGELOG.md)" = 640 ]
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "compose.yaml docs/CHANGELOG.md pyproject.toml " ]
	[ -z "$(git status --porcelain --ignored)" ]
	run make -s version-check
	[ "$status" -eq 0 ]
}

@test "a symlinked CHANGELOG.md survives a bump stopped by a signal or by kill -9" {
	run env SHIPSYNC_BUMP_KILL_AT=add SHIPSYNC_BUMP_KILL_SIGNAL=TERM make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[ -L CHANGELOG.md ] && [ -z "$(git status --porcelain --ignored)" ]
	[ "$(stat -c %a docs/CHANGELOG.md)" = 640 ]
	run env SHIPSYNC_BUMP_KILL_AT=add make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	run make -s bump VERSION=1.3.0
	[ "$status" -eq 0 ]
	[ -L CHANGELOG.md ] && grep -q '^## \[1.3.0\] - ' docs/CHANGELOG.md
	[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
}

@test "a version file that leads out of the repository is refused, and nothing changes" {
	local before
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cp docs/CHANGELOG.md "$BATS_TEST_TMPDIR/elsewhere/CHANGELOG.md"
	ln -sfn "$BATS_TEST_TMPDIR/elsewhere/CHANGELOG.md" CHANGELOG.md
	git commit -q -am "point the changelog elsewhere"
	before=$(snapshot)
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"outside the repository"* ]]
	[ "$(snapshot)" = "$before" ]
	! grep -q '1.3.0' "$BATS_TEST_TMPDIR/elsewhere/CHANGELOG.md"
}

@test "toml-setver, compose-retag and changelog-prepend rewrite the file a link names and keep the link" {
	ln -s pyproject.toml link.toml
	ln -s compose.yaml link.yaml
	run toml-setver link.toml 1.4.0
	[ "$status" -eq 0 ]
	run compose-retag -i ghcr.io/acme/app -s 1.4.0 link.yaml
	[ "$status" -eq 0 ]
	run changelog-prepend -f CHANGELOG.md 1.4.0
	[ "$status" -eq 0 ]
	[ -L link.toml ] && [ -L link.yaml ] && [ -L CHANGELOG.md ]
	[ "$(toml-setver -g pyproject.toml)" = 1.4.0 ]
	grep -q 'image: ghcr.io/acme/app:1.4.0' compose.yaml
	grep -q '^## \[1.4.0\] - ' docs/CHANGELOG.md
	[ "$(stat -c %a docs/CHANGELOG.md)" = 640 ]
}
