#!/usr/bin/env bats
# make bump on real projects' patterns: every place a version lives
# (the fixture projects of tests/toml-setver, PROJECTS.md), every PEP 440
# spelling with every keyword, monorepos, towncrier and every changelog
# heading style. Results are judged by parsing: oracle.py reads each project
# as its build backend does, model.py (python3-packaging) says what each
# request must lead to.

load ../lib/common

PROJECTS=$BATS_TEST_DIRNAME/../toml-setver/projects
STYLES=$BATS_TEST_DIRNAME/../changelog-prepend/fixtures/styles
TOWNCRIER_PROJECT=$BATS_TEST_DIRNAME/../changelog-prepend/fixtures/towncrier

setup() {
	require git make toml-setver python3 || return 1
	"$PY3" -c 'import tomllib, packaging.version, yaml' 2>/dev/null ||
		unmet "python3 lacks tomllib (3.11), python3-packaging or python3-yaml" || return 1
	export SOURCE_DATE_EPOCH=1790000000	# 2026-09-21
}

oracle() { "$PY3" "$BATS_TEST_DIRNAME/../toml-setver/oracle.py" "${1:-.}"; }
model() { "$PY3" "$BATS_TEST_DIRNAME/model.py" "$@"; }
field() {	# field JSON KEY
	"$PY3" -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print("" if v is None else v if isinstance(v,str) else json.dumps(v))' "$1" "$2"
}
# The tag of the own image in compose.yaml, read as YAML.
image_tag() {
	"$PY3" -c 'import yaml; print(yaml.safe_load(open("compose.yaml"))["services"]["app"]["image"].rsplit(":", 1)[1])'
}

# repo DIR: DIR (a copy of a project) made a git repository with a Makefile
# that names its own image, a compose file, and one commit; cd's there.
repo() {
	P=$1
	cd "$P"
	git init -q -b main
	git config user.name Tester
	git config user.email tester@example.com
	printf 'IMAGE = ghcr.io/acme/app\ninclude %s/mk/release.mk\n' "$TOP" >Makefile
	printf 'services:\n  app:\n    build: .\n    image: ghcr.io/acme/app:old\n  db:\n    image: postgres:16\n' >compose.yaml
	git add -A
	git commit -q -m "the project"
	ORIG=$(git rev-parse HEAD)
}
fixture_repo() {	# fixture_repo NAME
	rm -rf "$BATS_TEST_TMPDIR/$1"
	cp -r "$PROJECTS/$1" "$BATS_TEST_TMPDIR/$1"
	repo "$BATS_TEST_TMPDIR/$1"
}
static_repo() {	# static_repo VERSION: a [project] version
	mkdir -p "$BATS_TEST_TMPDIR/static"
	printf '[project]\nname = "acme"\nversion = "%s"  # the release\ndependencies = ["b==%s"]\n' "$1" "$1" \
		>"$BATS_TEST_TMPDIR/static/pyproject.toml"
	repo "$BATS_TEST_TMPDIR/static"
}
# Back to the first commit, with no tag but those listed.
reset_repo() {
	git reset -q --hard "$ORIG"
	git tag -l | grep -vxF -e "${KEEP_TAG:-}" | xargs -r git tag -d >/dev/null
	rm -f CHANGELOG.md
}
unchanged() {	# the repository is at its first commit, clean, with no new tag
	[ "$(git rev-parse HEAD)" = "$ORIG" ] && [ -z "$(git status --porcelain)" ] &&
		[ "$(git tag -l | grep -cvxF -e "${KEEP_TAG:-}")" -eq 0 ]
}

# judge NAME OLD NEW: the bump to NEW (PEP 440) is exact: the backend reads
# NEW, every record moved, only version tokens changed, the tag and the image
# name NEW, the commit holds everything and the tree is clean.
judge() {
	local name=$1 old=$2 new=$3 out tag
	out=$(oracle)
	[ "$(field "$out" version)" = "$new" ] || { echo "$name: the backend reads $out, not $new"; return 1; }
	"$PY3" -c 'import json,sys; r=json.loads(sys.argv[1])["records"]; sys.exit(any(v.lstrip("v") != sys.argv[2] for v in r.values()))' "$out" "$new" ||
		{ echo "$name: a record did not move: $out"; return 1; }
	run "$PY3" "$BATS_TEST_DIRNAME/../toml-setver/changed.py" "$PROJECTS/$name" . "$old" "$new"
	[ "$status" -eq 0 ] || { echo "$name: $output"; return 1; }
	tag=$(git describe --exact-match HEAD)
	model eq "${tag#v}" "$new" || { echo "$name: tag $tag is not $new"; return 1; }
	[ "v$(image_tag)" = "$tag" ] || { echo "$name: image $(image_tag), tag $tag"; return 1; }
	[ "$(git log -1 --format=%s)" = "chore(release): $tag" ] && [ -z "$(git status --porcelain)" ]
}

# name | current version | lines a bump changes
FOLLOWED='
static-dev|2.12.3.dev0|1
static-aligned|2024.11.0b5|1
static-pin-comment|3.4.0|1
uv-no-build|2.18.4|1
poetry-commitizen|1.20.0|2
pdm-bumpver|0.9.35rc628|2
attr-flat|3.0.0|1
attr-dev-suffix|2023.6.0-dev|1
attr-src-annotated|1.4.0|1
attr-import|0.3.1|1
file-package-dir|4.0.1.dev|1
hatch-path|1.2.0|1
hatch-pattern-json|0.6.5|1
hatch-nodejs|9.5.3|1
pdm-file|2.0.0|1
flit-module|7.3.0|1
setupcfg-literal|23.2.0.dev0|1
setupcfg-attr|5.1.0|1
'

@test "every fixture project bumps where its backend reads the version, with every keyword" {
	local name current lines kw want prev n=0
	while IFS='|' read -r name current lines; do
		[ -n "$name" ] || continue
		fixture_repo "$name"
		prev=$current
		for kw in patch prerelease release post; do
			want=$(model next "$prev" "$kw")
			run make -s bump VERSION=$kw
			[ "$status" -eq 0 ] || { echo "$name $kw from $prev: $output"; return 1; }
			judge "$name" "$current" "$want" || { echo "$name: $kw from $prev"; return 1; }
			prev=$want
		done
		run "$PY3" "$BATS_TEST_DIRNAME/../toml-setver/changed.py" "$PROJECTS/$name" . "$current" "$prev"
		[ "$output" = "$lines" ] || { echo "$name: $output lines changed, not $lines"; return 1; }
		n=$((n + 1))
	done <<<"$FOLLOWED"
	[ "$n" -eq 18 ]
}

@test "a CRLF pyproject keeps its line ends, its comment and the pin equal to the version" {
	fixture_repo static-pin-comment
	sed -i 's/$/\r/' pyproject.toml
	git commit -q -am "CRLF"
	run make -s bump VERSION=minor
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	"$PY3" - <<-'EOF'
	import tomllib
	raw = open("pyproject.toml", "rb").read()
	assert raw.count(b"\r\n") == raw.count(b"\n"), "a line lost its CR"
	doc = tomllib.loads(raw.decode())
	assert doc["project"]["version"] == "3.5.0", doc["project"]["version"]
	assert "acme-core==3.4.0" in doc["project"]["dependencies"], doc["project"]["dependencies"]
	EOF
}

@test "versions that git tags decide: nothing written on the Python side, the rest of the bump proceeds" {
	local name
	for name in hatch-vcs pdm-scm setuptools-scm poetry-dynamic; do
		fixture_repo "$name"
		git tag -a v1.4.0 -m v1.4.0
		run make -s bump VERSION=patch
		[ "$status" -eq 0 ] || { echo "$name: $output"; return 1; }
		[ "$(field "$(oracle)" vcs)" = true ] || { echo "$name: no longer VCS-derived"; return 1; }
		[ "$(git describe --exact-match HEAD)" = v1.4.1 ] && [ "$(image_tag)" = 1.4.1 ] || { echo "$name: not tagged v1.4.1"; return 1; }
		[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "CHANGELOG.md compose.yaml " ] ||
			{ echo "$name: $(git show --name-only --format= HEAD)"; return 1; }
		cmp "$PROJECTS/$name/pyproject.toml" pyproject.toml
	done
}

@test "a source that cannot be followed is refused with the file, the line and what to do, and nothing changes" {
	local name where advice
	while IFS='|' read -r name where advice; do
		[ -n "$name" ] || continue
		fixture_repo "$name"
		run make -s bump VERSION=patch
		[ "$status" -ne 0 ] || { echo "$name: accepted"; return 1; }
		[[ $output == *"$where"*"$advice"* ]] || { echo "$name: $output"; return 1; }
		unchanged || { echo "$name: changed something"; return 1; }
	done <<-'EOF'
	setup-py|setup.py|move it to pyproject.toml's [project] version
	attr-tuple|acme/__init__.py:1|write it as one string
	stale-record|pyproject.toml:6|bring it in line first
	EOF
}

@test "0.6.2.dev1 with its tags: patch releases 0.6.2 everywhere, never 0.0.1" {
	static_repo 0.6.2.dev1
	git tag -a v0.6.2.dev1 -m v0.6.2.dev1
	KEEP_TAG=v0.6.2.dev1
	run make -s bump VERSION=0.0.1
	[ "$status" -ne 0 ]
	[[ $output == *"'0.0.1' is not greater than the current version '0.6.2.dev1'"*"make bump VERSION=0.6.2"* ]] || { echo "$output"; return 1; }
	unchanged
	run make -s bump VERSION=patch
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	"$PY3" -c 'import tomllib; d=tomllib.load(open("pyproject.toml","rb")); assert d["project"]["version"] == "0.6.2", d; assert d["project"]["dependencies"] == ["b==0.6.2.dev1"], d'
	[ "$(git describe --exact-match HEAD)" = v0.6.2 ]
	[ "$(image_tag)" = 0.6.2 ]
}

@test "every PEP 440 spelling of the issue, with every keyword, goes up by PEP 440 or is refused" {
	local current kw want tag
	for current in 1.0.0-beta.50 1.0.0b50 0.6.2.dev1 2.1.post3 '1!2.0'; do
		static_repo "$current"
		for kw in major minor patch prerelease release post; do
			reset_repo
			want=$(model next "$current" "$kw")
			run make -s bump VERSION=$kw
			if [ "$want" = refuse ]; then
				[ "$status" -ne 0 ] && [[ $output == *"$current"* ]] || { echo "$current $kw: $status $output"; return 1; }
				unchanged || { echo "$current $kw: refused but changed something"; return 1; }
				continue
			fi
			[ "$status" -eq 0 ] || { echo "$current $kw: $output"; return 1; }
			"$PY3" -c 'import sys,tomllib; v=tomllib.load(open("pyproject.toml","rb"))["project"]["version"]; sys.exit(v != sys.argv[1])' "$want" ||
				{ echo "$current $kw: not $want"; return 1; }
			tag=$(git describe --exact-match HEAD)
			model eq "${tag#v}" "$want" && model gt "$want" "$current" || { echo "$current $kw: tag $tag"; return 1; }
		done
		rm -rf "$BATS_TEST_TMPDIR/static"
	done
}

@test "no request ever writes a version lower than the current one (random versions, judged by python3-packaging)" {
	local current request want seed=${BUMP_SEED:-$RANDOM} n=0
	echo "seed $seed"
	static_repo 0.0.0
	while read -r current request; do
		reset_repo
		sed -i "s/^version = \"[^\"]*\"/version = \"$current\"/" pyproject.toml
		git commit -q -am "at $current"
		want=$(model next "$current" "$request")
		run make -s bump VERSION="$request"
		if [ "$want" = refuse ]; then
			[ "$status" -ne 0 ] || { echo "$current $request: accepted, wrote $(toml-setver -g)"; return 1; }
			[ "$(git log -1 --format=%s)" = "at $current" ] && [ -z "$(git status --porcelain)" ] ||
				{ echo "$current $request: refused but changed something"; return 1; }
		else
			[ "$status" -eq 0 ] || { echo "$current $request: $output"; return 1; }
			[ "$(field "$(oracle)" version)" = "$want" ] && model gt "$want" "$current" ||
				{ echo "$current $request: wrote $(toml-setver -g), not $want"; return 1; }
			n=$((n + 1))
		fi
	done < <(model random "$seed" 40)
	[ "$n" -gt 5 ]
}

@test "a current version or a version tag that PEP 440 cannot read stops the bump, saying where and what to do" {
	static_repo 1.2.3-alpha.beta
	run make -s bump VERSION=patch
	[ "$status" -ne 0 ]
	[[ $output == *"pyproject.toml:3 holds the version '1.2.3-alpha.beta', which cannot be read"*"write it there as PEP 440"* ]] ||
		{ echo "$output"; return 1; }
	unchanged
	[[ $output != *0.0.1* ]]
	sed -i 's/1.2.3-alpha.beta/1.2.3/g' pyproject.toml
	git commit -q -am "readable"
	ORIG=$(git rev-parse HEAD)
	git tag v1.4.0-alpha.beta
	KEEP_TAG=v1.4.0-alpha.beta
	run make -s bump VERSION=patch
	[ "$status" -ne 0 ]
	[[ $output == *"1.4.0-alpha.beta"*"rename it or delete it"* ]] || { echo "$output"; return 1; }
	unchanged
}

@test "a PEP 440 spelling given as VERSION is refused with its SemVer form to type" {
	static_repo 1.2.0
	run make -s bump VERSION=1.3.0rc1
	[ "$status" -ne 0 ]
	[[ $output == *"make bump VERSION=1.3.0-rc.1"* ]]
	unchanged
}

@test "a monorepo releases its projects in lockstep, each through its own source, or shows where they disagree" {
	mkdir -p "$BATS_TEST_TMPDIR/mono"
	cp -r "$PROJECTS/static-pin-comment" "$BATS_TEST_TMPDIR/mono/api"
	cp -r "$PROJECTS/attr-src-annotated" "$BATS_TEST_TMPDIR/mono/worker"
	repo "$BATS_TEST_TMPDIR/mono"
	run make -s bump VERSION=minor PYPROJECT="api/pyproject.toml worker/pyproject.toml"
	[ "$status" -ne 0 ]
	[[ $output == *"disagree"*"api/pyproject.toml:"*"3.4.0"*"worker/src/"*"1.4.0"* ]] || { echo "$output"; return 1; }
	unchanged
	(cd worker && toml-setver pyproject.toml 3.4.0)
	git commit -q -am "one version"
	ORIG=$(git rev-parse HEAD)
	run make -s bump VERSION=minor PYPROJECT="api/pyproject.toml worker/pyproject.toml"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(field "$(oracle api)" version)" = 3.5.0 ] && [ "$(field "$(oracle worker)" version)" = 3.5.0 ]
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "CHANGELOG.md api/pyproject.toml compose.yaml worker/src/acme/_meta.py " ] ||
		{ git show --name-only --format= HEAD; return 1; }
	run make -s version-check PYPROJECT="api/pyproject.toml worker/pyproject.toml"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ $output == *"worker/src/acme/_meta.py:"*"3.5.0"*ok* ]]
}

@test "a towncrier changelog is built by towncrier, its fragments removed in the bump commit and restored by an undo" {
	require towncrier || return 1
	cp -r "$TOWNCRIER_PROJECT" "$BATS_TEST_TMPDIR/tc"
	repo "$BATS_TEST_TMPDIR/tc"
	local before
	before=$(git status --porcelain --ignored; ls -R changes; cat CHANGES.rst pyproject.toml)
	run env SHIPSYNC_BUMP_KILL_AT=replace SHIPSYNC_BUMP_KILL_SIGNAL=TERM make -s bump VERSION=minor CHANGELOG=CHANGES.rst
	[ "$status" -ne 0 ]
	[[ $output == *"every file, the index and the branch are back as they were"* ]] || { echo "$output"; return 1; }
	[ "$(git status --porcelain --ignored; ls -R changes; cat CHANGES.rst pyproject.toml)" = "$before" ]
	run make -s bump VERSION=minor CHANGELOG=CHANGES.rst
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -qx '1.3.0 (2026-09-21)' CHANGES.rst
	grep -q 'Import from CSV as well.' CHANGES.rst
	[ "$(git show --name-status --format= HEAD | sort | tr '\t\n' ': ')" = "D:changes/12.feature.rst D:changes/13.bugfix.rst M:CHANGES.rst M:compose.yaml M:pyproject.toml " ] ||
		{ git show --name-status --format= HEAD; return 1; }
	[ -z "$(git status --porcelain)" ]
	run make -s version-check CHANGELOG=CHANGES.rst
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "through make bump, every changelog heading style gains a section headed like its neighbours" {
	local f n=0
	for f in "$STYLES"/*.md; do
		rm -rf "$BATS_TEST_TMPDIR/static"
		static_repo 1.0.0
		cp "$f" CHANGELOG.md
		git add CHANGELOG.md && git commit -q -m "changelog"
		run make -s bump VERSION=2027.1.0
		[ "$status" -eq 0 ] || { echo "$(basename "$f"): $output"; return 1; }
		run "$PY3" "$BATS_TEST_DIRNAME/../changelog-prepend/heading.py" CHANGELOG.md 2027.1.0 2026-09-21
		[ "$status" -eq 0 ] || { echo "$(basename "$f"): $output"; return 1; }
		run make -s version-check
		[ "$status" -eq 0 ] || { echo "$(basename "$f"): $output"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 8 ]
}

@test "version-check shows the source it followed, compares by PEP 440, and names a stale place" {
	fixture_repo attr-flat
	run make -s bump VERSION=prerelease
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run make -s version-check
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ $output == *"acme/version.py:7: VERSION (setuptools attr 'acme.version.VERSION')"*"3.1.0rc1"*"3.1.0rc1"*ok* ]] || { echo "$output"; return 1; }
	[[ $output == *"CHANGELOG.md (newest release)"*"3.1.0-rc.1"*ok* ]]
	sed -i 's/3.1.0rc1/3.1.0-rc1/' acme/version.py
	git commit -q -am "another spelling of the same version"
	git tag -f -a v3.1.0-rc.1 -m v3.1.0-rc.1 >/dev/null
	run make -s version-check
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	sed -i 's/3.1.0-rc1/3.0.0/' acme/version.py
	git commit -q -am "drift"
	git tag -f -a v3.1.0-rc.1 -m v3.1.0-rc.1 >/dev/null
	run make -s version-check
	[ "$status" -ne 0 ]
	[[ $output == *"acme/version.py:7"*"3.0.0"*MISMATCH* ]] || { echo "$output"; return 1; }
}

@test "the files a dynamic source names are journaled: kill -9 at any point, and the next bump recovers" {
	local point
	fixture_repo attr-src-annotated
	for point in journal replace add commit; do
		run env SHIPSYNC_BUMP_KILL_AT=$point make -s bump VERSION=minor
		[ "$status" -ne 0 ] || { echo "no kill at $point"; return 1; }
		run make -s bump VERSION=minor
		[ "$status" -eq 0 ] || { echo "re-run after kill at $point: $output"; return 1; }
		judge attr-src-annotated 1.4.0 1.5.0 || { echo "after kill at $point"; return 1; }
		[ "$(git rev-parse HEAD~1)" = "$ORIG" ]
		reset_repo
	done
}

@test "VERSION_FILES may name a file the pyproject already leads to; VERSION=auto reads from a PEP 440 tag" {
	fixture_repo attr-flat
	echo w >w && git add w && git commit -q -m "feat: released before the tag"
	git tag -a v3.0.0.dev1 -m v3.0.0.dev1
	echo x >x && git add x && git commit -q -m "fix: a bug"
	run make -s bump VERSION=auto VERSION_FILES=acme/version.py
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	judge attr-flat 3.0.0 3.0.1
	grep -q 'a bug' CHANGELOG.md
	! grep -q 'released before the tag' CHANGELOG.md
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "CHANGELOG.md acme/version.py compose.yaml " ]
}
