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

# engine_build PLATFORM DOCKERFILE REF IIDFILE CONTEXT LOG [OPTION...]: build
# one image; the options (--target, --build-arg) go to the engine's build.
engine_build() {
	local platform=$1 dockerfile=$2 ref=$3 iid=$4 context=$5 log=$6
	local args=(build --platform "$platform" -f "$dockerfile" -t "$ref" --iidfile "$iid" "${@:7}")
	# The context is the one operand: a relative one never reads as an option.
	case $context in /*) ;; *) context=./$context ;; esac
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

# engine_running NAME: the container is running.
engine_running() {
	[ "$("$DOCKER" inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]
}

# engine_check_builder: the engine can build for a platform, which takes
# BuildKit with Docker (podman's builder does it itself). Docker clients
# before 23.0 have BuildKit built in; later ones build through the buildx
# plugin, and without it fall back to a builder that ignores --platform's
# TARGETARCH and says only "Install the buildx component".
engine_check_builder() {
	local version major
	[ "$ENGINE" = docker ] || return 0
	"$DOCKER" buildx version >/dev/null 2>&1 && return 0
	version=$("$DOCKER" --version 2>/dev/null)
	major=${version#Docker version }
	major=${major%%.*}
	[[ $major =~ ^[0-9]+$ ]] && [ "$major" -lt 23 ] && return 0
	say "'$DOCKER' ($version) builds images for a platform with BuildKit, through its buildx"
	say "  component, which is not installed: install it (Debian, Ubuntu: docker-buildx or"
	say "  docker-buildx-plugin; Fedora: docker-buildx-plugin; or the buildx release binary in"
	say "  ~/.docker/cli-plugins/docker-buildx), or name another engine with DOCKER (podman works too)"
	fail "nothing was built"
}

# engine_emulated ARCH: the name binfmt_misc gives QEMU's emulator of ARCH.
engine_emulated() {
	case $1 in
	amd64) echo x86_64 ;;
	arm64) echo aarch64 ;;
	386) echo i386 ;;
	mips64le) echo mips64el ;;
	*) echo "$1" ;;
	esac
}

# engine_check_platform PLATFORM: this machine runs the platform's programs,
# natively or with an emulator registered with binfmt_misc; else say how to
# get one, before anything is built.
engine_check_platform() {
	local platform=$1 arch host entry
	arch=${platform#*/}
	arch=${arch%%/*}
	host=$(engine_host_arch)
	case $host:$arch in
	"$arch:$arch"|amd64:386|arm64:arm) return 0 ;;
	esac
	for entry in /proc/sys/fs/binfmt_misc/qemu-"$(engine_emulated "$arch")"*; do
		[ -f "$entry" ] && grep -qx enabled "$entry" && return 0
	done
	explain_no_emulator "$platform" "$arch"
	fail "$platform: no emulator runs its programs here; nothing was built"
}

explain_no_emulator() {
	say "$1 programs cannot run on this $(uname -m) machine: no emulator is registered for $2"
	say "  install QEMU's user-mode emulators with binfmt support (Debian, Ubuntu: qemu-user-static binfmt-support;"
	say "  Fedora: qemu-user-static) and check /proc/sys/fs/binfmt_misc/qemu-*; or validate only this machine's"
	say "  platform (PLATFORMS=linux/$(engine_host_arch)) and the others on machines of their own"
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
	if grep -qs 'exec format error' "$@" && [ "$arch" = "$(engine_host_arch)" ]; then
		say "the image holds programs of another architecture than $platform's: check what its build copies"
	elif grep -qs 'exec format error' "$@"; then
		explain_no_emulator "$platform" "$arch"
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
