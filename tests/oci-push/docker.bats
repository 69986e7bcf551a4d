#!/usr/bin/env bats
# Proof that what oci-push publishes is a valid image: the Docker engine pulls
# it back from the registry and runs it, amd64 natively and arm64 through QEMU.

load ../lib/common
load helpers

setup_file() {
	need_docker
	local ctx=$BATS_FILE_TMPDIR/ctx arch
	busybox_context "$ctx"
	echo "pushed-by-oci-push" >"$ctx/hello.txt"
	cat >"$ctx/Dockerfile" <<-'EOF'
	FROM scratch
	ARG TARGETARCH
	COPY $TARGETARCH/ /
	COPY hello.txt /hello.txt
	CMD ["/bin/busybox", "cat", "/hello.txt"]
	EOF
	for arch in amd64 arm64; do
		DOCKER_BUILDKIT=1 "$DOCKER" build -q --platform "linux/$arch" -t "oci-push-test:$arch" "$ctx" >/dev/null
		"$DOCKER" save -o "$BATS_FILE_TMPDIR/$arch.tar" "oci-push-test:$arch"
	done
	"$DOCKER" rmi oci-push-test:amd64 oci-push-test:arm64 >/dev/null
}

teardown_file() {
	"$DOCKER" image ls -q --filter 'reference=127.0.0.1:*/*' 2>/dev/null | xargs -r "$DOCKER" rmi -f >/dev/null 2>&1 || true
}

setup() {
	need_docker
	isolate_home
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	[ -z "${PULLED:-}" ] || "$DOCKER" rmi -f $PULLED >/dev/null 2>&1 || true
	stop_services
}

# Pull REF for PLATFORM and run it: prints what the container printed.
pull_run() {
	local ref=$1 platform=$2
	shift 2
	"$DOCKER" pull -q --platform "$platform" "$ref" >/dev/null || return 1
	PULLED="$PULLED $ref"
	"$DOCKER" run --rm --network none --platform "$platform" "$ref" "$@"
}

@test "docker pulls the pushed index and runs it on amd64 and arm64" {
	registry
	run oci-push -t v1.2.3 -t 1.2 -t 1 -t latest "$REGISTRY/acme/app" \
		"$BATS_FILE_TMPDIR/amd64.tar" linux/arm64="$BATS_FILE_TMPDIR/arm64.tar"
	[ "$status" -eq 0 ]
	run pull_run "$REGISTRY/acme/app:latest" linux/amd64
	[ "$output" = pushed-by-oci-push ]
	"$DOCKER" rmi -f "$REGISTRY/acme/app:latest" >/dev/null
	run pull_run "$REGISTRY/acme/app:1.2" linux/arm64 /bin/busybox uname -m
	[ "$output" = aarch64 ]
	run pull_run "$REGISTRY/acme/app:v1.2.3" linux/arm64
	[ "$output" = pushed-by-oci-push ]
}

@test "docker pulls by the printed digest" {
	registry
	digest=$(oci-push "$REGISTRY/acme/app" "$BATS_FILE_TMPDIR/amd64.tar" "$BATS_FILE_TMPDIR/arm64.tar")
	run pull_run "$REGISTRY/acme/app@$digest" linux/amd64
	[ "$output" = pushed-by-oci-push ]
}

@test "an image pushed through htpasswd auth is pulled back after docker login" {
	registry htpasswd
	OCI_USERNAME=tester OCI_PASSWORD=$REGISTRY_PASSWORD oci-push -t v1.0.0 "$REGISTRY/acme/app" \
		"$BATS_FILE_TMPDIR/amd64.tar" "$BATS_FILE_TMPDIR/arm64.tar"
	echo "$REGISTRY_PASSWORD" | "$DOCKER" --config "$DOCKER_CONFIG" login -u tester --password-stdin "$REGISTRY" >/dev/null
	"$DOCKER" --config "$DOCKER_CONFIG" pull -q --platform linux/arm64 "$REGISTRY/acme/app:v1.0.0" >/dev/null
	PULLED="$REGISTRY/acme/app:v1.0.0"
	run "$DOCKER" run --rm --network none --platform linux/arm64 "$REGISTRY/acme/app:v1.0.0" /bin/busybox uname -m
	[ "$output" = aarch64 ]
}

@test "an image pushed through token auth is pulled back after docker login" {
	token_registry
	OCI_USERNAME=tester OCI_PASSWORD=$TOKEN_PASSWORD oci-push -t v1.0.0 "$REGISTRY/acme/app" \
		"$BATS_FILE_TMPDIR/amd64.tar" "$BATS_FILE_TMPDIR/arm64.tar"
	echo "$TOKEN_PASSWORD" | "$DOCKER" --config "$DOCKER_CONFIG" login -u tester --password-stdin "$REGISTRY" >/dev/null
	"$DOCKER" --config "$DOCKER_CONFIG" pull -q --platform linux/amd64 "$REGISTRY/acme/app:v1.0.0" >/dev/null
	PULLED="$REGISTRY/acme/app:v1.0.0"
	run "$DOCKER" run --rm --network none --platform linux/amd64 "$REGISTRY/acme/app:v1.0.0"
	[ "$output" = pushed-by-oci-push ]
}

@test "OCI layouts made by skopeo (directory and tar) are pushed and run" {
	require skopeo
	registry
	skopeo copy -q "docker-archive:$BATS_FILE_TMPDIR/amd64.tar" oci:layout-amd64:x
	skopeo copy -q "docker-archive:$BATS_FILE_TMPDIR/arm64.tar" oci-archive:layout-arm64.tar:x
	run oci-push -t v2.0.0 "$REGISTRY/acme/oci" layout-amd64 layout-arm64.tar
	[ "$status" -eq 0 ]
	run pull_run "$REGISTRY/acme/oci:v2.0.0" linux/arm64 /bin/busybox uname -m
	[ "$output" = aarch64 ]
	"$DOCKER" rmi -f "$REGISTRY/acme/oci:v2.0.0" >/dev/null
	run pull_run "$REGISTRY/acme/oci:v2.0.0" linux/amd64
	[ "$output" = pushed-by-oci-push ]
}

@test "a chunked push is pulled and run" {
	registry
	oci-push --chunk-size 65536 -t v1.0.0 "$REGISTRY/acme/chunk" "$BATS_FILE_TMPDIR/amd64.tar"
	run pull_run "$REGISTRY/acme/chunk:v1.0.0" linux/amd64
	[ "$output" = pushed-by-oci-push ]
}
