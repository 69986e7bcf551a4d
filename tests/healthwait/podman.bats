#!/usr/bin/env bats
# healthwait -P against real podman containers: the health checks podman
# leaves to systemd timers run at the image's own interval, through the
# command line or podman's API socket, and the namespace probe, rootless too.
load ../lib/common
bats_require_minimum_version 1.5.0

FIXTURES=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	podman_env "$BATS_FILE_TMPDIR/podman"
	need_podman || return 1
	require healthwait setpriv || return 1
	local ctx=$BATS_FILE_TMPDIR/context kind
	mkdir -p "$ctx"
	busybox_context "$ctx" || return 1
	cp -r "$FIXTURES/www" "$FIXTURES/starting" "$ctx/"
	sed 's/--interval=1s/--interval=2s/' "$FIXTURES/Dockerfile.starting" >"$ctx/Dockerfile.starting-2s"
	export TAG=healthwait-podman-$$
	for kind in healthy starting exits nocheck; do
		podman build -q --format docker --platform linux/amd64 -f "$FIXTURES/Dockerfile.$kind" \
			-t "$TAG:$kind" "$ctx" >/dev/null 2>&1 || return 1
	done
	podman build -q --format docker --platform linux/amd64 -f "$ctx/Dockerfile.starting-2s" \
		-t "$TAG:starting-2s" "$ctx" >/dev/null 2>&1 || return 1
	podman build -q --format docker --platform linux/arm64 -f "$FIXTURES/Dockerfile.healthy" \
		-t "$TAG:healthy-arm64" "$ctx" >/dev/null 2>&1
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

setup() {
	need_podman
	STARTED=$BATS_TEST_TMPDIR/started
	: >"$STARTED"
}

teardown() {
	local pid
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$STARTED"
	podman rm -af -t 0 >/dev/null 2>&1 || true
	[ -z "${ROOTLESS:-}" ] || rootless_remove
}

# start KIND [podman run options...]: sets CID.
start() {
	local kind=$1
	shift
	CID=$(podman run -d --network none "$@" "$TAG:$kind" 2>/dev/null)
	[ -n "$CID" ]
}

# How many health checks podman has recorded for the container.
checks() {
	podman container inspect -f '{{len .State.Health.Log}}' "$1"
}

# podman's API service on a socket of this test: sets SOCKET.
api_service() {
	SOCKET=$BATS_TEST_TMPDIR/podman.sock
	podman system service --time=0 "unix://$SOCKET" >"$BATS_TEST_TMPDIR/service.log" 2>&1 &
	echo $! >>"$STARTED"
	local i
	for i in $(seq 1 100); do
		curl -fsS --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/service.log" >&2
	return 1
}

@test "runs the HEALTHCHECK that no timer runs, and waits for healthy" {
	start healthy --platform linux/amd64
	[ "$(podman container inspect -f '{{.State.Health.Status}}' "$CID")" = starting ]
	run --separate-stderr healthwait -v -t 60 -P podman -c "$CID"
	echo "status $status: $output / $stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"asking 'podman' instead"* ]]
	[[ $stderr == *"no health check ran for an interval: running one in container '$CID'"* ]]
	[ "$(podman container inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
	[ "$(checks "$CID")" -ge 1 ]
}

@test "an arm64 container (QEMU), its URL probed inside its namespace" {
	start healthy-arm64 --platform linux/arm64
	[ "$(podman image inspect -f '{{.Architecture}}' "$TAG:healthy-arm64")" = arm64 ]
	run healthwait -t 120 -P podman -N -c "$CID" -f status http://127.0.0.1:8000/health
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "$(podman container inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
	# From here the same URL is another namespace's loopback, where nothing listens.
	run healthwait -t 1 -f status http://127.0.0.1:8000/health
	[ "$status" -eq 4 ]
}

@test "checks at the image's own interval, not at healthwait's pace" {
	start starting-2s
	run --separate-stderr healthwait -t 10 -P podman -c "$CID"
	echo "status $status: $output / $stderr"
	[ "$status" -eq 4 ]
	[[ $stderr == *"state running, health starting"* ]]
	# --interval=2s over 10 s: a check every 2 s after the one before ended,
	# not one at every poll (50 ms apart at first).
	local n
	n=$(checks "$CID")
	echo "checks: $n"
	[ "$n" -ge 2 ]
	[ "$n" -le 5 ]
}

@test "checks that something else runs count: healthwait adds none" {
	start starting-2s
	# A stand-in for systemd's timer, checking more often than the interval.
	(while podman healthcheck run "$CID" >/dev/null 2>&1 || true; do sleep 1; done) &
	echo $! >>"$STARTED"
	run --separate-stderr healthwait -v -t 6 -P podman -c "$CID"
	echo "status $status: $output / $stderr"
	[ "$status" -eq 4 ]
	[[ $stderr != *"running one"* ]]
	[ "$(checks "$CID")" -ge 3 ]
}

@test "a starting /health forever: exit 4 with the health, the last check and the body" {
	start starting
	run --separate-stderr healthwait -t 4 -P podman -N -c "$CID" -f status http://127.0.0.1:8000/health
	echo "status $status: $output / $stderr"
	[ "$status" -eq 4 ]
	[[ $stderr == *"container '$CID' is not healthy after"* ]]
	[[ $stderr == *"state running, health starting"* ]]
	[[ $stderr == *"field 'status' is \"starting\", not \"healthy\""* ]]
	[[ $stderr == *'last body: {"status": "starting"}'* ]]
}

@test "a container that exits at start: exit 1 with its exit code" {
	start exits
	run timeout 60 healthwait -t 50 -P podman -c "$CID"
	echo "status $status: $output"
	[ "$status" -eq 1 ]
	[[ $output == *"container '$CID' exited with code 3 before it was healthy"* ]]
}

@test "no HEALTHCHECK: exit 3, or running counts with --running-ok" {
	start nocheck
	run healthwait -t 30 -P podman -c "$CID"
	echo "status $status: $output"
	[ "$status" -eq 3 ]
	[[ $output == *"container '$CID' has no HEALTHCHECK"* ]]
	run healthwait -t 30 -P podman -R -N -c "$CID" -f status http://127.0.0.1:8000/health
	echo "status $status: $output"
	[ "$status" -eq 0 ]
}

@test "no such container: exit 8; a podman that cannot run: exit 9" {
	run healthwait -t 5 -P podman -c "no-such-container-$$"
	echo "status $status: $output"
	[ "$status" -eq 8 ]
	[[ $output == *"no such container 'no-such-container-$$'"* ]]
	run healthwait -t 5 -P "$BATS_TEST_TMPDIR/no-podman" -c "no-such-container-$$"
	echo "status $status: $output"
	[ "$status" -eq 9 ]
	[[ $output == *"cannot run '$BATS_TEST_TMPDIR/no-podman'"* ]]
	run healthwait -t 5 -P podman -f status http://127.0.0.1:8000/health
	[ "$status" -eq 2 ]
}

@test "podman's API socket named by CONTAINER_HOST is asked, and runs the checks" {
	require curl
	api_service
	start healthy
	# A podman program that does not exist: only the socket can answer.
	CONTAINER_HOST=unix://$SOCKET run --separate-stderr healthwait -v -t 60 \
		-P "$BATS_TEST_TMPDIR/no-podman" -N -c "$CID" -f status http://127.0.0.1:8000/health
	echo "status $status: $output / $stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"running one in container '$CID'"* ]]
	[ "$(podman container inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
	CONTAINER_HOST=unix://$SOCKET run healthwait -t 5 -P podman -c "no-such-container-$$"
	[ "$status" -eq 8 ]
}

@test "podman behind DOCKER_HOST: healthwait without -P runs the checks too" {
	require curl
	api_service
	start healthy
	DOCKER_HOST=unix://$SOCKET run healthwait -t 60 -c "$CID"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "$(podman container inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
}

@test "a CONTAINER_HOST that does not answer: exit 9 naming it; not unix://: exit 2" {
	CONTAINER_HOST=unix://$BATS_TEST_TMPDIR/none.sock run healthwait -t 5 -P podman -c anything
	echo "status $status: $output"
	[ "$status" -eq 9 ]
	[[ $output == *"cannot ask the podman service at '$BATS_TEST_TMPDIR/none.sock'"*CONTAINER_HOST* ]]
	CONTAINER_HOST=ssh://core@127.0.0.1/run/podman/podman.sock run healthwait -t 5 -P podman -c anything
	echo "status $status: $output"
	[ "$status" -eq 2 ]
	[[ $output == *"CONTAINER_HOST 'ssh://core@127.0.0.1/run/podman/podman.sock' is not unix://"* ]]
}

@test "rootless podman: the probe enters the container's user namespace, then its network" {
	rootless_env
	cp -r "$BATS_FILE_TMPDIR/context" "$ROOTLESS/ctx"
	chown -R 65534:65534 "$ROOTLESS/ctx"
	rootless podman build -q --format docker --platform linux/amd64 -f "$FIXTURES/Dockerfile.nocheck" \
		-t nocheck "$ROOTLESS/ctx" >/dev/null 2>&1
	[ "$(rootless podman info -f '{{.Host.Security.Rootless}}')" = true ]
	rootless podman run -d --network none --name rootless-web nocheck >/dev/null 2>&1
	run rootless healthwait -t 30 -P podman -R -N -c rootless-web -f status http://127.0.0.1:8000/health
	echo "status $status: $output"
	[ "$status" -eq 0 ]
}

@test "the podman example of the man page runs" {
	local ex
	start healthy --name "hw-web-$$"
	ex=$(sed -n 's/^\.Dl \$ //p' "$TOP/man/healthwait.1" | grep -e ' -P podman ')
	[ -n "$ex" ]
	ex=${ex//-c web/-c hw-web-$$}
	run bash -ec "$ex"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
}
