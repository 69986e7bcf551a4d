#!/usr/bin/env bats
# healthwait against real containers: Docker health status, exits, no
# HEALTHCHECK, and the probe from inside a --network none container.
load ../lib/common
bats_require_minimum_version 1.5.0

FIXTURES=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	need_docker || return 1
	require healthwait setpriv || return 1
	local ctx=$BATS_FILE_TMPDIR/context kind
	mkdir -p "$ctx"
	busybox_context "$ctx" || return 1
	cp -r "$FIXTURES/www" "$FIXTURES/starting" "$ctx/"
	export TAG=healthwait-test-$$
	for kind in healthy starting exits nocheck; do
		DOCKER_BUILDKIT=1 "$DOCKER" build -q --platform linux/amd64 -f "$FIXTURES/Dockerfile.$kind" \
			-t "$TAG:$kind" "$ctx" >/dev/null || return 1
	done
	DOCKER_BUILDKIT=1 "$DOCKER" build -q --platform linux/arm64 -f "$FIXTURES/Dockerfile.healthy" \
		-t "$TAG:healthy-arm64" "$ctx" >/dev/null
}

teardown_file() {
	local kind
	for kind in healthy starting exits nocheck healthy-arm64; do
		"$DOCKER" rmi -f "$TAG:$kind" >/dev/null 2>&1 || true
	done
}

setup() {
	need_docker
}

teardown() {
	local id
	[ -f "$BATS_TEST_TMPDIR/containers" ] || return 0
	while read -r id; do
		"$DOCKER" rm -f "$id" >/dev/null 2>&1 || true
	done <"$BATS_TEST_TMPDIR/containers"
}

# start KIND [docker run options...]: sets CID.
start() {
	local kind=$1
	shift
	CID=$("$DOCKER" run -d --network none "$@" "$TAG:$kind")
	echo "$CID" >>"$BATS_TEST_TMPDIR/containers"
}

@test "waits for the HEALTHCHECK of an amd64 container" {
	start healthy --platform linux/amd64
	run --separate-stderr healthwait -t 60 -c "$CID"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
}

@test "waits for the HEALTHCHECK of an arm64 container (QEMU)" {
	start healthy-arm64 --platform linux/arm64
	[ "$("$DOCKER" inspect -f '{{.Platform}}' "$CID")" = linux ]
	[ "$("$DOCKER" image inspect -f '{{.Architecture}}' "$TAG:healthy-arm64")" = arm64 ]
	run healthwait -t 120 -N -c "$CID" -f status http://127.0.0.1:8000/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "probes the URL inside a --network none container" {
	start nocheck
	run healthwait -t 60 -N -R -c "$CID" -f status -e healthy http://127.0.0.1:8000/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	# From here the same URL is another namespace's loopback, where nothing listens.
	run healthwait -t 1 -f status http://127.0.0.1:8000/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
}

@test "a JSON status of starting forever: exit 4 with the health and the body" {
	start starting
	run --separate-stderr healthwait -t 4 -N -c "$CID" -f status http://127.0.0.1:8000/health
	[ "$status" -eq 4 ]
	[[ $stderr == *"container '$CID' is not healthy after"* ]]
	[[ $stderr == *"state running, health starting"* ]]
	[[ $stderr == *"(inside the container) is not healthy after"* ]]
	[[ $stderr == *"field 'status' is \"starting\", not \"healthy\""* ]]
	[[ $stderr == *'last body: {"status": "starting"}'* ]]
}

@test "a container that exits at start fails at once with its exit code" {
	start exits
	run timeout 60 healthwait -t 50 -c "$CID"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 1 ]
	[[ $output == *"container '$CID' exited with code 3 before it was healthy"* ]]
}

@test "no HEALTHCHECK: exit 3 saying so, or running counts with --running-ok" {
	start nocheck
	run healthwait -t 30 -c "$CID"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 3 ]
	[[ $output == *"container '$CID' has no HEALTHCHECK"* ]]
	[[ $output == *--running-ok* ]]
	run healthwait -t 30 -R -c "$CID"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "no such container: exit 8" {
	run healthwait -t 5 -c "no-such-container-$$"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 8 ]
	[[ $output == *"no such container 'no-such-container-$$'"* ]]
}

@test "refuses a container name Docker would not allow" {
	run healthwait -t 5 -c '../../info?x=1#'
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	[[ $output == *"'../../info?x=1#' is not a container name or ID"* ]]
	run healthwait -t 5 -c "$(printf 'a\033[2Jb')"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
}

@test "an engine that does not answer: exit 9 naming DOCKER_HOST" {
	DOCKER_HOST=unix://$BATS_TEST_TMPDIR/none.sock run healthwait -t 5 -c anything
	[ "$status" -eq 9 ]
	[[ $output == *"cannot ask the Docker engine"*DOCKER_HOST* ]]
	DOCKER_HOST=ssh://host run healthwait -t 5 -c anything
	[ "$status" -eq 2 ]
}

@test "without CAP_SYS_ADMIN the namespace probe says to publish the port" {
	start nocheck
	run setpriv --bounding-set -sys_admin --inh-caps -sys_admin -- \
		healthwait -t 10 -N -R -c "$CID" http://127.0.0.1:8000/health
	[ "$status" -eq 5 ]
	[[ $output == *"cannot enter the network namespace of the container"* ]]
	[[ $output == *"publish the port"* ]]
}

@test "the container examples of the man page run" {
	local ex
	start healthy --name "hw-web-$$"
	ex=$(sed -n 's/^\.Dl \$ //p' "$TOP/man/healthwait.1" | grep -e ' -c ' | grep -v -e ' -P ')
	[ -n "$ex" ]
	ex=${ex//-c web/-c hw-web-$$}
	run bash -ec "$ex"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}
