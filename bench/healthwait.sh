#!/usr/bin/env bash
# healthwait: how long after a service turns healthy does the waiter notice?
# A local server answers 503 until a moment it chose (1-3 s after it started,
# written to a file), then 200 {"status": "healthy"}; the waiter starts with
# the server and the time it exits is taken at once. The anchor is the usual
# shell loop: until curl -fs URL; do sleep 2; done. (Polling every few ms
# does not do better: the one-thread-per-request test server then falls behind.)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

runs=${HEALTHWAIT_BENCH_RUNS:-9}
server=tests/healthwait/server.py
hw=build/bin/healthwait
tmp=$(mktemp -d "${TMPDIR:-/tmp}/healthwait-bench.XXXXXX")
server_pid=
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# latency NAME CMD...: CMD gets the URL as its last argument; prints the
# median of the milliseconds between the flip and CMD's exit.
latency() {
	local name=$1 i port delay flip end lat
	shift
	local lats=()
	for i in $(seq 1 "$runs"); do
		port=$(free_port)
		delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 1 + (r % 200) / 100 }')
		rm -f "$tmp/flip"
		python3 "$server" "$port" flip --delay "$delay" --flip-file "$tmp/flip" 2>/dev/null &
		server_pid=$!
		"$@" "http://127.0.0.1:$port/health" >/dev/null 2>&1
		end=$EPOCHREALTIME
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null
		server_pid=
		flip=$(cat "$tmp/flip" 2>/dev/null) || { echo "healthwait bench: the server did not start" >&2; return 1; }
		lat=$(awk -v a="$flip" -v b="$end" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
		lats+=("$lat")
	done
	MEDIAN_S[$name]=$(printf '%s\n' "${lats[@]}" | median)
	printf '%-28s median %8.1f ms after the flip  (min %s, max %s; %d runs)\n' "$name" "${MEDIAN_S[$name]}" \
		"$(printf '%s\n' "${lats[@]}" | sort -g | head -n 1)" "$(printf '%s\n' "${lats[@]}" | sort -g | tail -n 1)" "$runs"
}

curl_loop() {
	until curl -fs "$1" >/dev/null; do sleep 2; done
}

[ -x "$hw" ] || { echo "healthwait bench: build $hw first (make)" >&2; exit 1; }
latency healthwait "$hw" -t 30 -f status -e healthy || exit 1
latency "curl loop (sleep 2)" curl_loop || exit 1
awk -v a="${MEDIAN_S[curl loop (sleep 2)]}" -v b="${MEDIAN_S[healthwait]}" \
	'BEGIN { printf "healthwait notices %.1fx sooner than the curl loop (median %.1f ms vs %.1f ms); target < 50 ms: %s\n", a / b, b, a, b < 50 ? "met" : "MISSED" }'
