#!/usr/bin/env bats
# release-notify against a local webhook receiver: the Slack, Discord and
# generic payloads, retries, failures with and without --best-effort, and the
# webhook URL (a secret) never shown.
load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	require release-notify python3 || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20
}

teardown() {
	[ -f receiver.pid ] || return 0
	kill "$(cat receiver.pid)" 2>/dev/null || true
	wait "$(cat receiver.pid)" 2>/dev/null || true
}

# receive [--status N ...]: start the receiver; RELEASE_WEBHOOK_URL points at it
# with a secret-looking path.
receive() {
	local i
	python3 "$BATS_TEST_DIRNAME/receiver.py" --ports-file port --log received "$@" &
	echo $! >receiver.pid
	for i in $(seq 1 100); do [ -f port ] && break; sleep 0.05; done
	SECRET=T0SECRET$RANDOM/B0SECRET$RANDOM
	export RELEASE_WEBHOOK_URL=http://127.0.0.1:$(cat port)/services/$SECRET
}

# field N EXPR: EXPR over the body (as JSON "b") and headers "h" of request N.
field() {
	python3 -c '
import json, sys
rec = [json.loads(l) for l in open("received")][int(sys.argv[1])]
b = json.loads(rec["body"])
h = {k.lower(): v for k, v in rec["headers"].items()}
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))' "$@"
}

requests() {
	[ -f received ] && wc -l <received || echo 0
}

@test "posts a Slack payload: text with the version and every artifact" {
	receive
	run --separate-stderr release-notify -f slack -p app 1.2.3 \
		https://pypi.example.com/project/app/1.2.3/ 'https://example.com/a?x=1&y=<2>'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(field 0 'sorted(b)')" = '["text"]' ]
	[ "$(field 0 'b["text"]')" = $'app 1.2.3 released\n<https://pypi.example.com/project/app/1.2.3/>\n<https://example.com/a?x=1&amp;y=&lt;2&gt;>' ]
	[ "$(field 0 'h["content-type"]')" = application/json ]
	[ "$(field 0 'rec["path"]')" = "/services/$SECRET" ]
}

@test "posts a Discord payload: content, no mentions, 204 accepted" {
	receive --status 204
	run --separate-stderr release-notify -f discord 1.2.3 https://example.com/app-1.2.3.tar.gz
	[ "$status" -eq 0 ]
	[ "$(field 0 'b["content"]')" = $'1.2.3 released\n<https://example.com/app-1.2.3.tar.gz>' ]
	[ "$(field 0 'b["allowed_mentions"]')" = '{"parse": []}' ]
}

@test "cuts a Discord message to 2000 characters" {
	local urls=() i
	receive --status 204
	for i in $(seq 1 100); do urls+=("https://example.com/ärtifact-$i.tar.gz"); done
	run --separate-stderr release-notify -f discord -p app 1.2.3 "${urls[@]}"
	[ "$status" -eq 0 ]
	[ "$(field 0 'len(b["content"])')" -eq 2000 ]
	[ "$(field 0 'b["content"][-1]')" = … ]
}

@test "posts the documented generic JSON object" {
	receive
	run --separate-stderr release-notify -f json -p app 1.2.3 https://example.com/a https://example.com/b
	[ "$status" -eq 0 ]
	[ "$(field 0 'b')" = '{"event": "release.published", "ok": true, "project": "app", "version": "1.2.3", "artifacts": ["https://example.com/a", "https://example.com/b"], "step": null, "message": null, "text": "app 1.2.3 released\nhttps://example.com/a\nhttps://example.com/b"}' ]
}

@test "reports a failure and the step it failed at" {
	receive
	run --separate-stderr release-notify -p app -s publish-pypi -m 'upload refused: 403' 1.2.3
	[ "$status" -eq 0 ]
	[ "$(field 0 '[b["event"], b["ok"], b["step"], b["message"], b["artifacts"]]')" = \
		'["release.failed", false, "publish-pypi", "upload refused: 403", []]' ]
	[ "$(field 0 'b["text"]')" = 'app 1.2.3 release failed at step publish-pypi: upload refused: 403' ]
}

@test "keeps hostile strings inside valid JSON and out of Slack markup" {
	receive
	run --separate-stderr release-notify -f slack -p '"app" <!channel> & co' -s $'step\ttwo' '1.0.0"},{"x":"'
	[ "$status" -eq 0 ]
	[ "$(field 0 'b["text"]')" = $'"app" &lt;!channel&gt; &amp; co 1.0.0"},{"x":" release failed at step step\ttwo' ]
	run --separate-stderr release-notify -p $'a\033[31m' 1.0.0
	[ "$status" -eq 2 ]
	[ "$(requests)" -eq 1 ]
}

@test "retries a 503 and a 429, then delivers" {
	receive --status 503 --status 429 --status 200
	run --separate-stderr release-notify -f slack 1.2.3
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 3 ]
}

@test "a refused notification exits non-zero, or 0 with a warning under --best-effort" {
	receive --status 404
	run --separate-stderr release-notify -f slack 1.2.3
	[ "$status" -eq 8 ]
	[[ $stderr == *"the webhook answered 404"* ]]
	run --separate-stderr release-notify --best-effort -f slack 1.2.3
	[ "$status" -eq 0 ]
	[[ $stderr == *"warning: the notification was not delivered (exit 8); --best-effort carries on"* ]]
}

@test "a dead webhook is exit 4, or 0 under --best-effort" {
	export RELEASE_WEBHOOK_URL=http://127.0.0.1:$(free_port)/hook/SECRET$RANDOM
	run --separate-stderr env SHIPSYNC_HTTP_DEADLINE_MS=1500 release-notify 1.2.3
	[ "$status" -eq 4 ]
	run --separate-stderr env SHIPSYNC_HTTP_DEADLINE_MS=1500 release-notify -b 1.2.3
	[ "$status" -eq 0 ]
}

@test "never shows the webhook URL, verbose or failing" {
	receive --status 500
	run release-notify -vv -f slack 1.2.3
	[ "$status" -eq 4 ]
	[[ $output != *"$SECRET"* ]]
	[[ $output != *"T0SECRET"* ]]
	run release-notify -vv -b -f slack 1.2.3
	[[ $output != *"T0SECRET"* ]]
}

@test "takes the URL from the variable -e names, never from argv" {
	receive
	export MY_HOOK=$RELEASE_WEBHOOK_URL
	unset RELEASE_WEBHOOK_URL
	run --separate-stderr release-notify 1.2.3
	[ "$status" -eq 2 ]
	[[ $stderr == *"no webhook URL: set RELEASE_WEBHOOK_URL"* ]]
	run --separate-stderr release-notify -b 1.2.3
	[ "$status" -eq 0 ]
	run --separate-stderr release-notify -e MY_HOOK 1.2.3
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
	run --separate-stderr env MY_HOOK=ftp://x release-notify -e MY_HOOK 1.2.3
	[ "$status" -eq 2 ]
}

@test "guesses the format from Slack's and Discord's hosts" {
	RELEASE_WEBHOOK_URL=https://hooks.slack.com/services/T0/B0/X run release-notify -n 1.0.0
	[ "$output" = '{"text":"1.0.0 released"}' ]
	RELEASE_WEBHOOK_URL=https://discord.com/api/webhooks/1/x run release-notify -n 1.0.0
	[ "$output" = '{"content":"1.0.0 released","allowed_mentions":{"parse":[]}}' ]
	RELEASE_WEBHOOK_URL=https://ci.example.com/hook run release-notify -n 1.0.0
	[[ $output == '{"event":"release.published",'* ]]
}

@test "refuses bad usage" {
	run release-notify
	[ "$status" -eq 2 ]
	run release-notify -f teams 1.0.0
	[ "$status" -eq 2 ]
	run release-notify -m 'why' 1.0.0
	[ "$status" -eq 2 ]
	run release-notify --help
	[ "$status" -eq 0 ]
	[[ $output == usage:* ]]
	run release-notify --version
	[ "$output" = "release-notify (shipsync) $(sed -n 's/^VERSION *= *//p' "$TOP/config.mk")" ]
}

@test "the man page EXAMPLES run as printed" {
	local line cmd= want= n=0
	receive
	check() {
		local got
		got=$(bash -c "$1") || { echo "example failed: $1" >&2; return 1; }
		[ "$got" = "${2%$'\n'}" ] || { printf 'example: %s\nwant: %s\ngot: %s\n' "$1" "$2" "$got" >&2; return 1; }
	}
	while IFS= read -r line; do
		if [[ $line == '$ '* ]]; then
			if [ -n "$cmd" ]; then check "$cmd" "$want" || return 1; fi
			cmd=${line#\$ } want= n=$((n + 1))
		else
			want+=$line$'\n'
		fi
	done < <(awk '/^\.Sh /{ ex = ($2 == "EXAMPLES") }
		ex && /^\.Bd -literal/ { lit = 1; next }
		ex && /^\.Ed/ { lit = 0; next }
		ex && lit' "$TOP/man/release-notify.1" | sed -e 's/\\e/\\/g' -e 's/\\&//g')
	check "$cmd" "$want"
	[ "$n" -eq 3 ]
	# The two that send did.
	[ "$(requests)" -eq 2 ]
	[ "$(field 0 'b["artifacts"]')" = '["https://pypi.org/project/app/1.2.3/", "https://github.com/acme/app/releases/tag/v1.2.3"]' ]
	[ "$(field 1 'b["step"]')" = publish-pypi ]
}
