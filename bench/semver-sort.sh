#!/usr/bin/env bash
# semver-check --sort against node-semver on 100,000 random valid versions
# (fixed seed; a mix of releases, prereleases and build metadata).
#
# The anchor: node-semver's CLI (`semver v1 v2 ...`) sorts its arguments, but
# 100,000 versions overflow ARG_MAX, so a small node script does what that CLI
# does (filter with semver.valid, a stable sort with semver.compare) on the same
# file, without the CLI's per-version clean(), and prints every line as written.
# Both outputs must be identical, line for line, before anything is timed.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

bin=build/bin/semver-check
modules=tests/npm/node_modules
[ -x "$bin" ] || { echo "semver-sort: $bin is missing: run make first" >&2; exit 1; }
[ -f "$modules/semver/package.json" ] || { echo "semver-sort: node-semver is missing under $modules" >&2; exit 1; }
command -v node >/dev/null || { echo "semver-sort: node is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/semver-sort.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

python3 - "$work/versions" <<'PY'
import random, sys

rng = random.Random(20261125)
labels = ["alpha", "beta", "rc", "dev", "pre", "SNAPSHOT", "x-y"]
def prerelease():
    parts = []
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        parts.append(rng.choice([rng.choice(labels), str(rng.randrange(0, 30)), f"{rng.choice(labels)}{rng.randrange(10)}"]))
    return ".".join(parts)
with open(sys.argv[1], "w") as out:
    for _ in range(100_000):
        v = f"{rng.randrange(0, 20)}.{rng.randrange(0, 40)}.{rng.randrange(0, 100)}"
        if rng.random() < 0.45:
            v += "-" + prerelease()
        if rng.random() < 0.2:
            v += f"+build.{rng.randrange(0, 10**6)}.{rng.choice(['g', 'sha'])}{rng.randrange(16**6):06x}"
        out.write(v + "\n")
PY

cat >"$work/sort.js" <<'JS'
// What `semver v1 v2 ...` does, on a file: keep valid versions, sort stably by precedence.
const fs = require('fs')
const semver = require('semver')
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l !== '')
const sorted = lines.filter(v => semver.valid(v)).sort((a, b) => semver.compare(a, b))
process.stdout.write(sorted.join('\n') + '\n')
JS
export NODE_PATH=$PWD/$modules

"$bin" --sort "$work/versions" >"$work/ours" || { echo "semver-sort: semver-check failed" >&2; exit 1; }
node "$work/sort.js" "$work/versions" >"$work/node" || { echo "semver-sort: node-semver failed" >&2; exit 1; }
if ! cmp -s "$work/ours" "$work/node"; then
	echo "semver-sort: the two sorts disagree:" >&2
	diff "$work/ours" "$work/node" | head -20 >&2
	exit 1
fi
echo "both sort $(wc -l <"$work/ours") versions into the same order"

measure semver-check "$BENCH_RUNS" "$bin" --sort "$work/versions" || exit 1
measure node-semver "$BENCH_RUNS" node "$work/sort.js" "$work/versions" || exit 1
report semver-check node-semver
if [ "${MEDIAN_S[node-semver]}" = 0 ]; then
	echo "semver-sort: no time was recorded for node-semver: check measure in bench/lib.sh" >&2
	exit 1
fi
awk -v a="${MEDIAN_S[node-semver]}" -v b="${MEDIAN_S[semver-check]}" 'BEGIN {
	if (b > 0 && a / b < 10) { print "semver-sort: below the 10x target" > "/dev/stderr"; exit 1 } }'
