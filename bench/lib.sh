# Sourced by every bench/*.sh: time commands as whole processes, several runs,
# and report medians, peak memory and ratios against the anchor of the same run.
#
#   measure NAME RUNS CMD [ARG ...]   times CMD RUNS times (after one warm-up);
#                                     sets MEDIAN_S[NAME] and PEAK_KB[NAME];
#                                     a failing run prints its stderr, returns 1
#   report NAME ANCHOR                prints "NAME vs ANCHOR: ratio" (anchor/NAME)
# Set BENCH_SETUP to a shell function name to run it before every timed run
# (for a fresh registry or a reset index); it is not timed.

declare -A MEDIAN_S PEAK_KB
# Clocks and awk agree on the decimal point.
export LC_NUMERIC=C
BENCH_RUNS=${BENCH_RUNS:-5}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

measure() {
	local name=$1 runs=$2 i t0 t1 report errors ok=1
	shift 2
	local times=() peaks=()
	report=$(mktemp) errors=$(mktemp)
	for i in $(seq 0 "$runs"); do
		[ -z "${BENCH_SETUP:-}" ] || "$BENCH_SETUP"
		# Wall time from bash's clock: time(1)'s own is in steps of 10 ms.
		t0=$EPOCHREALTIME
		/usr/bin/time -o "$report" -f '%M' "$@" >/dev/null 2>"$errors" || { ok=0; break; }
		t1=$EPOCHREALTIME
		[ "$i" -eq 0 ] && continue	# warm-up
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
		peaks+=("$(tail -n 1 "$report")")
	done
	[ "$ok" = 1 ] || { echo "bench: $name failed:" >&2; cat "$errors" >&2; }
	rm -f "$report" "$errors"
	[ "$ok" = 1 ] || return 1
	MEDIAN_S[$name]=$(printf '%s\n' "${times[@]}" | median)
	PEAK_KB[$name]=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
	printf '%-28s median %8.3f s  peak %7d KiB  (%d runs)\n' "$name" "${MEDIAN_S[$name]}" "${PEAK_KB[$name]}" "$runs"
}

report() {
	local name=$1 anchor=$2
	awk -v a="${MEDIAN_S[$anchor]}" -v b="${MEDIAN_S[$name]}" -v n="$name" -v m="$anchor" \
		'BEGIN { if (b > 0) printf "%s is %.2fx faster than %s (median %.3f s vs %.3f s)\n", n, a / b, m, b, a; else printf "%s: too fast to time against %s (%.3f s)\n", n, m, a }'
}
