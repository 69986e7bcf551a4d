#!/usr/bin/env bats
# compose-retag against the compose-go loader's test files ($VECTORS/compose):
# after a retag each file loads to the same YAML structure but for the images
# of the repository given, and with a repository found nowhere it is unchanged.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag cmp python3
	require_vectors compose
	python3 -c 'import yaml' 2>/dev/null || unmet "python3-yaml is not installed"
}

vector_files() {
	(cd "$VECTORS/compose" && find . -type f \( -name '*.yml' -o -name '*.yaml' \) | sed 's|^\./||' | sort)
}

# The repositories of the images in FILE, one a line (from --list).
repositories() {
	compose-retag -l "$1" | cut -f2 | sed -e 's/@.*//' -e 's|:\([^:/]*\)$||' | sort -u
}

# Retag every repository of every vector (in a copy whose line ends are made
# by SED_EXPR) and compare the structures; print "files retags".
retag_all() {
	local sed_expr=$1 f repo n files=0 retags=0 failed=0
	while IFS= read -r f; do
		files=$((files + 1))
		mkdir -p "$BATS_TEST_TMPDIR/v/$(dirname "$f")"
		sed "$sed_expr" "$VECTORS/compose/$f" >"$BATS_TEST_TMPDIR/v/$f"
		compose-retag -l "$BATS_TEST_TMPDIR/v/$f" >/dev/null || { echo "$f: not read" >&2; failed=1; }
		for repo in $(repositories "$BATS_TEST_TMPDIR/v/$f"); do
			cp "$BATS_TEST_TMPDIR/v/$f" "$BATS_TEST_TMPDIR/after.yaml"
			if ! compose-retag -s 9.9.9 -i "$repo" "$BATS_TEST_TMPDIR/after.yaml"; then
				echo "$f: retagging $repo failed" >&2; failed=1; continue
			fi
			if ! n=$(python3 "$BATS_TEST_DIRNAME/same-structure.py" "$BATS_TEST_TMPDIR/v/$f" \
				"$BATS_TEST_TMPDIR/after.yaml" "$repo" 9.9.9); then
				echo "$f: $repo: the structure changed" >&2; failed=1; continue
			fi
			[ "$n" -ge 1 ] || { echo "$f: $repo: nothing was retagged" >&2; failed=1; continue; }
			retags=$((retags + 1))
		done
	done < <(vector_files)
	echo "$files $retags"
	return $failed
}

@test "there are 34 compose vectors, full-example.yml among them" {
	run vector_files
	[ "${#lines[@]}" -eq 34 ]
	[[ $output == *full-example.yml* ]]
}

@test "every vector is read, and lists at least the images a YAML loader finds" {
	local f want got
	while IFS= read -r f; do
		run compose-retag -l "$VECTORS/compose/$f"
		status_is 0 || { echo "$f" >&2; return 1; }
		want=$(python3 -c '
import sys, yaml
class L(yaml.SafeLoader): pass
L.add_multi_constructor("!", lambda l, s, n: None)
n = 0
for d in yaml.load_all(open(sys.argv[1], "rb"), Loader=L):
    for s in ((d or {}).get("services") or {}).values():
        n += isinstance(s, dict) and isinstance(s.get("image"), str)
print(n)' "$VECTORS/compose/$f")
		got=${#lines[@]}
		[ "$got" -eq "$want" ] || { echo "$f: listed $got images, YAML has $want" >&2; return 1; }
	done < <(vector_files)
}

@test "every vector keeps its structure when each of its repositories is retagged" {
	run retag_all 's/x/x/'
	echo "# conformance (LF): $output" >&3
	status_is 0
	read -r files retags <<<"${lines[-1]}"
	# every distinct repository of every file: 22
	[ "$files" -eq 34 ] && [ "$retags" -eq 22 ]
}

@test "every vector with CRLF line ends keeps its structure too" {
	run retag_all 's/$/\r/'
	echo "# conformance (CRLF): $output" >&3
	status_is 0
	read -r files retags <<<"${lines[-1]}"
	# every distinct repository of every file: 22
	[ "$files" -eq 34 ] && [ "$retags" -eq 22 ]
}

@test "every vector is byte for byte unchanged with a repository it does not hold" {
	local f
	while IFS= read -r f; do
		cp "$VECTORS/compose/$f" "$BATS_TEST_TMPDIR/same.yaml"
		run compose-retag -s 9.9.9 -i example.invalid/nothing "$BATS_TEST_TMPDIR/same.yaml"
		status_is 8 || { echo "$f" >&2; return 1; }
		cmp "$VECTORS/compose/$f" "$BATS_TEST_TMPDIR/same.yaml"
		run compose-retag -c 9.9.9 -i example.invalid/nothing "$VECTORS/compose/$f"
		status_is 8
	done < <(vector_files)
}

@test "full-example.yml: the redis service gets the tag, the commented images do not" {
	cp "$VECTORS/compose/full-example.yml" "$BATS_TEST_TMPDIR/full.yml"
	run compose-retag -s 9.9.9 -i redis -o - "$BATS_TEST_TMPDIR/full.yml"
	status_is 0
	[[ $output == *"    image: redis:9.9.9"* ]]
	[[ $output == *"    # image: ubuntu:14.04"* ]]
	diff <(printf '%s\n' "$output") "$VECTORS/compose/full-example.yml" | grep -c '^[<>]' | grep -qx 2
}
