# shellcheck shell=bash
# shipsync: the container engine behind validate, Docker or podman, in one
# place. Sourced by validate.sh after `engine_detect`; each function takes
# the engine into account so that the callers never ask which one runs.
# DOCKER is the engine's command (docker, podman, or the path of either);
# fail and say come from the caller.

ENGINE=

# engine_detect: set ENGINE from what the command says it is, so that a
# podman installed as `docker` (podman-docker) is treated as podman.
engine_detect() {
	local version
	version=$("$DOCKER" --version 2>/dev/null) ||
		fail "'$DOCKER' does not run: install Docker or podman, or name the engine with DOCKER"
	case $version in
	podman*) ENGINE=podman ;;
	*) ENGINE=docker ;;
	esac
}

# engine_build PLATFORM DOCKERFILE REF IIDFILE CONTEXT LOG: build one image.
engine_build() {
	local platform=$1 dockerfile=$2 ref=$3 iid=$4 context=$5 log=$6
	local args=(build --platform "$platform" -f "$dockerfile" -t "$ref" --iidfile "$iid")
	# podman's default, the OCI format, drops HEALTHCHECK with a mere warning.
	[ "$ENGINE" = docker ] || args+=(--format docker)
	DOCKER_BUILDKIT=1 "$DOCKER" "${args[@]}" "$context" >"$log" 2>&1
}

# engine_healthcheck IMAGE: print the image's HEALTHCHECK test, nothing without one.
engine_healthcheck() {
	local template='{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}' hc
	[ "$ENGINE" = docker ] || template='{{if .HealthCheck}}{{.HealthCheck.Test}}{{end}}'
	hc=$("$DOCKER" image inspect -f "$template" "$1") || return 1
	case $hc in '[NONE]') hc= ;; esac
	printf '%s\n' "$hc"
}

# engine_run PLATFORM NETWORK LABEL NAME IMAGE LOG: start a container, detached.
engine_run() {
	local platform=$1 network=$2 label=$3 name=$4 image=$5 log=$6
	local args=(run -d --platform "$platform" --network "$network" --label "$label" --name "$name")
	# With --platform, podman would look for a newer image in a registry.
	[ "$ENGINE" = docker ] || args+=(--pull never)
	"$DOCKER" "${args[@]}" "$image" >"$log" 2>&1
}

# engine_healthwait_args ARRAY: add healthwait's options that name the engine to ARRAY.
engine_healthwait_args() {
	local -n into=$1
	[ "$ENGINE" = docker ] || into+=(-P "$DOCKER")
}

# engine_logs NAME: the container's output, on stdout.
engine_logs() {
	"$DOCKER" logs "$1" 2>&1
}

# engine_remove NAME...: remove containers, running or not, at once.
engine_remove() {
	# podman's rm -f gives a container 10 s to stop first; Docker's kills it.
	if [ "$ENGINE" = docker ]; then
		"$DOCKER" rm -f "$@" >/dev/null 2>&1
	else
		"$DOCKER" rm -f -t 0 "$@" >/dev/null 2>&1
	fi
}

# engine_labelled LABEL: the IDs of the containers with this label, one a line.
engine_labelled() {
	"$DOCKER" ps -aq --filter "label=$1" 2>/dev/null
}

# engine_save REF FILE LOG: the image as a docker-archive, which publish pushes.
engine_save() {
	local ref=$1 file=$2 log=$3
	if [ "$ENGINE" = docker ]; then
		"$DOCKER" save -o "$file" "$ref" >"$log" 2>&1
	else
		"$DOCKER" save --format docker-archive -o "$file" "$ref" >"$log" 2>&1
	fi
}

# engine_explain PLATFORM LOG: what to do about a failure the log shows that
# no user should have to decode, on stderr; nothing when none is known.
engine_explain() {
	local platform=$1 arch
	shift
	arch=${platform#*/}
	arch=${arch%%/*}
	if grep -qs -e 'error setting rlimit' -e 'setrlimit.*operation not permitted' "$@"; then
		say "podman may not raise the containers' limits here (a container, or a restricted host):"
		say "  put '[containers]' and 'default_ulimits = []' in containers.conf"
		say "  (~/.config/containers/containers.conf, or a file named by CONTAINERS_CONF), then run validate again"
	fi
	if grep -qs 'exec format error' "$@"; then
		say "$platform programs cannot run on this $(uname -m) machine: no emulator is registered for $arch"
		say "  install QEMU's user-mode emulators with binfmt support (Debian, Ubuntu: qemu-user-static binfmt-support;"
		say "  Fedora: qemu-user-static) and check /proc/sys/fs/binfmt_misc/qemu-*; or validate only this machine's"
		say "  platform (PLATFORMS=linux/$(engine_host_arch)) and the others on machines of their own"
	fi
	if grep -qs -e 'insufficient UIDs or GIDs' -e 'cannot find mappings for user' -e 'chown [^ ]*: invalid argument' \
		-e 'newuidmap' "$@"; then
		say "rootless podman has no subordinate user and group IDs for $(id -un), so images whose files belong"
		say "  to other users cannot be built or run: add them as root (usermod --add-subuids 100000-165535"
		say "  --add-subgids 100000-165535 $(id -un)), then run 'podman system migrate'"
	fi
}

# engine_host_arch: this machine's architecture as images name it.
engine_host_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}
