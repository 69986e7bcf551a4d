#!/usr/bin/env bats
# toml-setver: reads and sets the pyproject.toml version, changes nothing else.

load ../lib/common
bats_require_minimum_version 1.5.0

FIX=$BATS_TEST_DIRNAME/fixtures

setup() {
	require toml-setver python3
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	[ -z "${RO_DIR:-}" ] || { chmod -R u+w "$RO_DIR"; rm -rf "$RO_DIR"; }
}

# The two files differ in exactly one line: OLD became NEW.
one_line_changed() {
	local d
	d=$(diff "$1" "$2") && { echo "no difference between $1 and $2" >&2; return 1; }
	[ "$(printf '%s\n' "$d" | sed 1d)" = "$(printf '< %s\n---\n> %s' "$3" "$4")" ] ||
		{ echo "unexpected difference:"; echo "$d"; return 1; } >&2
}

# Set VERSION in a copy of a fixture and check that only the version line changed.
set_and_check() {
	local fixture=$1 version=$2 old=$3 new=$4
	cp "$FIX/$fixture" f.toml
	run toml-setver f.toml "$version"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -z "$output" ]
	one_line_changed "$FIX/$fixture" f.toml "$old" "$new"
	[ "$(toml-setver -g f.toml)" = "$version" ]
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr toml-setver --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: toml-setver [-nv] [-O dir | -o output] [-t table] file version" ]]
	[ -z "$stderr" ]
}

@test "--version names the tool and shipsync" {
	run toml-setver --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^toml-setver\ \(shipsync\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "usage errors exit 2 and change nothing" {
	cp "$FIX/setuptools.toml" f.toml
	for args in "" "f.toml" "f.toml 1 2" "-g f.toml x" "-g -o - f.toml" "-g -n f.toml" "--bogus f.toml 1.0" "-t setuptools f.toml 1.0"; do
		# shellcheck disable=SC2086
		run toml-setver $args
		[ "$status" -eq 2 ] || { echo "'$args' exited $status"; return 1; }
	done
	cmp "$FIX/setuptools.toml" f.toml
}

@test "reads the [project] version of a setuptools project" {
	run toml-setver --get "$FIX/setuptools.toml"
	[ "$status" -eq 0 ]
	[ "$output" = "1.2.3" ]
}

@test "sets the [project] version and keeps the comment, the pins with the same number and the rest" {
	set_and_check setuptools.toml 1.3.0 \
		'version = "1.2.3"   # bumped by make bump' 'version = "1.3.0"   # bumped by make bump'
	grep -q '"acme-core==1.2.3",   # same number, different thing' f.toml
}

@test "reads and sets the [tool.poetry] version in its literal quotes, not the dependency's" {
	[ "$(toml-setver -g "$FIX/poetry.toml")" = 0.9.0 ]
	set_and_check poetry.toml 1.0.0rc1 "version = '0.9.0'" "version = '1.0.0rc1'"
}

@test "finds the one real version among fake ones in strings, inline tables, arrays and other tables" {
	[ "$(toml-setver -g "$FIX/tricky.toml")" = 3.1.4 ]
	set_and_check tricky.toml 3.2.0 \
		$'\t"version"  =  "3.1.4"\t# the one' $'\t"version"  =  "3.2.0"\t# the one'
}

@test "a Poetry 2 project with a dynamic [project] version uses [tool.poetry]" {
	set_and_check poetry2.toml 2.2.0 'version = "2.1.0"' 'version = "2.2.0"'
}

@test "both tables with a version: refuses without -t and says how to choose" {
	cp "$FIX/both.toml" f.toml
	run toml-setver f.toml 2.0.0
	[ "$status" -eq 3 ]
	[[ "$output" == *"f.toml:7:11: both [project] and [tool.poetry] set a version: choose one with -t project or -t poetry"* ]]
	cmp "$FIX/both.toml" f.toml
	run toml-setver -g f.toml
	[ "$status" -eq 3 ]
}

@test "both tables: -t picks the one to read and to set" {
	[ "$(toml-setver -t project -g "$FIX/both.toml")" = 1.0.0 ]
	[ "$(toml-setver --table=poetry -g "$FIX/both.toml")" = 1.0.1 ]
	cp "$FIX/both.toml" f.toml
	toml-setver -t poetry f.toml 1.1.0
	one_line_changed "$FIX/both.toml" f.toml 'version = "1.0.1"' 'version = "1.1.0"'
}

@test "a version in no table exits 8 and names the table" {
	printf '[project]\nname = "x"\n' >f.toml
	run toml-setver -g f.toml
	[ "$status" -eq 8 ]
	[ "$output" = "toml-setver: f.toml:1:1: no version in [project] or [tool.poetry]" ] ||
		[ "$output" = "toml-setver: f.toml: no version in [project] or [tool.poetry]" ]
	run toml-setver -t poetry -g "$FIX/setuptools.toml"
	[ "$status" -eq 8 ]
	[[ "$output" == *"no version in [tool.poetry]"* ]]
}

@test "with -t, dynamic versions are refused with where the version lives" {
	local f want table
	while IFS='|' read -r f want; do
		cp "$FIX/$f" f.toml
		table=project
		[[ $f != poetry-* ]] || table=poetry
		run toml-setver -t "$table" f.toml 5.0.0
		[ "$status" -eq 3 ] || { echo "$f: exit $status"; return 1; }
		[[ "$output" == *"$want"* ]] || { echo "$f: $output"; return 1; }
		cmp "$FIX/$f" f.toml
		run toml-setver -t "$table" -g f.toml
		[ "$status" -eq 3 ]
	done <<-'EOF'
	setuptools-attr.toml|f.toml:10:19: [project] lists "version" in dynamic, so the build backend sets it: setuptools reads it from the attribute 'acme.__version__'
	setuptools-file.toml|setuptools reads it from the file 'VERSION'
	setuptools-scm.toml|f.toml:9:1: [project] lists "version" in dynamic, so the build backend sets it: setuptools_scm derives it from git tags
	pdm.toml|pdm reads it from the file 'src/acme/__init__.py'
	man-example/hatch.toml|hatch reads it from the file 'src/demo/__about__.py'
	poetry-dynamic.toml|[tool.poetry-dynamic-versioning] is enabled
	EOF
}

@test "keeps CRLF line ends and a byte order mark" {
	printf '\xef\xbb\xbf[project]\r\nname = "x"\r\nversion = "1.0" # c\r\n\r\n[tool.x]\r\ny = 1\r\n' >f.toml
	toml-setver f.toml 1.1
	printf '\xef\xbb\xbf[project]\r\nname = "x"\r\nversion = "1.1" # c\r\n\r\n[tool.x]\r\ny = 1\r\n' >want.toml
	cmp want.toml f.toml
}

@test "keeps a multi-line string's style and its first newline" {
	printf 'project.version = """\n1.0"""\n' >f.toml
	toml-setver f.toml 2.0
	printf 'project.version = """\n2.0"""\n' >want.toml
	cmp want.toml f.toml
}

@test "a file without a final newline keeps it that way" {
	printf '[project]\nversion = "1"' >f.toml
	toml-setver f.toml 2
	printf '[project]\nversion = "2"' >want.toml
	cmp want.toml f.toml
}

@test "setting the version the file already has leaves it untouched" {
	cp "$FIX/setuptools.toml" f.toml
	touch -d '2001-01-01 00:00:00' f.toml
	toml-setver f.toml 1.2.3
	cmp "$FIX/setuptools.toml" f.toml
	[ "$(stat -c %Y f.toml)" = "$(date -d '2001-01-01 00:00:00' +%s)" ]
}

@test "keeps the file mode and follows a symlink" {
	cp "$FIX/setuptools.toml" real.toml
	chmod 640 real.toml
	ln -s real.toml link.toml
	toml-setver link.toml 1.2.4
	[ -L link.toml ]
	[ "$(stat -c %a real.toml)" = 640 ]
	[ "$(toml-setver -g real.toml)" = 1.2.4 ]
}

@test "-o writes elsewhere and -o - to stdout, leaving the input alone" {
	cp "$FIX/setuptools.toml" f.toml
	toml-setver -o out.toml f.toml 7.0.0
	cmp "$FIX/setuptools.toml" f.toml
	one_line_changed f.toml out.toml 'version = "1.2.3"   # bumped by make bump' 'version = "7.0.0"   # bumped by make bump'
	toml-setver --output=- f.toml 7.0.0 >stdout.toml
	cmp out.toml stdout.toml
	cmp "$FIX/setuptools.toml" f.toml
}

@test "reads stdin and writes stdout with -" {
	toml-setver - 8.0.0 <"$FIX/setuptools.toml" >out.toml
	[ "$(toml-setver -g - <out.toml)" = 8.0.0 ]
	[ "$(diff "$FIX/setuptools.toml" out.toml | grep -c '^[<>]')" -eq 2 ]
}

@test "--dry-run says what would change and writes nothing" {
	cp "$FIX/setuptools.toml" f.toml
	run --separate-stderr toml-setver -n f.toml 9.0.0
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "would change f.toml:8: [project] version '1.2.3' -> '9.0.0'" ]
	cmp "$FIX/setuptools.toml" f.toml
}

@test "-v says which table and line held the version" {
	run --separate-stderr toml-setver -v -g "$FIX/poetry.toml"
	[ "$status" -eq 0 ]
	[ "$output" = 0.9.0 ]
	[[ "$stderr" == *"[tool.poetry]"* ]]
}

@test "refuses a new version with quotes, control characters, spaces or odd characters" {
	local v
	cp "$FIX/setuptools.toml" f.toml
	for v in '1.0"' "1.0'" $'1.0\n[x]' $'1.0\t' '1 0' '1.0\' '1/0' '' '.1' "$(printf '1%.0s' $(seq 200))" $'1\x7f'; do
		run toml-setver f.toml "$v"
		[ "$status" -eq 3 ] || { echo "'$v' exited $status"; return 1; }
		[[ "$output" == "toml-setver: new version '"* ]]
	done
	cmp "$FIX/setuptools.toml" f.toml
}

@test "takes PEP 440 and SemVer versions as given" {
	local v
	for v in 1.0.0-rc.1+build.7 1!2.0.post1.dev3 2.0.0a1 v1.2.3 1.0+local_1; do
		cp "$FIX/setuptools.toml" f.toml
		toml-setver f.toml "$v"
		[ "$(toml-setver -g f.toml)" = "$v" ]
	done
}

@test "a version that is not a string is refused" {
	printf '[project]\nversion = 1.0\n' >f.toml
	run toml-setver f.toml 2.0
	[ "$status" -eq 3 ]
	[ "$output" = "toml-setver: f.toml:2:11: the version in [project] is a float, not a string" ]
}

@test "invalid TOML exits 3 with file:line:column and the reason, and nothing changes" {
	printf '[project]\nversion = "1.0"\nname = "a"\nname = "b"\n' >f.toml
	cp f.toml before.toml
	run toml-setver f.toml 2.0
	[ "$status" -eq 3 ]
	[ "$output" = "toml-setver: f.toml:4:1: invalid TOML: key 'name' is defined twice; nothing was changed" ]
	cmp before.toml f.toml
	printf '[project]\nversion = "1.0"\n[project]\n' >f.toml
	run toml-setver -g f.toml
	[ "$status" -eq 3 ]
	[[ "$output" == "toml-setver: f.toml:3:1: invalid TOML: table [project] is already defined"* ]]
}

@test "hostile input: NUL bytes, invalid UTF-8 and a bare CR are refused" {
	local doc
	for doc in '[project]\nversion = "1.0"\0\n' '[project]\nversion = "1.\0"\n' \
		'[project]\nversion = "1.0" # \xff\n' '[project]\nname = "\xc0\xaf"\nversion = "1"\n' \
		'[project]\rversion = "1.0"\n' '\xfe\xff\0[\0p'; do
		printf "$doc" >f.toml
		cp f.toml before.toml
		run toml-setver f.toml 2.0
		[ "$status" -eq 3 ] || { echo "$doc: exit $status: $output"; return 1; }
		[[ "$output" =~ ^toml-setver:\ f\.toml:[0-9]+:[0-9]+:\ invalid\ TOML: ]]
		cmp before.toml f.toml
	done
}

@test "hostile input: deep nesting is refused without a crash" {
	python3 -c 'import sys; sys.stdout.write("[project]\nversion = \"1\"\nx = " + "[" * 200000 + "\n")' >f.toml
	cp f.toml before.toml
	run toml-setver f.toml 2
	[ "$status" -eq 3 ]
	[[ "$output" == *"nested deeper than 128 levels"* ]]
	cmp before.toml f.toml
	python3 -c 'import sys; sys.stdout.write("x = " + "{a=" * 100000 + "\n")' >f.toml
	run toml-setver -g f.toml
	[ "$status" -eq 3 ]
}

@test "hostile input: a 1 MB string and a 20 MB file are handled" {
	python3 -c 'import sys; sys.stdout.write("[project]\ndescription = \"" + "v" * 1048576 + "\"\nversion = \"1.0\"\n")' >orig.toml
	cp orig.toml f.toml
	toml-setver f.toml 1.1
	one_line_changed orig.toml f.toml 'version = "1.0"' 'version = "1.1"'
	python3 -c 'import sys; sys.stdout.write("# filler\n" * 2500000 + "[project]\nversion = \"3\"\n")' >big.toml
	[ "$(toml-setver -g big.toml)" = 3 ]
}

@test "hostile input: a file over 64 MiB is refused as data" {
	{ printf '[project]\nversion = "1"\n'; head -c 70000000 /dev/zero | tr '\0' '#'; } >f.toml
	run toml-setver -g f.toml
	[ "$status" -eq 3 ]
	[[ "$output" == *"larger than 64 MiB"* ]]
}

@test "a missing file exits 9" {
	run toml-setver -g missing.toml
	[ "$status" -eq 9 ]
	[[ "$output" == "toml-setver: cannot read 'missing.toml': No such file or directory" ]]
	run toml-setver missing.toml 1.0
	[ "$status" -eq 9 ]
	[ ! -e missing.toml ]
}

@test "a read-only directory: a clear error, exit 9, the file unchanged and no temp file left" {
	local as_user=()
	RO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/toml-setver-ro.XXXXXX")
	cp "$FIX/setuptools.toml" "$RO_DIR/pyproject.toml"
	chmod 755 "$RO_DIR"
	chmod 644 "$RO_DIR/pyproject.toml"
	if [ "$(id -u)" -eq 0 ]; then
		# root writes anywhere: run as nobody, for whom the directory is read-only
		require setpriv
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		chmod 555 "$RO_DIR"
	fi
	run "${as_user[@]}" "$(command -v toml-setver)" "$RO_DIR/pyproject.toml" 1.3.0
	[ "$status" -eq 9 ] || { echo "$output"; return 1; }
	[[ "$output" == "toml-setver: "*"$RO_DIR"* ]]
	cmp "$FIX/setuptools.toml" "$RO_DIR/pyproject.toml"
	[ "$(ls -A "$RO_DIR")" = pyproject.toml ]
}

@test "a directory given as the file exits 9" {
	mkdir d
	run toml-setver -g d
	[ "$status" -eq 9 ]
}
