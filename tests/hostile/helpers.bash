# Shared by the hostile tests: the rule-driven server of server.py, a
# self-signed certificate for its TLS listener, a sentinel secret per test,
# and the three checks every test makes: nothing of the secret at another
# origin, nothing of it in any output, and the credential where it belongs.
#
#   hostile RULES [tls]   start the server: listeners a and b (and s, TLS);
#                         sets A, A_ALIAS, B, B_ALIAS (S, S_ALIAS, CA_FILE), LOG
#   sentinel NAME         a fresh secret in $NAME, remembered in SECRETS
#   no_leak ORIGIN...     no request to any other origin carried a credential
#                         header or any of SECRETS
#   only_at ORIGIN NEEDLE...  the NEEDLEs reached no origin but ORIGIN
#   nowhere NEEDLE...     the NEEDLEs reached no origin at all
#   no_secret_in TEXT...  none of SECRETS in TEXT
#   no_part_in TEXT...    not even eight characters in a row of any of PARTS
#                         (random secrets: a cut message must not show half)
#   random_text SET N     N random characters of the tr(1) SET
#   seen ORIGIN [seen.py count options]   how many such requests ORIGIN got
#   json_str TEXT         TEXT as a JSON string, for rules
# Every process started here is stopped by stop_hostile (call it from teardown).

HOSTILE=$TOP/tests/hostile
SECRETS=() PARTS=()

hostile() {
	local dir=$BATS_TEST_TMPDIR/hostile tls=() i name port
	local -A ports=()
	require openssl || return 1
	mkdir -p "$dir"
	printf '%s\n' "$1" >"$dir/rules.json"
	LOG=$dir/log
	if [ "${2:-}" = tls ]; then
		# 127.0.0.1 and localhost both: "another host" over TLS needs the alias too.
		openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=shipsync-hostile \
			-addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
			-keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null || return 1
		tls=(--tls s --cert "$dir/cert.pem" --key "$dir/key.pem")
		CA_FILE=$dir/cert.pem
	fi
	"$PY3" "$HOSTILE/server.py" --rules "$dir/rules.json" --ports "$dir/ports" --log "$LOG" \
		--listen a --listen b "${tls[@]}" 2>"$dir/err" &
	echo $! >"$dir/pid"
	for i in $(seq 1 100); do
		[ -f "$dir/ports" ] && break
		sleep 0.05
	done
	[ -f "$dir/ports" ] || { cat "$dir/err" >&2; return 1; }
	while read -r name port; do
		ports[$name]=$port
	done <"$dir/ports"
	A=http://127.0.0.1:${ports[a]} A_ALIAS=http://localhost:${ports[a]}
	B=http://127.0.0.1:${ports[b]} B_ALIAS=http://localhost:${ports[b]}
	if [ -n "${ports[s]:-}" ]; then
		S=https://127.0.0.1:${ports[s]} S_ALIAS=https://localhost:${ports[s]}
	fi
}

stop_hostile() {
	local pid=$BATS_TEST_TMPDIR/hostile/pid
	[ -f "$pid" ] || return 0
	kill "$(cat "$pid")" 2>/dev/null || true
	wait "$(cat "$pid")" 2>/dev/null || true
	rm -f "$pid"
}

# A secret no test shares with another: sentinel NAME [PREFIX]
sentinel() {
	local value=${2:-hostile}-$RANDOM$RANDOM$RANDOM-$BATS_TEST_NUMBER
	printf -v "$1" '%s' "$value"
	SECRETS+=("$value")
}

# The Basic credential of user and password, also a secret: basic USER PASSWORD
basic() {
	local b64
	b64=$(printf '%s:%s' "$1" "$2" | base64 -w0)
	SECRETS+=("$b64")
	echo "Basic $b64"
}

no_leak() {
	local args=() o
	for o; do args+=(--except "$o"); done
	"$PY3" "$HOSTILE/seen.py" "$LOG" leaks "${args[@]}" -- "${SECRETS[@]}" || {
		echo "the secret reached another origin (above)" >&2
		return 1
	}
}

only_at() {
	local origin=$1
	shift
	"$PY3" "$HOSTILE/seen.py" "$LOG" leaks --needles-only --except "$origin" -- "$@" || {
		echo "a secret of $origin reached another origin (above)" >&2
		return 1
	}
}

nowhere() {
	"$PY3" "$HOSTILE/seen.py" "$LOG" leaks --needles-only -- "$@" || {
		echo "a secret that belongs to no origin here reached one (above)" >&2
		return 1
	}
}

no_secret_in() {
	local text s
	for text; do
		for s in "${SECRETS[@]}"; do
			[[ $text != *"$s"* ]] && continue
			echo "a secret is shown in the output:" >&2
			echo "$text" >&2
			return 1
		done
	done
}

no_part_in() {
	local text part i
	for text; do
		for part in "${PARTS[@]}"; do
			for ((i = 0; i + 8 <= ${#part}; i++)); do
				[[ $text == *"${part:i:8}"* ]] || continue
				echo "'${part:i:8}' of a secret is shown:" >&2
				echo "$text" >&2
				return 1
			done
		done
	done
}

random_text() {
	LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"
}

seen() {
	local origin=$1
	shift
	"$PY3" "$HOSTILE/seen.py" "$LOG" count --origin "$origin" "$@"
}

# A JSON string of text without control characters.
json_str() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}

# Every request the server logged, for a failing test's output.
show_log() {
	[ -f "${LOG:-}" ] && cut -c1-400 "$LOG" >&2
	return 0
}

# After `run --separate-stderr`: the secret reached no origin but ALLOWED,
# and neither stdout nor stderr shows it.   clean [ALLOWED...]
clean() {
	no_leak "$@" || { show_log; return 1; }
	no_secret_in "$output" "${stderr:-}"
}
