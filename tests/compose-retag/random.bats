#!/usr/bin/env bats
# compose-retag on random compose files in every YAML style it reads (fixed
# seeds, so a failure repeats): each retag keeps the structure PyYAML sees.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag python3
	python3 -c 'import yaml' 2>/dev/null || unmet "python3-yaml is not installed"
}

@test "random compose files keep their structure for every repository retagged" {
	local f repo n=0
	mkdir "$BATS_TEST_TMPDIR/r"
	python3 "$BATS_TEST_DIRNAME/random-compose.py" 20261125 25 "$BATS_TEST_TMPDIR/r"
	for f in "$BATS_TEST_TMPDIR"/r/*.yaml; do
		run --separate-stderr compose-retag -l "$f"
		status_is 0 || { cat "$f" >&2; return 1; }
		for repo in $(printf '%s\n' "$output" | cut -f2 | sed -e 's/@.*//' -e 's|:\([^:/]*\)$||' | sort -u); do
			cp "$f" "$BATS_TEST_TMPDIR/after.yaml"
			compose-retag -s 9.9.9 -i "$repo" "$BATS_TEST_TMPDIR/after.yaml"
			python3 "$BATS_TEST_DIRNAME/same-structure.py" "$f" "$BATS_TEST_TMPDIR/after.yaml" "$repo" 9.9.9 >/dev/null ||
				{ echo "$f, $repo:" >&2; cat "$f" >&2; return 1; }
			n=$((n + 1))
		done
	done
	echo "# random: $n retags of 25 files" >&3
	[ "$n" -ge 25 ]
}
