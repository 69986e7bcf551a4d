#!/usr/bin/env bats
# oci-push against registries that try to send its credentials elsewhere:
# token realms that redirect to another host or to plain http, realms on
# another host, upload locations, manifest reads and tag pages on another
# host, names that only look like loopback, an https registry naming an
# http realm, an error that echoes the credential. The registry's password
# must reach the registry (or the realm it trusts) and nothing else, and
# never show in any output.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
	require oci-push "$PY3" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME=$BATS_TEST_TMPDIR/home DOCKER_CONFIG=$BATS_TEST_TMPDIR/home/.docker
	mkdir -p "$DOCKER_CONFIG"
	unset OCI_TRUSTED_REALMS http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=5000
	"$PY3" "$TOP/tests/oci-push/mkarchive.py" amd64.tar --arch amd64 --seed hostile
	sentinel PASSWORD registry-password
	# A cookie the registry sets is a credential too: it must not travel either.
	sentinel COOKIE registry-session
	export OCI_USERNAME=tester OCI_PASSWORD=$PASSWORD
	BASIC=$(basic tester "$PASSWORD")
}

teardown() {
	stop_hostile
}

# A registry on listener L (reached as 127.0.0.1) that challenges with
# CHALLENGE, sets a session cookie, keeps the manifests it is sent and
# pretends to hold every blob:
#   registry L CHALLENGE   prints rules to append to a test's own
registry() {
	local on='"listener": "'$1'", "host": "^127[.]"'
	cat <<-JSON
	{$on, "auth": false, "status": 401, "headers": {"WWW-Authenticate": $(json_str "$2")},
	 "json": {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}},
	{$on, "method": "GET", "path": "^/v2/\$", "json": {}, "headers": {"Set-Cookie": "session=$COOKIE; Path=/"}},
	{$on, "method": "HEAD", "path": "^/v2/acme/app/blobs/sha256:"},
	{$on, "method": "GET", "path": "^/v2/acme/app/tags/list", "json": {"name": "acme/app", "tags": []}},
	{$on, "method": "PUT", "path": "^/v2/acme/app/manifests/", "status": 201, "store": true},
	{$on, "method": "GET|HEAD", "path": "^/v2/acme/app/manifests/", "stored": true,
	 "headers": {"Docker-Content-Digest": "sha256:{stored_sha256}",
		     "Content-Type": "application/vnd.oci.image.index.v1+json"}}
	JSON
}

bearer() {
	echo "Bearer realm=\"$1\",service=\"hostile-registry\""
}

# The token realm on the registry's origin redirects (STATUS) to TARGET:
# another host ({other_host}) or another port ({b}).   realm_redirect STATUS TARGET
realm_redirect() {
	local target
	hostile "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"path\": \"^/token\", \"status\": $1,
	 \"headers\": {\"Location\": \"$2{path}\"}},
	{\"path\": \"^/token\", \"status\": 401, \"json\": {\"details\": \"who are you\"}},
	$(registry a "$(bearer '{self}/token')")]"
	run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	clean "$A"
	[ "$status" -eq 5 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$A" --path '^/token' --auth "$BASIC")" -ge 1 ]
	target=$A_ALIAS
	[ "$2" = '{other_host}' ] || target=$B
	[ "$(seen "$target" --path '^/token' --no-auth)" -ge 1 ]
}

@test "a token realm that redirects (302) to another host gets the password, the other host does not" {
	realm_redirect 302 '{other_host}'
}

@test "a token realm that redirects (307) to another port gets the password, the other port does not" {
	realm_redirect 307 '{b}'
}

@test "an https registry's realm that redirects to http: nothing goes in clear" {
	hostile "[
	{\"listener\": \"s\", \"path\": \"^/token\", \"status\": 302, \"headers\": {\"Location\": \"{a}{path}\"}},
	{\"listener\": \"a\", \"path\": \"^/token\", \"auth\": true, \"json\": {\"token\": \"stolen\"}},
	{\"listener\": \"a\", \"path\": \"^/token\", \"status\": 401, \"json\": {\"details\": \"who are you\"}},
	$(registry s "$(bearer '{self}/token')")]" tls
	CURL_CA_BUNDLE=$CA_FILE run --separate-stderr oci-push -t v1.0.0 "$S/acme/app" amd64.tar
	clean "$S"
	[ "$status" -eq 5 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$S" --path '^/token' --auth "$BASIC")" -ge 1 ]
	[ "$(seen "$A" --path '^/token' --no-auth)" -ge 1 ]
}

@test "a realm on another host gets the password only when OCI_TRUSTED_REALMS names it, and only it" {
	sentinel TOKEN bearer-token
	hostile "[
	{\"host\": \"^localhost\", \"path\": \"^/token\", \"auth\": true, \"json\": {\"token\": \"$TOKEN\"}},
	{\"host\": \"^localhost\", \"path\": \"^/token\", \"status\": 401, \"json\": {\"details\": \"who are you\"}},
	$(registry a "$(bearer '{other_host}/token')")]"
	run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	clean "$A"
	[ "$status" -eq 5 ]
	[[ $stderr == *"OCI_TRUSTED_REALMS=$A_ALIAS"* ]] || { echo "$stderr"; false; }

	OCI_TRUSTED_REALMS=$A_ALIAS run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	no_secret_in "$output" "$stderr"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
	# The realm got the password; the registry got the token, and never the password.
	[ "$(seen "$A_ALIAS" --path '^/token' --auth "$BASIC")" -eq 1 ]
	[ "$(seen "$A" --auth "Bearer $TOKEN")" -ge 3 ]
	[ "$(seen "$A" --auth "$BASIC")" -eq 0 ]
	[ "$(seen "$A_ALIAS" --auth "Bearer $TOKEN")" -eq 0 ]
}

@test "a blob upload whose POST answers a Location on another port: the PUT goes there bare" {
	hostile "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"HEAD\", \"path\": \"/blobs/sha256:\", \"status\": 404},
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"POST\", \"path\": \"^/v2/acme/app/blobs/uploads/\$\",
	 \"auth\": true, \"status\": 202, \"headers\": {\"Location\": \"{b}/storage/upload-1?state=x\"}},
	{\"listener\": \"b\", \"method\": \"PUT\", \"path\": \"^/storage/upload-1[?]state=x&digest=sha256\", \"status\": 201},
	$(registry a 'Basic realm="hostile"')]"
	run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
	[ "$(seen "$A" --method POST --path /blobs/uploads/ --auth "$BASIC")" -ge 3 ]
	[ "$(seen "$B" --method PUT --path '^/storage/upload-1' --no-auth)" -ge 3 ]
}

@test "a manifest GET redirected to another host goes there without credentials" {
	hostile "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/v2/acme/app/manifests/sha256:\",
	 \"auth\": true, \"status\": 307, \"headers\": {\"Location\": \"{other_host}{path}\"}},
	{\"host\": \"^localhost\", \"method\": \"GET\", \"path\": \"^/v2/acme/app/manifests/sha256:\", \"stored\": true,
	 \"headers\": {\"Content-Type\": \"application/vnd.oci.image.index.v1+json\"}},
	$(registry a 'Basic realm="hostile"')]"
	run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$A" --method PUT --auth "$BASIC")" -ge 2 ]
	[ "$(seen "$A_ALIAS" --method GET --path /manifests/ --no-auth)" -eq 1 ]
}

@test "the tag list's Link rel=next on another host is read without credentials" {
	hostile "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/v2/acme/app/tags/list\", \"auth\": true,
	 \"headers\": {\"Link\": \"<{other_host}/v2/acme/app/tags/list?last=v0.9.0&n=1000>; rel=\\\"next\\\"\"},
	 \"json\": {\"name\": \"acme/app\", \"tags\": [\"v0.9.0\"]}},
	{\"host\": \"^localhost\", \"path\": \"^/v2/acme/app/tags/list\", \"json\": {\"name\": \"acme/app\", \"tags\": [\"v0.9.1\"]}},
	$(registry a 'Basic realm="hostile"')]"
	run --separate-stderr oci-push -t v1.0.0 -t latest "${A#http://}/acme/app" amd64.tar
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$(seen "$A" --path /tags/list --auth "$BASIC")" -eq 1 ]
	[ "$(seen "$A_ALIAS" --path '/tags/list[?]last=v0.9.0' --no-auth)" -eq 1 ]
}

@test "names that only look like loopback are spoken to over https, through the proxy" {
	local name
	# The proxy: any plain-http request meets a Basic challenge, no tunnel opens.
	hostile '[
	{"method": "CONNECT", "status": 403},
	{"path": "^http://", "status": 401, "headers": {"WWW-Authenticate": "Basic realm=\"proxy\""}}]'
	export http_proxy=$A https_proxy=$A HTTPS_PROXY=$A SHIPSYNC_HTTP_DEADLINE_MS=1500
	for name in localhost-registry.example 127.reg.example 127.0.0.1.example; do
		run --separate-stderr oci-push -t v1.0.0 "$name/acme/app" amd64.tar
		clean
		[ "$(seen "http://$name" --path '^http://')" -eq 0 ] || { show_log; false; }
		[ "$(seen "http://$name:443" --method CONNECT --path "^$name:443\$")" -ge 1 ]
		[ "$status" -eq 4 ] || { echo "$stderr"; false; }
	done
}

@test "an https registry naming a plain-http realm is refused: nothing is sent there" {
	hostile "[
	{\"listener\": \"a\", \"path\": \"^/token\", \"json\": {\"token\": \"stolen\"}},
	$(registry s "$(bearer '{a}/token')")]" tls
	for trusted in '' "$A"; do
		OCI_TRUSTED_REALMS=$trusted CURL_CA_BUNDLE=$CA_FILE \
			run --separate-stderr oci-push -t v1.0.0 "$S/acme/app" amd64.tar
		clean "$S"
		[ "$(seen "$A")" -eq 0 ]
		[ "$status" -eq 5 ] || { echo "$stderr"; show_log; false; }
		[[ $stderr == *"over plain http: refusing"* ]]
	done
	[ "$(seen "$S" --method GET --path '^/v2/$')" -eq 2 ]
}

@test "an error that echoes the credential shows none of it" {
	# Random, so that no eight characters of it are ordinary words.
	PASSWORD=$(random_text A-Za-z0-9 32)
	export OCI_PASSWORD=$PASSWORD
	SECRETS+=("$PASSWORD")
	BASIC=$(basic tester "$PASSWORD")
	# Their random parts: the base64 of "tester" is no secret.
	PARTS=("$PASSWORD" "${BASIC#Basic dGVzdGVy}")
	hostile "[
	{\"listener\": \"a\", \"method\": \"PUT\", \"path\": \"/manifests/\", \"auth\": true, \"status\": 400,
	 \"json\": {\"errors\": [{\"code\": \"DENIED\", \"message\": \"not for {header:authorization}\"}]}},
	$(registry a 'Basic realm="hostile"')]"
	run --separate-stderr oci-push -t v1.0.0 "${A#http://}/acme/app" amd64.tar
	clean "$A"
	no_part_in "$output" "$stderr"
	[ "$status" -eq 3 ] || { echo "$stderr"; false; }
	[[ $stderr == *"DENIED: not for ***"* ]]
}
