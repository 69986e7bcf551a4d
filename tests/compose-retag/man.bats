#!/usr/bin/env bats
# The EXAMPLES of man/compose-retag.1 run as written and print what they show.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag mandoc
	MAN=$TOP/man/compose-retag.1
	cd "$BATS_TEST_TMPDIR"
}

# Literal block N (from 1) of the EXAMPLES section, as the page shows it.
example_block() {
	awk -v want="$1" '
		/^\.Sh / { in_ex = ($2 == "EXAMPLES") }
		in_ex && /^\.Bd -literal/ { n++; inside = (n == want); next }
		/^\.Ed/ { inside = 0 }
		inside { print }
	' "$MAN"
}

# Run the "$ " lines of a block with bash in the current directory and compare
# the output with the lines the page shows after each (blanks squeezed).
run_block() {
	local block=$1 cmd= want= got line
	squeeze() { tr -s ' \t' ' '; }
	while IFS= read -r line; do
		if [[ $line == '$ '* ]]; then
			if [ -n "$cmd" ]; then
				got=$(bash -c "$cmd" 2>&1 | squeeze)
				[ "$got" = "$(printf '%s' "$want" | squeeze)" ] ||
					{ printf 'command: %s\nwant:\n%s\ngot:\n%s\n' "$cmd" "$want" "$got" >&2; return 1; }
			fi
			cmd=${line#\$ } want=
		else
			want+=${want:+$'\n'}$line
		fi
	done < <(printf '%s\n' "$block")
	got=$(bash -c "$cmd" 2>&1 | squeeze)
	[ "$got" = "$(printf '%s' "$want" | squeeze)" ] ||
		{ printf 'command: %s\nwant:\n%s\ngot:\n%s\n' "$cmd" "$want" "$got" >&2; return 1; }
}

@test "the man page passes mandoc -Tlint" {
	run mandoc -Tlint -Wwarning "$MAN"
	status_is 0
	[ -z "$output" ]
}

@test "the first example lists, checks, previews and sets as shown" {
	example_block 1 >compose.yaml
	grep -q 'image: ghcr.io/acme/app:1.2.3' compose.yaml
	run_block "$(example_block 2)"
	grep -q 'image: ghcr.io/acme/app:1.3.0' compose.yaml
	grep -q 'image: postgres:16' compose.yaml
}

@test "the two-image example sets both images in both files" {
	mkdir deploy
	printf '%s\n' 'services:' '  api:' '    image: ghcr.io/acme/api:1.0.0' '  web:' \
		'    image: ghcr.io/acme/web:1.0.0' '  db:' '    image: postgres:16' >compose.yaml
	printf '%s\n' 'services:' '  web:' '    image: "ghcr.io/acme/web:v1.0.0"' >deploy/compose.prod.yaml
	run_block "$(example_block 3)"
	grep -q 'ghcr.io/acme/api:2.0.0' compose.yaml
	grep -q 'ghcr.io/acme/web:2.0.0' compose.yaml
	grep -q 'postgres:16' compose.yaml
	grep -q '"ghcr.io/acme/web:v2.0.0"' deploy/compose.prod.yaml
}

@test "the build example prints how each own image is built, the argument from the environment" {
	# The file is what the block's `cat` shows.
	example_block 4 | awk '/^\$ cat/ { on = 1; next } /^\$ / { on = 0 } on' >compose.build.yaml
	grep -q 'PYTHON_VERSION:-3.12' compose.build.yaml
	run_block "$(example_block 4)"
}

@test "the usage shows as many forms as the SYNOPSIS" {
	local n
	n=$(awk '/^\.Sh SYNOPSIS/ { s = 1; next } /^\.Sh/ { s = 0 } s && /^\.Nm$/ { n++ } END { print n }' "$MAN")
	run compose-retag --help
	status_is 0
	[ "$n" -eq 5 ] && [ "${#lines[@]}" -eq "$n" ]
}

@test "every exit status the page documents is one the tool uses" {
	local code
	for code in 0 1 2 3 6 8 9; do
		grep -q "^\.It $code\$" "$MAN" || { echo "exit $code undocumented" >&2; return 1; }
	done
}
