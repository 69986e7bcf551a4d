#!/usr/bin/env bats
# pypi-upload against the PyPI-compatible test index: what it sends (compared
# with twine), exactly-once uploads, verification, credentials, and failures.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../pypi-index/lib

setup_file() {
	export SAMPLE=$BATS_FILE_TMPDIR/sample
	build_sample shipsync-sample 1.0.0 "$SAMPLE"
}

setup() {
	require pypi-upload curl
	start_index "$BATS_TEST_TMPDIR/index" --user alice:wonderland
	WHEEL=$SAMPLE/dist/shipsync_sample-1.0.0-py3-none-any.whl
	SDIST=$SAMPLE/dist/shipsync-sample-1.0.0.tar.gz
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	unset TWINE_USERNAME TWINE_PASSWORD TWINE_REPOSITORY_URL ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
	export PYPI_TOKEN=$INDEX_TOKEN PYPI_REPOSITORY_URL=$INDEX/legacy/
	# failures fast: short first retry wait, short overall deadline
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=4000
}

teardown() {
	stop_index "$BATS_TEST_TMPDIR/index"
	stop_index "$BATS_TEST_TMPDIR/index2"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
uploads_sent() { index_query 'len(u)'; }

# A copy of the wheel with one more member: same name, other bytes.
altered_wheel() {
	mkdir -p "$BATS_TEST_TMPDIR/alt"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/alt/"
	"$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"a").writestr("extra.txt","x")' \
		"$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
	echo "$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
}

@test "uploads an sdist and a wheel, prints their URLs, and pip installs the result" {
	run --separate-stderr pypi-upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = "$INDEX/files/shipsync-sample/shipsync-sample-1.0.0.tar.gz" ]
	[ "${lines[1]}" = "$INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
	[ -z "$stderr" ]
	curl -fsS "${lines[1]}" -o "$BATS_TEST_TMPDIR/got.whl"
	cmp "$WHEEL" "$BATS_TEST_TMPDIR/got.whl"
	"$PY" -m venv "$BATS_TEST_TMPDIR/venv" || unmet "python3 -m venv does not work (python3-venv)"
	run "$BATS_TEST_TMPDIR/venv/bin/pip" install --disable-pip-version-check --no-cache-dir \
		--index-url "$INDEX/simple/" shipsync-sample==1.0.0
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run "$BATS_TEST_TMPDIR/venv/bin/python" -c 'import shipsync_sample; print(shipsync_sample.greet())'
	[ "$output" = "hello from shipsync_sample" ]
}

@test "sends the form fields twine sends, field by field" {
	require twine
	pypi-upload "$SDIST" "$WHEEL" >/dev/null
	curl -fsS "$INDEX/_debug/uploads" >"$BATS_TEST_TMPDIR/ours.json"
	start_index "$BATS_TEST_TMPDIR/index2"
	twine upload --disable-progress-bar --non-interactive --repository-url "$INDEX/legacy/" \
		-u __token__ -p "$INDEX_TOKEN" "$SDIST" "$WHEEL"
	curl -fsS "$INDEX/_debug/uploads" >"$BATS_TEST_TMPDIR/twine.json"
	run "$PY" - "$BATS_TEST_TMPDIR/ours.json" "$BATS_TEST_TMPDIR/twine.json" <<-'PY'
	import json, sys
	ours, twine = (json.load(open(p)) for p in sys.argv[1:3])
	ours.sort(key=lambda u: u["filename"])
	twine.sort(key=lambda u: u["filename"])
	assert [u["filename"] for u in ours] == [u["filename"] for u in twine], "same files"
	for o, t in zip(ours, twine):
	    mine = sorted(map(tuple, o["fields"]))
	    names = {k for k, _ in mine}
	    theirs = []
	    for k, v in t["fields"]:
	        if v == "":
	            continue                        # twine sends absent fields empty
	        if k == "provides_extras":
	            k = "provides_extra"            # twine 4's spelling; PyPI's form reads provides_extra
	        if k == "blake2_256_digest" and k not in names:
	            continue                        # libcrypto without BLAKE2b-256
	        theirs.append((k, v))
	    if t["filename"].endswith(".tar.gz"):
	        theirs.append(("pyversion", "source"))  # PyPI's value for sdists; twine leaves it empty
	    theirs.sort()
	    if mine != theirs:
	        print("only ours:", [x for x in mine if x not in theirs])
	        print("only twine's:", [x for x in theirs if x not in mine])
	        sys.exit(1)
	    print(o["filename"], len(mine), "fields equal")
	PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "running again sends nothing and still prints the URLs" {
	pypi-upload "$SDIST" "$WHEEL" >/dev/null
	run --separate-stderr pypi-upload -v "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ $stderr == *"already on the index with the same sha256: not sending it"* ]]
	[ "$(uploads_sent)" -eq 2 ]
}

@test "after a half-finished upload only the missing file is sent" {
	pypi-upload --no-verify "$SDIST"
	run pypi-upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
	run index_query '[x["filename"] for x in u]'
	[ "$output" = "['shipsync-sample-1.0.0.tar.gz', 'shipsync_sample-1.0.0-py3-none-any.whl']" ]
}

@test "--list-state: each URL says whether this run sent the file or found it there" {
	pypi-upload --no-verify "$SDIST"
	run --separate-stderr pypi-upload -l "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "held $INDEX/files/shipsync-sample/shipsync-sample-1.0.0.tar.gz" ]
	[ "${lines[1]}" = "sent $INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
	run --separate-stderr pypi-upload --list-state "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "held $INDEX/files/shipsync-sample/shipsync-sample-1.0.0.tar.gz" ]
	[ "${lines[1]}" = "held $INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
	[ "$(uploads_sent)" -eq 2 ]
}

@test "refuses a file name that the index holds with other content, sending nothing" {
	pypi-upload "$WHEEL" >/dev/null
	alt=$(altered_wheel)
	run pypi-upload "$SDIST" "$alt"
	[ "$status" -eq 6 ]
	[[ $output == *"already on the index with sha256 $(sha "$WHEEL"), not $(sha "$alt")"* ]]
	[ "$(uploads_sent)" -eq 1 ]
}

@test "a 400 File already exists that the lookup missed is judged by sha256" {
	# files uploaded now stay hidden from the read APIs: only the upload answer tells
	index_control '{"stale_reads": 1000}'
	pypi-upload --no-verify "$WHEEL"
	alt=$(altered_wheel)
	run pypi-upload --no-verify "$alt"
	[ "$status" -eq 6 ]
	[[ $output == *"already exists on the index with different content"* ]]
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[200, 400]" ]
	# identical bytes: PyPI's 200 no-op is success
	run pypi-upload --no-verify "$WHEEL"
	[ "$status" -eq 0 ]
}

@test "a 409 from a pypiserver-like index is success for the same bytes, a conflict for others" {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" --exists 409
	export PYPI_REPOSITORY_URL=$INDEX/legacy/ PYPI_TOKEN=$INDEX_TOKEN
	# uploaded files hide from one read: the next run's lookup misses them
	index_control '{"stale_reads": 1}'
	pypi-upload --no-verify "$WHEEL"
	run pypi-upload -v "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"already on the index with the same sha256"* ]]
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[200, 409]" ]
	index_control '{"stale_reads": 1}'
	pypi-upload --no-verify "$SDIST"
	mkdir "$BATS_TEST_TMPDIR/alt"
	printf 'other bytes' >"$BATS_TEST_TMPDIR/alt/x"
	tar -xzf "$SDIST" -C "$BATS_TEST_TMPDIR/alt"
	cp "$BATS_TEST_TMPDIR/alt/x" "$BATS_TEST_TMPDIR/alt/shipsync-sample-1.0.0/"
	tar -czf "$BATS_TEST_TMPDIR/alt/$(basename "$SDIST")" -C "$BATS_TEST_TMPDIR/alt" shipsync-sample-1.0.0
	run pypi-upload "$BATS_TEST_TMPDIR/alt/$(basename "$SDIST")"
	[ "$status" -eq 6 ]
	[[ $output == *"already exists on the index with different content (sha256 $(sha "$SDIST"))"* ]]
}

@test "draws a progress bar on a terminal and none otherwise" {
	require script
	index_control '{"slow_ms": 1500}'
	run script -qec "pypi-upload --no-verify '$WHEEL'" /dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"$(basename "$WHEEL")"*"%"* ]]
	index_control '{"slow_ms": 0}'
	run pypi-upload "$SDIST"
	[[ $output != *"%"* ]]
}

@test "refuses to reuse the name of a deleted file" {
	pypi-upload "$WHEEL" >/dev/null
	index_delete "$(basename "$WHEEL")"
	run pypi-upload "$WHEEL"
	[ "$status" -eq 6 ]
	[[ $output == *"file name was used before and deleted"* ]]
}

@test "an upload whose answer was lost is retried and counts once" {
	index_control '{"lose_responses": 1}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query '[x["status"] for x in u]'
	[ "$output" = "['lost', 200]" ]
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[ "$(grep -c '"filename"' <<<"$output")" -eq 1 ]
}

@test "retries 503s and a 500 storm, then succeeds" {
	index_control '{"fail_uploads": 2, "storm": 2}'
	run pypi-upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"retrying"* ]]
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[503, 503, 200, 200]" ]
}

@test "fails with EXIT_TEMPFAIL when 503s outlast the retries" {
	index_control '{"fail_uploads": 1000}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 4 ]
	[[ $output == *"try again later"* ]]
}

@test "fails with EXIT_TEMPFAIL when the index is dead" {
	export PYPI_REPOSITORY_URL=http://127.0.0.1:$(free_port)/legacy/
	run pypi-upload "$WHEEL"
	[ "$status" -eq 4 ]
	[[ $output == *"127.0.0.1"* ]]
}

@test "a connection reset during the upload is retried" {
	index_control '{"reset_uploads": 1}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query '[x["status"] for x in u]'
	[ "$output" = "['reset', 200]" ]
}

@test "a wrong token is EXIT_AUTH (401), a token for another project too (403)" {
	PYPI_TOKEN=pypi-wrong run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"refused the credentials from PYPI_TOKEN (HTTP 401)"* ]]
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" --scoped-token pypi-scoped:other-project
	PYPI_TOKEN=pypi-scoped PYPI_REPOSITORY_URL=$INDEX/legacy/ run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"(HTTP 403)"*"isn't allowed to upload"* ]]
}

@test "without credentials it says where to put them and sends nothing" {
	unset PYPI_TOKEN
	run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"no credentials: set PYPI_TOKEN"* ]]
	[ "$(uploads_sent)" -eq 0 ]
}

@test "refuses a corrupt wheel, a truncated sdist and a wheel without METADATA before sending" {
	mkdir "$BATS_TEST_TMPDIR/bad"
	head -c 900 "$WHEEL" >"$BATS_TEST_TMPDIR/bad/$(basename "$WHEEL")"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/$(basename "$WHEEL")"
	[ "$status" -eq 3 ]
	head -c 700 "$SDIST" >"$BATS_TEST_TMPDIR/bad/$(basename "$SDIST")"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/$(basename "$SDIST")"
	[ "$status" -eq 3 ]
	[[ $output == *"corrupt archive"* || $output == *"not a readable"* ]]
	"$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"w").writestr("shipsync_sample/__init__.py","")' \
		"$BATS_TEST_TMPDIR/bad/shipsync_sample-1.0.0-py3-none-any.whl"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/shipsync_sample-1.0.0-py3-none-any.whl"
	[ "$status" -eq 3 ]
	[[ $output == *"the wheel has no shipsync_sample-1.0.0.dist-info/METADATA"* ]]
	printf 'not an archive at all' >"$BATS_TEST_TMPDIR/bad/x-1.0.tar.gz"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/x-1.0.tar.gz"
	[ "$status" -eq 3 ]
	[ "$(uploads_sent)" -eq 0 ]
}

@test "refuses file names that disagree with the metadata, and a wrong release version" {
	mkdir "$BATS_TEST_TMPDIR/bad"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/bad/shipsync_sample-1.0.1-py3-none-any.whl"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/shipsync_sample-1.0.1-py3-none-any.whl"
	[ "$status" -eq 3 ]
	cp "$WHEEL" "$BATS_TEST_TMPDIR/bad/other_pkg-1.0.0-py3-none-any.whl"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/other_pkg-1.0.0-py3-none-any.whl"
	[ "$status" -eq 3 ]
	cp "$SDIST" "$BATS_TEST_TMPDIR/bad/shipsync-sample-2.0.tar.gz"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/shipsync-sample-2.0.tar.gz"
	[ "$status" -eq 3 ]
	[[ $output == *"top directory does not match the file name"* ]]
	run pypi-upload --release-version 1.0.1 "$SDIST" "$WHEEL"
	[ "$status" -eq 3 ]
	[[ $output == *"is version '1.0.0' but the release is '1.0.1'"* ]]
	run pypi-upload --release-version=not-a-version "$WHEEL"
	[ "$status" -eq 3 ]
	run pypi-upload "$SDIST" "$SDIST"
	[ "$status" -eq 3 ]
	[ "$(uploads_sent)" -eq 0 ]
	# PEP 440 equal versions are the same release
	run pypi-upload -R 1.0 "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
}

@test "a hostile file name is refused without harm" {
	mkdir "$BATS_TEST_TMPDIR/bad"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/bad/\$(touch pwned)'\"-1.0-py3-none-any.whl"
	run pypi-upload "$BATS_TEST_TMPDIR/bad/\$(touch pwned)'\"-1.0-py3-none-any.whl"
	[ "$status" -eq 3 ]
	[ ! -e pwned ]
	run pypi-upload "$BATS_TEST_TMPDIR/nonexistent-1.0.tar.gz"
	[ "$status" -eq 3 ]
	[[ $output == *"no such file"* ]]
}

@test "the secret never shows, verbose or failing, from any credential source" {
	local sentinel=$INDEX_TOKEN
	for v in "" -v -vv; do
		run pypi-upload $v "$SDIST" "$WHEEL"
		[ "$status" -eq 0 ]
		[[ $output != *"$sentinel"* ]]
	done
	index_control '{"fail_uploads": 1000}'
	alt=$(altered_wheel)
	for run_env in "PYPI_TOKEN=$sentinel" "TWINE_USERNAME=__token__ TWINE_PASSWORD=$sentinel"; do
		run env -u PYPI_TOKEN $run_env pypi-upload -vv "$alt"
		[ "$status" -ne 0 ]
		[[ $output != *"$sentinel"* ]]
		run env -u PYPI_TOKEN $run_env pypi-upload -vv -n "$alt"
		[[ $output != *"$sentinel"* ]]
	done
	printf '[pypi]\nrepository = %s\nusername = __token__\npassword = %s\n' "$INDEX/legacy/" "$sentinel" >"$HOME/.pypirc"
	run env -u PYPI_TOKEN -u PYPI_REPOSITORY_URL pypi-upload -vv "$WHEEL"
	[[ $output != *"$sentinel"* ]]
	# and a refused secret is not echoed either
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index"
	PYPI_TOKEN=pypi-wrong-$sentinel PYPI_REPOSITORY_URL=$INDEX/legacy/ run pypi-upload -vv "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"HTTP 401"* ]]
	[[ $output != *"$sentinel"* ]]
}

@test "reads ~/.pypirc: -r picks a section with its URL and credentials" {
	unset PYPI_TOKEN PYPI_REPOSITORY_URL
	cat >"$HOME/.pypirc" <<-RC
	[distutils]
	index-servers =
	    pypi
	    local

	[pypi]
	username = __token__
	password = pypi-not-this-one

	[local]
	repository: $INDEX/legacy/
	username: alice
	password: wonderland
	RC
	run pypi-upload -r local "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query 'u[-1]["user"]'
	[ "$output" = alice ]
	run pypi-upload -r nowhere "$WHEEL"
	[ "$status" -eq 2 ]
	[[ $output == *"repository 'nowhere' is not a section"* ]]
	# a .pypirc password is not sent to another URL than its section's
	run pypi-upload --repository-url "$INDEX/legacy/" "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"no credentials"* ]]
}

@test "TWINE_USERNAME and TWINE_PASSWORD are used when PYPI_TOKEN is not set" {
	unset PYPI_TOKEN
	TWINE_USERNAME=alice TWINE_PASSWORD=wonderland run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query 'u[-1]["user"]'
	[ "$output" = alice ]
}

@test "trusted publishing: mints a token from the CI's OIDC token and masks it" {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" --oidc --oidc-request-token req-tok-123 --oidc-id-token id-tok-456
	unset PYPI_TOKEN
	export PYPI_REPOSITORY_URL=$INDEX/legacy/
	export ACTIONS_ID_TOKEN_REQUEST_URL="$INDEX/_actions/idtoken?api-version=2.0" ACTIONS_ID_TOKEN_REQUEST_TOKEN=req-tok-123
	run --separate-stderr pypi-upload -vv "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ ${lines[0]} == "::add-mask::pypi-minted-"* ]]
	[ "${lines[1]}" = "$INDEX/files/shipsync-sample/$(basename "$WHEEL")" ]
	[[ $stderr != *"${lines[0]#::add-mask::}"* ]]
	[[ $stderr$output != *req-tok-123* && $stderr$output != *id-tok-456* ]]
	run index_query 'u[-1]["user"]'
	[ "$output" = trusted-publisher ]
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"id-token: write"* ]]
}

@test "trusted publishing fails clearly where the index does not offer it" {
	unset PYPI_TOKEN
	export ACTIONS_ID_TOKEN_REQUEST_URL="$INDEX/_actions/idtoken" ACTIONS_ID_TOKEN_REQUEST_TOKEN=x
	run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
}

@test "--dry-run prints every form field and the URL, and sends nothing" {
	export PYPI_REPOSITORY_URL=http://127.0.0.1:$(free_port)/legacy/
	run --separate-stderr pypi-upload -n "$WHEEL"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "POST $PYPI_REPOSITORY_URL" ]
	[ "${lines[1]}" = ":action=file_upload" ]
	[ "${lines[2]}" = "protocol_version=1" ]
	[[ $output == *$'\nfiletype=bdist_wheel\npyversion=py3\nmetadata_version=2.1\n'* ]]
	[[ $output == *$'\nclassifiers=Programming Language :: Python :: 3\n'* ]]
	[[ $output == *$'\ndescription=# Sample\\n\\nA package used'* ]]
	[[ $output == *$'\nsha256_digest='"$(sha "$WHEEL")"$'\n'* ]]
	[ "${lines[-1]}" = "content=@$WHEEL" ]
	[ "$(uploads_sent)" -eq 0 ]
}

@test "verification waits for a slow index and fails when a file never shows" {
	index_control '{"stale_reads": 3}'
	run pypi-upload -v "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"not visible yet"* ]]
	index_control '{"stale_reads": 1000}'
	run pypi-upload --wait 1 "$SDIST"
	[ "$status" -eq 4 ]
	[[ $output == *"1 file is still missing"* ]]
}

@test "usage errors exit 2; --help, -V and --version exit 0" {
	run pypi-upload
	[ "$status" -eq 2 ]
	run pypi-upload --bogus "$WHEEL"
	[ "$status" -eq 2 ]
	run pypi-upload --wait x "$WHEEL"
	[ "$status" -eq 2 ]
	run pypi-upload --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: pypi-upload"* ]]
	run pypi-upload --version
	[ "$status" -eq 0 ]
	[[ $output == "pypi-upload (shipsync) "* ]]
	run pypi-upload -V
	[ "$status" -eq 0 ]
	[[ $output == "pypi-upload (shipsync) "* ]]
	# the release version is an option of its own, never a file
	run pypi-upload --release-version
	[ "$status" -eq 2 ]
	run pypi-upload -R 1.0.0
	[ "$status" -eq 2 ]
}

@test "the man page examples work" {
	mkdir -p "$BATS_TEST_TMPDIR/proj/dist"
	cp "$SDIST" "$WHEEL" "$BATS_TEST_TMPDIR/proj/dist/"
	printf '[testpypi]\nrepository = %s\nusername = __token__\npassword = %s\n' "$INDEX/legacy/" "$INDEX_TOKEN" >"$HOME/.pypirc"
	n=0
	while IFS= read -r example; do
		cd "$BATS_TEST_TMPDIR/proj"
		run bash -c "$example"
		echo "$example -> $status: $output"
		[ "$status" -eq 0 ]
		n=$((n + 1))
	done < <(sed -n 's/^\.Dl \$ //p' "$TOP/man/pypi-upload.1" | sed 's/\\-/-/g')
	[ "$n" -ge 3 ]
}
