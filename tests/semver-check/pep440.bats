#!/usr/bin/env bats
# semver-check -P: PEP 440 versions in every spelling, ordered, normalised,
# mapped to SemVer and to a Docker tag, and bumped; packaging.version is the
# judge.

load ../lib/common

setup() {
	require semver-check || return 1
}

# Debian's python3 with python3-packaging, the reference implementation.
need_packaging() {
	"$PY3" -c 'import packaging.version' 2>/dev/null ||
		unmet "python3-packaging is not installed"
}

# Is $1 greater than $2 for packaging?
packaging_gt() {
	"$PY3" -c 'import sys; from packaging.version import Version as V; sys.exit(not V(sys.argv[1]) > V(sys.argv[2]))' "$1" "$2"
}

@test "agrees with packaging on validity, order, normal form, SemVer form and bumps of random spellings" {
	need_packaging || return 1
	# one sort of every spelling; each normalised or bumped one costs a process
	run "$PY3" "$BATS_TEST_DIRNAME/pep440-packaging.py" 17 3000 120 30
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the 0.6.2.dev1 of the issue: patch is 0.6.2, never 0.0.1, and it is greater" {
	run semver-check -P --bump patch 0.6.2.dev1
	[ "$status" -eq 0 ]
	[ "$output" = 0.6.2 ]
	semver-check -P --gt 0.6.2 0.6.2.dev1
	run semver-check -P --gt 0.0.1 0.6.2.dev1
	[ "$status" -eq 1 ]
	run semver-check -P --semver v0.6.2.dev1
	[ "$output" = 0.6.2-dev.1 ]
	# as SemVer the tag is not a version at all: that was the trap
	run semver-check 0.6.2.dev1
	[ "$status" -eq 1 ]
}

@test "every spelling of the issue bumps by every keyword to a greater version, or is refused" {
	need_packaging || return 1
	local v level want got n=0
	while IFS='|' read -r v level want; do
		# shellcheck disable=SC2086
		run semver-check -P --bump $level "$v"
		if [ "$want" = refused ]; then
			[ "$status" -eq 3 ] || { echo "$v $level: exit $status, $output"; return 1; }
			[[ $output == "semver-check: cannot bump '$v' to ${level%% *}: "* ]]
			continue
		fi
		[ "$status" -eq 0 ] && [ "$output" = "$want" ] || { echo "$v $level: got '$output', want '$want'"; return 1; }
		semver-check -P --gt "$output" "$v" || { echo "$v $level: $output is not greater"; return 1; }
		packaging_gt "$output" "$v" || { echo "$v $level: packaging says $output is not greater"; return 1; }
		n=$((n + 1))
	done <<-'EOF'
	1.0.0-beta.50|major|1.0.0
	1.0.0-beta.50|minor|1.0.0
	1.0.0-beta.50|patch|1.0.0
	1.0.0-beta.50|prerelease|1.0.0b51
	1.0.0-beta.50|prerelease --preid rc --preid-base 1|1.0.0rc1
	1.0.0-beta.50|prerelease --preid a|refused
	1.0.0-beta.50|prerelease --preid dev|refused
	1.0.0-beta.50|release|1.0.0
	1.0.0-beta.50|post|refused
	1.0.0b50|major|1.0.0
	1.0.0b50|minor|1.0.0
	1.0.0b50|patch|1.0.0
	1.0.0b50|prerelease|1.0.0b51
	1.0.0b50|premajor --preid a|2.0.0a0
	1.0.0b50|release|1.0.0
	0.6.2.dev1|major|1.0.0
	0.6.2.dev1|minor|0.7.0
	0.6.2.dev1|patch|0.6.2
	0.6.2.dev1|prerelease|0.6.2.dev2
	0.6.2.dev1|prerelease --preid dev|0.6.2.dev2
	0.6.2.dev1|prerelease --preid rc --preid-base 1|0.6.2rc1
	0.6.2.dev1|release|0.6.2
	0.6.2.dev1|post|refused
	2.1.post3|major|3.0.0
	2.1.post3|minor|2.2.0
	2.1.post3|patch|2.1.1
	2.1.post3|prerelease|refused
	2.1.post3|prerelease --preid rc --preid-base 1|2.1.1rc1
	2.1.post3|prerelease --preid dev|2.1.1.dev0
	2.1.post3|release|refused
	2.1.post3|post|2.1.post4
	1!2.0|major|1!3.0.0
	1!2.0|minor|1!2.1.0
	1!2.0|patch|1!2.0.1
	1!2.0|prerelease|refused
	1!2.0|prerelease --preid b --preid-base 1|1!2.0.1b1
	1!2.0|release|refused
	1!2.0|post --preid-base 1|1!2.0.post1
	1.0rc1.dev2|prerelease|1.0rc1.dev3
	1.0rc1.dev2|prerelease --preid rc|1.0rc1
	1.0rc1.dev2|release|1.0
	1.0.post1.dev1|release|1.0.post1
	1.0.post1.dev1|patch|1.0.1
	1.2.3.4|patch|1.2.4
	1.2.3.4rc1|patch|1.2.4
	1.2.3.0rc1|patch|1.2.3
	EOF
	[ "$n" -ge 30 ]
}

@test "maps each form to SemVer and to a Docker tag, or says why there is none" {
	local v semver tag
	while IFS='|' read -r v semver tag; do
		run semver-check -P --semver "$v"
		[ "$output" = "$semver" ] || [[ $semver == '!'* && $status -eq 3 && $output == *"${semver#!}"* ]] ||
			{ echo "$v --semver: $output"; return 1; }
		run semver-check -P --docker-tag "$v"
		[ "$output" = "$tag" ] || [[ $tag == '!'* && $status -eq 3 ]] ||
			{ echo "$v --docker-tag: $output"; return 1; }
	done <<-'EOF'
	1.0.0b50|1.0.0-beta.50|1.0.0-beta.50
	1.0.0-beta.50|1.0.0-beta.50|1.0.0-beta.50
	2026.2|2026.2.0|2026.2.0
	v1.2a3|1.2.0-alpha.3|1.2.0-alpha.3
	1.2c3|1.2.0-rc.3|1.2.0-rc.3
	0.6.2.dev1|0.6.2-dev.1|0.6.2-dev.1
	2.1.post3|2.1.0-post.3|2.1.0-post.3
	1.2.3.0|1.2.3|1.2.3
	1!2.0|!SemVer has no epoch|!
	1.2.3.4|!it has 4 release numbers and SemVer has three|!
	1.0+ubuntu.1|!package indexes refuse it|!
	1.0rc1.dev2|!use 1.0rc1|!
	1.0.post1.dev2|!use 1.0.post1|!
	1.0rc1.post1|!use the next pre-release|!
	EOF
}

@test "every SemVer form goes back to the same PEP 440 version through --pep440" {
	local v
	for v in 1.0.0b50 2026.2 1.2a3 1.2rc3 0.6.2.dev1 2.1.post3 7 1.2.3; do
		run semver-check --pep440 "$(semver-check -P --semver "$v")"
		semver-check -P --eq "$output" "$v" || { echo "$v: $output"; return 1; }
	done
}

@test "reads every spelling PEP 440 normalises" {
	local v want
	while IFS='|' read -r v want; do
		run semver-check -P --pep440 "$v"
		[ "$status" -eq 0 ] && [ "$output" = "$want" ] || { echo "$v: $output"; return 1; }
	done <<-'EOF'
	V1.0|1.0
	1.0-ALPHA_2|1.0a2
	1.0.beta|1.0b0
	1.0c1|1.0rc1
	1.0-preview.2|1.0rc2
	1.0-1|1.0.post1
	1.0.r|1.0.post0
	1.0-rev_3|1.0.post3
	1.0dev|1.0.dev0
	007.010|7.10
	01!1.0|1!1.0
	1.0+Ubuntu-01_x|1.0+ubuntu.1.x
	0!1.0|1.0
	EOF
}

@test "orders by PEP 440: dev, a, b, rc, final, post, and local above its release" {
	local chain=(1.0.dev1 1.0a1.dev1 1.0a1 1.0a2.post1 1.0b1 1.0rc1 1.0 1.0+local 1.0.post1.dev1 1.0.post1 1.0.1 1.1 '1!0.1')
	for ((i = 0; i + 1 < ${#chain[@]}; i++)); do
		semver-check -P --lt "${chain[i]}" "${chain[i + 1]}" || { echo "${chain[i]} < ${chain[i + 1]}"; return 1; }
	done
	semver-check -P --eq 1.0 1.0.0.0
	run bash -c "printf '%s\n' 1.1 v1.0rc1 1.0 1.0.post1 1.0.dev0 | semver-check -P --sort"
	[ "$output" = "$(printf '%s\n' 1.0.dev0 v1.0rc1 1.0 1.0.post1 1.1)" ]
	run bash -c "printf '%s\n' v1.0 v1.1rc1 v1.1.dev3 v1.0.post2 latest | semver-check -Pk --max-stable"
	[ "$output" = v1.0.post2 ]
	run bash -c "printf '%s\n' v1.0 v1.1rc1 v1.1.dev3 | semver-check -P --max"
	[ "$output" = v1.1rc1 ]
}

@test "an unreadable version is refused with what was read and why, never taken for 0.0.0" {
	run semver-check -P --bump patch '1.0-final'
	[ "$status" -eq 3 ]
	[[ $output == "semver-check: '1.0-final' is not a PEP 440 version: expected a pre, post or dev release, a local version or the end at byte 4, found '-'" ]]
	run semver-check -P --gt 0.0.1 ' 1.0'
	[ "$status" -eq 3 ]
	[[ $output == *"' 1.0' is not a PEP 440 version"*"found a space"* ]]
	run semver-check -P ''
	[ "$status" -eq 1 ]
	[[ $output == *"it is empty"* ]]
}

@test "prints the parts of a PEP 440 version" {
	local field want
	while IFS='|' read -r field want; do
		run semver-check -P --field "$field" '2!01.2rc3.post4.dev5+Abc.06'
		[ "$status" -eq 0 ] && [ "$output" = "$want" ] || { echo "$field: '$output'"; return 1; }
	done <<-'EOF'
	epoch|2
	release|1.2
	major|1
	minor|2
	patch|0
	pre|rc3
	post|4
	dev|5
	local|abc.6
	EOF
	run semver-check -P --field post 1.0
	[ -z "$output" ]
}

@test "-P refuses SemVer-only arguments as usage errors" {
	run semver-check -P --bump prerelease --preid alpha.beta 1.0
	[ "$status" -eq 2 ]
	[[ $output == *"not a PEP 440 pre-release label"* ]]
	run semver-check -P --bump prerelease --preid rc --preid-base false 1.0
	[ "$status" -eq 2 ]
	run semver-check -P --field build 1.0
	[ "$status" -eq 2 ]
	run semver-check --bump post 1.0.0
	[ "$status" -eq 2 ]
	run semver-check -P --bump prerelease 1.0
	[ "$status" -eq 3 ]
	[[ $output == *"(a, b, rc or dev) with --preid" ]]
}

@test "hostile input: huge numbers are exact, control bytes and long strings are refused shortly" {
	local big=$(printf '9%.0s' {1..500})
	run semver-check -P --bump patch "1.2.$big"
	[ "$output" = "1.2.1$(printf '0%.0s' {1..500})" ]
	semver-check -P --gt "1.$big" "1.0$big.0rc1"
	run semver-check -P $'1.0\e[31m'
	[ "$status" -eq 1 ]
	[[ $output != *$'\e'* ]]
	run semver-check -P "1.0+$(printf 'a%.0s' {1..100000})"
	[ "$status" -eq 0 ]
	run semver-check -P "1.0-$(printf 'a%.0s' {1..100000})"
	[ "$status" -eq 1 ]
	[ "${#output}" -lt 400 ]
}
