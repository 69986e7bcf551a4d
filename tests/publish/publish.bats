#!/usr/bin/env bats
# make bump, make validate, make publish and make rollback on a sample
# project, end to end against local services: the demo, with its checks.

load ../lib/common

setup_file() {
	need_docker
	require docker-registry prism python3 pip3
}

@test "a sample project is bumped, validated, published (dry run first, then twice) and rolled back" {
	need_docker
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

@test "make publish against pypiserver in its default configuration: once, again as a no-op, then pip installs" {
	need_docker
	run env DEMO_INDEX=pypiserver "$TOP/tests/demo/demo.sh" "$BATS_FILE_TMPDIR/demo-pypiserver"
	echo "$output" | grep -v "^\(upload\|put\|tag\) "
	[ "$status" -eq 0 ]
	[[ "$output" == *"dry run: nothing was written to the index, the registry or GitHub"* ]]
	[[ "$output" == *"second publish: no file sent again, still one release"* ]]
	[[ "$output" == *"pip installed shipsync-sample"* ]]
	[ "$(grep -c " stored '" "$BATS_FILE_TMPDIR/demo-pypiserver/pypiserver/pypiserver.log")" -eq 2 ]
	[[ "$output" == *"demo: done"* ]]
}
