#!/usr/bin/env bats
# release-notify against a webhook that echoes its secret path back: in a
# 404 body, in a 503 body while the retries warn, cut where a message is cut,
# and a redirect to another host. The webhook URL is the secret: no part of
# it may show in any output, nor reach another origin.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
	require release-notify "$PY3" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=5000
	# Shaped like Slack's: /services/TEAM/HOOK/TOKEN, ids of capitals and
	# digits, a token of 24 letters and digits, every part random.
	TEAM=T0$(random_text A-Z0-9 8) HOOK=B0$(random_text A-Z0-9 8) TOKEN=$(random_text A-Za-z0-9 24)
	SECRETS+=("$TEAM" "$HOOK" "$TOKEN")
	PARTS=("$TEAM" "$HOOK" "$TOKEN")
	SECRET_PATH=/services/$TEAM/$HOOK/$TOKEN
}

teardown() {
	stop_hostile
}

# webhook RULES: the server, and RELEASE_WEBHOOK_URL pointing at it.
webhook() {
	hostile "$1" || return 1
	export RELEASE_WEBHOOK_URL=$A$SECRET_PATH
}

@test "a 404 whose body echoes the path shows none of it" {
	webhook '[{"method": "POST", "status": 404, "body": "no webhook at {path}\n"}]'
	run --separate-stderr release-notify -v -f slack 1.2.3
	clean "$A"
	no_part_in "$output" "$stderr"
	[ "$status" -eq 8 ] || { echo "$stderr"; false; }
	[[ $stderr == *"the webhook answered 404: no webhook at "* ]]
	[ "$(seen "$A" --method POST --path "^$SECRET_PATH\$")" -eq 1 ]
}

@test "a 503 whose body echoes the path, retried with warnings, shows none of it" {
	webhook '[{"method": "POST", "status": 503, "body": "{\"error\": \"{path} is resting\"}"}]'
	run --separate-stderr release-notify -v -f slack 1.2.3
	clean "$A"
	no_part_in "$output" "$stderr"
	[ "$status" -eq 4 ] || { echo "$stderr"; false; }
	[ "$(grep -c 'warning: POST .*HTTP 503, retrying' <<<"$stderr")" -eq 5 ]
	[ "$(seen "$A" --method POST --path "^$SECRET_PATH\$")" -eq 6 ]
	run --separate-stderr release-notify -b -f slack 1.2.3
	clean "$A"
	no_part_in "$output" "$stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"--best-effort carries on"* ]]
}

@test "an echo that a message cuts in the middle of the token shows none of it" {
	local pad
	# The message shows the first 200 bytes of the body: end them half way into the token.
	pad=$(printf '%*s' $((200 - ${#SECRET_PATH} + ${#TOKEN} / 2)) '' | tr ' ' .)
	webhook "[{\"method\": \"POST\", \"status\": 404, \"body\": \"${pad}{path}\"}]"
	run --separate-stderr release-notify -f slack 1.2.3
	clean "$A"
	no_part_in "$output" "$stderr"
	[ "$status" -eq 8 ] || { echo "$stderr"; false; }
	[[ $stderr == *"the webhook answered 404: ..."* ]]
}

@test "a webhook that redirects to another host or port sends nothing there" {
	webhook '[
	{"listener": "a", "host": "^127[.]", "method": "POST", "status": 307, "times": 1,
	 "headers": {"Location": "{other_host}/collect"}},
	{"listener": "a", "host": "^127[.]", "method": "POST", "status": 308, "headers": {"Location": "{b}/collect"}},
	{"status": 200}]'
	for target in "$A_ALIAS" "$B"; do
		run --separate-stderr release-notify -v -f slack 1.2.3
		clean "$A"
		no_part_in "$output" "$stderr"
		[ "$status" -eq 1 ] || { echo "$stderr"; false; }
		[ "$(seen "$target")" -eq 0 ]
	done
	[ "$(seen "$A" --method POST --path "^$SECRET_PATH\$")" -eq 2 ]
}
