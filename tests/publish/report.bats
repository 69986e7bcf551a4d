#!/usr/bin/env bats
# mk/report.sh, the release report publish ends with: the same facts as text,
# JSON and Markdown, hostile values kept inert in each, a failure annotated.

load ../lib/common

setup() {
	require python3 || return 1
	me=publish
	. "$TOP/mk/lib.sh"
	. "$TOP/mk/report.sh"
	cd "$BATS_TEST_TMPDIR" || return 1
	unset REPORT_JSON GITHUB_STEP_SUMMARY GITHUB_ACTIONS
	report_for v1.2.3 1.2.3
	report_package "sent https://files.example/a-1.2.3.tar.gz"
	report_package "held https://files.example/a-1.2.3-py3-none-any.whl"
	report_package "not a line of pypi-upload -l"
	report_image reg.example/acme/app "sha256:$(printf '%064d' 7)" \
		"sha256:$(printf '%064d' 7)"$'\n''tag v1.2.3'$'\n''tag 1.2'$'\n''keep latest (a higher stable version 2.0.0 is there)'
	report_release https://github.example/acme/app/releases/tag/v1.2.3
}

# json_get EXPR: EXPR over the report in report.json, in Python.
json_get() {
	python3 -c 'import json, sys; r = json.load(open("report.json")); print(eval(sys.argv[1]))' "$1"
}

@test "text: one line per fact, held files marked, kept tags with the reason" {
	run report_finish published ''
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "published v1.2.3" ]
	[ "${lines[1]}" = "  package index  https://files.example/a-1.2.3.tar.gz" ]
	[ "${lines[2]}" = "                 https://files.example/a-1.2.3-py3-none-any.whl (was there already)" ]
	[ "${lines[3]}" = "  image          reg.example/acme/app@sha256:$(printf '%064d' 7)" ]
	[ "${lines[4]}" = "                   tags moved: v1.2.3 1.2" ]
	[ "${lines[5]}" = "                   tag kept:   latest (a higher stable version 2.0.0 is there)" ]
	[ "${lines[6]}" = "  release        https://github.example/acme/app/releases/tag/v1.2.3" ]
	[ "${#lines[@]}" -eq 7 ]
}

@test "JSON on request: valid, the same facts, written whole" {
	REPORT_JSON=report.json report_finish published '' >/dev/null
	[ "$(json_get 'r["status"], r["tag"], r["version"], r["step"]')" = "('published', 'v1.2.3', '1.2.3', '')" ]
	[ "$(json_get '[p["uploaded"] for p in r["packages"]]')" = "[True, False]" ]
	[ "$(json_get 'r["images"][0]["tags_moved"]')" = "['v1.2.3', '1.2']" ]
	[ "$(json_get 'r["images"][0]["tags_kept"]')" = "['latest (a higher stable version 2.0.0 is there)']" ]
	[ "$(json_get 'r["images"][0]["ref"].split("@")[0]')" = reg.example/acme/app ]
	[ ! -e report.json.tmp ]
}

@test "hostile values: JSON stays valid, the terminal and Markdown see them inert" {
	report_release $'https://x.example/"quoted"\\back\n\e[31mred`code`|pipe'
	REPORT_JSON=report.json GITHUB_STEP_SUMMARY=summary.md run report_finish published ''
	[ "$status" -eq 0 ]
	[[ $output != *$'\e'* ]]
	[ "$(json_get 'r["release"]')" = 'https://x.example/"quoted"\back??[31mred`code`|pipe' ]
	grep -q "^| release | \`https://x.example/\"quoted\"\\\\back??\[31mred'code'|pipe\` |\$" summary.md
	! grep -q $'\e' summary.md
}

@test "Actions: the summary appended as a table, a failure annotated with its step" {
	echo "earlier summary" >summary.md
	GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=summary.md run report_finish failed "tagging the images"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'failed v1.2.3 in the step "tagging the images"' ]
	[ "${lines[-1]}" = '::error title=make publish::publishing v1.2.3 failed in the step "tagging the images"; run make publish again once the cause is fixed' ]
	[ "$(head -n 1 summary.md)" = "earlier summary" ]
	grep -qx '### Failed `v1.2.3`' summary.md
	grep -q '^Failed in the step \*\*tagging the images\*\*' summary.md
	grep -qx '| package file (was there already) | `https://files.example/a-1.2.3-py3-none-any.whl` |' summary.md
}

@test "a report that cannot be written is said, and publish goes on" {
	REPORT_JSON=/nonexistent/dir/report.json run report_finish published ''
	[ "$status" -eq 0 ]
	[[ $output == *"publish: could not write the report to '/nonexistent/dir/report.json'"* ]]
}

@test "workflow command messages: percent and line breaks escaped" {
	[ "$(gh_escape $'50% done\r\nnext')" = '50%25 done%0D%0Anext' ]
}
