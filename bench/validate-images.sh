#!/usr/bin/env bash
# make validate of a project with three own images (tests/validate/images:
# an app and a worker from one multi-stage Dockerfile, a front end from its
# own, amd64 and arm64) against the one-image sample (tests/validate/fixture),
# the anchor, with Docker, warm build cache, in the same run. Three images
# build, start and check three times the containers of one, and share the
# engine's cache: the target is at most 3.5x the anchor (the worker, which
# has no HEALTHCHECK, runs for VALIDATE_GRACE=1 second on each platform).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

export SHIPSYNC_TOP=$PWD
# tests/lib/common.bash provides busybox_context; outside bats an unmet
# requirement ends the bench.
skip() { echo "bench/validate-images: $*" >&2; exit 1; }
# shellcheck source=../tests/lib/common.bash
. tests/lib/common.bash
export PATH=$PWD/build/bin:$PATH

runs=${VALIDATE_BENCH_RUNS:-3}
docker_cli=/usr/bin/docker
py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-validate-images.XXXXXX") || exit 1
dockerd_started=
cleanup() {
	[ -z "$dockerd_started" ] || tests/lib/dockerd stop "$work/docker" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in dockerd make git; do
	command -v "$c" >/dev/null || { echo "bench/validate-images: '$c' is not installed (tests/setup/install-deps)" >&2; exit 1; }
done
"$py" -c 'import build, setuptools, wheel' 2>/dev/null ||
	{ echo "bench/validate-images: $py lacks the build, setuptools or wheel module" >&2; exit 1; }

# project NAME FIXTURE CONTEXT...: the fixture, committed, with busybox in each context.
project() {
	local dir=$work/$1 c
	cp -r "tests/validate/$2" "$dir"
	shift 2
	for c; do busybox_context "$dir/$c" || exit 1; done
	git -C "$dir" init -q
	git -C "$dir" add -A
	git -C "$dir" -c user.name=b -c user.email=b@example.invalid commit -q -m sample
}
project one fixture .
project three images . web

DOCKER=$docker_cli tests/lib/dockerd start "$work/docker" >"$work/dockerd.log" 2>&1 ||
	{ cat "$work/dockerd.log" >&2; exit 1; }
dockerd_started=1
export DOCKER_HOST=unix://$work/docker/docker.sock

empty_dist() {
	rm -rf "$work/one/dist" "$work/three/dist"
}
# shellcheck disable=SC2034 # read by measure (bench/lib.sh)
BENCH_SETUP=empty_dist
validate=(make --no-print-directory validate SHIPSYNC_MK="$PWD/mk/" PYTHON="$py" DOCKER="$docker_cli" VALIDATE_GRACE=1)

measure "validate, one image" "$runs" "${validate[@]}" -C "$work/one" IMAGE=bench-one || exit 1
measure "validate, three images" "$runs" "${validate[@]}" -C "$work/three" \
	IMAGE="registry.invalid/acme/app registry.invalid/acme/worker registry.invalid/acme/web" || exit 1
report "validate, three images" "validate, one image"
awk -v a="${MEDIAN_S["validate, one image"]}" -v b="${MEDIAN_S["validate, three images"]}" \
	'BEGIN { r = b / a; printf "three images take %.2fx the time of one (target: at most 3.5x)\n", r; exit !(r <= 3.5) }'
