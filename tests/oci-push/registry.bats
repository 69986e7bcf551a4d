#!/usr/bin/env bats
# oci-push against the real Distribution registry: what lands there, tags, layouts.

load ../lib/common
load helpers

setup() {
	isolate_home
	cd "$BATS_TEST_TMPDIR"
	mkarchive amd64.tar --arch amd64 --seed a
	mkarchive arm64.tar --arch arm64 --variant v8 --seed a
}

teardown() {
	stop_services
}

@test "pushes two platforms as one index, prints its digest, and every document validates" {
	registry
	run oci-push --tag v1.0.0 "$REGISTRY/acme/app" amd64.tar linux/arm64=arm64.tar
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	digest=$output
	[ "$(tag_digest acme/app v1.0.0)" = "$digest" ]
	get_manifest acme/app "$digest" -o index.json
	[ "sha256:$(sha256sum <index.json | cut -d' ' -f1)" = "$digest" ]
	oci_validate index index.json
	jq -r '.manifests[] | .platform.os + "/" + .platform.architecture + "/" + (.platform.variant // "")' index.json >plats
	grep -qx 'linux/amd64/' plats
	grep -qx 'linux/arm64/v8' plats
	for m in $(jq -r '.manifests[].digest' index.json); do
		get_manifest acme/app "$m" -o "m-${m#sha256:}.json"
		oci_validate manifest "m-${m#sha256:}.json"
		# every blob the manifest names is in the registry with that digest
		for b in $(jq -r '.config.digest, .layers[].digest' "m-${m#sha256:}.json"); do
			curl -fsS "http://$REGISTRY/v2/acme/app/blobs/$b" | sha256sum | grep -q "^${b#sha256:} "
		done
	done
}

@test "the schema check itself rejects a broken manifest" {
	# oci_validate would skip inside run, where a skip cannot end the test
	require_vectors oci-image-spec || return 1
	echo '{"schemaVersion":2,"config":{"mediaType":"x","digest":"nope","size":-1},"layers":[]}' >bad.json
	run oci_validate manifest bad.json
	[ "$status" -ne 0 ]
}

@test "a second push of the same archives uploads nothing and prints the same digest" {
	registry
	first=$(oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar arm64.tar)
	run oci-push -v -t v1.0.0 "$REGISTRY/acme/app" amd64.tar arm64.tar
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$first" ]
	! grep -q uploaded <<<"$output"
	grep -q 'exists sha256:' <<<"$output"
}

@test "--dry-run lists uploads and tags and writes nothing" {
	registry
	run oci-push -n -t v1.0.0 -t latest "$REGISTRY/acme/app" amd64.tar arm64.tar
	[ "$status" -eq 0 ]
	grep -q '^upload sha256:' <<<"$output"
	grep -q '^put manifest sha256:.* linux/arm64/v8$' <<<"$output"
	grep -q '^put index sha256:' <<<"$output"
	grep -qx 'tag v1.0.0' <<<"$output"
	grep -qx 'tag latest' <<<"$output"
	[ -z "$(stored_blobs "$BATS_TEST_TMPDIR/reg/data")" ]
	run curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/acme/app/tags/list"
	[ "$output" = 404 ]
}

@test "latest, X and X.Y move forward to stable versions only, never backwards" {
	registry
	mkarchive old.tar --arch amd64 --seed old
	mkarchive rc.tar --arch amd64 --seed rc
	mkarchive fix.tar --arch amd64 --seed fix
	v2=$(oci-push -t v2.0.0 -t 2 -t 2.0 -t latest "$REGISTRY/acme/app" amd64.tar)
	[ "$(tag_digest acme/app latest)" = "$v2" ]
	# an older line: its own X.Y and X move, latest stays
	old=$(oci-push -v -t v1.4.0 -t 1 -t 1.4 -t latest "$REGISTRY/acme/app" old.tar 2>err)
	grep -q "not moving tag 'latest': a higher stable version" err
	[ "$(tag_digest acme/app latest)" = "$v2" ]
	[ "$(tag_digest acme/app 1.4)" = "$old" ]
	[ "$(tag_digest acme/app 1)" = "$old" ]
	# a prerelease moves nothing
	rc=$(oci-push -t v3.0.0-rc.1 -t latest -t 3 "$REGISTRY/acme/app" rc.tar)
	[ "$(tag_digest acme/app v3.0.0-rc.1)" = "$rc" ]
	[ "$(tag_digest acme/app latest)" = "$v2" ]
	[ -z "$(tag_digest acme/app 3)" ]
	# a newer patch moves all three
	fix=$(oci-push -t v2.0.1 -t 2 -t 2.0 -t latest "$REGISTRY/acme/app" fix.tar)
	for t in latest 2 2.0; do [ "$(tag_digest acme/app $t)" = "$fix" ]; done
}

@test "--list-tags: after the digest, each tag and whether it moved or stayed" {
	registry
	mkarchive old.tar --arch amd64 --seed old
	oci-push -t v2.0.0 -t latest "$REGISTRY/acme/app" amd64.tar >/dev/null
	run oci-push -l -t v1.4.0 -t 1.4 -t latest "$REGISTRY/acme/app" old.tar
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} =~ ^sha256:[0-9a-f]{64}$ ]]
	[ "${lines[1]}" = "tag v1.4.0" ]
	[ "${lines[2]}" = "tag 1.4" ]
	[[ ${lines[3]} == "keep latest ("*")" ]]
	[ "$(tag_digest acme/app 1.4)" = "${lines[0]}" ]
	# without it, the digest alone, as before
	run oci-push -t v1.4.0 -t 1.4 -t latest "$REGISTRY/acme/app" old.tar
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "reads every page of the tag list before moving latest" {
	registry
	mkarchive b.tar --arch amd64 --seed b
	for v in v1.0.0 v1.1.0 v1.2.0 v1.3.0; do oci-push -t $v "$REGISTRY/acme/app" amd64.tar >/dev/null; done
	high=$(oci-push -t v9.0.0 -t latest "$REGISTRY/acme/app" b.tar)
	# v9.0.0 sorts last: with pages of 2 it is only on the third page
	OCI_PUSH_PAGE_SIZE=2 run oci-push -t v2.0.0 -t latest "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	[ "$(tag_digest acme/app latest)" = "$high" ]
}

@test "refuses to overwrite a version tag with other content (exit 6) unless --force" {
	registry
	mkarchive other.tar --arch amd64 --seed other
	oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar >/dev/null
	before=$(tag_digest acme/app v1.0.0)
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" other.tar
	[ "$status" -eq 6 ]
	grep -q "already points to $before" <<<"$output"
	[ "$(tag_digest acme/app v1.0.0)" = "$before" ]
	run oci-push --force -t v1.0.0 "$REGISTRY/acme/app" other.tar
	[ "$status" -eq 0 ]
	[ "$(tag_digest acme/app v1.0.0)" = "$output" ]
}

@test "mounts blobs from another repository of the same registry" {
	registry
	oci-push -t v1.0.0 "$REGISTRY/acme/base" amd64.tar >/dev/null
	run oci-push -v --mount-from acme/base -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 0 ]
	grep -q '^oci-push: mounted sha256:' <<<"$output"
	! grep -q '^oci-push: uploaded' <<<"$output"
}

@test "chunked uploads store the same blobs as monolithic ones" {
	registry
	mkarchive big.tar --arch amd64 --seed big --layers 2 --size 300000
	run oci-push --chunk-size 65536 -t v1.0.0 "$REGISTRY/acme/chunked" big.tar
	[ "$status" -eq 0 ]
	chunked=$output
	run oci-push -t v1.0.0 "$REGISTRY/acme/mono" big.tar
	[ "$chunked" = "$output" ]
	m=$(get_manifest acme/chunked "$chunked" | jq -r '.manifests[0].digest')
	for b in $(get_manifest acme/chunked "$m" | jq -r '.layers[].digest'); do
		curl -fsS "http://$REGISTRY/v2/acme/chunked/blobs/$b" | sha256sum | grep -q "^${b#sha256:} "
	done
}

@test "pushes OCI layouts (directory, tar, gzip layers) and Docker 25 archives with their manifests verbatim" {
	registry
	mkarchive dir --arch amd64 --layout oci-dir --seed l
	mkarchive layout.tar --arch arm64 --layout oci-tar --seed l
	mkarchive gz --arch ppc64le --layout gzip-oci --seed l
	mkarchive d25.tar --arch s390x --layout docker25 --seed l
	run oci-push -t v1.0.0 "$REGISTRY/acme/layouts" dir layout.tar gz d25.tar
	[ "$status" -eq 0 ]
	get_manifest acme/layouts v1.0.0 -o index.json
	oci_validate index index.json
	[ "$(jq '.manifests | length' index.json)" -eq 4 ]
	for m in $(jq -r '.manifests[].digest' dir/index.json gz/index.json); do
		jq -e --arg m "$m" '.manifests[] | select(.digest == $m)' index.json >/dev/null
	done
	m=$(jq -r '.manifests[] | select(.platform.architecture == "ppc64le") | .digest' index.json)
	get_manifest acme/layouts "$m" | jq -e '.layers[0].mediaType | endswith("tar+gzip")'
	get_manifest acme/layouts "$m" -o gzm.json
	cmp gzm.json "gz/blobs/sha256/${m#sha256:}"
}

@test "classic layers go up uncompressed as OCI tar layers whose digest is the diff_id" {
	registry
	digest=$(oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar)
	m=$(get_manifest acme/app "$digest" | jq -r '.manifests[0].digest')
	get_manifest acme/app "$m" -o m.json
	jq -e '[.layers[].mediaType] | unique == ["application/vnd.oci.image.layer.v1.tar"]' m.json
	cfg=$(jq -r .config.digest m.json)
	curl -fsS "http://$REGISTRY/v2/acme/app/blobs/$cfg" -o cfg.json
	[ "$(jq -c '[.layers[].digest]' m.json)" = "$(jq -c .rootfs.diff_ids cfg.json)" ]
}

@test "--delete removes the tag's manifest and prints its digest" {
	registry
	digest=$(oci-push -t v1.0.0 -t edge "$REGISTRY/acme/app" amd64.tar)
	run oci-push -n --delete edge "$REGISTRY/acme/app"
	[ "$status" -eq 0 ]
	[ "$output" = "delete edge $digest" ]
	[ "$(tag_digest acme/app edge)" = "$digest" ]
	run oci-push --delete edge "$REGISTRY/acme/app"
	[ "$status" -eq 0 ]
	[ "$output" = "$digest" ]
	[ -z "$(tag_digest acme/app edge)" ]
	[ -z "$(tag_digest acme/app v1.0.0)" ]
}

@test "--delete of a tag that does not exist exits 8" {
	registry
	oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar >/dev/null
	run oci-push --delete v9.9.9 "$REGISTRY/acme/app"
	[ "$status" -eq 8 ]
	grep -q "tag 'v9.9.9' is not in" <<<"$output"
}

@test "--delete on a registry with deletion disabled says so and exits 1, the tag intact" {
	registry nodelete
	digest=$(oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar)
	run oci-push --delete v1.0.0 "$REGISTRY/acme/app"
	[ "$status" -eq 1 ]
	grep -q "does not allow deleting manifests" <<<"$output"
	grep -q "still points to $digest" <<<"$output"
	[ "$(tag_digest acme/app v1.0.0)" = "$digest" ]
}

@test "refuses an archive whose platform contradicts its config (exit 3)" {
	registry
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" linux/arm64=amd64.tar
	[ "$status" -eq 3 ]
	grep -q "'amd64.tar' was given as linux/arm64 but its image config says linux/amd64" <<<"$output"
}

@test "refuses two archives of the same platform (exit 2)" {
	mkarchive again.tar --arch amd64 --seed again
	run oci-push -t v1.0.0 127.0.0.1:1/acme/app amd64.tar again.tar
	[ "$status" -eq 2 ]
	grep -q "are both linux/amd64" <<<"$output"
}

@test "a layer whose bytes do not match its digest fails with exit 3 and tags nothing" {
	registry
	# flip bytes inside the first layer's file data, keeping the tar valid
	python3 - amd64.tar <<-'PY'
	import sys, tarfile
	path = sys.argv[1]
	with tarfile.open(path) as t:
	    m = next(x for x in t.getmembers() if x.name.endswith("layer.tar"))
	with open(path, "r+b") as f:
	    f.seek(m.offset_data + 1024)
	    f.write(b"corrupt!")
	PY
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar
	[ "$status" -eq 3 ]
	grep -q "does not match its digest" <<<"$output"
	[ -z "$(tag_digest acme/app v1.0.0)" ]
}
