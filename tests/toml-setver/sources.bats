#!/usr/bin/env bats
# toml-setver follows pyproject.toml to wherever the project keeps its
# version: one fixture per pattern seen in real projects (PROJECTS.md),
# judged by oracle.py, which reads each project as its build backend does
# with Python's own parsers (tomllib, ast, configparser, json, re).

load ../lib/common

PROJECTS=$BATS_TEST_DIRNAME/projects

setup() {
	require toml-setver python3 || return 1
	"$PY3" -c 'import tomllib' 2>/dev/null || unmet "python3 has no tomllib (3.11 or later)" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
}

oracle() {
	"$PY3" "$BATS_TEST_DIRNAME/oracle.py" "$1"
}

field() {	# field JSON KEY
	"$PY3" -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print("" if v is None else v if isinstance(v,str) else json.dumps(v))' "$1" "$2"
}

# name | current version | lines a set changes
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

@test "reads the version of every pattern where its build backend reads it" {
	local name current lines n=0
	while IFS='|' read -r name current lines; do
		[ -n "$name" ] || continue
		cd "$PROJECTS/$name"
		run toml-setver -g
		[ "$status" -eq 0 ] && [ "$output" = "$current" ] || { echo "$name: $output"; return 1; }
		[ "$(field "$(oracle .)" version)" = "$current" ] || { echo "$name: the oracle disagrees"; return 1; }
		n=$((n + 1))
	done <<<"$FOLLOWED"
	[ "$n" -eq 18 ]
}

@test "sets the version of every pattern there, only the version token changing" {
	local name current lines new=9.8.7rc1 out
	while IFS='|' read -r name current lines; do
		[ -n "$name" ] || continue
		rm -rf before after
		cp -r "$PROJECTS/$name" before
		cp -r "$PROJECTS/$name" after
		(cd after && toml-setver pyproject.toml "$new") || { echo "$name: set failed"; return 1; }
		out=$(oracle after)
		[ "$(field "$out" version)" = "$new" ] || { echo "$name: oracle reads $out"; return 1; }
		"$PY3" -c 'import json,sys; r=json.loads(sys.argv[1])["records"]; sys.exit(any(v.lstrip("v") != sys.argv[2] for v in r.values()))' "$out" "$new" ||
			{ echo "$name: a record did not move: $out"; return 1; }
		run "$PY3" "$BATS_TEST_DIRNAME/changed.py" before after "$current" "$new"
		[ "$status" -eq 0 ] && [ "$output" = "$lines" ] || { echo "$name: $output"; return 1; }
	done <<<"$FOLLOWED"
}

@test "-O stages every changed file and prints staged and real paths; nothing else is touched" {
	local name current lines staged path
	while IFS='|' read -r name current lines; do
		[ -n "$name" ] || continue
		rm -rf p stage want
		cp -r "$PROJECTS/$name" p
		cp -r "$PROJECTS/$name" want
		(cd want && toml-setver pyproject.toml 4.0.0)
		mkdir stage
		run toml-setver -O stage p/pyproject.toml 4.0.0
		[ "$status" -eq 0 ] || { echo "$name: $output"; return 1; }
		diff -r "$PROJECTS/$name" p || { echo "$name: -O changed the project"; return 1; }
		[ "$(printf '%s\n' "$output" | wc -l)" -ge 1 ]
		while IFS=$'\t' read -r staged path; do
			[[ $path == p/* ]] || { echo "$name: path '$path'"; return 1; }
			cmp "$staged" "want/${path#p/}" || { echo "$name: $staged differs from $path set in place"; return 1; }
			cp "$staged" "$path"
		done <<<"$output"
		diff -r want p || { echo "$name: the staged files do not make the project"; return 1; }
	done <<<"$FOLLOWED"
}

@test "-l lists the version and other tools' records with file and line" {
	cd "$PROJECTS/poetry-commitizen"
	run toml-setver -l
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'version\tpyproject.toml:3\t1.20.0\t[tool.poetry] version')" ]
	[ "${lines[1]}" = "$(printf 'record\tpyproject.toml:14\t1.20.0\t[tool.commitizen] version')" ]
	cd "$PROJECTS/attr-import"
	run toml-setver -l
	[ "$output" = "$(printf "version\tsrc/acme/_version.py:1\t0.3.1\t__version__ (setuptools attr 'acme.__version__')")" ]
}

@test "a record keeps its own 'v' and moves in lockstep" {
	cp -r "$PROJECTS/pdm-bumpver" p
	toml-setver p/pyproject.toml 1.0.0
	grep -qx 'current_version = "v1.0.0"' p/pyproject.toml
	[ "$(field "$(oracle p)" version)" = 1.0.0 ]
}

@test "a stale record is reported by -g and -l and refuses a set, changing nothing" {
	cp -r "$PROJECTS/stale-record" p
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 0 ]
	[[ $output == *"warning"*"p/pyproject.toml:6: [tool.commitizen] version is '1.2.0', not '1.3.0': it is stale"* ]]
	run toml-setver -l p/pyproject.toml
	[[ $output == *"stale	p/pyproject.toml:6	1.2.0"* ]]
	run toml-setver p/pyproject.toml 1.4.0
	[ "$status" -eq 3 ]
	[[ $output == *"p/pyproject.toml:6: [tool.commitizen] version is '1.2.0' where the version is '1.3.0': bring it in line first"* ]]
	diff -r "$PROJECTS/stale-record" p
}

@test "VCS-derived versions: nothing to write, git tags are the version" {
	local name
	for name in hatch-vcs poetry-dynamic setuptools-scm pdm-scm; do
		rm -rf p && cp -r "$PROJECTS/$name" p
		[ "$(field "$(oracle p)" vcs)" = true ]
		run toml-setver -g p/pyproject.toml
		[ "$status" -eq 8 ] && [[ $output == *"derives the version from git tags"* ]] || { echo "$name: $output"; return 1; }
		run toml-setver -l p/pyproject.toml
		[[ ${lines[0]} == "vcs	-	-	git tags ("* ]] || { echo "$name: $output"; return 1; }
		mkdir -p stage
		run toml-setver -O stage p/pyproject.toml 3.0.0
		[ "$status" -eq 0 ] || { echo "$name: $output"; return 1; }
		[[ $output != *"	p/"* ]]
		toml-setver p/pyproject.toml 3.0.0 2>/dev/null
		diff -r "$PROJECTS/$name" p || { echo "$name changed"; return 1; }
	done
}

@test "refuses what it cannot follow with the file, the line and what to write instead" {
	local name want
	while IFS='|' read -r name want; do
		rm -rf p && cp -r "$PROJECTS/$name" p
		run toml-setver p/pyproject.toml 2.0.0
		[ "$status" -eq 3 ] && [[ $output == *"$want"* ]] || { echo "$name: $status $output"; return 1; }
		diff -r "$PROJECTS/$name" p
	done <<-'EOF'
	attr-tuple|p/acme/__init__.py:1: 'VERSION' is a tuple or list of numbers, which setuptools joins with dots: write it as one string
	setup-py|p/setup.py: the version is computed here, which toml-setver does not follow
	EOF
	[ "$(field "$(oracle "$PROJECTS/attr-tuple")" error)" != "" ]
}

@test "a module that assigns its version twice, computes it or shares its line is refused" {
	local body want
	mkdir -p p/acme
	cp "$PROJECTS/attr-import/pyproject.toml" p/
	while IFS='|' read -r body want; do
		printf '%b' "$body" >p/acme/__init__.py
		run toml-setver -g p/pyproject.toml
		[ "$status" -eq 3 ] && [[ $output == *"$want"* ]] || { echo "'$body': $output"; return 1; }
	done <<-'EOF'
	__version__ = "1.0"\n__version__ = "1.1"\n|p/acme/__init__.py:2: '__version__' is assigned twice
	import importlib.metadata\n__version__ = importlib.metadata.version("acme")\n|is computed, not a string literal
	__version__ = "1.0"; DEBUG = 1\n|shares its line with more code
	__version__ = f"{1}.0"\n|is computed
	"""__version__ = '9'"""\n|'__version__' is not assigned at the top level
	__version__ = '''1.0'''\n|triple-quoted
	EOF
}

@test "keeps CRLF, comments and quotes in a followed module" {
	mkdir -p p/acme
	cp "$PROJECTS/attr-flat/pyproject.toml" p/
	printf '"""doc"""\r\nVERSION = '"'"'3.0.0'"'"'   # keep me\r\nX = 1\r\n' >p/acme/version.py
	toml-setver p/pyproject.toml 3.1.0
	[ "$(cat -A p/acme/version.py | sed -n 2p)" = "VERSION = '3.1.0'   # keep me^M\$" ]
	[ "$(wc -c <p/acme/version.py)" -eq 49 ]
}

@test "a hatch pattern that matches nothing, or is not Python, is refused" {
	cp -r "$PROJECTS/hatch-pattern-json" p
	sed -i 's/"version"/"ver"/' p/package.json
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 3 ]
	[[ $output == *"p/package.json: hatch's pattern in p/pyproject.toml (line 11) matches nothing here"* ]]
	sed -i 's/^pattern = .*/pattern = "(unclosed"/' p/pyproject.toml
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 3 ]
	[[ $output == *"cannot search with hatch's pattern"*"missing )"* ]]
}

@test "a path outside the project, or with control characters, is refused" {
	mkdir -p p
	printf '[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "../VERSION.py"\n' >p/pyproject.toml
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 3 ]
	[[ $output == *"p/pyproject.toml:5: '../VERSION.py' is outside the project"* ]]
	printf '[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "/etc/passwd"\n' >p/pyproject.toml
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 3 ]
	printf '[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "a\\nb.py"\n' >p/pyproject.toml
	run toml-setver -g p/pyproject.toml
	[[ $output == *"control character"* ]]
}

@test "a missing module or file is not found (exit 8) and says where it looked" {
	mkdir -p p
	cp "$PROJECTS/attr-flat/pyproject.toml" p/
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 8 ]
	[[ $output == *"p/pyproject.toml:10: setuptools reads the version from the attribute 'acme.version.VERSION', but its module 'acme.version' is in neither the package-dir, src/ nor the top directory"* ]]
	cp "$PROJECTS/hatch-path/pyproject.toml" p/
	run toml-setver -g p/pyproject.toml
	[ "$status" -eq 8 ]
	[[ $output == *"p/src/acme/__about__.py: cannot read it"* ]]
}

@test "-o refuses when the version lives in another file, and -O and -o exclude each other" {
	cp -r "$PROJECTS/attr-flat" p
	run toml-setver -o out p/pyproject.toml 3.1.0
	[ "$status" -eq 3 ]
	[[ $output == *"the version lives in 'p/acme/version.py', not only in 'p/pyproject.toml': use -O"* ]]
	[ ! -e out ]
	run toml-setver -o out -O . p/pyproject.toml 3.1.0
	[ "$status" -eq 2 ]
	run toml-setver -O . - 3.1.0 </dev/null
	[ "$status" -eq 2 ]
}

@test "-t keeps to the static version and still refuses a dynamic one" {
	run toml-setver -t project -g "$PROJECTS/attr-flat/pyproject.toml"
	[ "$status" -eq 3 ]
	[[ $output == *"setuptools reads it from the attribute 'acme.version.VERSION'"*"toml-setver writes only a static version"* ]]
}

@test "a monorepo: each project staged through its own source into one directory, names never collide" {
	mkdir -p mono stage
	cp -r "$PROJECTS/attr-flat" mono/api
	cp -r "$PROJECTS/hatch-path" mono/web
	cp -r "$PROJECTS/poetry-commitizen" mono/cli
	for p in api web cli; do
		toml-setver -O stage "mono/$p/pyproject.toml" 5.0.0 >>staged
	done
	[ "$(cut -f 2 staged | sort)" = "$(printf '%s\n' mono/api/acme/version.py mono/cli/pyproject.toml mono/web/src/acme/__about__.py)" ]
	[ "$(cut -f 1 staged | sort -u | wc -l)" -eq 3 ]
	while IFS=$'\t' read -r s p; do cp "$s" "$p"; done <staged
	for p in api web cli; do
		[ "$(field "$(oracle "mono/$p")" version)" = 5.0.0 ] || { echo "$p"; return 1; }
	done
}

@test "package-dir maps one package to its own directory" {
	mkdir -p p/lib
	printf '[project]\nname = "acme"\ndynamic = ["version"]\n\n[tool.setuptools]\npackage-dir = {"acme" = "lib"}\n\n[tool.setuptools.dynamic]\nversion = {attr = "acme.meta.VERSION"}\n' >p/pyproject.toml
	printf 'VERSION = "1.0"\n' >p/lib/meta.py
	[ "$(toml-setver -g p/pyproject.toml)" = 1.0 ]
	toml-setver p/pyproject.toml 1.1
	[ "$(cat p/lib/meta.py)" = 'VERSION = "1.1"' ]
}
