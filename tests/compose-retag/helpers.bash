# Shared by the compose-retag bats files: fixtures copied into a temp dir.

FIXTURES=$BATS_TEST_DIRNAME/fixtures

# Copy fixture directory NAME into $BATS_TEST_TMPDIR/NAME and cd there.
use_fixture() {
	cp -R "$FIXTURES/$1" "$BATS_TEST_TMPDIR/$1"
	cd "$BATS_TEST_TMPDIR/$1"
}

# Keep pristine copies of FILE... to prove later that nothing changed.
snapshot() {
	local f
	for f; do
		mkdir -p "$BATS_TEST_TMPDIR/.orig/$(dirname "$f")"
		cp -p "$f" "$BATS_TEST_TMPDIR/.orig/$f"
	done
}

unchanged() {
	local f
	for f; do
		cmp "$BATS_TEST_TMPDIR/.orig/$f" "$f" || { echo "'$f' changed" >&2; return 1; }
	done
}

# No temp file of the atomic replace may be left in DIR.
no_temp_files() {
	local left
	left=$(find "${1:-.}" -name '.*.tmp*')
	[ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

# Assert the exit status of the last `run`.
status_is() {
	[ "$status" -eq "$1" ] || { echo "exit status $status, expected $1; output: $output" >&2; return 1; }
}
