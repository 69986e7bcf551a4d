#!/usr/bin/env bats
# make bump, make validate, make publish and make rollback on a sample
# project, end to end against local services: the demo, with its checks.
# tests/run runs it with Docker, and with DOCKER=podman.

load ../lib/common

setup_file() {
	need_engine
	require docker-registry prism python3 pip3
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

@test "a sample project is bumped, validated, published (dry run first, then twice) and rolled back" {
	need_engine
	run "$TOP/tests/demo/demo.sh" "$BATS_FILE_TMPDIR/demo"
	echo "$output" | grep -v "^\(upload\|put\|tag\) "
	[ "$status" -eq 0 ]
	[[ "$output" == *"dry run: nothing was written to the index, the registry or GitHub"* ]]
	[[ "$output" == *"second publish: no file sent again, still one release"* ]]
	[[ "$output" == *"pip installed shipsync-sample"* ]]
	[[ "$output" == *"runs on linux/amd64 (x86_64)"* ]]
	[[ "$output" == *"runs on linux/arm64 (aarch64)"* ]]
	[[ "$output" == *"('shipsync_sample-1.0.0-py3-none-any.whl', 'uploaded')"* ]]
	[[ "$output" == *"PyPI files cannot be deleted"* ]]
	[[ "$output" == *"demo: done"* ]]
}
