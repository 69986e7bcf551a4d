#!/usr/bin/env bats
# The test index behaves as PyPI does for the reference clients: Debian's
# twine uploads to it (and re-uploads as against PyPI), pip installs from it.
# Each of its other modes behaves as the index servers it mirrors do for
# the same clients: twine --skip-existing, pip downloading by hash.

load ../lib/common
load lib

setup_file() {
	export SAMPLE=$BATS_FILE_TMPDIR/sample
	build_sample shipsync-sample 1.0.0 "$SAMPLE"
}

setup() {
	require twine curl
	start_index "$BATS_TEST_TMPDIR/index"
	WHEEL=$SAMPLE/dist/shipsync_sample-1.0.0-py3-none-any.whl
	SDIST=$SAMPLE/dist/shipsync-sample-1.0.0.tar.gz
}

teardown() {
	stop_index "$BATS_TEST_TMPDIR/index"
	stop_index "$BATS_TEST_TMPDIR/public"
}

twine_upload() {
	twine upload --disable-progress-bar --non-interactive \
		--repository-url "$INDEX/legacy/" -u __token__ -p "$INDEX_TOKEN" "$@"
}

# status of a raw upload: curl_upload FILE [curl -F args...]
curl_upload() {
	local file=$1
	shift
	curl -s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' -u "__token__:$INDEX_TOKEN" \
		-F ':action=file_upload' -F protocol_version=1 -F metadata_version=2.1 \
		-F "content=@$file" "$@" "$INDEX/legacy/"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

@test "twine uploads an sdist and a wheel, and both APIs list them with their sha256" {
	run twine_upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[ "$status" -eq 0 ]
	[[ $output == *"\"sha256\": \"$(sha "$SDIST")\""* ]]
	[[ $output == *"\"sha256\": \"$(sha "$WHEEL")\""* ]]
	run curl -fsS -H 'Accept: application/vnd.pypi.simple.v1+json' "$INDEX/simple/shipsync-sample/"
	[[ $output == *"\"sha256\": \"$(sha "$WHEEL")\""* ]]
	run curl -fsS "$INDEX/simple/shipsync-sample/"
	[[ $output == *"shipsync_sample-1.0.0-py3-none-any.whl#sha256=$(sha "$WHEEL")"* ]]
	[[ $output == *'data-requires-python="&gt;=3.7"'* ]]
	curl -fsS "$INDEX/files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl" -o "$BATS_TEST_TMPDIR/got.whl"
	cmp "$WHEEL" "$BATS_TEST_TMPDIR/got.whl"
}

@test "twine re-uploading identical files succeeds, as PyPI answers 200" {
	twine_upload "$SDIST" "$WHEEL"
	run twine_upload "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[200, 200, 200, 200]" ]
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[ "$(grep -c '"filename"' <<<"$output")" -eq 2 ]
}

@test "twine cannot replace a file with other content: 400 File already exists" {
	twine_upload "$WHEEL"
	mkdir "$BATS_TEST_TMPDIR/other"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/other/"
	printf 'extra\n' >"$BATS_TEST_TMPDIR/x.txt"
	(cd "$BATS_TEST_TMPDIR" && "$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"a").write("x.txt")' \
		"other/$(basename "$WHEEL")")
	run twine_upload "$BATS_TEST_TMPDIR/other/$(basename "$WHEEL")"
	[ "$status" -ne 0 ]
	[[ $output == *"400"*"File already exists"* ]]
	# and --skip-existing takes PyPI's 400 as "already there", as it does against PyPI
	run twine_upload --skip-existing "$BATS_TEST_TMPDIR/other/$(basename "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"Skipping"* ]]
}

@test "pip installs the uploaded package from the simple API into a fresh venv" {
	twine_upload "$SDIST" "$WHEEL"
	"$PY" -m venv "$BATS_TEST_TMPDIR/venv" || unmet "python3 -m venv does not work (python3-venv)"
	run "$BATS_TEST_TMPDIR/venv/bin/pip" install --disable-pip-version-check --no-cache-dir \
		--index-url "$INDEX/simple/" shipsync-sample==1.0.0
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run "$BATS_TEST_TMPDIR/venv/bin/python" -c 'import shipsync_sample; print(shipsync_sample.greet(), shipsync_sample.__version__)'
	[ "$output" = "hello from shipsync_sample 1.0.0" ]
}

@test "uploads without credentials or with a wrong token get 401" {
	run curl -s -o /dev/null -w '%{http_code}' -F ':action=file_upload' -F "content=@$WHEEL" "$INDEX/legacy/"
	[ "$output" = 401 ]
	run curl -s -o /dev/null -w '%{http_code}' -u __token__:wrong -F ':action=file_upload' -F "content=@$WHEEL" "$INDEX/legacy/"
	[ "$output" = 401 ]
	run twine upload --disable-progress-bar --non-interactive --repository-url "$INDEX/legacy/" \
		-u __token__ -p wrong "$WHEEL"
	[ "$status" -ne 0 ]
	[[ $output == *401* ]]
}

@test "a token scoped to another project gets 403" {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" --scoped-token scoped-tok:other-project
	run curl_upload "$WHEEL" -u __token__:scoped-tok -F name=shipsync-sample -F version=1.0.0 \
		-F filetype=bdist_wheel -F pyversion=py3 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 403 ]
}

@test "the upload checks digests, names and versions as PyPI does" {
	local base=(-F name=shipsync-sample -F filetype=bdist_wheel -F pyversion=py3)
	run curl_upload "$WHEEL" "${base[@]}" -F version=1.0.0 -F sha256_digest=00
	[ "$output" = 400 ]; grep -q "digest supplied does not match" "$BATS_TEST_TMPDIR/body"
	run curl_upload "$WHEEL" "${base[@]}" -F version=1.0.0
	[ "$output" = 400 ]; grep -q "at least one message digest" "$BATS_TEST_TMPDIR/body"
	run curl_upload "$WHEEL" -F name=other -F filetype=bdist_wheel -F pyversion=py3 -F version=1.0.0 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 400 ]; grep -q "Start filename" "$BATS_TEST_TMPDIR/body"
	run curl_upload "$WHEEL" "${base[@]}" -F version=2.0 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 400 ]; grep -q "Version in filename" "$BATS_TEST_TMPDIR/body"
	run curl_upload "$WHEEL" "${base[@]}" -F 'version=1.0.0$' -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 400 ]; grep -q "Invalid value for version" "$BATS_TEST_TMPDIR/body"
	run curl_upload "$WHEEL" -F 'name=-bad' -F filetype=bdist_wheel -F pyversion=py3 -F version=1.0.0 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 400 ]; grep -q "Invalid value for name" "$BATS_TEST_TMPDIR/body"
	# equal PEP 440 versions are the same release: 1.0.0 == 1.0
	run curl_upload "$WHEEL" "${base[@]}" -F version=1.0 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 200 ]
}

@test "a wheel without METADATA and a corrupt archive are refused" {
	local w=$BATS_TEST_TMPDIR/shipsync_sample-2.0-py3-none-any.whl
	"$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"w").writestr("shipsync_sample/__init__.py","")' "$w"
	run curl_upload "$w" -F name=shipsync-sample -F version=2.0 -F filetype=bdist_wheel -F pyversion=py3 -F "sha256_digest=$(sha "$w")"
	[ "$output" = 400 ]; grep -q "does not contain the required METADATA" "$BATS_TEST_TMPDIR/body"
	head -c 300 "$SDIST" >"$BATS_TEST_TMPDIR/shipsync-sample-3.0.tar.gz"
	run curl_upload "$BATS_TEST_TMPDIR/shipsync-sample-3.0.tar.gz" -F name=shipsync-sample -F version=3.0 \
		-F filetype=sdist -F "sha256_digest=$(sha "$BATS_TEST_TMPDIR/shipsync-sample-3.0.tar.gz")"
	[ "$output" = 400 ]; grep -q "Invalid distribution file" "$BATS_TEST_TMPDIR/body"
}

@test "a deleted file's name can never be used again" {
	twine_upload "$WHEEL"
	index_delete "$(basename "$WHEEL")"
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/files/shipsync-sample/$(basename "$WHEEL")"
	[ "$output" = 404 ]
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	[[ $output == *"filename has already been used"* ]]
}

@test "only one sdist per release" {
	twine_upload "$SDIST"
	mkdir -p "$BATS_TEST_TMPDIR/s/shipsync_sample-1.0.0"
	tar -xzf "$SDIST" -C "$BATS_TEST_TMPDIR/s"
	mv "$BATS_TEST_TMPDIR/s/shipsync-sample-1.0.0/PKG-INFO" "$BATS_TEST_TMPDIR/s/shipsync_sample-1.0.0/"
	tar -czf "$BATS_TEST_TMPDIR/shipsync_sample-1.0.0.tar.gz" -C "$BATS_TEST_TMPDIR/s" shipsync_sample-1.0.0
	run twine_upload "$BATS_TEST_TMPDIR/shipsync_sample-1.0.0.tar.gz"
	[ "$status" -ne 0 ]
	[[ $output == *"Only one sdist"* ]]
}

@test "the simple API redirects to the normalised name and 404s unknown projects" {
	twine_upload "$WHEEL"
	run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$INDEX/simple/Shipsync_Sample/"
	[ "$output" = "301 $INDEX/simple/shipsync-sample/" ]
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/nothing-here/"
	[ "$output" = 404 ]
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/pypi/shipsync-sample/9.9/json"
	[ "$output" = 404 ]
	run curl -fsS -H 'Accept: application/vnd.pypi.simple.v1+json' "$INDEX/simple/"
	[[ $output == *'"name": "shipsync-sample"'* ]]
}

@test "fault mode: 503 for the first uploads, then twine's retry succeeds" {
	index_control '{"fail_uploads": 1}'
	run twine_upload "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[503, 200]" ]
}

@test "fault mode: storms, resets, lost responses and stale reads" {
	index_control '{"storm": 2}'
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/"
	[ "$output" = 500 ]
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/"
	[ "$output" = 500 ]
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/"
	[ "$output" = 200 ]
	index_control '{"reset_uploads": 1}'
	run curl_upload "$WHEEL"
	[ "$output" = 000 ]
	index_control '{"lose_responses": 1, "stale_reads": 1}'
	run curl_upload "$WHEEL" -F name=shipsync-sample -F version=1.0.0 -F filetype=bdist_wheel -F pyversion=py3 -F "sha256_digest=$(sha "$WHEEL")"
	[ "$output" = 000 ]
	# stored although unanswered, but hidden from the first read
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[[ $output != *"$(basename "$WHEEL")"* ]]
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[[ $output == *"$(basename "$WHEEL")"* ]]
}

@test "trusted publishing: audience, CI token and minting behave as PyPI's flow" {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" --oidc --oidc-request-token req-tok --oidc-id-token id-tok
	run curl -fsS "$INDEX/_/oidc/audience"
	[[ $output == *'"audience": "shipsync-test-index"'* ]]
	run curl -s -w '%{http_code}' -o /dev/null -H 'Authorization: Bearer nope' "$INDEX/_actions/idtoken?audience=shipsync-test-index"
	[ "$output" = 401 ]
	run curl -fsS -H 'Authorization: Bearer req-tok' "$INDEX/_actions/idtoken?api-version=2.0&audience=shipsync-test-index"
	[[ $output == *'"value": "id-tok"'* ]]
	run curl -s -w ' %{http_code}' -X POST --data '{"token": "forged"}' "$INDEX/_/oidc/mint-token"
	[[ $output == *invalid-publisher*422 ]]
	minted=$(curl -fsS -X POST --data '{"token": "id-tok"}' "$INDEX/_/oidc/mint-token" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
	run twine upload --disable-progress-bar --non-interactive --repository-url "$INDEX/legacy/" -u __token__ -p "$minted" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

# --- modes that mirror other index servers, proven with twine and pip ---

restart_index() {
	stop_index "$BATS_TEST_TMPDIR/index"
	start_index "$BATS_TEST_TMPDIR/index" "$@"
}

# pip downloads the wheel from a simple index, checking it against a hash:
# pip_by_hash SIMPLE-URL SHA256
pip_by_hash() {
	local dest=$BATS_TEST_TMPDIR/dl-$RANDOM
	printf 'shipsync-sample==1.0.0 --hash=sha256:%s\n' "$2" >"$BATS_TEST_TMPDIR/req.txt"
	PIP_CONFIG_FILE=/dev/null "$PY" -m pip download --disable-pip-version-check --no-cache-dir --no-deps \
		--only-binary=:all: --require-hashes -r "$BATS_TEST_TMPDIR/req.txt" --index-url "$1" -d "$dest"
}

@test "html mode: PEP 503 only, relative links with #sha256=, no JSON API; pip downloads by hash" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	restart_index --simple html
	twine_upload "$SDIST" "$WHEEL"
	run curl -fsS -H 'Accept: application/vnd.pypi.simple.v1+json' "$INDEX/simple/shipsync-sample/"
	[[ $output == *'<a href="../../files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl#sha256='"$(sha "$WHEEL")"'"'* ]]
	[[ $output == *'data-requires-python="&gt;=3.7"'* ]]
	run curl -s -o /dev/null -w '%{content_type} %{http_code}' -H 'Accept: application/vnd.pypi.simple.v1+json' \
		"$INDEX/simple/shipsync-sample/"
	[ "$output" = "text/html; charset=UTF-8 200" ]
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[ "$output" = 404 ]
	run pip_by_hash "$INDEX/simple/" "$(sha "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# the fragment is checked: pip refuses a file whose hash it does not expect
	run pip_by_hash "$INDEX/simple/" "$(sha "$SDIST")"
	[ "$status" -ne 0 ]
	[[ $output == *"HASHES"* || $output == *"hash"* ]]
}

@test "html-nohash mode: links without fragments; pip hashes the download itself" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	restart_index --simple html-nohash
	twine_upload "$WHEEL"
	run curl -fsS "$INDEX/simple/shipsync-sample/"
	[[ $output == *'href="../../files/shipsync-sample/shipsync_sample-1.0.0-py3-none-any.whl"'* ]]
	[[ $output != *'#sha256='* ]]
	run pip_by_hash "$INDEX/simple/" "$(sha "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run pip_by_hash "$INDEX/simple/" "$(sha "$SDIST")"
	[ "$status" -ne 0 ]
}

@test "fallback mode: an unknown project's page redirects (303) to the other index, which pip follows" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	start_index "$BATS_TEST_TMPDIR/public"
	public=$INDEX public_token=$INDEX_TOKEN
	twine upload --disable-progress-bar --non-interactive --repository-url "$public/legacy/" \
		-u __token__ -p "$public_token" "$WHEEL"
	restart_index --fallback "$public/simple/"
	run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$INDEX/simple/shipsync-sample/"
	[ "$output" = "303 $public/simple/shipsync-sample/" ]
	# pip, like any client that follows, gets the other index's files
	run pip_by_hash "$INDEX/simple/" "$(sha "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"$public/files/"* ]]
	# once the project is here, its own page answers
	twine_upload "$SDIST"
	run curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/shipsync-sample/"
	[ "$output" = 200 ]
	stop_index "$BATS_TEST_TMPDIR/public"
}

@test "exists modes: a re-upload gets each server's answer, which twine --skip-existing skips" {
	local style want
	for style in 409 400 nexus artifactory gitlab; do
		restart_index --exists "$style"
		twine_upload "$WHEEL"
		run twine_upload "$WHEEL"
		[ "$status" -ne 0 ]
		case $style in 409) want=409 ;; artifactory) want=403 ;; *) want=400 ;; esac
		[[ $output == *"$want"* ]] || { echo "$style: $output"; false; }
		run twine_upload --skip-existing "$WHEEL"
		[ "$status" -eq 0 ] || { echo "$style: $output"; false; }
		[[ $output == *"Skipping"* ]]
		run index_query '[x["status"] for x in u]'
		[ "$output" = "[200, $want, $want]" ] || { echo "$style: $output"; false; }
	done
}

@test "web-ui mode: other paths answer a page, the simple API still serves pip" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	restart_index --simple html --web-ui
	twine_upload "$WHEEL"
	run curl -s -w ' %{http_code}' "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[[ $output == *'<div id="app">'*' 200' ]]
	run pip_by_hash "$INDEX/simple/" "$(sha "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "split mode: uploads at /hosted/, reads at /group/simple/, nothing at the usual paths" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	restart_index --split
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	twine upload --disable-progress-bar --non-interactive --repository-url "$INDEX/hosted/" \
		-u __token__ -p "$INDEX_TOKEN" "$WHEEL"
	for path in /simple/shipsync-sample/ /hosted/simple/shipsync-sample/ /pypi/shipsync-sample/json; do
		run curl -s -o /dev/null -w '%{http_code}' "$INDEX$path"
		[ "$output" = 404 ]
	done
	run pip_by_hash "$INDEX/group/simple/" "$(sha "$WHEEL")"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $output == *"$INDEX/group/files/shipsync-sample/"* ]]
}

@test "upload faults: 403 with a page, 413 before the body, a redirect, a cut connection" {
	index_control '{"forbid_html": 1}'
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	[[ $output == *"403"* ]]
	index_control '{"max_upload_bytes": 1000}'
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	[[ $output == *"413"* ]]
	index_control '{"max_upload_bytes": 0, "redirect_uploads": 1, "redirect_to": "/moved/"}'
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	[[ $output == *"RedirectDetected"*"/moved/"* ]]
	index_control '{"cut_uploads": 1}'
	run twine_upload "$WHEEL"
	[ "$status" -ne 0 ]
	run index_query '[x["status"] for x in u]'
	[ "$output" = "[403, 413, 301, 'cut']" ]
	run curl -fsS "$INDEX/_debug/requests"
	[[ $output != *'"/moved/"'* ]]
	# nothing was stored: the next upload is the first
	twine_upload "$WHEEL"
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[ "$(grep -c '"filename"' <<<"$output")" -eq 1 ]
}

@test "yanked files say so in every read API" {
	twine_upload "$WHEEL"
	curl -fsS -X POST --data "{\"filename\": \"$(basename "$WHEEL")\", \"reason\": \"broken & old\"}" \
		"$INDEX/_control/yank" >/dev/null
	run curl -fsS "$INDEX/pypi/shipsync-sample/1.0.0/json"
	[[ $output == *'"yanked": true'* && $output == *'"yanked_reason": "broken & old"'* ]]
	run curl -fsS -H 'Accept: application/vnd.pypi.simple.v1+json' "$INDEX/simple/shipsync-sample/"
	[[ $output == *'"yanked": "broken & old"'* ]]
	restart_index --simple html
	twine_upload "$WHEEL"
	curl -fsS -X POST --data "{\"filename\": \"$(basename "$WHEEL")\", \"reason\": \"broken & old\"}" \
		"$INDEX/_control/yank" >/dev/null
	run curl -fsS "$INDEX/simple/shipsync-sample/"
	[[ $output == *'data-yanked="broken &amp; old"'* ]]
}
