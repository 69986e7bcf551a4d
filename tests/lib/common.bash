# Loaded by every bats file (load ../lib/common): paths, requirements, services.
#
# Requirements: when CI=true a missing tool or service FAILS the test; elsewhere
# it skips with the reason, so a developer without Docker can still run the rest.

TOP=${SHIPSYNC_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
. "$TOP/tests/lib/vectors.bash"
VECTORS=$(vectors_dir "$TOP")
export PATH="${SHIPSYNC_BIN:-$TOP/build/san/bin}:$TOP/tests/npm/node_modules/.bin:$PATH"
export DOCKER=${DOCKER:-/usr/bin/docker}
BUSYBOX_CACHE=$TOP/build/test-cache/busybox

# A requirement that is not met: a failure under CI, a skip elsewhere.
unmet() {
	if [ "${CI:-}" = true ]; then
		echo "requirement not met (CI=true makes this a failure): $*" >&2
		return 1
	fi
	skip "$*"
}

require() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || unmet "command '$c' is not installed" || return 1
	done
}

# A conformance suite (tests/setup/fetch-vectors): tests/run lists the
# missing ones at the end, by this message.
require_vectors() {
	[ -d "$VECTORS/$1" ] || unmet "conformance suite '$1' is missing from '$VECTORS'"
}

# The harness starts the engine when a test file mentions need_docker.
need_docker() {
	[ -n "${DOCKER_HOST:-}" ] && "$DOCKER" info >/dev/null 2>&1 ||
		unmet "no Docker engine answers (run the tests through make check)"
}

# Debian's python3: a version manager's shim earlier in PATH costs seconds a start.
PY3=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	"$PY3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Wait until something accepts connections on 127.0.0.1:PORT (at most ~10 s).
wait_port() {
	local port=$1 i
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on 127.0.0.1:$port" >&2
	return 1
}

# A Docker build context of a static busybox for amd64 and arm64 (FROM scratch,
# COPY $TARGETARCH/ /), since no base image can be pulled here.
busybox_context() {
	local dir=$1 arch
	for arch in amd64 arm64; do
		[ -x "$BUSYBOX_CACHE/$arch/bin/busybox" ] ||
			unmet "busybox-static for $arch is missing (tests/setup/install-deps makes it)" || return 1
		mkdir -p "$dir/$arch/bin"
		cp "$BUSYBOX_CACHE/$arch/bin/busybox" "$dir/$arch/bin/busybox"
	done
}

# The Distribution registry on 127.0.0.1, in its own directory.
#   start_registry DIR [htpasswd|nodelete|htpasswd-nodelete]
# Sets REGISTRY (host:port), REGISTRY_PID; with htpasswd the user is
# "tester" and the password "$REGISTRY_PASSWORD". stop_registry DIR ends it.
start_registry() {
	local dir=$1 mode=${2:-} port auth= delete=true
	require docker-registry htpasswd || return 1
	mkdir -p "$dir/data"
	port=$(free_port)
	case $mode in *nodelete*) delete=false ;; esac
	case $mode in
	*htpasswd*)
		REGISTRY_PASSWORD=secret-$RANDOM$RANDOM
		htpasswd -Bbc "$dir/htpasswd" tester "$REGISTRY_PASSWORD" 2>/dev/null
		auth="auth: {htpasswd: {realm: shipsync-test, path: $dir/htpasswd}}"
		;;
	esac
	cat >"$dir/config.yml" <<-YML
	version: 0.1
	log: {level: warn}
	storage:
	  filesystem: {rootdirectory: $dir/data}
	  delete: {enabled: $delete}
	http:
	  addr: 127.0.0.1:$port
	  headers: {X-Content-Type-Options: [nosniff]}
	$auth
	YML
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	REGISTRY_PID=$!
	echo "$REGISTRY_PID" >"$dir/registry.pid"
	REGISTRY=127.0.0.1:$port
	wait_port "$port" || { cat "$dir/registry.log" >&2; return 1; }
}

stop_registry() {
	local dir=$1 pid
	[ -f "$dir/registry.pid" ] || return 0
	pid=$(cat "$dir/registry.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/registry.pid"
}
