#!/usr/bin/env bash
# make validate of the sample project (tests/validate/fixture: a FROM scratch
# busybox image, amd64 and arm64 through QEMU, plus its sdist and wheel) with
# podman against Docker, the anchor, on this machine in the same run. No
# target: the row says what a podman user pays. Docker's peak memory leaves
# out dockerd, which builds and runs for its client; podman does it all in
# the processes timed.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

export SHIPSYNC_TOP=$PWD
# tests/lib/common.bash provides busybox_context and podman_env; outside
# bats an unmet requirement ends the bench.
skip() { echo "bench/validate-engines: $*" >&2; exit 1; }
# shellcheck source=../tests/lib/common.bash
. tests/lib/common.bash
export PATH=$PWD/build/bin:$PATH

runs=${VALIDATE_BENCH_RUNS:-3}
docker_cli=/usr/bin/docker
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-validate.XXXXXX") || exit 1
dockerd_started=

cleanup() {
	[ -z "$dockerd_started" ] || tests/lib/dockerd stop "$work/docker" >/dev/null 2>&1
	podman_env_remove "$work/podman"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in dockerd podman make git; do
	command -v "$c" >/dev/null || { echo "bench/validate-engines: '$c' is not installed (tests/setup/install-deps)" >&2; exit 1; }
done
[ -x build/bin/healthwait ] || { echo "bench/validate-engines: build/bin/healthwait is missing: run make" >&2; exit 1; }
py=/usr/bin/python3
"$py" -c 'import build, setuptools, wheel' 2>/dev/null ||
	{ echo "bench/validate-engines: $py lacks the build, setuptools or wheel module" >&2; exit 1; }

# The sample project, committed, as the validate tests make it.
proj=$work/sample
cp -r tests/validate/fixture "$proj"
busybox_context "$proj" || exit 1
git -C "$proj" init -q
git -C "$proj" add -A
git -C "$proj" -c user.name=b -c user.email=b@example.invalid commit -q -m sample

DOCKER=$docker_cli tests/lib/dockerd start "$work/docker" >"$work/dockerd.log" 2>&1 ||
	{ cat "$work/dockerd.log" >&2; exit 1; }
dockerd_started=1
podman_env "$work/podman"

# Every run starts from an empty dist; the engine's build cache is warm after the warm-up run.
empty_dist() {
	rm -rf "$proj/dist"
}
# shellcheck disable=SC2034 # read by measure (bench/lib.sh)
BENCH_SETUP=empty_dist
validate=(make -C "$proj" --no-print-directory validate SHIPSYNC_MK="$PWD/mk/" PYTHON="$py" IMAGE=bench-validate)

DOCKER_HOST=unix://$work/docker/docker.sock measure "validate, Docker" "$runs" "${validate[@]}" DOCKER="$docker_cli" ||
	exit 1
measure "validate, podman" "$runs" "${validate[@]}" DOCKER=podman || exit 1
report "validate, podman" "validate, Docker"
