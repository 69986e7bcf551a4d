#!/usr/bin/env bash
# compose-retag setting the version of the own image in a large compose file
# (about 4 MB: 20,000 services with comments, anchors, flow mappings, block
# scalars and interpolation) against PyYAML's C loader only loading the same
# file, which is the least any Python tool that retags must do. Both must
# find the same number of service images before anything is timed.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

bin=build/bin/compose-retag
[ -x "$bin" ] || { echo "compose-retag: $bin is missing: run make first" >&2; exit 1; }
python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null ||
	{ echo "compose-retag: python3-yaml with its C loader is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/compose-retag-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

python3 - "$work/compose.yaml" <<'PY'
import random, sys

rng = random.Random(20261125)
out = ["# a large stack\nx-common: &common\n  restart: unless-stopped\n  logging: {driver: json-file, options: {max-size: 10m}}\n\nservices:\n"]
for i in range(20_000):
    kind = i % 4
    out.append(f"  svc{i}:\n    <<: *common\n")
    if kind == 0:
        out.append(f"    image: ghcr.io/acme/app:1.2.{i % 7}-slim  # ours\n")
    elif kind == 1:
        out.append(f"    image: \"${{REG:-ghcr.io}}/acme/app-worker:${{TAG:-1.{rng.randrange(9)}.0}}\"\n")
    elif kind == 2:
        out.append(f"    image: postgres:{rng.randrange(12, 17)}\n")
    else:
        out.append(f"    image: 'redis:7-alpine'\n")
    out.append(f"    command: [\"serve\", \"--port\", \"{8000 + i % 1000}\"]\n")
    out.append(f"    environment:\n      - NAME=svc{i}\n      - NOTE=image: not-this:1.0\n")
    if i % 10 == 0:
        out.append("    configs:\n      - source: motd\n        target: /etc/motd\n")
out.append("configs:\n  motd:\n    content: |\n      image: not-this-either:1.0\n")
open(sys.argv[1], "w").write("".join(out))
PY

ours=$("$bin" -l "$work/compose.yaml" | wc -l) || { echo "compose-retag: listing failed" >&2; exit 1; }
theirs=$(python3 -c 'import sys, yaml
d = yaml.load(open(sys.argv[1], "rb"), Loader=yaml.CSafeLoader)
print(sum(1 for s in d["services"].values() if "image" in s))' "$work/compose.yaml")
[ "$ours" -eq "$theirs" ] || { echo "compose-retag: found $ours images, PyYAML $theirs" >&2; exit 1; }
echo "both find $ours images in a $(wc -c <"$work/compose.yaml")-byte file"

measure compose-retag "$BENCH_RUNS" "$bin" -i ghcr.io/acme/app -s 2.0.0 -o - "$work/compose.yaml" || exit 1
measure pyyaml-c-load "$BENCH_RUNS" python3 -c 'import sys, yaml; yaml.load(open(sys.argv[1], "rb"), Loader=yaml.CSafeLoader)' "$work/compose.yaml" || exit 1
report compose-retag pyyaml-c-load
