#!/usr/bin/env bats
# gh-release draft/publish/get/list/delete against the GitHub stand-in, every
# exchange checked by proxies built on GitHub's OpenAPI description.
load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

assets() {
	printf 'sdist bytes\n' >app-1.0.0.tar.gz
	# Binary, bytes above 0x7f and NUL included: they must arrive untouched.
	printf 'PK\003\004\000\377\200\351wheel bytes\n' >app-1.0.0-py3-none-any.whl
}

@test "drafts, uploads two assets and publishes a release" {
	seed_tag v1.0.0
	assets
	printf '## 1.0.0\n\n- "quoted" notes, ünïcode\n' >notes.md
	run --separate-stderr gh-release draft --notes notes.md v1.0.0 app-1.0.0.tar.gz app-1.0.0-py3-none-any.whl
	[ "$status" -eq 0 ]
	[ "$output" = http://127.0.0.1/acme/app/releases/tag/v1.0.0 ]
	[ "$(state "[r['draft'] for r in rels]")" = '[true]' ]
	run --separate-stderr gh-release publish v1.0.0
	[ "$status" -eq 0 ]
	[ "$output" = http://127.0.0.1/acme/app/releases/tag/v1.0.0 ]
	[ "$(state "[(r['draft'], r['prerelease'], r['make_latest'], r['name']) for r in rels]")" = '[[false, false, "true", "v1.0.0"]]' ]
	[ "$(state "rels[0]['body']")" = "$(cat notes.md)" ]
	[ "$(state "sorted((a['name'], a['state'], a['data'], a['content_type']) for a in assets)")" = \
		"$(python3 -c 'import hashlib, json; print(json.dumps(sorted([[n, "uploaded", hashlib.sha256(open(n, "rb").read()).hexdigest(), "application/octet-stream"] for n in ["app-1.0.0.tar.gz", "app-1.0.0-py3-none-any.whl"]])))')" ]
	# Uploads went to the uploads host; the API host got none.
	[ "$(state "sorted(set(e['host'] for e in log if e['method'] == 'POST' and 'assets' in e['path']))")" = '["uploads"]' ]
}

@test "runs again after a failed create and makes one release" {
	seed_tag v1.0.0
	assets
	gh_control /faults '[{"method": "POST", "path": "/releases$", "status": 502, "times": 100}]'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 4 ]
	[ "$(state 'len(rels)')" = 0 ]
	gh_control /faults/clear '{}'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	[ "$(state '[(len(rels), len(assets))]')" = '[[1, 1]]' ]
}

@test "an upload that fails for good leaves a starter asset that the next run replaces" {
	seed_tag v1.0.0
	assets
	gh_control /faults '[{"method": "POST", "host": "uploads", "path": "name=app-1.0.0.tar.gz", "status": 502, "starter": true, "times": 100}]'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0-py3-none-any.whl app-1.0.0.tar.gz
	[ "$status" -eq 4 ]
	[[ $stderr == *"run the same command again"* ]]
	[ "$(state "sorted((a['name'], a['state']) for a in assets)")" = \
		'[["app-1.0.0-py3-none-any.whl", "uploaded"], ["app-1.0.0.tar.gz", "starter"]]' ]
	gh_control /faults/clear '{}'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0-py3-none-any.whl app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	[ "$(state "sorted((a['name'], a['state']) for a in assets)")" = \
		'[["app-1.0.0-py3-none-any.whl", "uploaded"], ["app-1.0.0.tar.gz", "uploaded"]]' ]
	[ "$(state 'len(rels)')" = 1 ]
	run --separate-stderr gh-release publish v1.0.0
	[ "$status" -eq 0 ]
}

@test "a 502 during an upload is cleared and sent again within the run" {
	seed_tag v1.0.0
	assets
	gh_control /faults '[{"method": "POST", "host": "uploads", "path": "assets", "status": 502, "starter": true, "times": 1}]'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	[[ $stderr == *"uploading asset 'app-1.0.0.tar.gz': the upload failed, retrying in"* ]]
	[ "$(state "[(a['name'], a['state'], a['data']) for a in assets]")" = \
		"[[\"app-1.0.0.tar.gz\", \"uploaded\", \"$(sha256sum app-1.0.0.tar.gz | cut -d' ' -f1)\"]]" ]
}

@test "refuses to publish a draft whose asset is still a starter" {
	seed_tag v1.0.0
	assets
	gh_control /faults '[{"method": "POST", "host": "uploads", "status": 502, "starter": true, "times": 100}]'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 4 ]
	run --separate-stderr gh-release publish v1.0.0
	[ "$status" -eq 3 ]
	[[ $stderr == *"'app-1.0.0.tar.gz' of 'v1.0.0' is incomplete (state open)"* ]]
	[ "$(state "[r['draft'] for r in rels]")" = '[true]' ]
}

@test "runs again after a failed publish and publishes the same release" {
	seed_tag v1.0.0
	assets
	gh-release draft v1.0.0 app-1.0.0.tar.gz >/dev/null
	gh_control /faults '[{"method": "PATCH", "path": "/releases/[0-9]+$", "status": 502, "times": 100}]'
	run --separate-stderr gh-release publish v1.0.0
	[ "$status" -eq 4 ]
	[ "$(state "[r['draft'] for r in rels]")" = '[true]' ]
	gh_control /faults/clear '{}'
	run --separate-stderr gh-release draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	run --separate-stderr gh-release publish v1.0.0
	[ "$status" -eq 0 ]
	[ "$(state "[(r['draft'], len(r['assets'])) for r in rels]")" = '[[false, 1]]' ]
	# A published release is only verified again, not changed.
	writes=$(state "len([e for e in log if e['method'] != 'GET'])")
	run --separate-stderr gh-release -v publish v1.0.0
	[ "$status" -eq 0 ]
	[[ $stderr == *"already published"* ]]
	[ "$(state "len([e for e in log if e['method'] != 'GET'])")" = "$writes" ]
}

@test "skips an asset that is already there with the same content" {
	seed_tag v1.0.0
	assets
	gh-release draft v1.0.0 app-1.0.0.tar.gz app-1.0.0-py3-none-any.whl >/dev/null
	run --separate-stderr gh-release -v draft v1.0.0 app-1.0.0.tar.gz app-1.0.0-py3-none-any.whl
	[ "$status" -eq 0 ]
	[[ $stderr == *"'app-1.0.0.tar.gz' is already there with the same content"* ]]
	[ "$(state "len([e for e in log if e['host'] == 'uploads'])")" = 2 ]
	[ "$(state 'len(assets)')" = 2 ]
}

@test "compares an asset without a digest by downloading it, without the token" {
	seed_tag v1.0.0
	assets
	gh_control /seed '{"digests": false}'
	gh-release draft v1.0.0 app-1.0.0.tar.gz >/dev/null
	run --separate-stderr gh-release -v draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	[[ $stderr == *"already there with the same content"* ]]
	[ "$(state "[e['authorization'] for e in log if e['host'] == 'download']")" = '[false]' ]
	[ "$(state "len([e for e in log if e['host'] == 'uploads'])")" = 1 ]
}

@test "refuses an asset name that holds other content, and replaces it with --replace" {
	seed_tag v1.0.0
	assets
	gh-release draft v1.0.0 app-1.0.0.tar.gz >/dev/null
	printf 'other bytes\n' >app-1.0.0.tar.gz
	printf 'new\n' >extra.txt
	run --separate-stderr gh-release draft v1.0.0 extra.txt app-1.0.0.tar.gz
	[ "$status" -eq 6 ]
	[[ $stderr == *"asset 'app-1.0.0.tar.gz' of release 'v1.0.0' holds other content"*"--replace"* ]]
	# Nothing was sent: the conflict is found before any upload.
	[ "$(state 'len(assets)')" = 1 ]
	run --separate-stderr gh-release draft --replace v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	[ "$(state "[a['data'] for a in assets]")" = "[\"$(sha256sum app-1.0.0.tar.gz | cut -d' ' -f1)\"]" ]
}

@test "marks prereleases and makes only the highest stable version latest" {
	local tag
	for tag in v1.0.0 v1.1.0-rc.1 v0.9.1; do
		seed_tag "$tag"
		gh-release draft "$tag" >/dev/null
		gh-release publish "$tag" >/dev/null
	done
	[ "$(state "sorted((r['tag_name'], r['prerelease'], r['make_latest']) for r in rels)")" = \
		'[["v0.9.1", false, "false"], ["v1.0.0", false, "true"], ["v1.1.0-rc.1", true, "false"]]' ]
	# The draft of a prerelease is marked already.
	seed_tag v2.0.0-beta.1
	gh-release draft v2.0.0-beta.1 >/dev/null
	[ "$(state "[(r['draft'], r['prerelease']) for r in rels if r['tag_name'] == 'v2.0.0-beta.1']")" = '[[true, true]]' ]
}

@test "a 401 for a bad token exits 5 and never shows the token" {
	seed_tag v1.0.0
	GITHUB_TOKEN=ghs_wrong$RANDOM$RANDOM
	run gh-release -v draft v1.0.0
	[ "$status" -eq 5 ]
	[[ $output == *"401 Bad credentials"*"set a valid one"* ]]
	no_token_in "$output"
}

@test "a read-only token gets a clear 403 message and exit 5" {
	seed_tag v1.0.0
	run --separate-stderr env GITHUB_TOKEN="$GH_READONLY_TOKEN" gh-release draft v1.0.0
	[ "$status" -eq 5 ]
	[[ $stderr == *"403 Resource not accessible by integration"*"contents: write"* ]]
	[ "$(state 'len(rels)')" = 0 ]
}

@test "shows GitHub's 422 error body clearly" {
	seed_tag v1.0.0
	gh_control /faults '[{"method": "POST", "path": "/releases$", "status": 422, "body": {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest", "errors": [{"resource": "Release", "code": "custom", "field": "tag_name", "message": "tag_name is not a valid tag"}]}}]'
	run --separate-stderr gh-release draft v1.0.0
	[ "$status" -eq 3 ]
	[[ $stderr == *"POST "*"/repos/acme/app/releases: 422 Validation Failed: resource=Release field=tag_name code=custom message=tag_name is not a valid tag"* ]]
}

@test "follows Link pages: lists every release and weighs them all for latest" {
	local v
	gh_control /seed '{"max_per_page": 2}'
	for v in 1.0.0 1.0.1 1.0.2 1.0.3 0.5.0; do
		seed_tag "v$v"
		gh-release draft "v$v" >/dev/null
	done
	# The oldest release is on the last page.
	gh-release publish v1.0.0 >/dev/null
	run --separate-stderr gh-release list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ ${lines[4]} == v1.0.0$'\t'published$'\t'* ]]
	[[ ${lines[0]} == v0.5.0$'\t'draft$'\t'* ]]
	[ "$(state "len([e for e in log if e['path'].startswith('/repos/acme/app/releases?') and 'page=3' in e['path']]) > 0")" = true ]
	gh-release publish v0.5.0 >/dev/null
	[ "$(state "[r['make_latest'] for r in rels if r['tag_name'] == 'v0.5.0']")" = '["false"]' ]
	run gh-release -p 1 list
	[ "${#lines[@]}" -eq 5 ]
}

@test "waits out a primary rate limit until its reset and succeeds" {
	seed_tag v1.0.0
	gh_control /faults "[{\"method\": \"GET\", \"path\": \"/releases\", \"status\": 403, \"times\": 1, \"headers\": {\"x-ratelimit-remaining\": \"0\", \"x-ratelimit-reset\": \"$(($(date +%s) + 1))\"}, \"body\": {\"message\": \"API rate limit exceeded for installation.\", \"documentation_url\": \"https://docs.github.com/rest/rate-limit\"}}]"
	run --separate-stderr gh-release list
	[ "$status" -eq 0 ]
	[[ $stderr == *"rate limited by GitHub (403), retrying in"* ]]
	[ "$(state "len([e for e in log if e['path'].startswith('/repos/acme/app/releases')])")" = 2 ]
}

@test "backs off a secondary rate limit and succeeds" {
	seed_tag v1.0.0
	gh_control /faults '[{"method": "POST", "path": "/releases$", "status": 403, "times": 1, "headers": {"Retry-After": "1"}, "body": {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest"}}]'
	run --separate-stderr gh-release draft v1.0.0
	[ "$status" -eq 0 ]
	[[ $stderr == *"rate limited"* ]]
	[ "$(state 'len(rels)')" = 1 ]
}

@test "gives up at once when a rate limit outlasts the deadline" {
	gh_control /faults "[{\"method\": \"GET\", \"path\": \"/releases\", \"status\": 403, \"times\": 1, \"headers\": {\"x-ratelimit-remaining\": \"0\", \"x-ratelimit-reset\": \"$(($(date +%s) + 3600))\"}, \"body\": {\"message\": \"API rate limit exceeded\", \"documentation_url\": \"https://docs.github.com/rest\"}}]"
	run --separate-stderr gh-release -t 30 list
	[ "$status" -eq 4 ]
	[[ $stderr == *"past the deadline"* ]]
}

@test "get shows a draft (found through the list) and delete keeps the tag" {
	seed_tag v1.0.0
	gh-release draft v1.0.0 >/dev/null
	# GitHub hides drafts from GET by tag.
	run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $GITHUB_TOKEN" \
		"$GITHUB_API_URL/repos/acme/app/releases/tags/v1.0.0"
	[ "$output" = 404 ]
	run --separate-stderr gh-release get v1.0.0
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["tag_name"], r["draft"])' "$output")" = "v1.0.0 True" ]
	run --separate-stderr gh-release delete v1.0.0
	[ "$status" -eq 0 ]
	[ "$(state "(len(rels), sorted(s['tags']))")" = '[0, ["v1.0.0"]]' ]
	run --separate-stderr gh-release delete v1.0.0
	[ "$status" -eq 8 ]
	run --separate-stderr gh-release get v1.0.0
	[ "$status" -eq 8 ]
	run --separate-stderr gh-release delete-tag v1.0.0
	[ "$status" -eq 0 ]
	[ "$(state "sorted(s['tags'])")" = '[]' ]
	run --separate-stderr gh-release delete-tag v1.0.0
	[ "$status" -eq 8 ]
	[[ $stderr == *"tag 'v1.0.0' is not on GitHub"* ]]
}

@test "refuses a tag that is not on GitHub, creating nothing" {
	run --separate-stderr gh-release draft v9.9.9
	[ "$status" -eq 8 ]
	[[ $stderr == *"tag 'v9.9.9' is not on GitHub"*"git push --follow-tags"* ]]
	[ "$(state 'len(rels)')" = 0 ]
}

@test "--dry-run prints every write and sends none, never the token" {
	seed_tag v1.0.0
	assets
	run gh-release -v --dry-run draft --notes - v1.0.0 app-1.0.0.tar.gz <<<'notes "x"'
	[ "$status" -eq 0 ]
	[[ $output == *'POST '"$GITHUB_API_URL"'/repos/acme/app/releases {"tag_name":"v1.0.0","name":"v1.0.0","body":"notes \"x\"\n","draft":true,"prerelease":false}'* ]]
	[[ $output == *"POST https://uploads.github.com/repos/acme/app/releases/RELEASE_ID/assets?name=app-1.0.0.tar.gz (12 bytes, application/octet-stream)"* ]]
	no_token_in "$output"
	[ "$(state "sorted(set(e['method'] for e in log))")" = '["GET"]' ]
	gh-release draft v1.0.0 app-1.0.0.tar.gz >/dev/null
	run gh-release -v -n publish v1.0.0
	[ "$status" -eq 0 ]
	[[ $output == *'PATCH '"$GITHUB_API_URL"'/repos/acme/app/releases/'*' {"draft":false,"prerelease":false,"make_latest":"true"}'* ]]
	run gh-release -v -n delete v1.0.0
	[[ $output == *"DELETE $GITHUB_API_URL/repos/acme/app/releases/"* ]]
	run gh-release -v -n delete-tag v1.0.0
	[[ $output == *"DELETE $GITHUB_API_URL/repos/acme/app/git/refs/tags%2Fv1.0.0"* ]]
	no_token_in "$output"
	[ "$(state "[(r['draft'], sorted(s['tags'])) for r in rels]")" = '[[true, ["v1.0.0"]]]' ]
	[ "$(state "len([e for e in log if e['method'] != 'GET'])")" = 2 ]
}

@test "never shows the token, verbose or failing" {
	seed_tag v1.0.0
	assets
	run gh-release -vv draft v1.0.0 app-1.0.0.tar.gz
	[ "$status" -eq 0 ]
	no_token_in "$output"
	run gh-release -vv publish v1.0.0
	no_token_in "$output"
	run gh-release -vv get v1.0.0
	no_token_in "$output"
	gh_control /faults '[{"method": "GET", "status": 500, "times": 100}]'
	run gh-release -vv list
	[ "$status" -eq 4 ]
	no_token_in "$output"
}

@test "finds the repository from the origin remote (https and ssh forms)" {
	local url
	unset GITHUB_REPOSITORY
	seed_tag v1.0.0
	run --separate-stderr gh-release list
	[ "$status" -eq 2 ]
	git init -q repo
	for url in https://github.com/acme/app.git git@github.com:acme/app.git ssh://git@github.com/acme/app https://ghe.example.com/acme/app/; do
		git -C repo remote remove origin 2>/dev/null || true
		git -C repo remote add origin "$url"
		run --separate-stderr bash -c 'cd repo && gh-release list'
		[ "$status" -eq 0 ]
	done
	git -C repo remote set-url origin https://github.com/acme/app/extra/path
	run --separate-stderr bash -c 'cd repo && gh-release list'
	[ "$status" -eq 2 ]
	[[ $stderr == *"set GITHUB_REPOSITORY=owner/repo"* ]]
}

@test "refuses bad input before sending anything" {
	run --separate-stderr gh-release draft $'v1.0.0\n'
	[ "$status" -eq 2 ]
	run --separate-stderr gh-release draft v1.0.0 /nonexistent/file.tar.gz
	[ "$status" -eq 3 ]
	run --separate-stderr gh-release draft not-a-version
	[ "$status" -eq 3 ]
	[[ $stderr == *"tag 'not-a-version' is not a SemVer version"* ]]
	run --separate-stderr env GITHUB_REPOSITORY='acme/../x' gh-release list
	[ "$status" -eq 2 ]
	run --separate-stderr env -u GITHUB_TOKEN -u GH_TOKEN gh-release list
	[ "$status" -eq 5 ]
	[[ $stderr == *"no token: set GITHUB_TOKEN or GH_TOKEN"* ]]
	run --separate-stderr env GITHUB_TOKEN=$'a\nb' gh-release list
	[ "$status" -eq 5 ]
	run --separate-stderr gh-release --wait 5 draft v1.0.0
	[ "$status" -eq 2 ]
	run --separate-stderr gh-release frobnicate v1.0.0
	[ "$status" -eq 2 ]
	touch a
	run --separate-stderr gh-release draft v1.0.0 a a
	[ "$status" -eq 2 ]
	[[ $stderr == *"two assets are named 'a'"* ]]
	[ "$(state 'len(log)')" = 0 ]
}

@test "a dead API server is a failure worth retrying (exit 4)" {
	GITHUB_API_URL=http://127.0.0.1:$(free_port)
	run --separate-stderr env SHIPSYNC_HTTP_DEADLINE_MS=2000 gh-release list
	[ "$status" -eq 4 ]
}

@test "--help, --version and usage" {
	run gh-release --help
	[ "$status" -eq 0 ]
	[[ $output == usage:* ]]
	run gh-release --version
	[ "$output" = "gh-release (shipsync) $(sed -n 's/^VERSION *= *//p' "$TOP/config.mk")" ]
	run gh-release
	[ "$status" -eq 2 ]
}

@test "the man page EXAMPLES run as printed" {
	local cmd n=0 head
	require changelog-prepend git
	git init -q .
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m release
	head=$(git rev-parse HEAD)
	seed_tag v1.2.3 "$head"
	printf 'zip\n' >artifact.zip
	gh_control /seed "{\"runs\": [{\"head_sha\": \"$head\", \"status\": \"completed\", \"conclusion\": \"success\",
		\"artifacts\": [{\"name\": \"shipsync-dist\", \"file\": \"$PWD/artifact.zip\"}]}]}"
	mkdir dist
	printf 'sdist\n' >dist/app-1.2.3.tar.gz
	printf 'wheel\n' >dist/app-1.2.3-py3-none-any.whl
	printf '# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2026-11-25\n\n### Fixed\n\n- The "start" command.\n' >CHANGELOG.md
	while IFS= read -r cmd; do
		n=$((n + 1))
		run bash -c "$cmd"
		[ "$status" -eq 0 ] || { echo "example failed ($status): $cmd" >&2; echo "$output" >&2; return 1; }
		case $cmd in
		*draft*) [ "$(state "[(r['draft'], len(r['assets']), r['body'].strip()) for r in rels]")" = '[[true, 2, "### Fixed\n\n- The \"start\" command."]]' ] ;;
		*download-artifact*) [[ $output == "download artifact 'shipsync-dist' (4 bytes) of run "*" into ci-dist" ]] && [ ! -e ci-dist ] ;;
		*--dry-run*) [[ $output == "PATCH "* ]] && [ "$(state "[r['draft'] for r in rels]")" = '[true]' ] ;;
		*"publish v1.2.3") [ "$(state "[r['draft'] for r in rels]")" = '[false]' ] ;;
		*list) [[ $output == v1.2.3$'\t'published$'\t'* ]] ;;
		esac
	done < <(man_examples "$TOP/man/gh-release.1")
	[ "$n" -eq 8 ]
	[ "$(state "(len(rels), len(s['tags']))")" = '[0, 0]' ]
}

@test "the proxies refused no exchange of this file" {
	[ -z "$(github_violations "$BATS_FILE_TMPDIR/github")" ]
}
