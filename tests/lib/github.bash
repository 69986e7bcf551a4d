# The GitHub stand-in behind two validating proxies built on GitHub's OpenAPI
# description (one for the API host, one for the uploads host), and its
# storage host for artifact downloads (not proxied: GitHub's is not the API).
#   start_github DIR   sets GITHUB_API_URL, GITHUB_UPLOADS_URL, GH_CONTROL, GITHUB_TOKEN,
#                      GH_READONLY_TOKEN, GITHUB_REPOSITORY
#   github_violations DIR  prints every request or response the proxies refused
#   stop_github DIR
# A request or response that does not fit the description makes the proxy
# answer 422 or 500 with the violations, so the client under test fails.

GITHUB_SPEC=$TOP/tests/npm/node_modules/@octokit/openapi/generated/api.github.com.json

start_prism() {
	local dir=$1 name=$2 port=$3 upstream=$4
	prism proxy "$GITHUB_SPEC" "$upstream" --errors -h 127.0.0.1 -p "$port" \
		>"$dir/prism-$name.log" 2>&1 &
	echo $! >"$dir/prism-$name.pid"
}

start_github() {
	local dir=$1 api_port uploads_port ports i
	require prism python3 || return 1
	[ -f "$GITHUB_SPEC" ] || unmet "GitHub's OpenAPI description is missing (npm @octokit/openapi)" || return 1
	mkdir -p "$dir"
	api_port=$(free_port)
	uploads_port=$(free_port)
	GITHUB_TOKEN=ghs_sentinel$RANDOM$RANDOM$RANDOM
	GH_READONLY_TOKEN=ghs_readonly$RANDOM$RANDOM
	"$PY3" "$TOP/tests/github/standin.py" --spec "$GITHUB_SPEC" --token "$GITHUB_TOKEN" \
		--readonly-token "$GH_READONLY_TOKEN" --ports-file "$dir/ports" \
		--api-url "http://127.0.0.1:$api_port" --uploads-url "http://127.0.0.1:$uploads_port" \
		>"$dir/standin.log" 2>&1 &
	echo $! >"$dir/standin.pid"
	for i in $(seq 1 100); do [ -f "$dir/ports" ] && break; sleep 0.1; done
	[ -f "$dir/ports" ] || { cat "$dir/standin.log" >&2; return 1; }
	read -r -a ports <"$dir/ports"
	# prism's proxy follows redirects itself (with the client's token), so a
	# test of what the client does with GitHub's redirect to its storage
	# host sets GITHUB_API_PROXY=binproxy: the same checks, nothing followed.
	if [ "${GITHUB_API_PROXY:-prism}" = binproxy ]; then
		"$PY3" "$TOP/tests/github/binproxy.py" --spec "$GITHUB_SPEC" --port "$api_port" \
			--upstream "http://127.0.0.1:${ports[0]}" >"$dir/prism-api.log" 2>&1 &
		echo $! >"$dir/prism-api.pid"
	else
		start_prism "$dir" api "$api_port" "http://127.0.0.1:${ports[0]}"
	fi
	# prism's proxy decodes request bodies as text and would corrupt binary
	# assets, so the uploads host has a proxy of ours on the same description.
	"$PY3" "$TOP/tests/github/binproxy.py" --spec "$GITHUB_SPEC" --port "$uploads_port" \
		--upstream "http://127.0.0.1:${ports[1]}" >"$dir/prism-uploads.log" 2>&1 &
	echo $! >"$dir/prism-uploads.pid"
	# Loading GitHub's description takes the proxies several seconds.
	for i in $(seq 1 1500); do
		grep -Eq '(Prism|binproxy) is listening' "$dir/prism-api.log" 2>/dev/null &&
			grep -q 'binproxy is listening' "$dir/prism-uploads.log" 2>/dev/null && break
		sleep 0.2
	done
	grep -Eq '(Prism|binproxy) is listening' "$dir/prism-api.log" || { tail -5 "$dir/prism-api.log" >&2; return 1; }
	grep -q 'binproxy is listening' "$dir/prism-uploads.log" || { tail -5 "$dir/prism-uploads.log" >&2; return 1; }
	export GITHUB_API_URL=http://127.0.0.1:$api_port
	export GITHUB_UPLOADS_URL=http://127.0.0.1:$uploads_port
	export GH_CONTROL=http://127.0.0.1:${ports[2]}
	export GITHUB_TOKEN GH_READONLY_TOKEN
	export GITHUB_REPOSITORY=acme/app
}

# Only errors count: a status the description does not list for an operation
# (401 or 403 on some endpoints) is a warning ("⚠") in prism's log, and such
# statuses are legitimate answers of the real service.
github_violations() {
	local dir=$1
	grep -h '✖' "$dir"/prism-*.log 2>/dev/null || true
}

stop_github() {
	local dir=$1 f pid
	for f in "$dir"/prism-api.pid "$dir"/prism-uploads.pid "$dir"/standin.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$f"
	done
	return 0
}

# POST JSON to the stand-in's control listener: gh_control PATH JSON
gh_control() {
	curl -fsS -X POST -H 'Content-Type: application/json' --data "$2" "$GH_CONTROL$1" >/dev/null
}
