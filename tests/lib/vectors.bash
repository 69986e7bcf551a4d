# Where the tests read the conformance suites, for tests/run and the bats
# files alike: SHIPSYNC_VECTORS when set; else ../shared/vectors beside the
# tree when it is there; else build/vectors in the tree, where
# tests/setup/fetch-vectors puts them.
vectors_dir() {
	local top=$1
	if [ -n "${SHIPSYNC_VECTORS:-}" ]; then
		printf '%s\n' "$SHIPSYNC_VECTORS"
	elif [ -d "$top/../shared/vectors" ]; then
		(cd "$top/../shared/vectors" && pwd)
	else
		printf '%s\n' "$top/build/vectors"
	fi
}

# The command that fetches the suites into DIR.
vectors_fetch_command() {
	local top=$1 dir=$2
	if [ "$dir" = "$top/build/vectors" ]; then
		echo "tests/setup/fetch-vectors"
	else
		printf 'tests/setup/fetch-vectors -d %q\n' "$dir"
	fi
}
