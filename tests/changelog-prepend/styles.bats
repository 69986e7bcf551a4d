#!/usr/bin/env bats
# changelog-prepend writes a new release heading in the style of the file's
# newest one; heading.py parses both headings and judges. A changelog that
# towncrier manages is built by towncrier.

load ../lib/common

STYLES=$BATS_TEST_DIRNAME/fixtures/styles
TOWNCRIER_PROJECT=$BATS_TEST_DIRNAME/fixtures/towncrier

setup() {
	require changelog-prepend python3 || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	unset SOURCE_DATE_EPOCH
}

judge() {	# judge FILE VERSION DATE
	"$PY3" "$BATS_TEST_DIRNAME/heading.py" "$@"
}

@test "every heading style gains a heading built like its neighbour, with a moved-on link" {
	local f n=0
	for f in "$STYLES"/*.md; do
		cp "$f" CHANGELOG.md
		run changelog-prepend -d 2026-09-30 2.1.0
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
		run judge CHANGELOG.md 2.1.0 2026-09-30
		[ "$status" -eq 0 ] || { echo "$(basename "$f"): $output"; return 1; }
		run changelog-prepend -x 2.1.0
		[ "$status" -eq 0 ] || { echo "$f: the new version cannot be read back"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 8 ]
}

@test "the exact headings of the issue's six styles" {
	local f want
	while IFS='|' read -r f want; do
		cp "$STYLES/$f" CHANGELOG.md
		changelog-prepend -d 2026-09-30 2.1.0
		grep -qxF -- "$want" CHANGELOG.md || { echo "$f:"; grep -m1 '^## [^[]*2\.1\.0\|^## \[v\?2\.1\.0' CHANGELOG.md; return 1; }
	done <<-'EOF'
	em-dash.md|## [2.1.0] — 2026-09-30
	v-in-brackets.md|## [v2.1.0] - 2026-09-30
	tree-link.md|## [2.1.0](https://github.com/acme/widget/tree/v2.1.0) - 2026-09-30
	release-tag-link.md|## [v2.1.0](https://github.com/acme/widget/releases/tag/v2.1.0) - 2026-09-30
	compare-link-date-in-parens.md|## [2.1.0](https://github.com/acme/widget/compare/v0.6.2...v2.1.0) (2026-09-30)
	no-brackets.md|## 2.1.0 (2026-09-30)
	month-name.md|## 2.1.0 - September 30, 2026
	EOF
}

@test "the compare links at the foot stay right, named as the headings name versions" {
	cp "$STYLES/em-dash.md" CHANGELOG.md
	changelog-prepend -d 2026-09-30 1.3.0
	grep -qx '\[Unreleased\]: https://github.com/acme/widget/compare/v1.3.0...HEAD' CHANGELOG.md
	grep -qx '\[1.3.0\]: https://github.com/acme/widget/compare/v1.2.1...v1.3.0' CHANGELOG.md
	cp "$STYLES/v-in-brackets.md" CHANGELOG.md
	changelog-prepend -d 2026-09-30 0.2.0
	grep -qx '\[v0.2.0\]: https://github.com/acme/widget/compare/v0.1.0...v0.2.0' CHANGELOG.md
	[ "$(grep -c '^\[v0.1.0\]: ' CHANGELOG.md)" -eq 1 ]
}

@test "a new or empty changelog gets Keep a Changelog's heading" {
	changelog-prepend -d 2026-09-30 0.1.0
	grep -qx '## \[0.1.0\] - 2026-09-30' CHANGELOG.md
	: >empty.md
	changelog-prepend -f empty.md -d 2026-09-30 0.1.0
	grep -qx '## \[0.1.0\] - 2026-09-30' empty.md
}

@test "a CR-only changelog is read as lines and written back with CR" {
	cp "$STYLES/cr-only.md" CHANGELOG.md
	changelog-prepend -d 2026-09-30 1.0.0
	! grep -q $'\n' CHANGELOG.md
	[ "$(tr '\r' '\n' <CHANGELOG.md | grep -c '^## ')" -eq 3 ]
	run changelog-prepend -x 1.0.0
	[ "$output" = $'### Added\r\r- Old Mac line ends.\r' ]
	run judge CHANGELOG.md 1.0.0 2026-09-30
	[ "$status" -eq 0 ]
	tr '\r' '\n' <CHANGELOG.md | grep -qx '\[Unreleased\]: https://github.com/acme/widget/compare/v1.0.0...HEAD'
}

@test "PEP 440 headings are releases: their style is learnt, and a spelling of the same version is refused" {
	printf '# Changes\n\n## v0.6.2rc1 (2024-01-01)\n\n- x\n' >CHANGELOG.md
	changelog-prepend -d 2026-09-30 0.6.2
	grep -qx '## v0.6.2 (2026-09-30)' CHANGELOG.md
	run changelog-prepend -d 2026-09-30 0.6.2-rc.1
	[ "$status" -eq 6 ]
	[[ $output == *"version '0.6.2-rc.1' is already in the changelog"* ]]
	printf '## 2024 in review\n\n- x\n' >year.md
	changelog-prepend -f year.md -d 2026-09-30 1.0.0
	grep -qx '## \[1.0.0\] - 2026-09-30' year.md
}

# A copy of the towncrier project under git, the fragments committed.
towncrier_repo() {
	cp -r "$TOWNCRIER_PROJECT" "$1"
	git -C "$1" init -q
	git -C "$1" add -A
	git -C "$1" -c user.email=t@example.com -c user.name=t commit -qm fixture
}

@test "towncrier: -o stages exactly what towncrier build writes, and names the fragments it consumes" {
	require towncrier git || return 1
	towncrier_repo real
	(cd real && towncrier build --version 1.3.0 --date 2026-09-30 --yes >/dev/null 2>&1)
	cp -r "$TOWNCRIER_PROJECT" p
	run changelog-prepend -f p/CHANGES.rst -o staged.rst -d 2026-09-30 1.3.0
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	cmp staged.rst real/CHANGES.rst
	[ "$(printf '%s\n' "$output" | sort)" = "$(printf 'p/changes/12.feature.rst\np/changes/13.bugfix.rst')" ]
	diff -r "$TOWNCRIER_PROJECT" p
	[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'changelog-prepend.*' -newer staged.rst 2>/dev/null)" ]
}

@test "towncrier: in place it runs towncrier build --yes, which removes the fragments" {
	require towncrier git || return 1
	towncrier_repo p
	cd p
	run changelog-prepend -f CHANGES.rst -d 2026-09-30 1.3.0
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -qx '1.3.0 (2026-09-30)' CHANGES.rst
	grep -q 'Import from CSV as well.' CHANGES.rst
	[ -z "$(ls changes)" ]
}

@test "towncrier: not installed is refused with the advice, and nothing changes" {
	cp -r "$TOWNCRIER_PROJECT" p
	TOWNCRIER=/nonexistent/towncrier run changelog-prepend -f p/CHANGES.rst -o out.rst -d 2026-09-30 1.3.0
	[ "$status" -eq 9 ]
	[[ $output == *"'p/CHANGES.rst' is managed by towncrier"*"install it (Debian: towncrier)"*"'towncrier build --version 1.3.0 --yes'"* ]]
	[ ! -e out.rst ]
	diff -r "$TOWNCRIER_PROJECT" p
	run changelog-prepend -f p/CHANGES.rst -d 2026-09-30 1.3.0 - <<<'### Added'
	[ "$status" -eq 2 ]
	[[ $output == *"built by towncrier from its news fragments: give no entries"* ]]
}

@test "towncrier: a failing build is reported with towncrier's words, and nothing changes" {
	require towncrier || return 1
	cp -r "$TOWNCRIER_PROJECT" p
	sed -i 's/^directory = .*/directory = "missing"/' p/pyproject.toml
	cp -r p before
	run changelog-prepend -f p/CHANGES.rst -o out.rst -d 2026-09-30 1.3.0
	[ "$status" -eq 3 ]
	[[ $output == *"towncrier build failed"* ]]
	diff -r before p
}

@test "entries that hide a line end of the changelog's kind inside a line are refused" {
	cp "$STYLES/cr-only.md" CHANGELOG.md
	run changelog-prepend -d 2026-09-30 1.0.0 - < <(printf '### Fixed\n\n- x\r## [9.9.9] - 2020-01-01\n')
	[ "$status" -eq 3 ]
	[[ $output == *"the entries hold a line end of another kind inside line 3"* ]]
	cmp "$STYLES/cr-only.md" CHANGELOG.md
	printf '### Fixed\r\r- y\r' | changelog-prepend -d 2026-09-30 1.0.0 -
	run changelog-prepend -x 1.0.0
	[[ $output == *$'- y\r'* ]]
}

@test "-l prints the newest release of every heading style, and the one just added" {
	local f want
	while IFS='|' read -r f want; do
		run changelog-prepend -f "$STYLES/$f" -l
		[ "$status" -eq 0 ] && [ "$output" = "$want" ] || { echo "$f: $status '$output'"; return 1; }
		cp "$STYLES/$f" CHANGELOG.md
		changelog-prepend -d 2026-09-30 3.0.0-rc.1
		[ "$(changelog-prepend -l)" = 3.0.0-rc.1 ] || { echo "$f: the new release is not the newest"; return 1; }
	done <<-'EOF'
	em-dash.md|1.2.1
	v-in-brackets.md|0.1.0
	tree-link.md|0.16.2
	release-tag-link.md|1.31.0
	compare-link-date-in-parens.md|0.6.2
	no-brackets.md|2026.2.0
	month-name.md|1.4.0
	cr-only.md|0.9.0
	EOF
}

@test "-l reads towncrier's titles, reStructuredText and Markdown, after its marker" {
	run changelog-prepend -f "$TOWNCRIER_PROJECT/CHANGES.rst" -l
	[ "$status" -eq 0 ] && [ "$output" = 1.2.0 ]
	printf '# Changes\n\n<!-- towncrier release notes start -->\n\n## [v0.16.2](https://github.com/o/r/tree/v0.16.2) - 2024-01-01\n\n- x\n' >tc.md
	[ "$(changelog-prepend -f tc.md -l)" = 0.16.2 ]
	printf 'Changes\n=======\n\n.. towncrier release notes start\n\nFeatures\n--------\n\nAcme v0.6.2rc1 (2024-01-01)\n===========================\n' >tc.rst
	[ "$(changelog-prepend -f tc.rst -l)" = 0.6.2rc1 ]
}

@test "-l: no release heading or no file is not found; with -x or a version it is a usage error" {
	printf '# Changelog\n\n## [Unreleased]\n\n## 2024 in review\n' >CHANGELOG.md
	run changelog-prepend -l
	[ "$status" -eq 8 ]
	[[ $output == *"'CHANGELOG.md' has no release heading"* ]]
	printf 'Changes\n\n.. towncrier release notes start\n\nNothing yet\n-----------\n' >tc.rst
	run changelog-prepend -f tc.rst -l
	[ "$status" -eq 8 ]
	run changelog-prepend -f missing.md -l
	[ "$status" -eq 8 ]
	[[ $output == *"'missing.md' does not exist"* ]]
	run changelog-prepend -l -x 1.0.0
	[ "$status" -eq 2 ]
	run changelog-prepend -l 1.0.0
	[ "$status" -eq 2 ]
}
