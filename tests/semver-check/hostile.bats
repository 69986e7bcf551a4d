#!/usr/bin/env bats
# semver-check against hostile input: huge lines, NUL bytes, control
# characters, ten thousand identifiers, numbers of a thousand digits.

load ../lib/common

setup() {
	require semver-check python3 || return 1
	cd "$BATS_TEST_TMPDIR"
}

@test "sorts past a 1 MB line when skipping invalid lines" {
	python3 -c 'import sys; sys.stdout.write("2.0.0\n1.0.0-" + "a" * (1 << 20) + "x!\n1.0.0\n")' >huge
	run semver-check -k --sort huge
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1.0.0\n2.0.0')" ]
}

@test "a valid 1 MB version sorts, and the message about an invalid one stays short" {
	python3 -c 'import sys; sys.stdout.write("1.0.0-" + "a" * (1 << 20) + "\n1.0.0-b\n1.0.0-a\n")' >huge
	run semver-check --sort huge
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = 1.0.0-a ]
	[ "${#lines[1]}" -eq $(( (1 << 20) + 6 )) ]
	python3 -c 'import sys; sys.stdout.write("1.0.0-" + "a" * (1 << 20) + "!\n")' >bad
	run semver-check --sort bad
	[ "$status" -eq 3 ]
	[ "${#output}" -lt 300 ]
	[[ $output == *"line 1: '1.0.0-aaaa"*"'... is not a version: "*"at byte 1048583, found '!'"* ]]
}

@test "refuses NUL bytes on stdin with the line number" {
	printf '1.0.0\n1.2.3\0-evil\n' >nul
	run semver-check --sort nul
	[ "$status" -eq 3 ]
	[ "$output" = "semver-check: line 2: '1.2.3\\x00-evil' is not a version: expected '-', '+' or the end after the patch version at byte 6, found a NUL byte" ]
	run semver-check -k --max nul
	[ "$status" -eq 0 ]
	[ "$output" = 1.0.0 ]
}

@test "refuses every control character and non-ASCII byte inside a version" {
	python3 - >bytes <<'PY'
import sys
out = sys.stdout.buffer
for b in list(range(0, 32)) + [127, 128, 255]:
    if b != 10:
        out.write(b"1.2.3-a" + bytes([b]) + b"b\n")
PY
	run semver-check -k --sort bytes
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run semver-check --sort bytes
	[ "$status" -eq 3 ]
	[[ $output == *"line 1: '1.2.3-a\\x00b'"* ]]
}

@test "a version made of control characters only is refused in every mode" {
	local v=$'\x01\x02\x7f'
	run semver-check "$v"
	[ "$status" -eq 1 ]
	[[ $output == *"'\\x01\\x02\\x7f'"*"control byte 0x01"* ]]
	for mode in --pep440 --docker-tag "--bump major" "--field major"; do
		run semver-check $mode "$v"
		[ "$status" -eq 3 ]
	done
}

@test "compares and bumps prereleases of ten thousand identifiers" {
	local a b
	a=1.0.0-$(python3 -c 'print(".".join(["x"] * 9999 + ["1"]))')
	b=1.0.0-$(python3 -c 'print(".".join(["x"] * 9999 + ["2"]))')
	run semver-check --compare "$a" "$b"
	[ "$output" = -1 ]
	run semver-check --compare "$a" "$a.0"
	[ "$output" = -1 ]
	run semver-check --bump prerelease "$a"
	[ "$output" = "${a%.1}.2" ]
	run semver-check --pep440 "$a"
	[ "$status" -eq 3 ]
	[ "${#output}" -lt 600 ]
}

@test "sorts and maximises numbers of a thousand digits" {
	python3 - >big <<'PY'
import random
random.seed(7)
nums = [str(random.randint(10**998, 10**1000)) for _ in range(200)] + ["9" * 999, "1" + "0" * 999]
random.shuffle(nums)
for n in nums:
    print(f"1.{n}.0")
PY
	run semver-check --sort big
	[ "$status" -eq 0 ]
	python3 -c 'import sys; v=[l.split(".")[1] for l in open("big")]; print("\n".join("1.%s.0" % n for n in sorted(v, key=int)))' >want
	[ "$output" = "$(cat want)" ]
	run semver-check --max big
	[ "$output" = "$(tail -n 1 want)" ]
}

@test "bumps a thousand nines into a one and a thousand zeros" {
	local nines=$(printf '9%.0s' {1..1000})
	run semver-check --bump major "$nines.1.1"
	[ "$output" = "1$(printf '0%.0s' {1..1000}).0.0" ]
	run semver-check --bump prerelease "1.0.0-rc.$nines"
	[ "$output" = "1.0.0-rc.1$(printf '0%.0s' {1..1000})" ]
}

@test "a 100 kB argument is refused with a short message" {
	local v=1.0.0-$(printf 'a%.0s' {1..100000})_
	run semver-check "$v"
	[ "$status" -eq 1 ]
	[ "${#output}" -lt 300 ]
}

@test "quotes and shell metacharacters are data, not code" {
	run semver-check --sort <<<"1.0.0\$(touch pwned)"
	[ "$status" -eq 3 ]
	[ ! -e pwned ]
	run semver-check "1.0.0-\"';|&"
	[ "$status" -eq 1 ]
	[[ $output == *"\\x27"* ]]
}

@test "input without a final newline still counts its last line" {
	printf '1.0.0\n3.0.0' >nonl
	run semver-check --max nonl
	[ "$output" = 3.0.0 ]
}
