#!/usr/bin/env bats
# healthwait against local HTTP(S) servers that misbehave on purpose (no Docker).
load ../lib/common
bats_require_minimum_version 1.5.0

SERVER=$BATS_TEST_DIRNAME/server.py

setup() {
	require healthwait python3 openssl
}

teardown() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -e "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
		wait "$(cat "$f")" 2>/dev/null || true
	done
}

# serve MODE [server.py options...]: starts the server, sets PORT.
serve() {
	PORT=$(free_port)
	python3 "$SERVER" "$PORT" "$@" >"$BATS_TEST_TMPDIR/server.log" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/server-$PORT.pid"
	wait_port "$PORT"
}

# A CA and a server certificate for 127.0.0.1 signed by it, made now.
make_tls() {
	local d=$BATS_TEST_TMPDIR ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.pem" -days 1 \
		-subj /CN=healthwait-test-ca 2>/dev/null
	openssl req "${ec[@]}" -keyout "$d/server.key" -out "$d/server.csr" -subj /CN=127.0.0.1 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' >"$d/san.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/server.pem" -days 1 -extfile "$d/san.ext" 2>/dev/null
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr healthwait --help
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	[[ $output == usage:\ healthwait* ]]
	[ -z "$stderr" ]
}

@test "--version names the tool" {
	run healthwait --version
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	[[ $output == "healthwait (shipsync) "* ]]
}

@test "usage errors exit 2" {
	run healthwait
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait -t soon http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	[[ $output == *"invalid timeout 'soon'"* ]]
	run healthwait -t 0 http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait -e healthy http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait --netns http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait --running-ok http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait http://127.0.0.1:1/a http://127.0.0.1:1/b
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	run healthwait --bogus http://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
}

@test "refuses a URL that is not http or https" {
	run healthwait 'ftp://127.0.0.1/health'
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
	[[ $output == *"'ftp://127.0.0.1/health' is not an http:// or https:// URL"* ]]
	run healthwait "$(printf 'not a url\033[2J')"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 2 ]
}

@test "refuses a CA file it cannot read" {
	run healthwait -C "$BATS_TEST_TMPDIR/missing.pem" https://127.0.0.1:1/health
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 3 ]
	[[ $output == *"cannot read the CA file"* ]]
}

@test "a healthy service: exit 0 and nothing printed" {
	serve healthy
	run --separate-stderr healthwait -t 10 "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "the JSON field check matches strings, booleans and dotted paths into arrays" {
	serve nested
	run healthwait -t 10 -f app.checks.0.db -e ok "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	run healthwait -t 10 --json-field ready --expect true "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "waits through 503 answers until the service is healthy" {
	serve after --after 4
	run healthwait -t 20 -f status -e healthy "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "a flapping service: the first healthy answer is enough" {
	serve flap --after 3
	run healthwait -t 20 -f status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "a field that never has the expected value: exit 4 with the value, the status and the body" {
	serve starting
	run --separate-stderr healthwait -t 1 -f status -e healthy "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[[ $stderr == *"is not healthy after"* ]]
	[[ $stderr == *"HTTP 200, field 'status' is \"starting\", not \"healthy\""* ]]
	[[ $stderr == *'last body: {"status": "starting"}'* ]]
}

@test "a field the JSON does not have: exit 4 naming it" {
	serve healthy
	run healthwait -t 1 -f app.status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"the JSON body has no field 'app.status'"* ]]
}

@test "a body that is not JSON fails the field check, passes without one" {
	serve notjson
	run healthwait -t 1 -f status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"HTTP 200, the body is not JSON"* ]]
	[[ $output == *"last body: OK"* ]]
	run healthwait -t 5 "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "follows redirects to the healthy endpoint" {
	serve redirect
	run healthwait -t 10 -f status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "a redirect loop is not healthy" {
	serve loop
	run healthwait -t 1 "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"HTTP 302, a redirect that leads nowhere healthy"* ]]
}

@test "a hostile body is shown without control characters and cut short" {
	serve hostile
	run --separate-stderr healthwait -t 1 "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $stderr == *"HTTP 503"* ]]
	[[ $stderr == *"last body: .[31mred. bell new.line AAA"*"..."* ]]
	local controls longest
	controls=$(printf '%s' "$stderr" | LC_ALL=C tr -d '\n[:print:]' | wc -c)
	[ "$controls" -eq 0 ]
	longest=$(printf '%s\n' "$stderr" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
	[ "$longest" -lt 400 ]
}

@test "a slow answer within the deadline counts" {
	serve slow --delay 1.5
	run healthwait -t 20 -f status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "the deadline holds against a server that never answers" {
	serve hang
	run timeout 30 healthwait -t 1 "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"is not healthy after"* ]]
}

@test "a dead port: exit 4 saying the connection failed" {
	local port
	port=$(free_port)
	run healthwait -t 1 "http://127.0.0.1:$port/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"127.0.0.1:$port/health' is not healthy"* ]]
	[[ $output == *"onnect"* ]]
}

@test "a service that starts late is waited for" {
	local port
	port=$(free_port)
	(sleep 1; exec python3 "$SERVER" "$port" healthy) &
	echo $! >"$BATS_TEST_TMPDIR/late.pid"
	run healthwait -t 20 -f status "http://127.0.0.1:$port/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "TLS: trusted with --cacert, refused without it" {
	make_tls
	serve healthy --cert "$BATS_TEST_TMPDIR/server.pem" --key "$BATS_TEST_TMPDIR/server.key"
	run healthwait -t 10 --cacert "$BATS_TEST_TMPDIR/ca.pem" -f status "https://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	run healthwait -t 5 "https://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 4 ]
	[[ $output == *"is not healthy after"* ]]
	[[ $output == *ertificate* ]]
}

@test "-v reports each change of state on stderr" {
	serve after --after 2
	run --separate-stderr healthwait -v -t 20 -f status "http://127.0.0.1:$PORT/health"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ $stderr == *"healthwait: url: HTTP 503"* ]]
	[[ $stderr == *"healthwait: url: healthy"* ]]
}

@test "the URL examples of the man page run" {
	local ex
	serve healthy
	ex=$(sed -n 's/^\.Dl \$ //p' "$TOP/man/healthwait.1" | grep -v -e ' -c ' -e https)
	[ -n "$ex" ]
	ex=${ex//8000/$PORT}
	run bash -ec "$ex"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}

@test "the TLS example of the man page runs" {
	local ex
	make_tls
	serve healthy --cert "$BATS_TEST_TMPDIR/server.pem" --key "$BATS_TEST_TMPDIR/server.key"
	ex=$(sed -n 's/^\.Dl \$ //p' "$TOP/man/healthwait.1" | grep https)
	[ -n "$ex" ]
	ex=${ex//8443/$PORT}
	cd "$BATS_TEST_TMPDIR"
	run bash -ec "$ex"
	echo "status $status: $output${stderr:+ / $stderr}"
	[ "$status" -eq 0 ]
}
