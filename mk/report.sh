# shellcheck shell=bash
# Sourced by publish.sh: what the release did, gathered while it runs and
# told once at the end, three ways: lines a person reads at a glance, JSON
# for a program (REPORT_JSON names the file), and Markdown for the summary
# page of a GitHub Actions run ($GITHUB_STEP_SUMMARY), where a failure is
# also an error annotation naming the step.

report_packages=() report_images=()
report_release='' report_tag='' report_version=''
declare -gA report_moved=() report_kept=()

# report_for TAG VERSION: the release this report is about.
report_for() { report_tag=$1 report_version=$2; }
# report_package "sent URL" | "held URL": a line of `pypi-upload -l`.
report_package() {
	case $1 in 'sent '*|'held '*) report_packages+=("$1") ;; esac
}
report_release() { report_release=$1; }

# report_image REF DIGEST OCI-PUSH-OUTPUT: an image pushed by `oci-push -l`,
# whose output is the digest and then "tag NAME" or "keep NAME (why)" lines.
report_image() {
	local ref=$1 line
	report_images+=("$ref@$2")
	while IFS= read -r line; do
		case $line in
		'tag '*) report_moved[$ref]+="${line#tag } " ;;
		'keep '*) report_kept[$ref]+="${line#keep }"$'\n' ;;
		esac
	done <<<"$3"
}

# --- the three forms -----------------------------------------------------

# report_text STATUS STEP: STATUS "published", "failed" (in STEP) or "dry run".
report_text() {
	local status=$1 step=$2 i ref kept label='package index'
	printf '%s %s%s\n' "$status" "$report_tag" "${step:+ in the step \"$step\"}"
	for i in "${report_packages[@]}"; do
		printf '  %-14s %s%s\n' "$label" "$(shown "${i#* }")" "$( [ "${i%% *}" = sent ] || echo ' (was there already)')"
		label=''
	done
	for i in "${report_images[@]}"; do
		ref=${i%@*}
		printf '  %-14s %s\n' image "$(shown "$i")"
		[ -z "${report_moved[$ref]:-}" ] || printf '  %-14s   tags moved: %s\n' '' "$(shown "${report_moved[$ref]% }")"
		while IFS= read -r kept; do
			[ -z "$kept" ] || printf '  %-14s   tag kept:   %s\n' '' "$(shown "$kept")"
		done <<<"${report_kept[$ref]:-}"
	done
	[ -z "$report_release" ] || printf '  %-14s %s\n' release "$(shown "$report_release")"
}

# json_str TEXT: TEXT as a JSON string; control characters become '?'.
json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$(shown "$s")"
}

# json_list WORD...: a JSON array of strings.
json_list() {
	local sep='' w
	printf '['
	for w in "$@"; do
		printf '%s%s' "$sep" "$(json_str "$w")"
		sep=', '
	done
	printf ']'
}

report_json() {
	local status=$1 step=$2 sep='' i ref moved kept=()
	printf '{"status": %s, "step": %s, "tag": %s, "version": %s,\n' \
		"$(json_str "$status")" "$(json_str "$step")" "$(json_str "$report_tag")" "$(json_str "$report_version")"
	printf ' "packages": ['
	for i in "${report_packages[@]}"; do
		printf '%s\n  {"url": %s, "uploaded": %s}' "$sep" "$(json_str "${i#* }")" \
			"$( [ "${i%% *}" = sent ] && echo true || echo false)"
		sep=,
	done
	sep=''
	printf '],\n "images": [' 
	for i in "${report_images[@]}"; do
		ref=${i%@*}
		read -r -a moved <<<"${report_moved[$ref]:-}"
		mapfile -t kept < <(printf '%s' "${report_kept[$ref]:-}")
		printf '%s\n  {"ref": %s, "repository": %s, "digest": %s, "tags_moved": %s, "tags_kept": %s}' "$sep" \
			"$(json_str "$i")" "$(json_str "$ref")" "$(json_str "${i##*@}")" \
			"$(json_list "${moved[@]}")" "$(json_list "${kept[@]}")"
		sep=,
	done
	printf '],\n "release": %s}\n' "$(json_str "$report_release")"
}

# md_code TEXT: TEXT as a Markdown code span (no backquote can end it early).
md_code() { printf '`%s`' "$(shown "${1//\`/\'}")"; }

report_markdown() {
	local status=$1 step=$2 i ref kept
	printf '### %s %s\n\n' "${status^}" "$(md_code "$report_tag")"
	[ -z "$step" ] || printf 'Failed in the step **%s**: the log above says why; run `make publish` again once it is fixed.\n\n' "$step"
	printf '| What | Where |\n|---|---|\n'
	for i in "${report_packages[@]}"; do
		printf '| package file%s | %s |\n' "$( [ "${i%% *}" = sent ] || echo ' (was there already)')" \
			"$(md_code "${i#* }")"
	done
	for i in "${report_images[@]}"; do
		ref=${i%@*}
		printf '| image | %s |\n' "$(md_code "$i")"
		[ -z "${report_moved[$ref]:-}" ] || printf '| tags moved | %s |\n' "$(md_code "${report_moved[$ref]% }")"
		while IFS= read -r kept; do
			[ -z "$kept" ] || printf '| tag kept | %s |\n' "$(md_code "$kept")"
		done <<<"${report_kept[$ref]:-}"
	done
	[ -z "$report_release" ] || printf '| release | %s |\n' "$(md_code "$report_release")"
}

# gh_escape TEXT: TEXT fit for a workflow command's message.
gh_escape() {
	local s=${1//%/%25}
	s=${s//$'\r'/%0D}
	printf '%s' "${s//$'\n'/%0A}"
}

# report_finish STATUS STEP: the report in every form that is asked for.
# Never fails the publish: a report that cannot be written is only said.
report_finish() {
	local status=$1 step=$2
	report_text "$status" "$step"
	if [ -n "${REPORT_JSON:-}" ]; then
		report_json "$status" "$step" >"$REPORT_JSON.tmp" && mv -f -- "$REPORT_JSON.tmp" "$REPORT_JSON" ||
			say "could not write the report to '$(shown "$REPORT_JSON")'"
	fi
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		report_markdown "$status" "$step" >>"$GITHUB_STEP_SUMMARY" ||
			say "could not append the report to GITHUB_STEP_SUMMARY"
	fi
	if [ "${GITHUB_ACTIONS:-}" = true ] && [ "$status" = failed ]; then
		printf '::error title=make publish::%s\n' \
			"$(gh_escape "publishing $report_tag failed in the step \"$step\"; run make publish again once the cause is fixed")"
	fi
	return 0
}
