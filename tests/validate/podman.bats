#!/usr/bin/env bats
# make validate with podman where it differs from Docker: podman found by
# what it says it is, and the failures podman users meet, each with a
# message that says what to do (rlimits, rootless without subordinate IDs).
load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export DOCKER=podman
	podman_env "$BATS_FILE_TMPDIR/podman"
	need_podman || return 1
	require make git setpriv healthwait toml-setver || return 1
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

setup() {
	need_podman
	find_python
	sample_project
}

teardown() {
	DOCKER=podman validate_teardown
	[ -z "${ROOTLESS:-}" ] || rootless_remove
}

@test "podman installed as docker (podman-docker) is found out, and keeps the HEALTHCHECK" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexec podman "$@"\n' >"$BATS_TEST_TMPDIR/bin/docker"
	chmod +x "$BATS_TEST_TMPDIR/bin/docker"
	DOCKER=$BATS_TEST_TMPDIR/bin/docker
	validate PLATFORMS=linux/amd64
	[ "$status" -eq 0 ]
	# As Docker, podman's build would have dropped it (OCI format).
	[[ $output != *"has no HEALTHCHECK"* ]]
	grep -q "^image $IMAGE linux/amd64 sha256:" "$P/dist/shipsync-manifest"
	DOCKER=podman no_container_left
}

@test "the path of a podman binary works as DOCKER" {
	DOCKER=$(command -v podman)
	validate PLATFORMS=linux/arm64 HEALTH_URL=
	[ "$status" -eq 0 ]
	grep -q "^image $IMAGE linux/arm64 sha256:" "$P/dist/shipsync-manifest"
	no_container_left
}

@test "the podman example of shipsync(7) runs" {
	local ex
	ex=$(sed -n 's/^\.Dl \$ //p' "$TOP/man/shipsync.7" | grep -e 'DOCKER=podman')
	[ "$ex" = "make validate DOCKER=podman" ]
	# The sample project takes the rest from the environment; one platform is enough here.
	cd "$P"
	SHIPSYNC_MK=$TOP/mk/ PYTHON=$PY IMAGE=$IMAGE PLATFORMS=linux/amd64 run bash -ec "$ex"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"validate: validated 1.2.3 for linux/amd64"* ]]
	no_container_left
}

@test "podman may not raise the containers' rlimits: says to set default_ulimits" {
	# A limit above the kernel's nr_open fails like any limit podman may not
	# raise in a container: "error setting rlimit type 7: operation not permitted".
	sed 's/^default_ulimits = .*/default_ulimits = ["nofile=2000000000:2000000000"]/' "$CONTAINERS_CONF" \
		>"$BATS_TEST_TMPDIR/containers.conf"
	CONTAINERS_CONF=$BATS_TEST_TMPDIR/containers.conf validate PLATFORMS=linux/amd64
	[ "$status" -ne 0 ]
	[[ $output == *"error setting rlimit"* ]]
	[[ $output == *"podman may not raise the containers' limits here"* ]]
	[[ $output == *"'default_ulimits = []' in containers.conf"* ]]
	[[ $output == *"linux/amd64: the container does not start"* ]]
	[ ! -e "$P/dist/shipsync-manifest" ]
	no_container_left
}

@test "rootless podman without subordinate IDs: says how to add them" {
	! grep -qs '^nobody:' /etc/subuid || unmet "the user nobody has subordinate IDs here"
	rootless_env
	cp -r "$P" "$ROOTLESS/sample"
	# A file of another user, as an image that adds a service user has.
	sed -i 's|^COPY www/ /www/|COPY --chown=1000:1000 www/ /www/|' "$ROOTLESS/sample/Dockerfile"
	chown -R 65534:65534 "$ROOTLESS/sample"
	run rootless make -C "$ROOTLESS/sample" --no-print-directory validate SHIPSYNC_MK="$TOP/mk/" \
		DOCKER=podman PYTHON="$PY" IMAGE="$IMAGE" PLATFORMS=linux/amd64
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"linux/amd64: the image does not build"* ]]
	[[ $output == *"rootless podman has no subordinate user and group IDs for nobody"* ]]
	[[ $output == *"usermod --add-subuids"* ]]
	[[ $output == *"podman system migrate"* ]]
	[ ! -e "$ROOTLESS/sample/dist/shipsync-manifest" ]
}
