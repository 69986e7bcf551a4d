#!/usr/bin/env bats
# gh-release ci-status: the workflow runs of a tag's commit decide, through
# proxies built on GitHub's OpenAPI description.
load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

# run_json SHA STATUS CONCLUSION [ATTEMPT [WORKFLOW_ID [ID [PATH]]]]
run_json() {
	local conclusion=null
	[ "$3" = null ] || conclusion="\"$3\""
	printf '{"head_sha": "%s", "status": "%s", "conclusion": %s, "run_attempt": %s, "workflow_id": %s%s, "path": "%s"}' \
		"$1" "$2" "$conclusion" "${4:-1}" "${5:-1}" "${6:+, \"id\": $6}" "${7:-.github/workflows/release.yml}"
}

seed_runs() {
	local IFS=,
	gh_control /seed "{\"runs\": [$*]}"
}

@test "succeeds when the release workflow passed for the tag's commit" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed success)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 0 ]
	[[ $output == "success .github/workflows/release.yml http://127.0.0.1/acme/app/actions/runs/"* ]]
	# The runs of release.yml were asked for by the commit the tag points at.
	[ "$(state "[e['path'] for e in log if 'actions' in e['path']]")" = "[\"/repos/acme/app/actions/workflows/release.yml/runs?head_sha=$SHA_A&per_page=100\"]" ]
}

@test "no run for the commit is exit 8" {
	seed_tag v1.0.0
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 8 ]
	[[ $stderr == *"no workflow run of release.yml for commit $SHA_A (tag 'v1.0.0')"* ]]
}

@test "a success on another commit does not count" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_B completed success)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 8 ]
}

@test "a run in progress is exit 7" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A in_progress null)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
	[[ $stderr == *"workflow '.github/workflows/release.yml' is still 'in_progress'"* ]]
	[ -z "$output" ]
}

@test "a failed run is exit 1, and a failure outweighs another workflow still running" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed failure)" "$(run_json $SHA_A queued null 1 2 '' .github/workflows/ci.yml)"
	run --separate-stderr gh-release ci-status --all-workflows v1.0.0
	[ "$status" -eq 1 ]
	[[ $stderr == *"workflow '.github/workflows/release.yml' concluded 'failure' (attempt 1)"* ]]
}

@test "a re-run attempt that succeeded turns a failure into success" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed failure 1 1 500)"
	run gh-release ci-status v1.0.0
	[ "$status" -eq 1 ]
	# GitHub shows the same run with its newest attempt.
	seed_runs "$(run_json $SHA_A completed success 2 1 500)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 0 ]
}

@test "the newest run of a workflow wins over older ones" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed failure 1 1 600)" "$(run_json $SHA_A completed success 1 1 601)" \
		"$(run_json $SHA_A completed cancelled 3 1 599)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "release.yml decides by default; --workflow names another, --all-workflows counts each" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed success)" "$(run_json $SHA_A completed failure 1 2 '' .github/workflows/lint.yml)"
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 0 ]
	run --separate-stderr gh-release ci-status --all-workflows v1.0.0
	[ "$status" -eq 1 ]
	[ "$(state "[e['path'] for e in log if 'runs?' in e['path']][-1]")" = "/repos/acme/app/actions/runs?head_sha=$SHA_A&per_page=100" ]
	run --separate-stderr gh-release ci-status --workflow lint.yml v1.0.0
	[ "$status" -eq 1 ]
	run --separate-stderr gh-release ci-status --workflow deploy.yml v1.0.0
	[ "$status" -eq 8 ]
	[[ $stderr == *"no workflow run of deploy.yml for commit"* ]]
	run --separate-stderr gh-release ci-status --workflow deploy.yml --all-workflows v1.0.0
	[ "$status" -eq 2 ]
}

@test "--commit refuses a tag whose commit on GitHub is another, naming both" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed success)"
	run --separate-stderr gh-release ci-status --commit $SHA_B v1.0.0
	[ "$status" -eq 6 ]
	[[ $stderr == *"tag 'v1.0.0' is commit $SHA_A on GitHub but $SHA_B here"* ]]
	[ -z "$output" ]
	# nothing about runs was asked: the wrong commit's CI does not matter
	[ "$(state "len([e for e in log if 'actions' in e['path']])")" -eq 0 ]
	run --separate-stderr gh-release ci-status --commit "${SHA_A^^}" v1.0.0
	[ "$status" -eq 0 ]
	local bad
	for bad in "${SHA_A:1}" "${SHA_A}a" HEAD "${SHA_A:1}g"; do
		run --separate-stderr gh-release ci-status --commit "$bad" v1.0.0
		[ "$status" -eq 2 ] || return 1
	done
	run --separate-stderr gh-release get --commit $SHA_A v1.0.0
	[ "$status" -eq 2 ]
}

# own_run JOBS...: the release workflow's run 900 for SHA_A, in progress, with these jobs ("name|status|conclusion").
own_run() {
	local jobs='' j name st concl
	for j; do
		IFS="|" read -r name st concl <<<"$j"
		jobs+="${jobs:+, }{\"name\": \"$name\", \"status\": \"$st\", \"conclusion\": ${concl:-null}}"
	done
	gh_control /seed "{\"runs\": [{\"id\": 900, \"head_sha\": \"$SHA_A\", \"status\": \"in_progress\", \"conclusion\": null, \"jobs\": [$jobs]}]}"
}

@test "inside its own run, the publish job passes when every other job passed" {
	seed_tag v1.0.0
	own_run 'validate linux/amd64|completed|"success"' 'merge|completed|"success"' 'publish|in_progress'
	export GITHUB_ACTIONS=true GITHUB_RUN_ID=900 GITHUB_JOB=publish
	run --separate-stderr gh-release ci-status --commit $SHA_A v1.0.0
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ $output == "success .github/workflows/release.yml "*"/actions/runs/900" ]]
	# another job of the run unfinished or failed, or another run: still pending
	own_run 'merge|in_progress' 'publish|in_progress'
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
	own_run 'merge|completed|"failure"' 'publish|in_progress'
	run --separate-stderr gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
	own_run 'merge|completed|"success"' 'publish|in_progress'
	run --separate-stderr env GITHUB_RUN_ID=901 gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
	run --separate-stderr env GITHUB_JOB=deploy gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
	# outside Actions the run is only in progress
	run --separate-stderr env -u GITHUB_ACTIONS gh-release ci-status v1.0.0
	[ "$status" -eq 7 ]
}

@test "--wait sees a pending run turn into success" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A in_progress null 1 1 700)"
	# Flip the run once the tool has seen it pending.
	(
		until [ "$(state "len([e for e in log if 'runs?' in e['path']])")" -ge 1 ]; do sleep 0.2; done
		seed_runs "$(run_json $SHA_A completed success 1 1 700)"
	) 3>&- &
	run --separate-stderr gh-release ci-status --wait 120 v1.0.0
	wait
	[ "$status" -eq 0 ]
	[[ $output == "success "* ]]
	[ "$(state "len([e for e in log if 'runs?' in e['path']])")" -ge 2 ]
}

@test "--wait gives up at its deadline with exit 7" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A queued null)"
	run --separate-stderr gh-release ci-status --wait 2 v1.0.0
	[ "$status" -eq 7 ]
	[[ $stderr == *"has not finished before the --wait deadline"* ]]
}

@test "follows pages of runs" {
	seed_tag v1.0.0
	gh_control /seed '{"max_per_page": 1}'
	seed_runs "$(run_json $SHA_A completed failure 1 1 800)" "$(run_json $SHA_A completed success 1 2 801 .github/workflows/a.yml)" \
		"$(run_json $SHA_A completed success 1 1 802)"
	run --separate-stderr gh-release ci-status --all-workflows v1.0.0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr gh-release -p 1 ci-status --all-workflows v1.0.0
	[ "$status" -eq 0 ]
}

@test "an unknown tag is exit 8, a read-only token may ask, a bad one may not" {
	run --separate-stderr gh-release ci-status v9.9.9
	[ "$status" -eq 8 ]
	[[ $stderr == *"tag 'v9.9.9' is not on GitHub"* ]]
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A completed success)"
	run --separate-stderr env GITHUB_TOKEN="$GH_READONLY_TOKEN" gh-release ci-status v1.0.0
	[ "$status" -eq 0 ]
	run env GITHUB_TOKEN=ghs_bad$RANDOM gh-release -v ci-status v1.0.0
	[ "$status" -eq 5 ]
	no_token_in "$output"
}

@test "never shows the token, verbose or waiting" {
	seed_tag v1.0.0
	seed_runs "$(run_json $SHA_A in_progress null)"
	run gh-release -vv ci-status --wait 1 v1.0.0
	[ "$status" -eq 7 ]
	no_token_in "$output"
}

@test "the proxies refused no exchange of this file" {
	[ -z "$(github_violations "$BATS_FILE_TMPDIR/github")" ]
}
