#!/usr/bin/env bash
# gh-release download-artifact on a 256 MiB artifact (an image archive of
# random bytes, a wheel and an sdist, deflated as upload-artifact does),
# served by the GitHub stand-in with its redirect to a storage listener.
# Timed against the anchor of the same run: curl following the same redirect,
# unzip, and sha256sum of every file, which is the same work with no checks
# on entries and no comparison with the manifest. download-artifact should
# stay within 1.5x of it, with peak memory under 50 MiB.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

mib=${DOWNLOAD_ARTIFACT_BENCH_MIB:-256}
runs=${DOWNLOAD_ARTIFACT_BENCH_RUNS:-$BENCH_RUNS}
spec=tests/npm/node_modules/@octokit/openapi/generated/api.github.com.json
command -v unzip >/dev/null || { echo "bench: unzip is missing" >&2; exit 1; }
[ -f "$spec" ] || { echo "bench: GitHub's OpenAPI description is missing (tests/setup/install-deps)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/download-artifact-bench.XXXXXX")
standin=
cleanup() {
	[ -z "$standin" ] || { kill "$standin" 2>/dev/null; wait "$standin" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir "$tmp/src"
head -c $((mib << 20)) /dev/urandom >"$tmp/src/image-linux-amd64.tar"
printf 'wheel\n' >"$tmp/src/app-1.0.0-py3-none-any.whl"
printf 'sdist\n' >"$tmp/src/app-1.0.0.tar.gz"
(cd "$tmp/src" && {
	printf 'shipsync-manifest 2\nversion 1.0.0\n'
	for f in *; do printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d ' ' -f 1)" "$(stat -c %s "$f")" "$f"; done
} >../manifest && mv ../manifest shipsync-manifest)
python3 -c '
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for f in sorted(os.listdir(src)):
        z.write(os.path.join(src, f), f)' "$tmp/src" "$tmp/a.zip"

export GITHUB_TOKEN=ghs_bench$RANDOM$RANDOM GITHUB_REPOSITORY=acme/app
python3 tests/github/standin.py --spec "$spec" --token "$GITHUB_TOKEN" --ports-file "$tmp/ports" >"$tmp/standin.log" 2>&1 &
standin=$!
for _ in $(seq 1 300); do [ -f "$tmp/ports" ] && break; sleep 0.1; done
read -r api _ control _ <"$tmp/ports" || { cat "$tmp/standin.log" >&2; exit 1; }
export GITHUB_API_URL=http://127.0.0.1:$api
sha=$(printf '%040d' 1)
curl -fsS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$control/seed" --data \
	"{\"tags\": {\"v1.0.0\": {\"sha\": \"$sha\"}}, \"runs\": [{\"id\": 9, \"head_sha\": \"$sha\", \"conclusion\": \"success\",
	  \"artifacts\": [{\"id\": 77, \"name\": \"shipsync-dist\", \"file\": \"$tmp/a.zip\"}]}]}" >/dev/null

fresh() { rm -rf "$tmp/dist" "$tmp/anchor" "$tmp/x.zip"; }
anchor() {
	curl -fsSL -H "Authorization: Bearer $GITHUB_TOKEN" -o "$tmp/x.zip" "$GITHUB_API_URL/repos/acme/app/actions/artifacts/77/zip" &&
		unzip -q "$tmp/x.zip" -d "$tmp/anchor" && sha256sum "$tmp"/anchor/* >/dev/null
}
# shellcheck disable=SC2034 # read by measure in lib.sh
BENCH_SETUP=fresh
export tmp
measure download-artifact "$runs" build/bin/gh-release download-artifact --commit "$sha" v1.0.0 "$tmp/dist" || exit 1
measure "curl+unzip+sha256sum" "$runs" bash -c "$(declare -f anchor); anchor" || exit 1
report download-artifact "curl+unzip+sha256sum"
