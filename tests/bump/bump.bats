#!/usr/bin/env bats
# make bump: one version everywhere, committed and tagged, all or nothing.

load ../lib/common
load helpers

setup() {
	make_project
}

@test "bump sets every version reference, commits exactly those files and tags" {
	run make -s bump VERSION=1.3.0
	[ "$status" -eq 0 ]
	[ "$(toml-setver -g pyproject.toml)" = 1.3.0 ]
	grep -q 'version = "1.3.0"  # bumped by shipsync' pyproject.toml
	grep -q 'requests==1.2.0' pyproject.toml
	grep -q 'image: ghcr.io/acme/app:1.3.0' compose.yaml
	grep -q 'image: ghcr.io/acme/app-worker:1.2.0' compose.yaml
	grep -q 'image: postgres:16' compose.yaml
	grep -q '^## \[1.3.0\] - ' CHANGELOG.md
	[ "$(git log -1 --format=%s)" = "chore(release): v1.3.0" ]
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "CHANGELOG.md compose.yaml pyproject.toml " ]
	[ "$(git cat-file -t v1.3.0)" = tag ]
	[ "$(git rev-parse 'v1.3.0^{commit}')" = "$(git rev-parse HEAD)" ]
	[ -z "$(git status --porcelain)" ]
	[[ "$output" == *"git push --follow-tags"* ]]
	run make -s version-check
	[ "$status" -eq 0 ]
}

@test "bump writes the PEP 440 form to pyproject and the SemVer form to the tag" {
	run make -s bump VERSION=1.3.0-rc.1
	[ "$status" -eq 0 ]
	[ "$(toml-setver -g pyproject.toml)" = 1.3.0rc1 ]
	grep -q 'image: ghcr.io/acme/app:1.3.0-rc.1' compose.yaml
	git rev-parse -q --verify refs/tags/v1.3.0-rc.1
	run make -s version-check
	[ "$status" -eq 0 ]
}

@test "bump understands major, minor, patch and prerelease" {
	run make -s bump VERSION=patch
	[ "$status" -eq 0 ] && git rev-parse -q --verify refs/tags/v1.2.1
	run make -s bump VERSION=prerelease
	[ "$status" -eq 0 ] && git rev-parse -q --verify refs/tags/v1.3.0-rc.1
	run make -s bump VERSION=prerelease
	[ "$status" -eq 0 ] && git rev-parse -q --verify refs/tags/v1.3.0-rc.2
	run make -s bump VERSION=minor
	[ "$status" -eq 0 ] && git rev-parse -q --verify refs/tags/v1.3.0
	run make -s bump VERSION=major
	[ "$status" -eq 0 ] && git rev-parse -q --verify refs/tags/v2.0.0
	[ "$(toml-setver -g pyproject.toml)" = 2.0.0 ]
}

@test "VERSION=auto reads the commits since the last tag and writes their changelog entries" {
	git rm -q CHANGELOG.md && git commit -q -m "chore: drop the changelog"
	run make -s bump VERSION=auto
	[ "$status" -ne 0 ]
	[[ "$output" == *"nothing to release"* ]]
	echo a >a && git add a && git commit -q -m "fix(api): handle empty bodies"
	echo b >b && git add b && git commit -q -m "feat: a /metrics endpoint"
	run make -s bump VERSION=auto
	[ "$status" -eq 0 ]
	git rev-parse -q --verify refs/tags/v1.3.0
	grep -q '^### Added' CHANGELOG.md
	grep -q 'a /metrics endpoint' CHANGELOG.md
	grep -q 'handle empty bodies' CHANGELOG.md
	echo c >c && git add c && git commit -q -m "feat!: drop Python 3.8"
	run make -s bump VERSION=auto
	[ "$status" -eq 0 ]
	git rev-parse -q --verify refs/tags/v2.0.0
}

@test "refuses a version that is not greater, and changes nothing" {
	before=$(snapshot)
	for v in 1.1.9 1.2.0-rc.1 0.9.0; do
		run make -s bump VERSION=$v
		[ "$status" -ne 0 ]
		[[ "$output" == *"not greater"* ]]
	done
	run make -s bump VERSION=1.2.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "refuses a version with no PEP 440 form and names the forms that would work" {
	before=$(snapshot)
	run make -s bump VERSION=1.3.0-test
	[ "$status" -ne 0 ]
	[[ "$output" == *"PEP 440"* ]]
	[[ "$output" == *"1.3.0-rc.1"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "refuses invalid and hostile versions" {
	before=$(snapshot)
	for v in 1.3 01.3.0 '1.3.0;rm -rf .' '$(id)' ' ' 1.3.0+build..1; do
		run make -s bump VERSION="$v"
		[ "$status" -ne 0 ] || { echo "accepted '$v'"; return 1; }
	done
	[ "$(snapshot)" = "$before" ]
}

@test "refuses a dirty work tree" {
	echo "# local edit" >>pyproject.toml
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"uncommitted changes"* ]]
	! git rev-parse -q --verify refs/tags/v1.3.0
}

@test "refuses a detached HEAD" {
	git checkout -q --detach
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *detached* ]]
}

@test "refuses a tag that already exists, and changes nothing" {
	git tag v1.3.0
	before=$(snapshot)
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "a failing commit hook leaves no commit, no tag and every file as it was" {
	before=$(snapshot)
	printf '#!/bin/sh\necho "hook says no" >&2\nexit 1\n' >.git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"hook says no"* ]]
	[ "$(snapshot)" = "$before" ]
	[ ! -e .git/shipsync-bump ]
}

@test "a malformed compose file stops the bump before any file changes" {
	printf 'services:\n  app:\n    image: "ghcr.io/acme/app:1.2.0\n' >compose.yaml
	git commit -q -am "break compose"
	before=$(snapshot)
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[ "$(snapshot)" = "$before" ]
}

@test "kill -9 at any point leaves the repository recoverable by running bump again" {
	local point
	for point in journal replace add commit recorded tag; do
		run env SHIPSYNC_BUMP_KILL_AT=$point make -s bump VERSION=1.3.0
		[ "$status" -ne 0 ] || { echo "no kill at $point"; return 1; }
		run make -s bump VERSION=1.3.0
		[ "$status" -eq 0 ] || { echo "re-run after kill at $point: $output"; return 1; }
		[ "$(git rev-parse 'v1.3.0^{commit}')" = "$(git rev-parse HEAD)" ]
		[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
		[ -z "$(git status --porcelain)" ]
		run make -s version-check
		[ "$status" -eq 0 ] || { echo "after kill at $point: $output"; return 1; }
		git tag -d v1.3.0 >/dev/null
		git reset -q --hard "$ORIG"
	done
}

@test "VERSION_FILES updates __version__ lines too" {
	mkdir -p src/acme
	printf '"""Acme."""\n__version__ = "1.2.0"\n' >src/acme/__init__.py
	git add -A && git commit -q -m "add package"
	run make -s bump VERSION=1.3.0 VERSION_FILES=src/acme/__init__.py
	[ "$status" -eq 0 ]
	grep -qx '__version__ = "1.3.0"' src/acme/__init__.py
	git show --name-only --format= HEAD | grep -qx src/acme/__init__.py
}

@test "a monorepo sub-directory pyproject and a missing changelog" {
	mkdir backend
	git mv pyproject.toml backend/pyproject.toml
	git rm -q CHANGELOG.md
	git commit -q -m "move"
	run make -s bump VERSION=1.3.0 PYPROJECT=backend/pyproject.toml
	[ "$status" -eq 0 ]
	[ "$(toml-setver -g backend/pyproject.toml)" = 1.3.0 ]
	grep -q '^## \[1.3.0\]' CHANGELOG.md
	git show --name-only --format= HEAD | grep -qx CHANGELOG.md
}

@test "a dynamic version is refused with where the version really lives" {
	cat >pyproject.toml <<-'T'
	[project]
	name = "acme-app"
	dynamic = ["version"]

	[tool.setuptools.dynamic]
	version = {attr = "acme.__version__"}
	T
	git commit -q -am "dynamic"
	before=$(snapshot)
	run make -s bump VERSION=1.3.0
	[ "$status" -ne 0 ]
	[[ "$output" == *"acme.__version__"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "version-check prints a table of what disagrees" {
	sed -i 's/app:1.2.0/app:1.1.0/' compose.yaml
	git commit -q -am "drift"
	run make -s version-check
	[ "$status" -ne 0 ]
	[[ "$output" == *MISMATCH* ]]
	[[ "$output" == *compose.yaml* ]]
}

@test "version-check tells a pre-release image from the release, and accepts a suffix" {
	sed -i 's/app:1.2.0/app:1.2.0-rc.1/' compose.yaml
	git commit -q -am "drift to a pre-release"
	run make -s version-check
	[ "$status" -ne 0 ]
	[[ "$output" == *"app:1.2.0-rc.1"*MISMATCH* ]]
	sed -i 's/app:1.2.0-rc.1/app:1.2.0-slim/' compose.yaml
	git commit -q -am "a flavour suffix"
	run make -s version-check
	[ "$status" -eq 0 ]
}

@test "version-check: a version that cannot be an image tag matches no image" {
	sed -i 's/app:1.2.0/app:1.2.0-x.1/' compose.yaml
	git commit -q -am "an odd tag"
	git tag v1.2.0-x.1
	run make -s version-check
	[ "$status" -ne 0 ]
	[[ "$output" == *"compose.yaml:4"*"app:1.2.0-x.1"*"(no image tag form)"*MISMATCH* ]]
}
