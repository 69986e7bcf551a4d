# Shared by the gh-release tests: one stand-in and its two validating
# proxies per file (they take a while to load GitHub's description), a clean
# state per test, and no request or response the proxies refused.

load ../lib/github

SHA_A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
SHA_B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

setup_file() {
	require gh-release python3 curl || return 1
	start_github "$BATS_FILE_TMPDIR/github"
}

teardown_file() {
	stop_github "$BATS_FILE_TMPDIR/github"
}

setup() {
	curl -fsS -X POST "$GH_CONTROL/reset" >/dev/null
	# Failures must show within seconds, not after the default backoff.
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20
	cd "$BATS_TEST_TMPDIR" || return 1
	# What the proxies logged before this test is not this test's.
	local f
	for f in api uploads; do
		wc -l <"$BATS_FILE_TMPDIR/github/prism-$f.log" >"$BATS_TEST_TMPDIR/prism-$f.mark"
	done
}

# Every exchange of this test that a proxy refused (its "✖" error lines).
test_violations() {
	local f
	for f in api uploads; do
		tail -n +"$(($(cat "$BATS_TEST_TMPDIR/prism-$f.mark") + 1))" "$BATS_FILE_TMPDIR/github/prism-$f.log" |
			grep '✖' || true
	done
}

teardown() {
	local v
	v=$(test_violations)
	if [ -n "$v" ]; then
		echo "the proxies refused exchanges:" >&2
		echo "$v" >&2
		return 1
	fi
}

# seed_tag TAG [SHA]: the tag exists on the stand-in, annotated.
seed_tag() {
	gh_control /seed "{\"tags\": {\"$1\": {\"sha\": \"${2:-$SHA_A}\", \"annotated\": true}}}"
}

# state EXPR: evaluate a Python expression over the stand-in's state "s".
state() {
	curl -fsS "$GH_CONTROL/state" | python3 -c '
import json, sys
s = json.load(sys.stdin)
rels = s["releases"]
assets = s["assets"]
log = s["log"]
r = eval(sys.argv[1])
print(json.dumps(r) if not isinstance(r, str) else r)' "$1"
}

# The output must never show the token.
no_token_in() {
	if grep -qF -- "$GITHUB_TOKEN" <<<"$1"; then
		echo "the token appears in the output" >&2
		return 1
	fi
}

# The "$ command" lines of a man page's EXAMPLES literal displays, mdoc escapes undone.
man_examples() {
	awk '/^\.Sh /{ ex = ($2 == "EXAMPLES") }
	     ex && /^\.Bd -literal/ { lit = 1; next }
	     ex && /^\.Ed/ { lit = 0; next }
	     ex && lit && /^\$ /' "$1" | sed -e 's/^\$ //' -e 's/\\e/\\/g' -e 's/\\&//g'
}
