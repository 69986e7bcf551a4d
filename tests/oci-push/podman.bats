#!/usr/bin/env bats
# The archives podman saves (docker-archive, oci-archive, an OCI layout
# directory), pushed by oci-push with the digests of the image podman holds,
# then pulled back by podman and run, amd64 natively and arm64 through QEMU.

load ../lib/common
load helpers

setup_file() {
	podman_env "$BATS_FILE_TMPDIR/podman"
	need_podman || return 1
	require jq curl || return 1
	local ctx=$BATS_FILE_TMPDIR/ctx arch
	busybox_context "$ctx" || return 1
	echo "pushed-by-oci-push" >"$ctx/hello.txt"
	cat >"$ctx/Dockerfile" <<-'EOF'
	FROM scratch
	ARG TARGETARCH
	COPY $TARGETARCH/ /
	COPY hello.txt /hello.txt
	HEALTHCHECK --interval=1s CMD ["/bin/busybox", "true"]
	CMD ["/bin/busybox", "cat", "/hello.txt"]
	EOF
	# Docker's format, as validate builds (it keeps HEALTHCHECK), and OCI's, podman's default.
	for arch in amd64 arm64; do
		podman build -q --format docker --platform "linux/$arch" -t "localhost/pm:$arch" "$ctx" >/dev/null 2>&1 || return 1
		podman build -q --format oci --platform "linux/$arch" -t "localhost/pm:oci-$arch" "$ctx" >/dev/null 2>&1 || return 1
	done
}

teardown_file() {
	podman_env_remove "$BATS_FILE_TMPDIR/podman"
}

setup() {
	need_podman
	isolate_home
	# podman reads DOCKER_CONFIG's config.json for credentials: an empty one.
	echo '{}' >"$DOCKER_CONFIG/config.json"
	cd "$BATS_TEST_TMPDIR"
	registry
	# Pulled images go to storage of their own, as on another machine: in
	# podman's, an image pulled with the ID of one there would take its place.
	(podman_env "$BATS_TEST_TMPDIR/pulled")
}

teardown() {
	podman_env_remove "$BATS_TEST_TMPDIR/pulled"
	stop_services
}

# puller ARGS...: podman with the storage that pulls.
puller() {
	CONTAINERS_CONF=$BATS_TEST_TMPDIR/pulled/containers.conf \
		CONTAINERS_STORAGE_CONF=$BATS_TEST_TMPDIR/pulled/storage.conf podman "$@"
}

# The ID of an image podman holds: the digest of its config. pulled_id: of one pulled.
image_id() {
	echo "sha256:$(podman image inspect -f '{{.Id}}' "$1")"
}

pulled_id() {
	echo "sha256:$(puller image inspect -f '{{.Id}}' "$1")"
}

# The manifest the pushed index lists for ARCH: pushed_manifest INDEX_DIGEST ARCH > file
pushed_manifest() {
	local m
	m=$(get_manifest acme/app "$1" | jq -r --arg a "$2" '.manifests[] | select(.platform.architecture == $a) | .digest')
	[ -n "$m" ] || return 1
	get_manifest acme/app "$m"
}

# pull REF PLATFORM: podman pulls it from the registry (plain http on 127.0.0.1).
pull() {
	puller rmi -f "$1" >/dev/null 2>&1 || true
	puller pull -q --tls-verify=false --platform "$2" "$1" >/dev/null
}

# run_image REF PLATFORM [COMMAND...]: what the pulled image prints.
run_image() {
	local ref=$1 platform=$2
	shift 2
	puller run --rm --network none --platform "$platform" "$ref" "$@" 2>/dev/null
}

@test "docker-archives: the config and layers of the image podman holds, pulled back and run" {
	local arch diff_ids
	for arch in amd64 arm64; do
		podman save -q --format docker-archive -o "$arch.tar" "localhost/pm:$arch"
	done
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" amd64.tar arm64.tar
	echo "$output"
	[ "$status" -eq 0 ]
	index=$output
	for arch in amd64 arm64; do
		pushed_manifest "$index" "$arch" >"m-$arch.json"
		[ "$(jq -r .config.digest "m-$arch.json")" = "$(image_id "localhost/pm:$arch")" ]
		# Uncompressed layers: their digests are the image's diff_ids.
		diff_ids=$(podman image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "localhost/pm:$arch")
		[ "$(jq -r '[.layers[].digest] | join(" ")' "m-$arch.json") " = "$diff_ids" ]
		pull "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$(pulled_id "$REGISTRY/acme/app:v1.0.0")" = "$(image_id "localhost/pm:$arch")" ]
		run run_image "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$output" = pushed-by-oci-push ]
	done
	run run_image "$REGISTRY/acme/app:v1.0.0" linux/arm64 /bin/busybox uname -m
	[ "$output" = aarch64 ]
}

@test "one docker-archive of both platforms (podman save -m) gives an index of both" {
	podman save -q -m --format docker-archive -o both.tar localhost/pm:amd64 localhost/pm:arm64
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" both.tar
	echo "$output"
	[ "$status" -eq 0 ]
	get_manifest acme/app "$output" >index.json
	[ "$(jq -r '[.manifests[].platform.architecture] | sort | join(" ")' index.json)" = "amd64 arm64" ]
	pushed_manifest "$output" arm64 >m.json
	[ "$(jq -r .config.digest m.json)" = "$(image_id localhost/pm:arm64)" ]
}

@test "an oci-archive: the manifest podman wrote, pushed as it is, pulled back and run" {
	local arch want
	for arch in amd64 arm64; do
		podman save -q --format oci-archive -o "oci-$arch.tar" "localhost/pm:oci-$arch"
	done
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" oci-amd64.tar oci-arm64.tar
	echo "$output"
	[ "$status" -eq 0 ]
	index=$output
	for arch in amd64 arm64; do
		want=$(tar -xOf "oci-$arch.tar" index.json | jq -r '.manifests[0].digest')
		pushed_manifest "$index" "$arch" >"m-$arch.json"
		[ "sha256:$(sha256sum <"m-$arch.json" | cut -d ' ' -f 1)" = "$want" ]
		# An OCI image keeps its config: the same image ID.
		[ "$(jq -r .config.digest "m-$arch.json")" = "$(image_id "localhost/pm:oci-$arch")" ]
		pull "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$(pulled_id "$REGISTRY/acme/app:v1.0.0")" = "$(image_id "localhost/pm:oci-$arch")" ]
		run run_image "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$output" = pushed-by-oci-push ]
	done
}

@test "an OCI layout directory with the layers as stored: the very manifest podman holds" {
	local arch
	for arch in amd64 arm64; do
		podman save -q --format oci-dir --uncompressed -o "layout-$arch" "localhost/pm:oci-$arch"
	done
	run oci-push -t v1.0.0 "$REGISTRY/acme/app" layout-amd64 linux/arm64=layout-arm64
	echo "$output"
	[ "$status" -eq 0 ]
	index=$output
	for arch in amd64 arm64; do
		pushed_manifest "$index" "$arch" >"m-$arch.json"
		[ "sha256:$(sha256sum <"m-$arch.json" | cut -d ' ' -f 1)" = \
			"$(podman image inspect -f '{{.Digest}}' "localhost/pm:oci-$arch")" ]
		pull "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$(pulled_id "$REGISTRY/acme/app:v1.0.0")" = "$(image_id "localhost/pm:oci-$arch")" ]
		run run_image "$REGISTRY/acme/app:v1.0.0" "linux/$arch"
		[ "$output" = pushed-by-oci-push ]
	done
}

@test "a docker-dir (the dir: transport) is refused with the formats to save instead" {
	podman save -q --format docker-dir -o dir-amd64 localhost/pm:amd64
	run oci-push -n "$REGISTRY/acme/app" dir-amd64
	echo "$output"
	[ "$status" -eq 3 ]
	[[ $output == *"'dir-amd64' holds a registry manifest and its bare blobs"* ]]
	[[ $output == *"docker-archive, oci-archive or oci-dir"* ]]
}
