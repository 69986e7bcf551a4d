#!/usr/bin/env bats
# pypi-upload against the test index in the modes of the index servers
# people run (tests/pypi-index/index.bats proves each with twine and pip):
# in each, a publish completes and completes again as a no-op, nothing is
# uploaded twice and no request goes to another origin.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../pypi-index/lib

setup_file() {
	export SAMPLE=$BATS_FILE_TMPDIR/sample
	build_sample shipsync-sample 1.0.0 "$SAMPLE"
}

setup() {
	require pypi-upload curl
	WHEEL=$SAMPLE/dist/shipsync_sample-1.0.0-py3-none-any.whl
	SDIST=$SAMPLE/dist/shipsync-sample-1.0.0.tar.gz
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	unset TWINE_USERNAME TWINE_PASSWORD TWINE_REPOSITORY_URL PYPI_INDEX_URL \
		ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN CURL_CA_BUNDLE SSL_CERT_FILE
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=4000
}

teardown() {
	stop_index "$BATS_TEST_TMPDIR/index"
	stop_index "$BATS_TEST_TMPDIR/public"
}

# The test index in a mode, with PYPI_TOKEN and PYPI_REPOSITORY_URL for it.
index_in_mode() {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" "$@"
	export PYPI_TOKEN=$INDEX_TOKEN PYPI_REPOSITORY_URL=$INDEX/legacy/
}

# Another index on another port: "the public index" of a fallback.
start_public() {
	local main=$INDEX main_token=$INDEX_TOKEN
	start_index "$BATS_TEST_TMPDIR/public"
	PUBLIC=$INDEX PUBLIC_TOKEN=$INDEX_TOKEN
	INDEX=$main INDEX_TOKEN=$main_token
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
uploads_sent() { index_query 'len(u)'; }

# What make publish runs, twice: both succeed, the second sends nothing.
publish_twice() {
	run --separate-stderr pypi-upload --release-version 1.0.0 "$@" "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "first: $stderr"; return 1; }
	[ "${#lines[@]}" -eq 2 ] || { echo "first printed: $output"; return 1; }
	first_urls=$output
	[ "$(uploads_sent)" -eq 2 ] || { echo "first run sent $(uploads_sent) uploads"; return 1; }
	run --separate-stderr pypi-upload -v --release-version 1.0.0 "$@" "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "second: $stderr"; return 1; }
	[ "$output" = "$first_urls" ] || { echo "second printed: $output"; return 1; }
	[[ $stderr == *"already on the index with the same sha256: not sending it"* ]] || { echo "$stderr"; return 1; }
	[ "$(uploads_sent)" -eq 2 ] || { echo "the second run sent files again"; return 1; }
}

# A copy of the wheel with one more member: same name, more bytes.
longer_wheel() {
	mkdir -p "$BATS_TEST_TMPDIR/alt"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/alt/"
	"$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"a").writestr("extra.txt","x")' \
		"$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
	echo "$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
}

@test "html-only index: reads PEP 503 pages, resolves relative links, publishes once" {
	index_in_mode --simple html
	publish_twice
	[ "${lines[0]}" = "$INDEX/files/shipsync-sample/shipsync-sample-1.0.0.tar.gz" ]
	[ "${lines[1]}" = "$INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
	# no file was downloaded: the pages carry the sha256
	run curl -fsS "$INDEX/_debug/requests"
	[[ $output != *'"/files/'* ]]
	[[ $output == *'"path": "/pypi/shipsync-sample/1.0.0/json"'* ]]
	alt=$(longer_wheel)
	run pypi-upload "$alt"
	[ "$status" -eq 6 ]
	[[ $output == *"already on the index with sha256 $(sha "$WHEEL"), not $(sha "$alt")"* ]]
	[ "$(uploads_sent)" -eq 2 ]
}

@test "an index whose web interface answers the JSON API's path: read through the simple API" {
	index_in_mode --simple html --web-ui
	publish_twice
	[ "${lines[1]}" = "$INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
}

@test "html index without hashes: files are downloaded and hashed, within their size" {
	index_in_mode --simple html-nohash
	publish_twice
	[[ $stderr == *"listed without a sha256: downloading it to hash it"* ]]
	run curl -fsS "$INDEX/_debug/requests"
	[ "$(grep -c '"path": "/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl"' <<<"$output")" -eq 2 ]
	# other bytes under the name: a conflict, nothing sent
	alt=$(longer_wheel)
	run pypi-upload "$alt"
	[ "$status" -eq 6 ]
	[[ $output == *"already on the index with sha256 $(sha "$WHEEL"), not $(sha "$alt")"* ]]
	# the other way round the listed file is longer: its download stops at this file's size
	index_in_mode --simple html-nohash
	pypi-upload "$alt" >/dev/null
	run pypi-upload "$WHEEL"
	[ "$status" -eq 6 ]
	[[ $output == *"already on the index with more bytes than this file's, not $(sha "$WHEEL")"* ]]
	[ "$(uploads_sent)" -eq 1 ]
}

@test "fallback index: the redirect to another origin is not followed, not even anonymously" {
	require twine
	start_public
	# the public index holds an unrelated project of the same name, with other bytes
	twine upload --disable-progress-bar --non-interactive --repository-url "$PUBLIC/legacy/" \
		-u __token__ -p "$PUBLIC_TOKEN" "$(longer_wheel)" >/dev/null
	before=$(curl -fsS "$PUBLIC/_debug/requests")
	index_in_mode --simple html --fallback "$PUBLIC/simple/"
	run --separate-stderr pypi-upload -v --release-version 1.0.0 "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ $stderr == *"'$INDEX/simple/shipsync-sample/' redirects to another origin ('$PUBLIC/simple/shipsync-sample/'): not followed"* ]]
	[ "$(uploads_sent)" -eq 2 ]
	run --separate-stderr pypi-upload -v --release-version 1.0.0 "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "$(uploads_sent)" -eq 2 ]
	run curl -fsS "$PUBLIC/_debug/requests"
	[ "$output" = "$before" ] || { echo "the public index was asked: $output"; false; }
}

@test "re-upload answers of pypiserver, a plain 400, Nexus, Artifactory and GitLab: same bytes succeed once" {
	local style want
	for style in 409 400 nexus artifactory gitlab; do
		index_in_mode --exists "$style"
		# the upload hides from one read: the next run's lookup misses it and uploads again
		index_control '{"stale_reads": 1}'
		pypi-upload --no-verify "$WHEEL"
		run pypi-upload -v "$WHEEL"
		[ "$status" -eq 0 ] || { echo "$style: $output"; false; }
		[[ $output == *"'$(basename "$WHEEL")' is already on the index with the same sha256"* ]]
		case $style in 409) want=409 ;; artifactory) want=403 ;; *) want=400 ;; esac
		run index_query '[x["status"] for x in u]'
		[ "$output" = "[200, $want]" ] || { echo "$style: $output"; false; }
		# other bytes under the name, missed the same way: a conflict
		index_in_mode --exists "$style"
		index_control '{"stale_reads": 1}'
		pypi-upload --no-verify "$WHEEL"
		alt=$(longer_wheel)
		run pypi-upload "$alt"
		[ "$status" -eq 6 ] || { echo "$style: $output"; false; }
		[[ $output == *"already exists on the index with different content (sha256 $(sha "$WHEEL"))"* ]]
	done
}

@test "an 'already exists' for a file the index does not list yet is checked by the read-back" {
	index_in_mode --exists 409
	index_control '{"stale_reads": 3}'
	pypi-upload --no-verify "$WHEEL"
	index_control '{"stale_reads": 0}'
	# hidden for two more reads: the lookup and the check after the 409 miss it
	run pypi-upload -v "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"exists (Error: 409 Conflict: Sorry, the requested URL caused an error: Package '$(basename "$WHEEL")' already exists!"*"but does not list it yet"* ]]
	index_in_mode --exists 409
	index_control '{"stale_reads": 1000}'
	pypi-upload --no-verify "$WHEEL"
	run pypi-upload --no-verify "$WHEEL"
	[ "$status" -eq 4 ]
	[[ $output == *"whether they hold these bytes is unknown; run again without --no-verify"* ]]
	run pypi-upload --wait 1 "$WHEEL"
	[ "$status" -eq 4 ]
	[[ $output == *"still missing"* ]]
}

@test "upload and read URLs apart: -i or PYPI_INDEX_URL as pip's index URL" {
	index_in_mode --split
	export PYPI_REPOSITORY_URL=$INDEX/hosted/
	run pypi-upload --wait 1 "$WHEEL"
	[ "$status" -eq 4 ]
	[[ $output == *"1 file is still missing from '$INDEX/hosted/simple'"* ]] || { echo "$output"; false; }
	index_in_mode --split
	export PYPI_REPOSITORY_URL=$INDEX/hosted/
	publish_twice -i "$INDEX/group/simple/"
	[ "${lines[1]}" = "$INDEX/group/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" ]
	PYPI_INDEX_URL=$INDEX/group/simple run pypi-upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ]
	[ "$(uploads_sent)" -eq 2 ]
	run pypi-upload -i "ftp://127.0.0.1/simple/" "$WHEEL"
	[ "$status" -eq 2 ]
}

@test "credentials in the repository URL are used and never shown, dry run or verbose" {
	index_in_mode --simple html
	unset PYPI_TOKEN PYPI_REPOSITORY_URL
	url="http://__token__:$INDEX_TOKEN@${INDEX#http://}/legacy/"
	run pypi-upload -n -v -U "$url" "$WHEEL"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "POST $INDEX/legacy/" ]]
	[[ $output != *"$INDEX_TOKEN"* && $output != *"__token__:"* ]]
	run pypi-upload -vv -U "$url" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output != *"$INDEX_TOKEN"* && $output != *"__token__:"* ]]
	run index_query 'u[-1]["user"]'
	[ "$output" = __token__ ]
}

@test "a 403 with an HTML page is an authentication failure with the page's words" {
	index_in_mode
	index_control '{"forbid_html": 1}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"refused the credentials from PYPI_TOKEN (HTTP 403): 403 Forbidden: nginx"* ]]
	[[ $output != *"<"* ]]
}

@test "a 413 is a file too large, and nothing is retried" {
	index_in_mode
	index_control '{"max_upload_bytes": 1000}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 3 ]
	[[ $output == *"refuses '$(basename "$WHEEL")' as too large ($(stat -c %s "$WHEEL") bytes, HTTP 413): 413 Request Entity Too Large: nginx"* ]]
	[ "$(uploads_sent)" -eq 1 ]
}

@test "a redirected upload is not followed, to this origin or another" {
	start_public
	index_in_mode
	index_control '{"redirect_uploads": 1, "redirect_to": "/moved/"}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 1 ]
	[[ $output == *"redirected the upload of '$(basename "$WHEEL")' (HTTP 301) to '$INDEX/moved/'; nothing was sent there"* ]]
	index_control "{\"redirect_uploads\": 1, \"redirect_to\": \"http://u:p@${PUBLIC#http://}/legacy/\"}"
	run pypi-upload "$WHEEL"
	[ "$status" -eq 1 ]
	[[ $output == *"to '$PUBLIC/legacy/'"* && $output != *"u:p@"* ]]
	run curl -fsS "$INDEX/_debug/requests"
	[[ $output != *'"/moved/"'* ]]
	run curl -fsS "$PUBLIC/_debug/requests"
	[ "$output" = "[]" ]
}

@test "a connection cut mid-body is retried and counts once; cut every time, it is worth a later run" {
	index_in_mode
	index_control '{"cut_uploads": 1}'
	run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query '[x["status"] for x in u]'
	[ "$output" = "['cut', 200]" ]
	index_control '{"cut_uploads": 1000}'
	run pypi-upload "$SDIST"
	[ "$status" -eq 4 ]
	[[ $output == *"'$(basename "$SDIST")' was not uploaded; run again later"* ]]
}

@test "a yanked file on the index is reported" {
	index_in_mode --simple html
	pypi-upload "$WHEEL" >/dev/null
	curl -fsS -X POST --data "{\"filename\": \"$(basename "$WHEEL")\", \"reason\": \"bad build\"}" \
		"$INDEX/_control/yank" >/dev/null
	run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ]
	[[ $output == *"'$(basename "$WHEEL")' is on the index but yanked: bad build: pip passes it over"* ]]
}

@test "--ca-cert and CURL_CA_BUNDLE trust a private CA; without them TLS fails as an auth failure" {
	require openssl
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/ca.pem" \
		-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	index_in_mode --tls "$BATS_TEST_TMPDIR/ca.pem" "$BATS_TEST_TMPDIR/key.pem"
	export PYPI_REPOSITORY_URL=https://${INDEX#http://}/legacy/
	run pypi-upload "$WHEEL"
	[ "$status" -eq 5 ]
	[[ $output == *"certificate"*"CURL_CA_BUNDLE"* ]]
	run pypi-upload --ca-cert "$BATS_TEST_TMPDIR/ca.pem" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = "https://${INDEX#http://}/files/shipsync-sample/$(basename "$WHEEL")" ]
	CURL_CA_BUNDLE=$BATS_TEST_TMPDIR/ca.pem run pypi-upload "$WHEEL"
	[ "$status" -eq 0 ]
	run pypi-upload --ca-cert "$BATS_TEST_TMPDIR/nothing.pem" "$WHEEL"
	[ "$status" -eq 2 ]
}
