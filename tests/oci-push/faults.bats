#!/usr/bin/env bats
# oci-push when the network and the registry misbehave.

load ../lib/common
load helpers

setup() {
	isolate_home
	cd "$BATS_TEST_TMPDIR"
	mkarchive amd64.tar --arch amd64 --seed faults --layers 3 --size 200000
	export SHIPSYNC_HTTP_DEADLINE_MS=20000
}

teardown() {
	stop_services
}

@test "500s on blob uploads are retried and the push completes" {
	registry
	fault_proxy '[{"method": "PUT", "path": "/blobs/uploads/", "times": 2, "action": "status:500"}]'
	run oci-push -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q "warning: uploading sha256:.*HTTP 500.*retrying in" <<<"$output"
	[[ "${lines[-1]}" =~ ^sha256: ]]
	[ "$(tag_digest acme/app v1.0.0)" = "${lines[-1]}" ]
}

@test "500s, a 429 with Retry-After and a reset on manifests and checks are retried" {
	registry
	fault_proxy '[{"method": "HEAD", "path": "/blobs/", "times": 1, "action": "status:503"},
		{"method": "PUT", "path": "/manifests/", "times": 1, "action": "status:500"},
		{"method": "GET", "path": "/tags/list", "times": 1, "action": "reset"},
		{"method": "POST", "path": "/blobs/uploads/", "times": 1, "action": "status:429"}]'
	run oci-push -t v1.0.0 -t latest "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[ "$(tag_digest acme/app latest)" = "${lines[-1]}" ]
	# (the reset is retried by libcurl itself, on a fresh connection)
	[ "$(grep -c 'retrying in' <<<"$output")" -ge 3 ]
	grep -q "HTTP 429.*retrying in 1.0 s" <<<"$output"
}

@test "a registry that keeps failing gives up with exit 4 and tags nothing" {
	registry
	fault_proxy '[{"method": "PUT", "path": "/blobs/uploads/", "times": -1, "action": "status:502"}]'
	SHIPSYNC_HTTP_DEADLINE_MS=3000 run oci-push -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 4 ]
	grep -q "failed after .* attempts" <<<"$output"
	[ -z "$(tag_digest acme/app v1.0.0)" ]
}

@test "slow answers are waited for" {
	registry
	fault_proxy '[{"method": "HEAD", "times": 3, "action": "delay:2"}, {"method": "PUT", "times": 1, "action": "delay:2"}]'
	run oci-push -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[ "$(tag_digest acme/app v1.0.0)" = "$output" ]
}

@test "a stalled answer times out and is retried" {
	registry
	fault_proxy '[{"method": "HEAD", "path": "/blobs/", "times": 1, "action": "stall"}]'
	SHIPSYNC_HTTP_TIMEOUT_MS=1000 run oci-push -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q "warning: HEAD .*retrying" <<<"$output"
}

@test "a failure in the middle of a chunked upload restarts that blob" {
	registry
	fault_proxy '[{"method": "PATCH", "skip": 1, "times": 1, "action": "status:500"}]'
	run oci-push -j 1 --chunk-size 65536 -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q "warning: uploading sha256:.*retrying in" <<<"$output"
	m=$(get_manifest acme/app v1.0.0 | jq -r '.manifests[0].digest')
	for b in $(get_manifest acme/app "$m" | jq -r '.layers[].digest'); do
		curl -fsS "http://$REGISTRY/v2/acme/app/blobs/$b" | sha256sum | grep -q "^${b#sha256:} "
	done
}

@test "a dead registry exits 4 with the address in the message" {
	port=$(free_port)
	SHIPSYNC_HTTP_DEADLINE_MS=1500 run oci-push -t v1.0.0 "127.0.0.1:$port/acme/app" amd64.tar
	[ "$status" -eq 4 ]
	grep -q "127.0.0.1:$port" <<<"$output"
}

@test "Authorization does not follow a redirect to another origin" {
	registry htpasswd
	fault_proxy '[{"method": "HEAD", "path": "/blobs/sha256:", "times": -1, "action": "redirect"}]'
	OCI_USERNAME=tester OCI_PASSWORD=$REGISTRY_PASSWORD run oci-push -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	# the other origin saw the HEADs, none with credentials; the registry saw credentials
	grep '"port": "other"' "$PROXY_LOG" | grep -q '"method": "HEAD"'
	! grep '"port": "other"' "$PROXY_LOG" | grep -q '"auth": true'
	grep '"port": "main"' "$PROXY_LOG" | grep -q '"auth": true'
}

@test "killed registry mid-upload: the run fails with 4, a second run completes, nothing is stored twice" {
	registry
	data=$BATS_TEST_TMPDIR/reg/data
	fault_proxy '[{"method": "PUT", "path": "/blobs/uploads/", "skip": 1, "times": 1, "action": "kill-registry"}]' "$REGISTRY_PID"
	SHIPSYNC_HTTP_DEADLINE_MS=2000 run oci-push -j 1 -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 4 ]
	# one blob made it before the kill
	[ "$(stored_blobs "$data" | wc -l)" -ge 1 ]
	# the registry comes back on the same port and storage
	docker-registry serve "$BATS_TEST_TMPDIR/reg/config.yml" >>"$BATS_TEST_TMPDIR/reg/registry.log" 2>&1 &
	remember $!
	wait_port "${REGISTRY##*:}"
	run oci-push -v -t v1.0.0 "$PROXY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q "exists sha256:" <<<"$output"
	digest=${lines[-1]}
	# exactly the blobs of the image, the manifest and the index: each stored once
	m=$(get_manifest acme/app "$digest" | jq -r '.manifests[0].digest')
	{ echo "$digest"; echo "$m"; get_manifest acme/app "$m" | jq -r '.config.digest, .layers[].digest'; } | sort >want
	stored_blobs "$data" >have
	diff want have
}

@test "--dry-run sends only GET and HEAD requests" {
	registry
	oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar >/dev/null
	mkarchive new.tar --arch amd64 --seed new
	fault_proxy '[]'
	run oci-push -n -t v1.1.0 -t 1 -t latest "$PROXY/acme/app" new.tar
	[ "$status" -eq 0 ]
	grep -q '^upload ' <<<"$output"
	[ -s "$PROXY_LOG" ]
	! grep -v '"method": "\(GET\|HEAD\)"' "$PROXY_LOG"
	run oci-push -n --delete v1.0.0 "$PROXY/acme/app"
	[ "$status" -eq 0 ]
	! grep -v '"method": "\(GET\|HEAD\)"' "$PROXY_LOG"
	[ -n "$(tag_digest acme/app v1.0.0)" ]
}
