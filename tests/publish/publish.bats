#!/usr/bin/env bats
# make bump, make validate, make publish and make rollback on a sample
# project with three own images and a third-party one, end to end against
# local services: the demo, with its checks.
# tests/run runs it with Docker, and with DOCKER=podman.

load ../lib/common

setup_file() {
	need_engine
	require docker-registry prism python3 pip3
}

# under LINE REGEX: the line after the first line that holds LINE matches REGEX.
under() {
	awk -v line="$1" -v re="$2" 'found { exit !($0 ~ re) } index($0, line) { found = 1 } END { if (!found) exit 1 }' <<<"$output" ||
		{ echo "no line matching '$2' under '$1'"; return 1; }
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

@test "a sample project with three images is bumped, validated, published (dry run first, then twice) and rolled back" {
	need_engine
	run "$TOP/tests/demo/demo.sh" "$BATS_FILE_TMPDIR/demo"
	echo "$output" | grep -v "^ *\(upload\|put\|tag\|exists\) "
	[ "$status" -eq 0 ]
	# The dry runs show each tool's plan under the step that would run it.
	under "publish: staging the images of" '^    upload sha256:[0-9a-f]+ [0-9]+$'
	under "publish: staging a draft GitHub release for v1.0.0" '^    POST http://127[.]0[.]0[.]1:[0-9]+/repos/acme/app/releases [{]"tag_name":"v1[.]0[.]0"'
	under "publish: uploading 2 files to the package index" '^    POST http://127[.]0[.]0[.]1:[0-9]+/legacy/$'
	under "publish: tagging " '^    (upload|exists) sha256:'
	[[ "$output" == *$'\n    tag latest\n'* ]]
	under "rollback: would delete the GitHub release of v1.0.0" '^    DELETE http://127[.]0[.]0[.]1:[0-9]+/repos/acme/app/releases/[0-9]+$'
	under "rollback: would delete image " '^    delete v1[.]0[.]0 sha256:[0-9a-f]+$'
	[[ "$output" == *"rollback: would delete the local tag v1.0.0"* ]]
	[[ "$output" == *"rollback dry run: the release, the image tags and the git tag are all still there"* ]]
	[[ "$output" == *"dry run for v1.0.0 done: nothing was changed"* ]]
	[[ "$output" == *"dry run: nothing was written to the index, the registry or GitHub"* ]]
	[[ "$output" == *"second publish: no file sent again, still one release"* ]]
	[[ "$output" == *"release reports: 2 files sent, then none"* ]]
	[[ "$output" == *$'\npublished v1.0.0\n  package index  http'* ]]
	[[ "$output" == *"(was there already)"* ]]
	[[ "$output" == *"pip installed shipsync-sample"* ]]
	local name
	for name in app worker web; do
		[[ "$output" == *"/acme/$name:1.0.0 runs on linux/amd64 (x86_64)"* ]]
		[[ "$output" == *"/acme/$name:1.0.0 runs on linux/arm64 (aarch64)"* ]]
		under "publish: staging the images of 127.0.0.1:" '^    upload sha256:[0-9a-f]+ [0-9]+$'
		[[ "$output" == *$'\n  image          127.0.0.1:'*"/acme/$name@sha256:"* ]]
	done
	[[ "$output" == *"/acme/worker linux/arm64: kept running for 3s, which is all that was checked"* ]]
	[[ "$output" == *"release notes: every image with its digest"* ]]
	[[ "$output" == *"every image as it was"* ]]
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
