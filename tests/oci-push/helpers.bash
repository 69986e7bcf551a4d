# Shared by the oci-push tests: archives, registries (plain, htpasswd,
# nodelete, token), the fault proxy, and reading back what was pushed.
# Every process started here is recorded in $SERVICES and stopped by
# stop_services (call it from teardown).

HERE=$TOP/tests/oci-push
# Debian's interpreter: python3-jwt, python3-cryptography, python3-jsonschema.
DEBPY=/usr/bin/python3
# A python3 earlier in PATH may be a slow wrapper: these tests start many.
if [ -x "$DEBPY" ]; then
	python3() { "$DEBPY" "$@"; }
fi
ACCEPT='application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json'

isolate_home() {
	export HOME=$BATS_TEST_TMPDIR/home DOCKER_CONFIG=$BATS_TEST_TMPDIR/home/.docker
	mkdir -p "$DOCKER_CONFIG"
	unset OCI_USERNAME OCI_PASSWORD
	SERVICES=$BATS_TEST_TMPDIR/services
	: >"$SERVICES"
}

mkarchive() {
	"$DEBPY" "$HERE/mkarchive.py" "$@"
}

remember() {
	echo "$1" >>"$SERVICES"
}

stop_services() {
	local pid
	[ -f "${SERVICES:-}" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$SERVICES"
	: >"$SERVICES"
}

# start_registry from common.bash, remembered for stop_services.
registry() {
	start_registry "$BATS_TEST_TMPDIR/reg" "${1:-}" || return 1
	remember "$REGISTRY_PID"
}

wait_file() {
	local i
	for i in $(seq 1 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "'$1' did not appear" >&2
	return 1
}

# A registry with `auth: token` and the test token service in front of it.
#   token_registry [EXP_OFFSETS]   sets REGISTRY, ISSUER_LOG, TOKEN_PASSWORD, TOKEN_REALM
#                                  and exports OCI_TRUSTED_REALMS=$TOKEN_REALM
token_registry() {
	local dir=$BATS_TEST_TMPDIR/treg port iport
	require docker-registry openssl || return 1
	"$DEBPY" -c 'import jwt, cryptography' 2>/dev/null ||
		unmet "python3-jwt and python3-cryptography are not installed" || return 1
	mkdir -p "$dir/data"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
		-days 1 -subj /CN=shipsync-test-issuer 2>/dev/null
	TOKEN_PASSWORD=tok-$RANDOM$RANDOM
	ISSUER_LOG=$dir/issuer.log
	TOKEN_PASSWORD=$TOKEN_PASSWORD "$DEBPY" "$HERE/tokenissuer.py" --key "$dir/key.pem" \
		--cert "$dir/cert.pem" --port-file "$dir/issuer.port" --log "$ISSUER_LOG" \
		--exp-offsets "${1:-}" 2>"$dir/issuer.err" &
	remember $!
	wait_file "$dir/issuer.port" || { cat "$dir/issuer.err" >&2; return 1; }
	iport=$(cat "$dir/issuer.port")
	port=$(free_port)
	cat >"$dir/config.yml" <<-YML
	version: 0.1
	log: {level: warn}
	storage:
	  filesystem: {rootdirectory: $dir/data}
	  delete: {enabled: true}
	http:
	  addr: 127.0.0.1:$port
	auth:
	  token:
	    realm: http://127.0.0.1:$iport/token
	    service: shipsync-registry
	    issuer: shipsync-test-issuer
	    rootcertbundle: $dir/cert.pem
	YML
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	remember $!
	REGISTRY=127.0.0.1:$port
	# The token service is another origin: trusted on purpose, as a user of one would.
	TOKEN_REALM=http://127.0.0.1:$iport
	export OCI_TRUSTED_REALMS=$TOKEN_REALM
	wait_port "$port" || { cat "$dir/registry.log" >&2; return 1; }
}

# The fault proxy in front of $REGISTRY: sets PROXY (host:port), OTHER_PORT, PROXY_LOG.
#   fault_proxy RULES_JSON [REGISTRY_PID]
fault_proxy() {
	local dir=$BATS_TEST_TMPDIR/proxy
	mkdir -p "$dir"
	PROXY_LOG=$dir/log
	"$DEBPY" "$HERE/faultproxy.py" --upstream "${REGISTRY##*:}" --port-file "$dir/ports" \
		--rules "$1" ${2:+--registry-pid "$2"} --log "$PROXY_LOG" 2>"$dir/err" &
	remember $!
	wait_file "$dir/ports" || { cat "$dir/err" >&2; return 1; }
	read -r p OTHER_PORT <"$dir/ports" || true
	PROXY=127.0.0.1:$p
}

# GET a manifest or index from the registry: get_manifest REPO REF [CURL ARGS]
get_manifest() {
	local repo=$1 ref=$2
	shift 2
	curl -fsS "$@" -H "Accept: $ACCEPT" "http://$REGISTRY/v2/$repo/manifests/$ref"
}

# The digest a tag points to (empty when absent).
tag_digest() {
	curl -sS -I -H "Accept: $ACCEPT" "http://$REGISTRY/v2/$1/manifests/$2" |
		tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }'
}

# Validate JSON files against the OCI image-spec schemas: oci_validate KIND FILE...
oci_validate() {
	require_vectors oci-image-spec || return 1
	"$DEBPY" -c 'import jsonschema' 2>/dev/null ||
		unmet "python3-jsonschema is not installed" || return 1
	"$DEBPY" "$HERE/validate.py" "$VECTORS/oci-image-spec" "$@"
}

# Every blob stored in a registry data directory, one digest a line.
stored_blobs() {
	find "$1/docker/registry/v2/blobs/sha256" -name data 2>/dev/null |
		awk -F/ '{ print "sha256:" $(NF - 1) }' | sort
}
