#!/usr/bin/env bash
# pypi-upload against twine: both upload the same sdist and wheel (a sample
# project carrying a few MB of incompressible data) to the same local index,
# which is emptied before every timed run (BENCH_SETUP), so every run really
# uploads. pypi-upload also reads the index back to verify; twine does not.
# Two rows: the test index (target: pypi-upload at least 5x faster), and
# pypiserver, a real index server, in its default configuration (no target:
# the server's own time is in both).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
# The tests' helpers start pypiserver; outside bats a missing one ends the bench.
export SHIPSYNC_TOP=$PWD
skip() { echo "pypi-upload bench: $*" >&2; exit 1; }
# shellcheck source=../tests/lib/common.bash
. tests/lib/common.bash
# shellcheck source=../tests/pypi-index/lib.bash
. tests/pypi-index/lib.bash

runs=${PYPI_UPLOAD_BENCH_RUNS:-$BENCH_RUNS}
mb=${PYPI_UPLOAD_BENCH_MB:-4}
py=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)
pu=build/bin/pypi-upload
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pypi-upload-bench.XXXXXX")
index_pid=
trap '[ -z "$index_pid" ] || kill "$index_pid" 2>/dev/null; stop_pypiserver "$tmp/ps"; rm -rf "$tmp"' EXIT

[ -x "$pu" ] || { echo "pypi-upload bench: build $pu first (make)" >&2; exit 1; }
command -v twine >/dev/null || { echo "pypi-upload bench: twine is not installed" >&2; exit 1; }

# The sample project with a data file of $mb MiB.
cp -r tests/pypi-upload/fixtures/sample "$tmp/src"
mv "$tmp/src/src/sample_pkg" "$tmp/src/src/bench_sample"
sed -i -e 's/@NAME@/bench-sample/g' -e 's/@VERSION@/1.0.0/g' -e 's/@MODULE@/bench_sample/g' \
	"$tmp/src/pyproject.toml" "$tmp/src/src/bench_sample/__init__.py"
head -c "$((mb * 1024 * 1024))" /dev/urandom >"$tmp/src/src/bench_sample/blob.bin"
printf '[tool.setuptools.package-data]\nbench_sample = ["*.bin"]\n' >>"$tmp/src/pyproject.toml"
(cd "$tmp/src" && "$py" -m build --no-isolation --outdir "$tmp/dist" .) >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log" >&2; exit 1; }
ls -l "$tmp/dist"

token=bench-token-$RANDOM$RANDOM
"$py" tests/pypi-index/server.py --token "$token" --port-file "$tmp/port" >/dev/null 2>"$tmp/index.log" &
index_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { cat "$tmp/index.log" >&2; exit 1; }
index=http://127.0.0.1:$(cat "$tmp/port")

reset_index() {
	curl -fsS -X POST "$index/_control/reset" >/dev/null
}
BENCH_SETUP=reset_index

# Make sure both really upload and succeed before timing anything.
reset_index
PYPI_TOKEN=$token "$pu" --repository-url "$index/legacy/" "$tmp"/dist/* >/dev/null || exit 1
reset_index
twine upload --disable-progress-bar --non-interactive --repository-url "$index/legacy/" \
	-u __token__ -p "$token" "$tmp"/dist/* >/dev/null || exit 1

export PYPI_TOKEN=$token
measure pypi-upload "$runs" "$pu" --repository-url "$index/legacy/" "$tmp"/dist/* || exit 1
measure twine "$runs" twine upload --disable-progress-bar --non-interactive \
	--repository-url "$index/legacy/" -u __token__ -p "$token" "$tmp"/dist/* || exit 1
report pypi-upload twine
awk -v a="${MEDIAN_S[twine]}" -v b="${MEDIAN_S[pypi-upload]}" \
	'BEGIN { r = (b > 0) ? a / b : 0; printf "target >= 5x: %s (%.2fx)\n", (r >= 5 ? "met" : "MISSED"), r }'

# The second row: pypiserver, emptied before every run.
start_pypiserver "$tmp/ps" || exit 1
empty_pypiserver() {
	rm -f "$tmp/ps/packages"/*
}
BENCH_SETUP=empty_pypiserver
export PYPI_TOKEN=$PYPISERVER_TOKEN
empty_pypiserver
"$pu" --repository-url "$PYPISERVER/" "$tmp"/dist/* >/dev/null || exit 1
empty_pypiserver
twine upload --disable-progress-bar --non-interactive --repository-url "$PYPISERVER/" \
	-u __token__ -p "$PYPISERVER_TOKEN" "$tmp"/dist/* >/dev/null || exit 1
measure "pypi-upload (pypiserver)" "$runs" "$pu" --repository-url "$PYPISERVER/" "$tmp"/dist/* || exit 1
measure "twine (pypiserver)" "$runs" twine upload --disable-progress-bar --non-interactive \
	--repository-url "$PYPISERVER/" -u __token__ -p "$PYPISERVER_TOKEN" "$tmp"/dist/* || exit 1
report "pypi-upload (pypiserver)" "twine (pypiserver)"
