#!/usr/bin/env bats
# pypi-upload against pypiserver, a real index server many teams run, in its
# default configuration: PEP 503 HTML only, 409 for a name it holds, and a
# redirect to PyPI for the page of a project it does not hold.

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
		ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=8000
	PS=$BATS_TEST_TMPDIR/pypiserver
	start_pypiserver "$PS"
	export PYPI_TOKEN=$PYPISERVER_TOKEN PYPI_REPOSITORY_URL=$PYPISERVER/
}

teardown() {
	stop_lossy_proxy "$BATS_TEST_TMPDIR/proxy"
	stop_pypiserver "$BATS_TEST_TMPDIR/pypiserver"
	stop_index "$BATS_TEST_TMPDIR/index"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

@test "publishes to pypiserver, and again as a no-op; its fallback to PyPI is not followed" {
	run --separate-stderr pypi-upload -v --release-version 1.0.0 "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; cat "$PS/pypiserver.log"; false; }
	[[ $stderr == *"'$PYPISERVER/simple/shipsync-sample/' redirects to another origin ('https://pypi.org/simple/shipsync-sample/'): not followed"* ]]
	[ "${lines[0]}" = "$PYPISERVER/packages/shipsync-sample-1.0.0.tar.gz" ]
	[ "${lines[1]}" = "$PYPISERVER/packages/shipsync_sample-1.0.0-py3-none-any.whl" ]
	[ "$(pypiserver_stored "$PS")" -eq 2 ]
	cmp "$WHEEL" "$PS/packages/$(basename "$WHEEL")"
	run --separate-stderr pypi-upload -v --release-version 1.0.0 "$SDIST" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[1]}" = "$PYPISERVER/packages/shipsync_sample-1.0.0-py3-none-any.whl" ]
	[[ $stderr == *"'$(basename "$WHEEL")' is already on the index with the same sha256: not sending it"* ]]
	[[ $stderr != *"downloading"* ]]
	[ "$(pypiserver_stored "$PS")" -eq 2 ]
	! grep -q "already exists" "$PS/pypiserver.log"
}

@test "pip downloads by hash what was published on pypiserver" {
	"$PY" -m pip --version >/dev/null 2>&1 || unmet "python3 -m pip does not work (python3-pip)"
	pypi-upload "$SDIST" "$WHEEL" >/dev/null
	printf 'shipsync-sample==1.0.0 --hash=sha256:%s\n' "$(sha "$WHEEL")" >"$BATS_TEST_TMPDIR/req.txt"
	run env PIP_CONFIG_FILE=/dev/null "$PY" -m pip download --disable-pip-version-check --no-cache-dir --no-deps \
		--only-binary=:all: --require-hashes -r "$BATS_TEST_TMPDIR/req.txt" --index-url "$PYPISERVER/simple/" \
		-d "$BATS_TEST_TMPDIR/dl"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	cmp "$WHEEL" "$BATS_TEST_TMPDIR/dl/$(basename "$WHEEL")"
}

@test "an upload whose answer was lost meets pypiserver's 409: the same bytes, stored once" {
	start_lossy_proxy "$BATS_TEST_TMPDIR/proxy" "$PYPISERVER"
	proxy_lose 1
	run --separate-stderr pypi-upload -v -U "$PROXY/" "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ $stderr == *"'$(basename "$WHEEL")' is already on the index with the same sha256"* ]]
	[ "$output" = "$PROXY/packages/$(basename "$WHEEL")" ]
	run curl -fsS "$PROXY/_proxy/log"
	# the upload again (libcurl's or ours), and pypiserver's 409 for it
	[[ $output == *'["POST", "/", "lost"], ["POST", "/", 409]'* ]] || { echo "$output"; false; }
	[ "$(pypiserver_stored "$PS")" -eq 1 ]
	grep -q "already exists" "$PS/pypiserver.log"
}

@test "other bytes under a name pypiserver holds: a conflict, nothing sent" {
	pypi-upload "$WHEEL" >/dev/null
	mkdir "$BATS_TEST_TMPDIR/alt"
	cp "$WHEEL" "$BATS_TEST_TMPDIR/alt/"
	"$PY" -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"a").writestr("extra.txt","x")' \
		"$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
	run pypi-upload "$SDIST" "$BATS_TEST_TMPDIR/alt/$(basename "$WHEEL")"
	[ "$status" -eq 6 ]
	[[ $output == *"already on the index with sha256 $(sha "$WHEEL")"* ]]
	[ "$(pypiserver_stored "$PS")" -eq 1 ]
	cmp "$WHEEL" "$PS/packages/$(basename "$WHEEL")"
}

@test "pypiserver's fallback pointed at a local index: that index sees no request at all" {
	start_index "$BATS_TEST_TMPDIR/index"
	stop_pypiserver "$PS"
	start_pypiserver "$PS" --fallback-url "$INDEX/simple/"
	export PYPI_TOKEN=$PYPISERVER_TOKEN PYPI_REPOSITORY_URL=$PYPISERVER/
	run --separate-stderr pypi-upload -v "$WHEEL"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ $stderr == *"redirects to another origin ('$INDEX/simple/shipsync-sample/'): not followed"* ]]
	run curl -fsS "$INDEX/_debug/requests"
	[ "$output" = "[]" ]
}
