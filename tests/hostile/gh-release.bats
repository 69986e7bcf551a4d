#!/usr/bin/env bats
# gh-release against an API that hands back URLs on another host: a Link
# rel=next page, an upload_url, a browser_download_url, a redirect; and one
# that echoes the token in an error. The token goes to GITHUB_API_URL's
# origin (and GITHUB_UPLOADS_URL's) only, and never shows in any output.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

SHA=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

setup() {
	require gh-release "$PY3" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	unset GH_TOKEN GITHUB_UPLOADS_URL
	# Until a test starts its server: nothing listens there, nothing leaves this machine.
	export GITHUB_API_URL=http://127.0.0.1:1
	export SHIPSYNC_HTTP_RETRY_DELAY_MS=20 SHIPSYNC_HTTP_DEADLINE_MS=5000
	sentinel GITHUB_TOKEN ghp_hostile
	export GITHUB_TOKEN GITHUB_REPOSITORY=acme/app
	BEARER="Bearer $GITHUB_TOKEN"
	printf 'hostile asset\n' >asset.txt
	printf 'second hostile asset\n' >second.txt
}

teardown() {
	stop_hostile
}

# A release as GitHub lists it: release ID TAG DRAFT UPLOAD_URL [ASSETS_JSON]
release() {
	cat <<-JSON
	{"id": $1, "tag_name": "$2", "name": "$2", "draft": $3, "prerelease": false,
	 "html_url": "https://github.example/acme/app/releases/tag/$2",
	 "upload_url": "$4", "assets": ${5:-[]}}
	JSON
}

# An uploaded asset without a digest: asset ID FILE DOWNLOAD_URL
asset() {
	echo "{\"id\": $1, \"name\": \"$2\", \"size\": $(wc -c <"$2"), \"state\": \"uploaded\", \"browser_download_url\": \"$3\"}"
}

# hostile, with GITHUB_API_URL on listener a
github() {
	hostile "$1" || return 1
	export GITHUB_API_URL=$A
}

# The API on listener a (reached as 127.0.0.1): the token is required, the
# tag's commit exists, a test's own rules come first.
api() {
	local on='"listener": "a", "host": "^127[.]"'
	cat <<-JSON
	{$on, "auth": false, "status": 401, "json": {"message": "Requires authentication"}},
	{$on, "method": "GET", "path": "^/repos/acme/app/commits/v1[.]0[.]0\$", "json": {"sha": "$SHA"}}
	JSON
}

@test "Link rel=next pages on another host, then another port, are read without the token" {
	local next='; rel=\"next\"'
	github "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/repos/acme/app/releases[?]\", \"auth\": true,
	 \"headers\": {\"Link\": \"<{other_host}/repos/acme/app/releases?per_page=100&page=2>$next\"},
	 \"json\": [$(release 3 v1.0.0 false '{self}/upload')]},
	{\"host\": \"^localhost\", \"method\": \"GET\", \"path\": \"^/repos/acme/app/releases[?]\",
	 \"headers\": {\"Link\": \"<{b}/repos/acme/app/releases?per_page=100&page=3>$next\"},
	 \"json\": [$(release 2 v0.9.0 false '{self}/upload')]},
	{\"listener\": \"b\", \"method\": \"GET\", \"path\": \"^/repos/acme/app/releases[?]\",
	 \"json\": [$(release 1 v0.8.0 false '{self}/upload')]},
	$(api)]"
	run --separate-stderr gh-release list
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "${lines[0]}" = "v1.0.0	published	3	https://github.example/acme/app/releases/tag/v1.0.0" ]
	[ "${lines[1]}" = "v0.9.0	published	2	https://github.example/acme/app/releases/tag/v0.9.0" ]
	[ "${lines[2]}" = "v0.8.0	published	1	https://github.example/acme/app/releases/tag/v0.8.0" ]
	[ "$(seen "$A" --path '^/repos/acme/app/releases' --auth "$BEARER")" -eq 1 ]
	[ "$(seen "$A_ALIAS" --path 'page=2$' --no-auth)" -eq 1 ]
	[ "$(seen "$B" --path 'page=3$' --no-auth)" -eq 1 ]
}

@test "an upload_url on another host gets the asset but not the token" {
	github "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/repos/acme/app/releases[?]\", \"auth\": true, \"json\": []},
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"POST\", \"path\": \"^/repos/acme/app/releases\$\", \"auth\": true,
	 \"status\": 201, \"json\": $(release 3 v1.0.0 true '{other_host}/repos/acme/app/releases/3/assets{?name,label}')},
	{\"host\": \"^localhost\", \"method\": \"POST\", \"path\": \"^/repos/acme/app/releases/3/assets[?]name=asset[.]txt\$\",
	 \"status\": 201, \"json\": $(asset 9 asset.txt '{self}/download/asset.txt')},
	$(api)]"
	export GITHUB_UPLOADS_URL=$B
	run --separate-stderr gh-release draft v1.0.0 asset.txt
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[ "$output" = https://github.example/acme/app/releases/tag/v1.0.0 ]
	[ "$(seen "$A" --method POST --path '^/repos/acme/app/releases$' --auth "$BEARER")" -eq 1 ]
	[ "$(seen "$A_ALIAS" --method POST --path '/assets[?]name=asset.txt' --no-auth)" -eq 1 ]
	grep -q 'hostile asset' "$LOG"
	[ "$(seen "$B")" -eq 0 ]
}

@test "a browser_download_url on another host, or redirecting there, gets no token" {
	printf '[%s]' "$(release 4 v1.0.0 true '{self}/upload{?name,label}' \
		"[$(asset 10 asset.txt '{other_host}/download/asset.txt'), $(asset 11 second.txt '{self}/download/second.txt')]")" \
		>releases.json
	github "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/repos/acme/app/releases[?]\", \"auth\": true,
	 \"json\": $(cat releases.json)},
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"method\": \"GET\", \"path\": \"^/download/second[.]txt\$\",
	 \"status\": 302, \"headers\": {\"Location\": \"{other_host}/download/second.txt\"}},
	{\"host\": \"^localhost\", \"method\": \"GET\", \"path\": \"^/download/asset[.]txt\$\", \"body\": \"hostile asset\\n\"},
	{\"host\": \"^localhost\", \"method\": \"GET\", \"path\": \"^/download/second[.]txt\$\", \"body\": \"second hostile asset\\n\"},
	$(api)]"
	run --separate-stderr gh-release -v draft v1.0.0 asset.txt second.txt
	clean "$A"
	[ "$status" -eq 0 ] || { echo "$stderr"; show_log; false; }
	[[ $stderr == *"asset 'asset.txt' is already there with the same content"* ]]
	[[ $stderr == *"asset 'second.txt' is already there with the same content"* ]]
	[ "$(seen "$A" --path '^/repos/acme/app/releases' --auth "$BEARER")" -eq 1 ]
	[ "$(seen "$A" --path '^/download/second.txt$')" -eq 1 ]
	[ "$(seen "$A_ALIAS" --path '^/download/' --no-auth)" -eq 2 ]
}

@test "an API answer that redirects to another host is not followed with the token" {
	github "[
	{\"listener\": \"a\", \"host\": \"^127[.]\", \"path\": \"^/repos/acme/app/releases\", \"auth\": true,
	 \"status\": 307, \"headers\": {\"Location\": \"{other_host}{path}\"}},
	{\"host\": \"^localhost\", \"json\": []},
	$(api)]"
	for verb in list 'draft v1.0.0 asset.txt' 'publish v1.0.0' 'delete v1.0.0'; do
		# shellcheck disable=SC2086
		run --separate-stderr gh-release $verb
		clean "$A"
		[ "$status" -eq 1 ] || { echo "$stderr"; show_log; false; }
		[[ $stderr == *"/repos/acme/app/releases?per_page=100: 307"* ]]
	done
	[ "$(seen "$A" --path '^/repos/acme/app/releases' --auth "$BEARER")" -eq 4 ]
}

@test "an error body that echoes the token shows none of it, whole or cut in two" {
	local pad
	GITHUB_TOKEN=ghp_$(random_text A-Za-z0-9 36)
	BEARER="Bearer $GITHUB_TOKEN"
	SECRETS+=("$GITHUB_TOKEN")
	PARTS=("${GITHUB_TOKEN#ghp_}")
	# The message shows the first 200 bytes of a body that is not JSON: end them half way into the token.
	pad=$(printf '%*s' $((200 - ${#BEARER} + ${#GITHUB_TOKEN} / 2)) '' | tr ' ' .)
	github "[
	{\"listener\": \"a\", \"path\": \"^/repos/acme/app/releases[?]\", \"auth\": true, \"times\": 1,
	 \"status\": 400, \"body\": \"you sent {header:authorization}\"},
	{\"listener\": \"a\", \"path\": \"^/repos/acme/app/releases[?]\", \"auth\": true,
	 \"status\": 400, \"body\": \"$pad{header:authorization}\"},
	$(api)]"
	for cut in whole half; do
		run --separate-stderr gh-release list
		clean "$A"
		no_part_in "$output" "$stderr"
		[ "$status" -eq 3 ] || { echo "$stderr"; false; }
		[[ $stderr == *"/repos/acme/app/releases?per_page=100: 400 "* ]]
	done
	[ "$(seen "$A" --auth "$BEARER")" -eq 2 ]
}
