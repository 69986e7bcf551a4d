#!/usr/bin/env bats
# oci-push credentials: environment, docker config (auths, helpers), Basic and Bearer.

load ../lib/common
load helpers

setup() {
	isolate_home
	cd "$BATS_TEST_TMPDIR"
	mkarchive amd64.tar --arch amd64 --seed auth
}

teardown() {
	stop_services
}

# A fake docker-credential-NAME on PATH that logs its stdin and answers with JSON.
fake_helper() {
	local name=$1 user=$2 secret=$3
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/docker-credential-$name" <<-SH
	#!/bin/sh
	[ "\$1" = get ] || exit 2
	read -r server
	echo "\$server" >>"$BATS_TEST_TMPDIR/helper-$name.log"
	if [ -z "$user" ]; then echo "credentials not found in native keychain"; exit 1; fi
	printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$server" "$user" "$secret"
	SH
	chmod +x "$BATS_TEST_TMPDIR/bin/docker-credential-$name"
	export PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

@test "htpasswd: OCI_USERNAME and OCI_PASSWORD push" {
	registry htpasswd
	OCI_USERNAME=tester OCI_PASSWORD=$REGISTRY_PASSWORD run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256: ]]
}

@test "htpasswd: no credentials anywhere exits 5 and says how to give them" {
	registry htpasswd
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 5 ]
	grep -q "needs credentials: set OCI_USERNAME and OCI_PASSWORD" <<<"$output"
}

@test "htpasswd: a wrong password exits 5, names the user and never shows the password" {
	registry htpasswd
	OCI_USERNAME=tester OCI_PASSWORD=wrong-horse-battery run oci-push -v -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 5 ]
	grep -q "refused user 'tester'.*check the password" <<<"$output"
	! grep -q wrong-horse-battery <<<"$output"
}

@test "htpasswd: docker config auths (base64 user:password)" {
	registry htpasswd
	auth=$(printf 'tester:%s' "$REGISTRY_PASSWORD" | base64 -w0)
	printf '{"auths":{"http://%s":{"auth":"%s"}}}\n' "$REGISTRY" "$auth" >"$DOCKER_CONFIG/config.json"
	run oci-push -v -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	! grep -q "$REGISTRY_PASSWORD" <<<"$output"
	! grep -q "$auth" <<<"$output"
}

@test "htpasswd: a docker config auth that is not base64 of user:password exits 3" {
	registry htpasswd
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" 'bm8tY29sb24taGVyZQ==' >"$DOCKER_CONFIG/config.json"
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 3 ]
	grep -q "not base64 of user:password" <<<"$output"
}

@test "htpasswd: credHelpers runs docker-credential-NAME get with the server on stdin" {
	registry htpasswd
	fake_helper shipsync-test tester "$REGISTRY_PASSWORD"
	printf '{"credsStore":"absent-store","credHelpers":{"%s":"shipsync-test"}}\n' "$REGISTRY" >"$DOCKER_CONFIG/config.json"
	run oci-push -v -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/helper-shipsync-test.log")" = "$REGISTRY" ]
	! grep -q "$REGISTRY_PASSWORD" <<<"$output"
}

@test "htpasswd: credsStore, and auths when the store has nothing for the registry" {
	registry htpasswd
	fake_helper store tester "$REGISTRY_PASSWORD"
	printf '{"credsStore":"store"}\n' >"$DOCKER_CONFIG/config.json"
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	fake_helper empty "" ""
	auth=$(printf 'tester:%s' "$REGISTRY_PASSWORD" | base64 -w0)
	printf '{"credsStore":"empty","auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$auth" >"$DOCKER_CONFIG/config.json"
	run oci-push -t v1.0.1 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -qx "$REGISTRY" "$BATS_TEST_TMPDIR/helper-empty.log"
}

@test "a credential helper that is missing exits 9 and names it" {
	registry htpasswd
	printf '{"credsStore":"no-such-helper-here"}\n' >"$DOCKER_CONFIG/config.json"
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 9 ]
	grep -q "docker-credential-no-such-helper-here" <<<"$output"
}

@test "OCI_PASSWORD wins over the docker config" {
	registry htpasswd
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$(printf 'tester:stale' | base64 -w0)" >"$DOCKER_CONFIG/config.json"
	OCI_USERNAME=tester OCI_PASSWORD=$REGISTRY_PASSWORD run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
}

@test "token: a Bearer token for pull,push from the realm, with Basic credentials" {
	token_registry
	OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD run oci-push -v -t v1.0.0 -t latest "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^sha256: ]]
	grep -q '"result": "issued", "user": "tester"' "$ISSUER_LOG"
	grep -q 'repository:acme/app:pull,push' "$ISSUER_LOG"
	grep -q '"service": \["shipsync-registry"\]' "$ISSUER_LOG"
	! grep -q "$TOKEN_PASSWORD" <<<"$output"
}

@test "token: a token service on another origin gets the registry's credentials only when trusted" {
	token_registry
	unset OCI_TRUSTED_REALMS
	OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 5 ]
	grep -q "another origin" <<<"$output"
	grep -q "OCI_TRUSTED_REALMS=$TOKEN_REALM" <<<"$output"
	! grep -q '"user": "tester"' "$ISSUER_LOG"
	! grep -q "$TOKEN_PASSWORD" <<<"$output"
}

@test "token: credentials the docker config names for the token service's own host are used" {
	token_registry
	unset OCI_TRUSTED_REALMS
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "${TOKEN_REALM#http://}" \
		"$(printf 'tester:%s' "$TOKEN_PASSWORD" | base64 -w0)" >"$DOCKER_CONFIG/config.json"
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q '"result": "issued", "user": "tester"' "$ISSUER_LOG"
}

@test "token: an anonymous token (pull only) cannot push: exit 5" {
	token_registry
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 5 ]
	grep -q '"result": "issued", "user": null' "$ISSUER_LOG"
}

@test "token: a wrong password is refused by the token service: exit 5" {
	token_registry
	OCI_USERNAME=tester OCI_PASSWORD=not-the-one run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 5 ]
	grep -q "token service .* refused user 'tester'" <<<"$output"
	! grep -q not-the-one <<<"$output"
}

@test "token: an expired token is replaced and the push completes" {
	token_registry -600
	OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q '"result": "short"' "$ISSUER_LOG"
	grep -q '"result": "issued"' "$ISSUER_LOG"
}

@test "token: a token that expires in the middle of the push is renewed" {
	token_registry -57
	mkarchive slow.tar --arch amd64 --seed slow --layers 3
	# the first layer upload waits 5 s in the proxy: the 3-second token is dead by then
	fault_proxy '[{"method": "PUT", "path": "/blobs/uploads/", "action": "delay:5"}]'
	REGISTRY=$PROXY OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD run oci-push -j 1 -t v1.0.0 "$PROXY/acme/app" slow.tar
	[ "$status" -eq 0 ]
	[ "$(grep -c '"result"' "$ISSUER_LOG")" -ge 2 ]
	grep -q '"result": "short"' "$ISSUER_LOG"
}

@test "token: deleting asks the realm for the delete action" {
	token_registry
	export OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD
	digest=$(oci-push -t edge "$REGISTRY/acme/app" amd64.tar)
	run oci-push --delete edge "$REGISTRY/acme/app"
	[ "$status" -eq 0 ]
	[ "$output" = "$digest" ]
	grep -q 'repository:acme/app:delete' "$ISSUER_LOG"
}

@test "token: an anonymous pull token is enough for --dry-run" {
	token_registry
	run oci-push -n -t v1.0.0 -t latest "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -qx 'tag latest' <<<"$output"
	grep -q '"result": "issued", "user": null' "$ISSUER_LOG"
}
