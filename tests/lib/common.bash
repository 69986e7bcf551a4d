# Loaded by every bats file (load ../lib/common): paths, requirements, services.
#
# Requirements: when CI=true a missing tool or service FAILS the test; elsewhere
# it skips with the reason, so a developer without Docker can still run the rest.

TOP=${SHIPSYNC_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
. "$TOP/tests/lib/vectors.bash"
VECTORS=$(vectors_dir "$TOP")
# Real servers the tests run (pypiserver), beside the conformance data.
SERVERS=${SHIPSYNC_SERVERS:-$(cd "$TOP/.." && pwd)/shared/servers}
export PATH="${SHIPSYNC_BIN:-$TOP/build/san/bin}:$TOP/tests/npm/node_modules/.bin:$PATH"
if [ "${SHIPSYNC_ENGINE:-}" = podman ]; then
	export DOCKER=${DOCKER:-podman}
else
	export DOCKER=${DOCKER:-/usr/bin/docker}
fi
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

# Podman, with its images, containers, runtime state and configuration under
# DIR, so that a test touches nothing of the machine's: podman_env DIR sets
# CONTAINERS_CONF and CONTAINERS_STORAGE_CONF (and SHIPSYNC_PODMAN_ENV=DIR);
# podman_env_remove DIR removes what was made there. default_ulimits = [] because podman cannot raise the
# containers' rlimits in a container such as the CI's; no systemd there either,
# hence cgroupfs and a file for events.
podman_env() {
	local dir=$1
	mkdir -p "$dir"
	cat >"$dir/containers.conf" <<-EOF
	[containers]
	default_ulimits = []
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	tmp_dir = "$dir/tmp"
	EOF
	cat >"$dir/storage.conf" <<-EOF
	[storage]
	driver = "vfs"
	graphroot = "$dir/root"
	runroot = "$dir/run"
	EOF
	export CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf
	export SHIPSYNC_PODMAN_ENV=$dir
}

podman_env_remove() {
	local dir=$1 i
	[ -f "$dir/storage.conf" ] || return 0
	CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf \
		podman rm -af -t 0 >/dev/null 2>&1 || true
	CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf \
		podman rmi -af >/dev/null 2>&1 || true
	# The cleanup that a container's monitor runs may write there a moment longer.
	for i in $(seq 1 50); do
		rm -rf "$dir" 2>/dev/null && return 0
		sleep 0.1
	done
	rm -rf "$dir"
}

# Podman in the storage of podman_env, never the machine's: it must work.
need_podman() {
	require podman || return 1
	[ -n "${SHIPSYNC_PODMAN_ENV:-}" ] || { echo "need_podman: call podman_env first" >&2; return 1; }
	podman info >/dev/null 2>&1 || unmet "podman does not work here: $(podman info 2>&1 | tail -1)"
}

# Rootless podman: the user nobody, with podman's storage and runtime under
# $ROOTLESS, a directory it can reach (a test's own is root's). rootless_env
# makes it, `rootless CMD...` runs CMD as nobody there, rootless_remove ends
# the containers and podman's process that holds its user namespace, and
# removes $ROOTLESS. Files added there must be given to nobody (chown 65534).
rootless_env() {
	ROOTLESS=$(mktemp -d "${TMPDIR:-/tmp}/shipsync-rootless.XXXXXX") || return 1
	chmod 755 "$ROOTLESS"
	mkdir -p "$ROOTLESS/home" "$ROOTLESS/run"
	chmod 700 "$ROOTLESS/run"
	printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
		>"$ROOTLESS/containers.conf"
	printf '[storage]\ndriver = "vfs"\n' >"$ROOTLESS/storage.conf"
	chown -R 65534:65534 "$ROOTLESS"
}

rootless() {
	setpriv --reuid 65534 --regid 65534 --clear-groups env -i PATH="$PATH" HOME="$ROOTLESS/home" \
		XDG_RUNTIME_DIR="$ROOTLESS/run" CONTAINERS_CONF="$ROOTLESS/containers.conf" \
		CONTAINERS_STORAGE_CONF="$ROOTLESS/storage.conf" "$@"
}

rootless_remove() {
	local pause=$ROOTLESS/run/libpod/tmp/pause.pid i
	rootless podman rm -af -t 0 >/dev/null 2>&1 || true
	[ ! -s "$pause" ] || kill "$(cat "$pause")" 2>/dev/null || true
	for i in $(seq 1 50); do
		rm -rf "$ROOTLESS" 2>/dev/null && return 0
		sleep 0.1
	done
	rm -rf "$ROOTLESS"
}

# The engine a test file runs with: tests/run runs the files that call
# need_engine once with Docker and once with SHIPSYNC_ENGINE=podman.
ENGINE=${SHIPSYNC_ENGINE:-docker}
need_engine() {
	if [ "$ENGINE" = podman ]; then
		[ "${SHIPSYNC_PODMAN_ENV:-}" = "$BATS_FILE_TMPDIR/podman" ] || podman_env "$BATS_FILE_TMPDIR/podman"
		need_podman
	else
		need_docker
	fi
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
