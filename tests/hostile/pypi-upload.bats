#!/usr/bin/env bats
# pypi-upload against an index that sends it elsewhere: an upload answered
# with a redirect to another host, a lookup redirected there (never
# followed), credentials written into the repository and index URLs or kept in
# ~/.pypirc sections, and
# trusted publishing whose OIDC request URL redirects, an error echoing the
# credential. Every credential goes to the origin it was given for, and no
# output shows it.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../pypi-index/lib
load helpers

setup_file() {
	build_sample shipsync-hostile 1.0.0 "$BATS_FILE_TMPDIR/sample"
}

setup() {
	require pypi-upload "$PY3" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	unset PYPI_TOKEN TWINE_USERNAME TWINE_PASSWORD TWINE_REPOSITORY_URL PYPI_REPOSITORY_URL \
		ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=5000
	WHEEL_NAME=shipsync_hostile-1.0.0-py3-none-any.whl
	WHEEL=$BATS_FILE_TMPDIR/sample/dist/$WHEEL_NAME
	WHEEL_SHA=$(sha256sum "$WHEEL" | cut -d' ' -f1)
}

teardown() {
	stop_hostile
}

# The index's page for the project once the upload is in: the file lives on
# the other host, its hash in the link, so nothing needs to fetch it.
listing() {
	echo "<a href=\\\"{other_host}/files/$WHEEL_NAME#sha256=$WHEEL_SHA\\\">$WHEEL_NAME</a>"
}

# Listener L's JSON API redirects to its other host, which a lookup must take
# as "not on this index" and never ask; its /simple/ page knows nothing of the
# project before the upload and lists the wheel after; the upload on L needs
# credentials.   index L
index() {
	local on='"listener": "'$1'", "host": "^127[.]"'
	cat <<-JSON
	{$on, "method": "GET", "path": "^/pypi/", "status": 302, "headers": {"Location": "{other_host}{path}"}},
	{$on, "method": "GET", "path": "^/simple/shipsync-hostile/\$", "status": 404, "times": 1},
	{$on, "method": "GET", "path": "^/simple/shipsync-hostile/\$", "headers": {"Content-Type": "text/html"}, "body": "$(listing)"},
	{"host": "^localhost", "body": "no request should reach this host"},
	{$on, "method": "POST", "path": "^/legacy/\$", "auth": true, "body": "OK"},
	{$on, "method": "POST", "path": "^/legacy/\$", "status": 401, "body": "credentials needed"}
	JSON
}

@test "an upload answered with a redirect to another host is not sent there" {
	sentinel PYPI_TOKEN pypi-hostile
	export PYPI_TOKEN
	BASIC=$(basic __token__ "$PYPI_TOKEN")
	hostile '[
	{"listener": "a", "host": "^127[.]", "method": "POST", "path": "^/legacy/$", "status": 307,
	 "headers": {"Location": "{other_host}/legacy/"}},
	{"host": "^localhost", "method": "POST", "body": "OK"},
	{"method": "GET", "status": 404}]'
	run --separate-stderr pypi-upload -U "$A/legacy/" "$WHEEL"
	clean "$A"
	[ "$status" -eq 1 ] || { echo "$stderr"; show_log; false; }
	[[ $stderr == *"the index redirected the upload of '$WHEEL_NAME' (HTTP 307)"* ]]
	[ "$(seen "$A" --method POST --auth "$BASIC")" -eq 1 ]
	[ "$(seen "$A_ALIAS")" -eq 0 ]
}

@test "a lookup redirected to another host is not followed: the index's own page counts" {
	sentinel PYPI_TOKEN pypi-hostile
	export PYPI_TOKEN
	BASIC=$(basic __token__ "$PYPI_TOKEN")
	hostile "[$(index a)]"
	run --separate-stderr pypi-upload -v -w 5 -U "$A/legacy/" "$WHEEL"
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$output" = "$A_ALIAS/files/$WHEEL_NAME" ]
	[ "$(seen "$A" --method POST --path '^/legacy/$' --auth "$BASIC")" -eq 1 ]
	[[ $stderr == *"redirects to another origin"*"not followed"* ]]
	[ "$(seen "$A" --method GET --path '^/pypi/' --auth "$BASIC")" -eq 2 ]
	[ "$(seen "$A" --method GET --path '^/simple/shipsync-hostile/$' --auth "$BASIC")" -eq 2 ]
	[ "$(seen "$A_ALIAS")" -eq 0 ]
}

@test "user:password in the repository URL: never printed, sent to that origin only" {
	local url
	sentinel PASSWORD url-password
	BASIC=$(basic uploader "$PASSWORD")
	hostile "[$(index a)]"
	url=http://uploader:$PASSWORD@${A#http://}/legacy/
	# Credentials that another source overrides are still never shown.
	PYPI_TOKEN=pypi-other run --separate-stderr pypi-upload -n -v -U "$url" "$WHEEL"
	no_secret_in "$output" "$stderr"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = "POST $A/legacy/" ]
	run --separate-stderr pypi-upload -n -v -U "$url" "$WHEEL"
	no_secret_in "$output" "$stderr"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = "POST $A/legacy/" ]
	[[ $stderr == *"as 'uploader' (credentials from the repository URL)"* ]]
	run --separate-stderr pypi-upload -v -w 5 -U "$url" "$WHEEL"
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[[ $stderr == *"uploading '$WHEEL_NAME' ("*" bytes) to '$A/legacy/'"* ]]
	[ "$(seen "$A" --method POST --auth "$BASIC")" -eq 1 ]
	[ "$(seen "$A_ALIAS")" -eq 0 ]
}

@test "user:password in --index-url go to the index's origin, the upload's to the upload's" {
	local reader_basic
	sentinel PYPI_TOKEN pypi-hostile
	sentinel READ_PASSWORD read-password
	export PYPI_TOKEN
	BASIC=$(basic __token__ "$PYPI_TOKEN")
	reader_basic=$(basic reader "$READ_PASSWORD")
	hostile "[
	{\"listener\": \"a\", \"method\": \"GET\", \"status\": 404},
	$(index b),
	{\"listener\": \"a\", \"method\": \"POST\", \"path\": \"^/legacy/\$\", \"auth\": true, \"body\": \"OK\"}]"
	run --separate-stderr pypi-upload -v -w 5 -U "$A/legacy/" -i "http://reader:$READ_PASSWORD@${B#http://}" "$WHEEL"
	clean "$A" "$B"
	only_at "$A" "$PYPI_TOKEN" "${BASIC#Basic }"
	only_at "$B" "$READ_PASSWORD" "${reader_basic#Basic }"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$A" --method POST --auth "$BASIC")" -eq 1 ]
	[ "$(seen "$A" --method GET)" -eq 0 ]
	[ "$(seen "$B" --method GET --auth "$reader_basic")" -eq 4 ]
	[ "$(seen "$B_ALIAS")" -eq 0 ]
}

@test "a ~/.pypirc password goes to its own section's URL and nowhere else" {
	local mirror_basic
	sentinel PYPI_PASSWORD pypirc-pypi
	sentinel MIRROR_PASSWORD pypirc-mirror
	mirror_basic=$(basic uploader "$MIRROR_PASSWORD")
	hostile "[$(index b), {\"listener\": \"a\", \"status\": 404}]"
	cat >"$HOME/.pypirc" <<-RC
	[distutils]
	index-servers =
	    pypi
	    mirror

	[pypi]
	username = __token__
	password = $PYPI_PASSWORD

	[mirror]
	repository = $B/legacy/
	username = uploader
	password = $MIRROR_PASSWORD
	RC
	run --separate-stderr pypi-upload -v -U "$A/legacy/" "$WHEEL"
	clean
	[ "$status" -eq 5 ] || { echo "$stderr"; false; }
	[[ $stderr == *"no credentials"* ]]
	run --separate-stderr pypi-upload -v -w 5 -r mirror "$WHEEL"
	clean "$B"
	nowhere "$PYPI_PASSWORD"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$B" --method POST --auth "$mirror_basic")" -eq 1 ]
	[ "$(seen "$B_ALIAS")" -eq 0 ]
	[ "$(seen "$A")" -eq 0 ]
}

# Trusted publishing: the CI provider's OIDC endpoint on listener b, the index on a.
trusted_publishing() {
	sentinel REQUEST_TOKEN actions-request
	export ACTIONS_ID_TOKEN_REQUEST_URL="$B/oidc/token?api-version=2.0"
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=$REQUEST_TOKEN
}

@test "trusted publishing: an OIDC request URL that redirects elsewhere gets nothing there" {
	hostile '[
	{"listener": "a", "method": "GET", "path": "^/_/oidc/audience$", "json": {"audience": "testpypi"}},
	{"listener": "b", "host": "^127[.]", "path": "^/oidc/token", "status": 302, "headers": {"Location": "{other_host}{path}"}},
	{"host": "^localhost", "path": "^/oidc/token", "json": {"value": "stolen-id-token"}},
	{"listener": "a", "method": "GET", "status": 404}]'
	trusted_publishing
	run --separate-stderr pypi-upload -U "$A/legacy/" "$WHEEL"
	clean "$B"
	[ "$status" -eq 5 ] || { echo "$stderr"; show_log; false; }
	[[ $stderr == *"the CI provider refused an OIDC token (HTTP 302)"* ]]
	[ "$(seen "$B" --path '^/oidc/token[?]api-version=2.0&audience=testpypi$' --auth "Bearer $REQUEST_TOKEN")" -eq 1 ]
	[ "$(seen "$A" --method POST)" -eq 0 ]
}

@test "trusted publishing: each token goes to its own origin, the minted one to the upload only" {
	local minted=pypi-minted-$RANDOM$RANDOM$RANDOM
	sentinel ID_TOKEN oidc-id-token
	hostile "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/_/oidc/audience\$\", \"json\": {\"audience\": \"testpypi\"}},
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"POST\", \"path\": \"^/_/oidc/mint-token\$\", \"json\": {\"token\": \"$minted\"}},
	{\"listener\": \"b\", \"host\": \"^127[.]\", \"path\": \"^/oidc/token\", \"auth\": true, \"json\": {\"value\": \"$ID_TOKEN\"}},
	$(index a)]"
	trusted_publishing
	run --separate-stderr pypi-upload -w 5 -U "$A/legacy/" "$WHEEL"
	clean "$A" "$B"
	only_at "$B" "$REQUEST_TOKEN"
	only_at "$A" "$ID_TOKEN" "$minted"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	# The minted token shows once, as the CI log's masking command, and nowhere else.
	[ "$(grep -c -- "$minted" <<<"$output$stderr")" -eq 1 ]
	[ "${lines[0]}" = "::add-mask::$minted" ]
	[ "$(seen "$B" --auth "Bearer $REQUEST_TOKEN")" -eq 1 ]
	[ "$(seen "$A" --method POST --path '^/_/oidc/mint-token$' --no-auth)" -eq 1 ]
	[ "$(seen "$A" --method POST --path '^/legacy/$' --auth "$(basic __token__ "$minted")")" -eq 1 ]
	[ "$(seen "$A_ALIAS")" -eq 0 ]
}

@test "an upload refused with a body that echoes the credential shows none of it, whole or cut" {
	local pad
	PYPI_TOKEN=pypi-$(random_text A-Za-z0-9 48)
	SECRETS+=("$PYPI_TOKEN")
	export PYPI_TOKEN
	BASIC=$(basic __token__ "$PYPI_TOKEN")
	# Their random parts: "pypi-" and the base64 of "__token__:pypi-" are no secret.
	PARTS=("${PYPI_TOKEN#pypi-}" "${BASIC#Basic X190b2tlbl9fOnB5cGkt}")
	# The message shows the first 300 bytes of the body: end them half way into the credential.
	pad=$(printf '%*s' $((300 - ${#BASIC} / 2)) '' | tr ' ' .)
	hostile "[
	{\"method\": \"POST\", \"path\": \"^/legacy/\$\", \"times\": 1, \"status\": 400, \"body\": \"refused {header:authorization}\"},
	{\"method\": \"POST\", \"path\": \"^/legacy/\$\", \"status\": 400, \"body\": \"$pad{header:authorization}\"},
	{\"method\": \"GET\", \"status\": 404}]"
	for cut in whole half; do
		run --separate-stderr pypi-upload -U "$A/legacy/" "$WHEEL"
		clean "$A"
		no_part_in "$output" "$stderr"
		[ "$status" -eq 3 ] || { echo "$stderr"; false; }
		[[ $stderr == *"the index refused '$WHEEL_NAME' (HTTP 400): "* ]]
	done
	[ "$(seen "$A" --method POST --auth "$BASIC")" -eq 2 ]
}
