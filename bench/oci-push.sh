#!/usr/bin/env bash
# oci-push against skopeo copy and docker push: the same 256 MiB image (a FROM
# scratch image of 4 layers of random, incompressible bytes, as docker save
# writes it) pushed to a fresh Distribution registry on 127.0.0.1 every run.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

top=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-oci-push.XXXXXX") || exit 1
registry_pid= dockerd_dir=
py=/usr/bin/python3
[ -x "$py" ] || py=python3
docker_cli=${DOCKER:-/usr/bin/docker}

cleanup() {
	stop_registry
	[ -z "$dockerd_dir" ] || tests/lib/dockerd stop "$dockerd_dir" >/dev/null 2>&1
	rm -rf "$work" "$store"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in docker-registry skopeo; do
	command -v "$c" >/dev/null || { echo "bench/oci-push: '$c' is not installed (tests/setup/install-deps)" >&2; exit 1; }
done
[ -x build/bin/oci-push ] || { echo "bench/oci-push: build/bin/oci-push is missing: run make" >&2; exit 1; }

# The registry stores on tmpfs when there is one: both clients send it the
# same bytes, and a slow disk under the registry would hide how much work
# each client itself does (compression, hashing, copies).
store=$work/data
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	store=$(mktemp -d /dev/shm/bench-oci-push.XXXXXX) || exit 1
fi

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REGISTRY=127.0.0.1:$port
cat >"$work/config.yml" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $store/registry}
  delete: {enabled: true}
http:
  addr: $REGISTRY
YML

stop_registry() {
	[ -n "$registry_pid" ] || return 0
	kill "$registry_pid" 2>/dev/null
	wait "$registry_pid" 2>/dev/null
	registry_pid=
}

# Before every timed run: an empty registry on the same port.
fresh_registry() {
	stop_registry
	rm -rf "$store/registry"
	docker-registry serve "$work/config.yml" >>"$work/registry.log" 2>&1 &
	registry_pid=$!
	for _ in $(seq 1 100); do
		curl -fs "http://$REGISTRY/v2/" >/dev/null && return 0
		sleep 0.05
	done
	echo "bench/oci-push: the registry did not start" >&2
	exit 1
}

echo "making a 256 MiB image archive (4 random layers of 64 MiB)"
"$py" tests/oci-push/mkarchive.py "$work/app.tar" --arch amd64 --layers 4 --size $((64 << 20)) --seed bench

BENCH_SETUP=fresh_registry
measure oci-push "$BENCH_RUNS" build/bin/oci-push -t v1.0.0 "$REGISTRY/bench/app" "$work/app.tar" || exit 1
measure skopeo "$BENCH_RUNS" skopeo copy -q --dest-tls-verify=false \
	"docker-archive:$work/app.tar" "docker://$REGISTRY/bench/app:v1.0.0" || exit 1

# docker push: the engine of DOCKER_HOST, or one of our own, or none.
if ! "$docker_cli" info >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v dockerd >/dev/null; then
		dockerd_dir=$work/docker
		if tests/lib/dockerd start "$dockerd_dir" >/dev/null 2>&1; then
			export DOCKER_HOST=unix://$dockerd_dir/docker.sock
		else
			dockerd_dir=
		fi
	fi
fi
if "$docker_cli" info >/dev/null 2>&1; then
	ref=$("$docker_cli" load -q -i "$work/app.tar" | awk '/Loaded image/ { print $NF }')
	"$docker_cli" tag "$ref" "$REGISTRY/bench/app:v1.0.0"
	measure "docker push" "$BENCH_RUNS" "$docker_cli" push -q "$REGISTRY/bench/app:v1.0.0" || exit 1
	"$docker_cli" rmi -f "$ref" "$REGISTRY/bench/app:v1.0.0" >/dev/null 2>&1
	echo "(docker push: the peak is the client's; the engine does the work)"
else
	echo "docker push: skipped, no Docker engine answers and none could be started"
fi

report oci-push skopeo
[ -z "${MEDIAN_S[docker push]:-}" ] || report oci-push "docker push"
[ -n "${MEDIAN_S[skopeo]:-}" ] && [ -n "${MEDIAN_S[oci-push]:-}" ] || exit 1
awk -v a="${MEDIAN_S[skopeo]}" -v b="${MEDIAN_S[oci-push]}" 'BEGIN { exit !(b > 0 && a / b >= 2) }' ||
	echo "bench/oci-push: below the target of 2x skopeo"
