#!/usr/bin/env bash
# toml-setver setting the version of a large pyproject.toml (about 4 MB: a
# long dependency list with comments, many tool tables, multi-line strings)
# against Python's tomllib only parsing the same file, which is the least any
# Python tool that sets the version must do. Both must read the same version
# before anything is timed.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

bin=build/bin/toml-setver
[ -x "$bin" ] || { echo "toml-setver: $bin is missing: run make first" >&2; exit 1; }
python3 -c 'import tomllib' 2>/dev/null || { echo "toml-setver: python3 >= 3.11 (tomllib) is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/toml-setver-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

python3 - "$work/pyproject.toml" <<'PY'
import random, sys

rng = random.Random(20261125)
out = ['[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n']
out.append('[project]\nname = "big"\ndescription = """\nversion = "0.0.0" is not the version\n"""\n')
out.append("dependencies = [\n")
for i in range(40_000):
    out.append(f'    "pkg{i}>={rng.randrange(10)}.{rng.randrange(50)}",  # pin {i}\n')
out.append("]\nversion = '4.2.0'  # the one\n\n")
for i in range(20_000):
    out.append(f'[tool.t{i}]\nversion = {{attr = "m{i}.__version__"}}\nlist = [1, 2.5, 1979-05-27T07:32:00Z, "s\\u00e9"]\n')
open(sys.argv[1], "w").write("".join(out))
PY

ours=$("$bin" -g "$work/pyproject.toml") || { echo "toml-setver: toml-setver failed" >&2; exit 1; }
theirs=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$work/pyproject.toml")
[ "$ours" = "$theirs" ] || { echo "toml-setver: the two read different versions: '$ours' and '$theirs'" >&2; exit 1; }
echo "both read version $ours from a $(wc -c <"$work/pyproject.toml")-byte file"

measure toml-setver "$BENCH_RUNS" "$bin" -o - "$work/pyproject.toml" 4.3.0 || exit 1
measure tomllib-parse "$BENCH_RUNS" python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$work/pyproject.toml" || exit 1
report toml-setver tomllib-parse
