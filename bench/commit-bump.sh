#!/usr/bin/env bash
# commit-bump on a long history: 50,000 commits, 20,000 of them since the
# latest version tag, messages mixing feat, fix, chore and breaking changes
# (built with git fast-import, the same every run). Timed against the two
# anchors on the same repository: git log listing the same commits (commit-bump
# must stay within 2x of it) and git-cliff reading them as Conventional Commits
# (commit-bump should be 20x faster); peak memory should stay under 50 MiB.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

total=${COMMIT_BUMP_BENCH_COMMITS:-50000}
since=${COMMIT_BUMP_BENCH_SINCE:-20000}
runs=${COMMIT_BUMP_BENCH_RUNS:-$BENCH_RUNS}
cb=build/bin/commit-bump
# git-cliff's own binary, not the node wrapper around it: the anchor is git-cliff itself.
cliff=tests/npm/node_modules/git-cliff-linux-x64/bin/git-cliff
[ -x "$cliff" ] || cliff=tests/npm/node_modules/.bin/git-cliff
tmp=$(mktemp -d "${TMPDIR:-/tmp}/commit-bump-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Building the history takes minutes on a busy machine: keep it between runs.
cache=build/bench-cache/commit-bump-$total-$since.git
declare -A CPU_S

# Like measure in lib.sh, with finer clocks and CPU time as well. Each run
# goes twice: bare, timed by bash's own clock (no date(1) or time(1) process
# inside the interval: they cost more than a tenth of commit-bump's run), then
# under time(1) for CPU time (user + sys, steadier than wall time on a loaded
# machine) and peak memory. A failing command stops the bench.
measure_cmd() {
	local name=$1 runs=$2 i t0 t1
	shift 2
	local walls=() cpus=() peaks=()
	for i in $(seq 0 "$runs"); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>"$tmp/stderr" ||
			{ echo "commit-bump bench: '$*' failed:" >&2; cat "$tmp/stderr" >&2; return 1; }
		t1=$EPOCHREALTIME
		/usr/bin/time -o "$tmp/time" -f '%U %S %M' "$@" >/dev/null 2>"$tmp/stderr" ||
			{ echo "commit-bump bench: '$*' failed:" >&2; cat "$tmp/stderr" >&2; return 1; }
		[ "$i" -eq 0 ] && continue	# warm-up
		walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
		cpus+=("$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/time")")
		peaks+=("$(awk '{ print $3 }' "$tmp/time")")
	done
	MEDIAN_S[$name]=$(printf '%s\n' "${walls[@]}" | median)
	CPU_S[$name]=$(printf '%s\n' "${cpus[@]}" | median)
	PEAK_KB[$name]=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
	printf '%-22s wall median %7.3f s  cpu median %6.2f s  peak %7d KiB  (%d runs)\n' \
		"$name" "${MEDIAN_S[$name]}" "${CPU_S[$name]}" "${PEAK_KB[$name]}" "$runs"
}

[ -x "$cb" ] || { echo "commit-bump bench: build $cb first (make)" >&2; exit 1; }
[ -x "$cliff" ] || { echo "commit-bump bench: $cliff is missing (tests/setup/install-deps)" >&2; exit 1; }

# The fast-import stream: commit i has mark :i; the tag sits on commit total - since.
history() {
	awk -v total="$total" -v tagged=$((total - since)) 'BEGIN {
		split("api cli core db ui", scopes, " ")
		for (i = 1; i <= total; i++) {
			k = i % 20
			if (k < 7)       msg = sprintf("feat(%s): add option %d", scopes[i % 5 + 1], i)
			else if (k < 13) msg = sprintf("fix: handle case %d\n\nThe parser failed on input %d when it was empty.\n\nCloses #%d", i, i, i)
			else if (k < 18) msg = sprintf("chore(deps): bump dependency %d", i)
			else if (k < 19) msg = sprintf("docs: explain setting %d", i)
			else             msg = sprintf("refactor!: drop the old interface %d\n\nBREAKING CHANGE: callers of %d must move to the new one", i, i)
			printf "commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n", i, 1600000000 + i
			printf "data %d\n%s\n", length(msg) + 1, msg
			if (i > 1) printf "from :%d\n", i - 1
			printf "\n"
			if (i == tagged) printf "reset refs/tags/v1.0.0\nfrom :%d\n\n", i
		}
	}'
}

repo=$PWD/$cache
if ! git -C "$repo" rev-parse -q --verify v1.0.0 >/dev/null 2>&1; then
	# A work tree (empty, like every commit's tree): git-cliff wants one.
	rm -rf "$repo" "$repo.tmp"
	mkdir -p "$(dirname "$repo")"
	git init -q -b main "$repo.tmp" &&
		history | git -C "$repo.tmp" fast-import --quiet &&
		mv "$repo.tmp" "$repo" || { rm -rf "$repo.tmp"; exit 1; }
fi
n=$(git -C "$repo" rev-list --count v1.0.0..HEAD)
echo "repository: $(git -C "$repo" rev-list --count HEAD) commits, $n since v1.0.0"

cat >"$tmp/cliff.toml" <<'TOML'
[changelog]
body = """
{% for group, commits in commits | group_by(attribute="group") %}
### {{ group }}
{% for commit in commits %}
- {{ commit.message | split(pat="\n") | first }}
{%- endfor %}
{% endfor %}
"""
trim = true

[git]
conventional_commits = true
filter_unconventional = false
commit_parsers = [
  { message = "^feat", group = "Added" },
  { message = "^fix", group = "Fixed" },
  { message = "^refactor", group = "Changed" },
  { message = ".*", skip = true },
]
TOML

# The same answers first: the same commits, the same bump.
[ "$("$cb" -C "$repo" -v 2>&1 >/dev/null | sed -n 's/.*; \([0-9]*\) commits since.*/\1/p')" = "$n" ] ||
	{ echo "commit-bump bench: commit-bump did not read $n commits" >&2; exit 1; }
[ "$("$cb" -C "$repo")" = major ] || { echo "commit-bump bench: expected a major bump" >&2; exit 1; }

measure_cmd "commit-bump -c" "$runs" "$cb" -C "$repo" -c || exit 1
measure_cmd "commit-bump" "$runs" "$cb" -C "$repo" || exit 1
measure_cmd "git log TAG..HEAD" "$runs" git -C "$repo" log --format=%H%x00%s%x00%b v1.0.0..HEAD || exit 1
# git-cliff is run inside the repository: with --repository it takes the range for a path.
measure_cmd "git-cliff TAG..HEAD" "$runs" env -C "$repo" "$PWD/$cliff" --config "$tmp/cliff.toml" v1.0.0..HEAD || exit 1

report "commit-bump -c" "git log TAG..HEAD"
report "commit-bump -c" "git-cliff TAG..HEAD"
verdict() {
	awk -v what="$1" -v x="$2" -v y="$3" -v limit="$4" -v dir="$5" 'BEGIN {
		r = x / y
		ok = dir == "max" ? r <= limit : r >= limit
		printf "  %-44s %6.2fx  (target %s %sx: %s)\n", what, r, dir == "max" ? "<=" : ">=", limit, ok ? "met" : "MISSED"
	}'
}
echo "targets (wall / cpu):"
verdict "commit-bump -c vs git log, wall" "${MEDIAN_S[commit-bump -c]}" "${MEDIAN_S[git log TAG..HEAD]}" 2 max
verdict "commit-bump -c vs git log, cpu" "${CPU_S[commit-bump -c]}" "${CPU_S[git log TAG..HEAD]}" 2 max
verdict "git-cliff vs commit-bump -c, wall" "${MEDIAN_S[git-cliff TAG..HEAD]}" "${MEDIAN_S[commit-bump -c]}" 20 min
verdict "git-cliff vs commit-bump -c, cpu" "${CPU_S[git-cliff TAG..HEAD]}" "${CPU_S[commit-bump -c]}" 20 min
awk -v kb="${PEAK_KB[commit-bump -c]}" 'BEGIN { printf "  %-44s %6.1f MiB (target < 50 MiB: %s)\n", "commit-bump -c peak memory", kb / 1024, kb < 51200 ? "met" : "MISSED" }'
