# changelog-prepend: Keep a Changelog files, the npm keep-a-changelog parser
# as the judge of the result, and hostile inputs.
load ../lib/common

KAC=$VECTORS/keep-a-changelog
# A changelog of our own for the tests that need any, not a conformance file.
SAMPLE=$BATS_TEST_DIRNAME/fixtures/sample.md

setup() {
	require node changelog-prepend || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	unset SOURCE_DATE_EPOCH
}

# The release versions the npm parser sees, as a JSON array.
parse() {
	node "$BATS_TEST_DIRNAME/kac-parse.mjs" "$@"
}

# How many releases carry a version.
count_versions() {
	parse "$@" | python3 -c 'import json,sys; print(sum(1 for v in json.load(sys.stdin) if v))'
}

# Lines of $1 that are not in $2 any more (diff's "<" lines).
removed_lines() {
	diff "$1" "$2" | sed -n 's/^< //p'
}

# Every line removed from $1 on the way to $2 is one of the lines given.
only_removed() {
	local old=$1 new=$2 line
	shift 2
	while IFS= read -r line; do
		printf '%s\n' "$@" | grep -qxF -- "$line" || { echo "removed: '$line'"; return 1; }
	done < <(removed_lines "$old" "$new")
}

# Prepend 9.0.0 to a copy of a fixture; the parser must see one more version,
# and nothing but the [Unreleased] link line and the [Unreleased] notes may go.
prepend_fixture() {
	local src=$1 flag=${2:-} before after
	cp "$src" CHANGELOG.md
	before=$(count_versions "$src" $flag)
	run changelog-prepend -d 2026-11-25 9.0.0
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	after=$(count_versions CHANGELOG.md $flag)
	[ "$after" -eq $((before + 1)) ] || { echo "versions: $before -> $after"; return 1; }
	parse CHANGELOG.md $flag | grep -q '"9.0.0"'
	grep -qx '## \[9.0.0\] - 2026-11-25' CHANGELOG.md
}

@test "--help prints the usage on stdout and exits 0" {
	run changelog-prepend --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: changelog-prepend "* ]]
}

@test "--version names the tool and shipsync" {
	run changelog-prepend --version
	[ "$status" -eq 0 ]
	[[ $output == "changelog-prepend (shipsync) "* ]]
}

@test "a bad command line exits 2" {
	run changelog-prepend
	[ "$status" -eq 2 ]
	run changelog-prepend --bogus 1.0.0
	[ "$status" -eq 2 ]
	run changelog-prepend 1.0.0 extra
	[ "$status" -eq 2 ]
	run changelog-prepend -x 1.0.0 1.0.0
	[ "$status" -eq 2 ]
	run changelog-prepend -e entries.md 1.0.0 -
	[ "$status" -eq 2 ]
	[[ $output == *"either on stdin"* ]]
}

@test "refuses a date that is not YYYY-MM-DD" {
	cp "$SAMPLE" CHANGELOG.md
	for d in 2026-13-01 2026-02-30 2025-02-29 26-01-01 2026/01/01 "2026-01-01; x"; do
		run changelog-prepend -d "$d" 1.0.0
		[ "$status" -eq 2 ] || { echo "date '$d' gave $status"; return 1; }
	done
	changelog-prepend -d 2024-02-29 1.0.0
	cmp -s CHANGELOG.md "$SAMPLE" && return 1
	grep -qx '## \[1.0.0\] - 2024-02-29' CHANGELOG.md
}

@test "moves the [Unreleased] notes under the new version and leaves [Unreleased] empty" {
	printf '# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Export to CSV.\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- First.\n' >CHANGELOG.md
	changelog-prepend -d 2026-02-03 1.1.0
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-02-03\n\n### Added\n\n- Export to CSV.\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- First.\n' >want.md
	diff want.md CHANGELOG.md
}

@test "every Keep a Changelog fixture parses with one more version afterwards" {
	require_vectors keep-a-changelog
	local f n=0
	for f in "$KAC"/keepachangelog/CHANGELOG.md "$KAC"/oscarotero/*.md; do
		case $f in
		*custom.type*) continue ;;	# next test: the parser needs custom types allowed
		esac
		prepend_fixture "$f" || { echo "fixture $f"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 9 ]
}

@test "the custom-type fixture parses with custom types allowed, one more version" {
	require_vectors keep-a-changelog
	# The npm parser refuses "### Maintenance" unless told about custom types.
	run parse "$KAC/oscarotero/changelog.custom.type.md"
	[ "$status" -ne 0 ]
	prepend_fixture "$KAC/oscarotero/changelog.custom.type.md" --custom-types
	# The [Unreleased] "### Maintenance" notes moved with their custom group.
	run changelog-prepend -x 9.0.0
	[ "$output" = $'### Maintenance\n- upgrade\n- fix vulnerabilities' ]
}

@test "the 2.0.0 guide is not a changelog: its versions sit in a fenced block" {
	require_vectors keep-a-changelog
	# Excluded from the parser check: the npm parser refuses the original
	# already, as "## The example" is no release title.
	run parse "$KAC/keepachangelog/2.0.0-example-changelog.md"
	[ "$status" -ne 0 ]
	cp "$KAC/keepachangelog/2.0.0-example-changelog.md" guide.md
	# The headings inside the fence are text: 2.0.0 is not in the file.
	run changelog-prepend -f guide.md -x 2.0.0
	[ "$status" -eq 8 ]
	run changelog-prepend -f guide.md -d 2026-11-25 2.0.0
	[ "$status" -eq 0 ]
	[ -z "$(removed_lines "$KAC/keepachangelog/2.0.0-example-changelog.md" guide.md)" ]
	# Nothing inside the fence changed: its links still end at 2.0.0.
	grep -qx '\[Unreleased\]: https://github.com/acme/widget/compare/v2.0.0...HEAD' guide.md
}

@test "changes nothing but the [Unreleased] link in the keep-a-changelog project's own file" {
	require_vectors keep-a-changelog
	cp "$KAC/keepachangelog/CHANGELOG.md" CHANGELOG.md
	changelog-prepend -d 2026-11-25 2.1.0
	run removed_lines "$KAC/keepachangelog/CHANGELOG.md" CHANGELOG.md
	[ "$output" = "[unreleased]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.0.0...HEAD" ]
	grep -qx '\[unreleased\]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.1.0...HEAD' CHANGELOG.md
	grep -qx '\[2.1.0\]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.0.0...v2.1.0' CHANGELOG.md
	# The non-version references are all still there, unchanged and in order.
	diff <(grep -E '^\[(SemVer|@[^]]*)\]:' "$KAC/keepachangelog/CHANGELOG.md") <(grep -E '^\[(SemVer|@[^]]*)\]:' CHANGELOG.md)
	# The new link sits right after [unreleased].
	grep -A1 '^\[unreleased\]' CHANGELOG.md | tail -n 1 | grep -q '^\[2.1.0\]'
}

@test "extends GitHub, GitLab, Azure DevOps and Bitbucket compare links in their own style" {
	require_vectors keep-a-changelog
	cp "$KAC/oscarotero/changelog.gitlab.md" gitlab.md
	cp "$KAC/oscarotero/changelog.azdo.md" azdo.md
	cp "$KAC/oscarotero/changelog.bitbucket.md" bitbucket.md
	cp "$KAC/oscarotero/changelog.custom.type.md" github.md
	for f in gitlab azdo bitbucket github; do
		changelog-prepend -f $f.md -d 2026-11-25 0.1.0
	done
	grep -qx '\[Unreleased\]: https://gitlab.example.com/my/repo/-/compare/v0.1.0...master' gitlab.md
	grep -qx '\[0.1.0\]: https://gitlab.example.com/my/repo/-/compare/v0.0.2...v0.1.0' gitlab.md
	grep -qx '\[Unreleased\]: https://dev.azure.com/myorg/myproject/_git/myrepo/branchCompare?baseVersion=GTv0.1.0&targetVersion=GBmaster' azdo.md
	grep -qx '\[0.1.0\]: https://dev.azure.com/myorg/myproject/_git/myrepo/branchCompare?baseVersion=GTv0.0.2&targetVersion=GTv0.1.0' azdo.md
	grep -qx '\[Unreleased\]: https://bitbucket.org/organization/repo-name/branches/compare/master%0Dv0.1.0' bitbucket.md
	grep -qx '\[0.1.0\]: https://bitbucket.org/organization/repo-name/branches/compare/v0.1.0%0Dv0.0.2' bitbucket.md
	grep -qx '\[Unreleased\]: https://github.com/olivierlacan/keep-a-changelog/compare/v0.1.0...HEAD' github.md
	grep -qx '\[0.1.0\]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.0.0...v0.1.0' github.md
	# The footer after the links is kept.
	[ "$(tail -n 1 gitlab.md)" = "This is a footer" ]
}

@test "a two-line [Unreleased] reference keeps its shape" {
	require_vectors keep-a-changelog
	cp "$KAC/oscarotero/changelog.md" CHANGELOG.md
	changelog-prepend -d 2026-11-25 3.0.0
	grep -A2 -x '\[Unreleased\]:' CHANGELOG.md >got
	printf '%s\n' '[Unreleased]:' '  https://github.com/olivierlacan/keep-a-changelog/compare/v3.0.0...HEAD' \
		'[3.0.0]: https://github.com/olivierlacan/keep-a-changelog/compare/v1.0.0...v3.0.0' >want
	diff want got
}

@test "the tag prefix names the tags in new links" {
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-01-01\n\n- x\n\n[Unreleased]: https://github.com/o/r/compare/rel-1.0.0...HEAD\n[1.0.0]: https://github.com/o/r/releases/tag/rel-1.0.0\n' >CHANGELOG.md
	changelog-prepend -t rel- -d 2026-01-01 1.1.0
	grep -qx '\[Unreleased\]: https://github.com/o/r/compare/rel-1.1.0...HEAD' CHANGELOG.md
	grep -qx '\[1.1.0\]: https://github.com/o/r/compare/rel-1.0.0...rel-1.1.0' CHANGELOG.md
}

@test "without an [Unreleased] link the newest version's compare link shows the style" {
	printf '# Changelog\n\n## [1.1.0] - 2025-02-01\n\n- y\n\n## [1.0.0] - 2025-01-01\n\n- x\n\n[1.1.0]: https://gitlab.com/o/r/-/compare/v1.0.0...v1.1.0\n[1.0.0]: https://gitlab.com/o/r/-/tags/v1.0.0\n' >CHANGELOG.md
	changelog-prepend -d 2026-01-01 1.2.0
	run grep -n '^\[' CHANGELOG.md
	[ "${lines[0]#*:}" = "[1.2.0]: https://gitlab.com/o/r/-/compare/v1.1.0...v1.2.0" ]
	[ "${lines[1]#*:}" = "[1.1.0]: https://gitlab.com/o/r/-/compare/v1.0.0...v1.1.0" ]
	[ "$(count_versions CHANGELOG.md)" -eq 3 ]
}

@test "inline links in headings: [Unreleased] compares from the new tag, the new heading links its tag" {
	printf '# Changelog\n\n## [Unreleased](https://github.com/o/r/compare/v1.0.0...HEAD)\n\n- soon\n\n## [1.0.0](https://github.com/o/r/releases/tag/v1.0.0) - 2025-01-01\n\n- x\n' >CHANGELOG.md
	cp CHANGELOG.md before.md
	changelog-prepend -d 2026-01-01 1.1.0
	only_removed before.md CHANGELOG.md "- soon" "## [Unreleased](https://github.com/o/r/compare/v1.0.0...HEAD)"
	grep -qx '## \[Unreleased\](https://github.com/o/r/compare/v1.1.0...HEAD)' CHANGELOG.md
	grep -qx '## \[1.1.0\](https://github.com/o/r/releases/tag/v1.1.0) - 2026-01-01' CHANGELOG.md
	run changelog-prepend -x 1.0.0
	[ "$output" = "- x" ]
	run changelog-prepend -x 1.1.0
	[ "$output" = "- soon" ]
}

@test "creates a missing changelog with the standard header" {
	changelog-prepend -d 2026-01-01 0.1.0
	[ "$(head -n 1 CHANGELOG.md)" = "# Changelog" ]
	grep -qx '## \[Unreleased\]' CHANGELOG.md
	grep -qx '## \[0.1.0\] - 2026-01-01' CHANGELOG.md
	[ "$(parse CHANGELOG.md)" = '[null,"0.1.0"]' ]
}

@test "refuses a version that is already there (exit 6) and changes nothing" {
	cp "$SAMPLE" CHANGELOG.md
	run changelog-prepend -d 2026-01-01 0.0.2
	[ "$status" -eq 6 ]
	[[ $output == *"'0.0.2' is already in the changelog"* ]]
	cmp CHANGELOG.md "$SAMPLE"
	run changelog-prepend -d 2026-01-01 v0.0.1
	[ "$status" -eq 6 ]
}

@test "refuses versions that are not SemVer (exit 3) and changes nothing" {
	cp "$SAMPLE" CHANGELOG.md
	for v in 1.2 1.2.3.4 01.2.3 1.2.3- 1.2.3+ 1.02.3 1.2.3-01 latest '' '1.2.3"; rm -rf x' $'1.2.3\n## [6.6.6]' $'1.2.3\t'; do
		run changelog-prepend -d 2026-01-01 "$v"
		[ "$status" -eq 3 ] || { echo "'$v' gave $status"; return 1; }
	done
	cmp CHANGELOG.md "$SAMPLE"
	changelog-prepend -d 2026-01-01 1.0.0-rc.1+build.007
	grep -qx '## \[1.0.0-rc.1+build.007\] - 2026-01-01' CHANGELOG.md
}

@test "entries from stdin become the new version; [Unreleased] stays as it was when empty" {
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-01-01\n\n- x\n' >CHANGELOG.md
	printf '\n\n### Fixed\n\n- The crash.\n\n' | changelog-prepend -d 2026-01-01 1.0.1 -
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-01-01\n\n### Fixed\n\n- The crash.\n\n## [1.0.0] - 2025-01-01\n\n- x\n' >want.md
	diff want.md CHANGELOG.md
}

@test "entries from a file with -e" {
	printf '### Added\n- A.\n' >entries.md
	changelog-prepend -e entries.md -d 2026-01-01 0.1.0
	run changelog-prepend -x 0.1.0
	[ "$output" = $'### Added\n- A.' ]
}

@test "entries and [Unreleased] notes are merged group by group" {
	printf '# Changelog\n\n## [Unreleased]\n\nA summary.\n\n### Added\n\n- By hand.\n\n### Removed\n\n- Old thing.\n' >CHANGELOG.md
	printf '### Fixed\n\n- From commits, fixed.\n\n### Added\n\n- From commits, added.\n' |
		changelog-prepend -d 2026-01-01 1.0.0 -
	run changelog-prepend -x 1.0.0
	[ "$output" = $'A summary.\n\n### Added\n\n- By hand.\n- From commits, added.\n\n### Removed\n\n- Old thing.\n\n### Fixed\n\n- From commits, fixed.' ]
	run changelog-prepend -x unreleased
	[ -z "$output" ]
	[ "$(count_versions CHANGELOG.md)" -eq 1 ]
}

@test "refuses entries that hold a version heading (exit 3)" {
	cp "$SAMPLE" CHANGELOG.md
	run changelog-prepend -d 2026-01-01 1.0.0 - <<<$'### Added\n- a\n## [6.6.6] - 2020-01-01\n- b'
	[ "$status" -eq 3 ]
	printf '### Added\n- a\0b\n' >nul.md
	run changelog-prepend -e nul.md -d 2026-01-01 1.0.0
	[ "$status" -eq 3 ]
	cmp CHANGELOG.md "$SAMPLE"
}

@test "with nothing to say the new version gets empty groups that still parse" {
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- x\n' >CHANGELOG.md
	changelog-prepend -d 2026-01-01 1.0.1
	run changelog-prepend -x 1.0.1
	[ "$output" = $'### Added\n\n### Changed\n\n### Fixed' ]
	[ "$(parse CHANGELOG.md)" = '[null,"1.0.1","1.0.0"]' ]
}

@test "the date: SOURCE_DATE_EPOCH in UTC, --date above it, today in UTC by default" {
	printf '# Changelog\n\n## [Unreleased]\n' >CHANGELOG.md
	SOURCE_DATE_EPOCH=1767225599 changelog-prepend 1.0.0
	grep -qx '## \[1.0.0\] - 2025-12-31' CHANGELOG.md
	SOURCE_DATE_EPOCH=1767225599 changelog-prepend -d 2027-07-07 1.0.1
	grep -qx '## \[1.0.1\] - 2027-07-07' CHANGELOG.md
	local before after
	before=$(date -u +%F)
	TZ=Pacific/Kiritimati changelog-prepend 1.0.2
	after=$(date -u +%F)
	grep -qx "## \[1.0.2\] - $before" CHANGELOG.md || grep -qx "## \[1.0.2\] - $after" CHANGELOG.md
	run env SOURCE_DATE_EPOCH=yesterday changelog-prepend 1.0.3
	[ "$status" -eq 2 ]
	run env SOURCE_DATE_EPOCH=-5 changelog-prepend 1.0.3
	[ "$status" -eq 2 ]
}

@test "a CRLF changelog stays CRLF and changes only what it must" {
	require_vectors keep-a-changelog
	sed 's/$/\r/' "$KAC/oscarotero/changelog.gitlab.md" >CHANGELOG.md
	cp CHANGELOG.md before.md
	printf '### Added\n\n- From stdin.\n' | changelog-prepend -d 2026-01-01 1.0.0 -
	# Every line ends in CR LF.
	[ "$(grep -c $'\r$' CHANGELOG.md)" -eq "$(wc -l <CHANGELOG.md)" ]
	only_removed before.md CHANGELOG.md $'- This is a brand new releases with:\r' $'[Unreleased]: https://gitlab.example.com/my/repo/-/compare/v0.0.2...master\r'
	grep -qx $'\\[Unreleased\\]: https://gitlab.example.com/my/repo/-/compare/v1.0.0...master\r' CHANGELOG.md
	tr -d '\r' <CHANGELOG.md >lf.md
	[ "$(count_versions lf.md)" -eq 3 ]
	run changelog-prepend -x 1.0.0
	[ "$output" = $'- This is a brand new releases with:\r\n\r\n### Added\r\n\r\n- From stdin.\r' ]
}

@test "a file without a final newline" {
	printf '# Changelog\n\n## [Unreleased]\n\n- last line' >CHANGELOG.md
	changelog-prepend -d 2026-01-01 1.0.0
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n- last line\n' >want.md
	diff want.md CHANGELOG.md
	printf '# Changelog\n\n## [1.0.0] - 2025-01-01\n\n- x\n\n[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0' >CHANGELOG.md
	changelog-prepend -d 2026-01-01 1.1.0
	[ "$(tail -c 1 CHANGELOG.md | od -An -c | tr -d ' ')" = 0 ] || true
	[ "$(count_versions CHANGELOG.md)" -eq 2 ]
	[ "$(tail -n 1 CHANGELOG.md)" = "[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0" ]
}

@test "refuses a changelog holding NUL bytes (exit 3) and changes nothing" {
	printf '# Changelog\n\n## [Unreleased]\n\n- a\0b\n' >CHANGELOG.md
	cp CHANGELOG.md before.md
	run changelog-prepend -d 2026-01-01 1.0.0
	[ "$status" -eq 3 ]
	[[ $output == *"NUL byte"* ]]
	cmp before.md CHANGELOG.md
	run changelog-prepend -x 1.0.0
	[ "$status" -eq 3 ]
}

@test "headings inside fenced code blocks are not versions" {
	cat >CHANGELOG.md <<-'MD'
	# Changelog

	## [Unreleased]

	- Documented the format:

	  ```markdown
	  ## [7.7.7] - 2020-01-01
	  ```

	~~~~
	## [8.8.8] - 2020-01-01
	```
	## [Unreleased]
	~~~~

	## [1.0.0] - 2025-01-01

	- x
	MD
	run changelog-prepend -x 8.8.8
	[ "$status" -eq 8 ]
	changelog-prepend -d 2026-01-01 8.8.8
	run changelog-prepend -x 8.8.8
	[ "${lines[0]}" = "- Documented the format:" ]
	[ "${lines[-1]}" = "~~~~" ]
	grep -qx '## \[8.8.8\] - 2020-01-01' CHANGELOG.md
	run changelog-prepend -x unreleased
	[ -z "$output" ]
}

@test "an [Unreleased] heading in odd case and spacing is found" {
	for h in '##   [ unreleased ]  ' '## UNRELEASED' $'##\t[Unreleased] - soon' '## Unreleased'; do
		printf '# Changelog\n\n%s\n\n- pending\n\n## [1.0.0] - 2025-01-01\n\n- x\n' "$h" >CHANGELOG.md
		changelog-prepend -d 2026-01-01 1.1.0
		run changelog-prepend -x 1.1.0
		[ "$output" = "- pending" ] || { echo "heading '$h': $output"; return 1; }
		grep -qxF "$h" CHANGELOG.md
	done
}

@test "a huge changelog is handled and only grows by the new section" {
	python3 - <<-'PY'
	with open("CHANGELOG.md", "w") as f:
	    f.write("# Changelog\n\n## [Unreleased]\n\n- next\n\n")
	    for i in range(60000, 0, -1):
	        f.write(f"## [1.{i}.0] - 2020-01-01\n\n### Fixed\n\n- Fix number {i} " + "x" * 200 + "\n\n")
	    f.write("[Unreleased]: https://github.com/o/r/compare/v1.60000.0...HEAD\n")
	PY
	cp CHANGELOG.md before.md
	changelog-prepend -d 2026-01-01 2.0.0
	only_removed before.md CHANGELOG.md "- next" "[Unreleased]: https://github.com/o/r/compare/v1.60000.0...HEAD"
	[ "$(wc -l <CHANGELOG.md)" -eq $(( $(wc -l <before.md) + 3 )) ]
	run changelog-prepend -x 1.1.0
	[[ $output == $'### Fixed\n\n- Fix number 1 xxx'* ]]
}

@test "extract prints exactly a version's lines, the last one without the links" {
	require_vectors keep-a-changelog
	run changelog-prepend -f "$KAC/oscarotero/changelog.gitlab.md" -x 0.0.2
	[ "$status" -eq 0 ]
	[ "$output" = $'### Added\n- I want to have a compare link' ]
	run changelog-prepend -f "$KAC/oscarotero/changelog.gitlab.md" -x v0.0.1
	[ "$output" = $'### Added\n- This is just a test changelog' ]
	changelog-prepend -f "$KAC/keepachangelog/CHANGELOG.md" -x 0.0.6 >got
	printf '### Added\n\n- README section on "yanked" releases.\n' >want
	diff want got
	# Prose and nested lists of 2.0.0, from its first to its last line.
	changelog-prepend -f "$KAC/keepachangelog/CHANGELOG.md" -x 2.0.0 >got
	[ "$(head -n 1 got)" = "2.0.0 is the first major revision of Keep a Changelog. It breaks the guidance," ]
	[ "$(tail -n 1 got)" = "  anchors no longer resolve; the podcast note now lives in the References section." ]
}

@test "extract of a version that is absent, or of no file, exits 8" {
	run changelog-prepend -f "$SAMPLE" -x 9.9.9
	[ "$status" -eq 8 ]
	[[ $output == *"'9.9.9' is not in"* ]]
	run changelog-prepend -f missing.md -x 1.0.0
	[ "$status" -eq 8 ]
}

@test "-o - prints the result and leaves the file alone; -o FILE writes there" {
	cp "$SAMPLE" CHANGELOG.md
	run changelog-prepend -o - -d 2026-01-01 1.0.0
	[ "$status" -eq 0 ]
	[[ $output == *"## [1.0.0] - 2026-01-01"* ]]
	cmp CHANGELOG.md "$SAMPLE"
	changelog-prepend -o new.md -d 2026-01-01 1.0.0
	cmp CHANGELOG.md "$SAMPLE"
	grep -qx '## \[1.0.0\] - 2026-01-01' new.md
	changelog-prepend -f - -d 2026-01-01 1.0.0 <CHANGELOG.md >piped.md
	cmp new.md piped.md
}

@test "--dry-run writes nothing" {
	cp "$SAMPLE" CHANGELOG.md
	run changelog-prepend -n -v -d 2026-01-01 1.0.0
	[ "$status" -eq 0 ]
	[[ $output == *"would write version 1.0.0"* ]]
	cmp CHANGELOG.md "$SAMPLE"
	run changelog-prepend -n -d 2026-01-01 0.0.2
	[ "$status" -eq 6 ]
}

@test "the file keeps its mode and no temp file is left" {
	cp "$SAMPLE" CHANGELOG.md
	chmod 640 CHANGELOG.md
	changelog-prepend -d 2026-01-01 1.0.0
	[ "$(stat -c %a CHANGELOG.md)" = 640 ]
	[ "$(ls -A | wc -l)" -eq 1 ]
}

@test "an output that cannot be written exits 9 and leaves no temp file" {
	cp "$SAMPLE" CHANGELOG.md
	run changelog-prepend -o no-such-dir/CHANGELOG.md -d 2026-01-01 1.0.0
	[ "$status" -eq 9 ]
	mkdir out.md
	run changelog-prepend -o out.md -d 2026-01-01 1.0.0
	[ "$status" -eq 9 ]
	[ -z "$(ls -A out.md)" ]
	[ "$(ls -A | wc -l)" -eq 2 ]
	run changelog-prepend -f "$BATS_TEST_TMPDIR" -x 1.0.0
	[ "$status" -eq 9 ]
}

@test "the man page examples run as shown" {
	# A new file starts with the standard header; then notes go under [Unreleased].
	changelog-prepend -n 0.0.1
	[ ! -e CHANGELOG.md ]
	changelog-prepend -o CHANGELOG.md -d 2025-01-01 0.0.1
	printf '\n### Added\n\n- Export to CSV.\n' >notes.md
	python3 -c 'import sys; t=open("CHANGELOG.md").read(); open("CHANGELOG.md","w").write(t.replace("## [Unreleased]\n", "## [Unreleased]\n" + open("notes.md").read(), 1))'
	python3 "$TOP/tests/lib/man-examples.py" "$TOP/man/changelog-prepend.1" .
	local n
	for n in 0 1 2; do
		[ -s example-$n.sh ]
		bash -e example-$n.sh >example-$n.got
		diff example-$n.out example-$n.got
	done
	[ ! -e example-3.sh ]
}
