#!/usr/bin/env bash
# semver-check -P --sort against packaging.version, the reference PEP 440
# implementation, on 100,000 random PEP 440 versions in every spelling
# (fixed seed): pre, post and dev releases, epochs, local versions, 'v',
# other cases and separators.
#
# The anchor: Debian's python3-packaging sorting the same file stably by
# Version and printing each line as written. Both outputs must be identical,
# line for line, before anything is timed.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

bin=build/bin/semver-check
py=/usr/bin/python3
[ -x "$bin" ] || { echo "pep440-sort: $bin is missing: run make first" >&2; exit 1; }
"$py" -c 'import packaging.version' 2>/dev/null || { echo "pep440-sort: python3-packaging is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pep440-sort.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

"$py" - "$work/versions" <<'PY'
import random, sys

rng = random.Random(20261202)
def sep():
    return rng.choice(["", "", ".", "-", "_"])
with open(sys.argv[1], "w") as out:
    for _ in range(100_000):
        v = rng.choice(["", "", "", "v"])
        if rng.random() < 0.05:
            v += f"{rng.randrange(3)}!"
        v += ".".join(str(rng.randrange(0, 30)) for _ in range(rng.choice([1, 2, 3, 3, 3, 4])))
        if rng.random() < 0.4:
            v += sep() + rng.choice(["a", "alpha", "b", "beta", "rc", "c", "pre", "RC"]) + rng.choice(["", str(rng.randrange(20))])
        if rng.random() < 0.2:
            v += sep() + rng.choice(["post", "rev", "r"]) + str(rng.randrange(5))
        if rng.random() < 0.2:
            v += sep() + "dev" + str(rng.randrange(5))
        if rng.random() < 0.05:
            v += "+" + rng.choice(["ubuntu.1", "abc", "7", "x.2"])
        out.write(v + "\n")
PY

cat >"$work/sort.py" <<'PY'
# A stable sort by packaging's Version, every line printed as written.
import sys
from packaging.version import Version
lines = open(sys.argv[1]).read().split("\n")[:-1]
sys.stdout.write("".join(l + "\n" for l in sorted(lines, key=Version)))
PY

"$bin" -P --sort "$work/versions" >"$work/ours" || { echo "pep440-sort: semver-check failed" >&2; exit 1; }
"$py" "$work/sort.py" "$work/versions" >"$work/packaging" || { echo "pep440-sort: packaging failed" >&2; exit 1; }
if ! cmp -s "$work/ours" "$work/packaging"; then
	echo "pep440-sort: the two sorts disagree:" >&2
	diff "$work/ours" "$work/packaging" | head -20 >&2
	exit 1
fi
echo "both sort $(wc -l <"$work/ours") versions into the same order"

measure semver-check-P "$BENCH_RUNS" "$bin" -P --sort "$work/versions" || exit 1
measure packaging "$BENCH_RUNS" "$py" "$work/sort.py" "$work/versions" || exit 1
report semver-check-P packaging
# The goal: a sort of a repository's tags never costs more than Python's would.
awk -v a="${MEDIAN_S[packaging]}" -v b="${MEDIAN_S[semver-check-P]}" 'BEGIN {
	if (b > 0 && a / b < 3) { print "pep440-sort: below the 3x target" > "/dev/stderr"; exit 1 } }'
