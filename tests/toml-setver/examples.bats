#!/usr/bin/env bats
# The EXAMPLES of man/toml-setver.1 run as printed, so that they cannot drift.

load ../lib/common

setup() {
	require toml-setver
	cp -r "$BATS_TEST_DIRNAME"/fixtures/man-example/. "$BATS_TEST_TMPDIR"/
	cd "$BATS_TEST_TMPDIR"
}

# The literal displays of the EXAMPLES section, mdoc escapes undone.
examples() {
	awk '/^\.Sh /{ ex = ($2 == "EXAMPLES") }
	     ex && /^\.Bd -literal/ { lit = 1; next }
	     ex && /^\.Ed/ { lit = 0; next }
	     ex && lit' "$1" | sed -e 's/\\e/\\/g' -e 's/\\&//g'
}

# Run one "$ command" and compare what it prints with the lines after it.
check_example() {
	local got
	got=$(bash -c "$1"; echo .)
	got=${got%.}
	[ "$got" = "$2" ] || {
		printf 'example: %s\nwant:\n%sgot:\n%s' "$1" "$2" "$got"
		return 1
	}
}

@test "every command of the man page EXAMPLES prints what the page shows" {
	local line cmd= want= n=0
	while IFS= read -r line; do
		if [[ $line == '$ '* ]]; then
			if [ -n "$cmd" ]; then check_example "$cmd" "$want" || return 1; fi
			cmd=${line#\$ } want= n=$((n + 1))
		else
			want+=$line$'\n'
		fi
	done < <(examples "$TOP/man/toml-setver.1")
	check_example "$cmd" "$want"
	[ "$n" -ge 5 ]
}
