#!/usr/bin/env bats
# toml-setver against every TOML 1.0 document of toml-test: valid ones are
# accepted and never changed by a read or a no-op set, a version set in them
# re-parses equal but for the version, invalid ones are refused untouched.

load ../lib/common

setup() {
	require toml-setver python3
	require_vectors toml-test
	python3 -c 'import tomllib' 2>/dev/null || unmet "python3 >= 3.11 (tomllib) is needed"
}

conformance() {
	# a copy of the tool, so that a rebuild of the tree meanwhile cannot pull it away
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$(command -v toml-setver)" "$BATS_TEST_TMPDIR/bin/toml-setver"
	run python3 "$BATS_TEST_DIRNAME/conformance.py" "$1" "$BATS_TEST_TMPDIR/bin/toml-setver" "$VECTORS" "$BATS_TEST_TMPDIR"
	echo "# $1: ${lines[0]}" >&3
	[ "$status" -eq 0 ] || { printf '%s\n' "$output"; return 1; }
}

@test "accepts all 205 valid documents; --get and a no-op set leave their bytes identical" {
	conformance valid
	[[ "${lines[0]}" == "valid accepted 205/205"* ]]
}

@test "a version set in every valid document re-parses equal but for the version" {
	conformance project
	[[ "${lines[0]}" =~ ^project\ set\ re-parses\ equal\ ([0-9]+)/([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -ge 400 ]
}

@test "refuses all 474 invalid documents and never rewrites one" {
	conformance invalid
	[ "${lines[0]}" = "invalid rejected 474/474" ]
}
