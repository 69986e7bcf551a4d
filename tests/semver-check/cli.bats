#!/usr/bin/env bats
# semver-check on the command line: modes, exit codes, messages, and the
# man page's EXAMPLES run as written.

load ../lib/common

setup() {
	require semver-check || return 1
}

@test "accepts valid versions quietly" {
	run semver-check 0.0.0 1.2.3 1.2.3-rc.1 1.2.3-0.a-b.c--d+build.007 10.20.30
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "refuses an invalid version with exit 1 and the reason" {
	run semver-check 1.2.3 1.02.3
	[ "$status" -eq 1 ]
	[ "$output" = "semver-check: '1.02.3' is not a version: the minor version '02' has a leading zero" ]
}

@test "refuses a leading zero in a numeric prerelease identifier but not in build metadata" {
	run semver-check 1.2.3-rc.01
	[ "$status" -eq 1 ]
	[[ $output == *"'01' has a leading zero"* ]]
	run semver-check 1.2.3-rc.0a 1.2.3+01
	[ "$status" -eq 0 ]
}

@test "says which byte is wrong and what was expected" {
	run semver-check '1.2.3-a..b'
	[ "$status" -eq 1 ]
	[[ $output == *"expected a prerelease identifier at byte 9, found '.'"* ]]
	run semver-check '1.2'
	[[ $output == *"expected '.' after the minor version, found the end"* ]]
	run semver-check '1.2.3-a_b'
	[[ $output == *"at byte 8, found '_'"* ]]
}

@test "refuses a leading v unless --allow-v, and only one" {
	run semver-check v1.2.3
	[ "$status" -eq 1 ]
	[[ $output == *"--allow-v"* ]]
	run semver-check --allow-v v1.2.3
	[ "$status" -eq 0 ]
	run semver-check -a vv1.2.3 V1.2.3
	[ "$status" -eq 1 ]
}

@test "-q keeps the reason to itself" {
	run semver-check -q nope
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "refuses the empty string, white space and carriage returns" {
	for v in '' ' 1.2.3' '1.2.3 ' $'1.2.3\r' $'1.2.3\t' $'1.2.3\n'; do
		run semver-check "$v"
		[ "$status" -eq 1 ]
	done
	run semver-check $'1.2.3\r'
	[[ $output == *"'1.2.3\\x0d' is not a version"*"found a carriage return"* ]]
	run semver-check ''
	[[ $output == *"it is empty"* ]]
}

@test "escapes control characters and quotes in messages" {
	run semver-check $'1.2.3-\e[31mred'
	[ "$status" -eq 1 ]
	[[ $output == *"'1.2.3-\\x1b[31mred'"* ]]
	[[ $output != *$'\e'* ]]
	run semver-check "1.2.3-it's"
	[[ $output == *"'1.2.3-it\\x27s'"* ]]
}

@test "compares by precedence and prints -1, 0 or 1" {
	run semver-check --compare 1.10.0 1.9.0
	[ "$output" = 1 ]
	run semver-check --compare 1.0.0-alpha 1.0.0-alpha.1
	[ "$output" = -1 ]
	run semver-check --compare 1.0.0-alpha.1 1.0.0-alpha.beta
	[ "$output" = -1 ]
	run semver-check --compare 1.0.0-beta.11 1.0.0-beta.2
	[ "$output" = 1 ]
	run semver-check --compare 1.0.0+a 1.0.0+b
	[ "$output" = 0 ]
	[ "$status" -eq 0 ]
}

@test "orders the spec's example chain" {
	local chain=(1.0.0-alpha 1.0.0-alpha.1 1.0.0-alpha.beta 1.0.0-beta 1.0.0-beta.2 1.0.0-beta.11 1.0.0-rc.1 1.0.0)
	for ((i = 0; i + 1 < ${#chain[@]}; i++)); do
		semver-check --lt "${chain[i]}" "${chain[i + 1]}"
		run semver-check --gt "${chain[i]}" "${chain[i + 1]}"
		[ "$status" -eq 1 ]
	done
}

@test "predicates answer with the exit status only" {
	run semver-check --gt 2.0.0 1.99.99
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run semver-check --gt 1.0.0 1.0.0+build
	[ "$status" -eq 1 ]
	run semver-check --ge 1.0.0 1.0.0+build
	[ "$status" -eq 0 ]
	run semver-check --le 1.0.0-rc.1 1.0.0
	[ "$status" -eq 0 ]
	run semver-check --eq 1.0.0 1.0.1
	[ "$status" -eq 1 ]
	run semver-check --ne 1.0.0 1.0.1
	[ "$status" -eq 0 ]
}

@test "a predicate on an invalid version is bad data, not false" {
	run semver-check --gt 1.2.3 latest
	[ "$status" -eq 3 ]
	[[ $output == *"'latest' is not a version"* ]]
	run semver-check --compare 1.2 1.2.3
	[ "$status" -eq 3 ]
}

@test "compares numbers of a thousand digits exactly" {
	local big=$(printf '9%.0s' {1..1000}) bigger="1$(printf '0%.0s' {1..1000})"
	run semver-check --compare "$big.0.0" "$bigger.0.0"
	[ "$output" = -1 ]
	run semver-check --compare "1.0.0-$bigger" "1.0.0-$big"
	[ "$output" = 1 ]
	run semver-check --eq "1.$big.0" "1.$big.0+x"
	[ "$status" -eq 0 ]
	run semver-check --bump patch "1.2.$big"
	[ "$output" = "1.2.$bigger" ]
}

@test "sorts stdin stably, one version a line, as written" {
	run bash -c "printf '1.0.0+b\n1.10.0\n1.0.0-rc.1\n1.0.0+a\n1.9.0\n' | semver-check --sort"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1.0.0-rc.1\n1.0.0+b\n1.0.0+a\n1.9.0\n1.10.0')" ]
	run bash -c "printf '1.0.0+b\n1.10.0\n1.0.0-rc.1\n1.0.0+a' | semver-check --sort -r"
	[ "$output" = "$(printf '1.10.0\n1.0.0+b\n1.0.0+a\n1.0.0-rc.1')" ]
}

@test "sorts a file, and - means stdin" {
	printf '2.0.0\n1.0.0\n' >"$BATS_TEST_TMPDIR/v"
	run semver-check --sort "$BATS_TEST_TMPDIR/v"
	[ "$output" = "$(printf '1.0.0\n2.0.0')" ]
	run bash -c "semver-check --sort - <'$BATS_TEST_TMPDIR/v'"
	[ "$output" = "$(printf '1.0.0\n2.0.0')" ]
}

@test "sorting an invalid line fails with its line number and prints nothing" {
	run bash -c "printf '1.0.0\n2.0.0\nlatest\n3.0.0\n' | semver-check --sort 2>/dev/null"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	run bash -c "printf '1.0.0\n\n' | semver-check --sort"
	[ "$output" = "semver-check: line 2: '' is not a version: it is empty" ]
}

@test "--skip-invalid sorts what is valid and -v says what it skipped" {
	run bash -c "printf 'latest\n2.0.0\nv1.0.0\n1.0.0\n' | semver-check -k --sort"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1.0.0\n2.0.0')" ]
	run bash -c "printf 'latest\n2.0.0\n' | semver-check -kv --sort 2>&1 >/dev/null"
	[[ $output == *"line 1: 'latest' is not a version"* ]]
}

@test "--allow-v sorts git tags and prints them as written" {
	run bash -c "printf 'v1.10.0\nv1.9.0\n1.9.5\n' | semver-check -a --sort"
	[ "$output" = "$(printf 'v1.9.0\n1.9.5\nv1.10.0')" ]
}

@test "sorting empty input prints nothing and succeeds" {
	run semver-check --sort </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--max and --max-stable pick the highest, the first of equals" {
	run bash -c "printf '1.0.0+first\n2.0.0-rc.1\n1.0.0+second\n0.9.0\n' | semver-check --max-stable"
	[ "$output" = 1.0.0+first ]
	run bash -c "printf '1.0.0+first\n2.0.0-rc.1\n1.0.0+second\n' | semver-check --max"
	[ "$output" = 2.0.0-rc.1 ]
}

@test "--max on input without versions is not found" {
	run semver-check --max </dev/null
	[ "$status" -eq 8 ]
	[[ $output == *"holds no version"* ]]
	run bash -c "printf '1.0.0-rc.1\n' | semver-check --max-stable"
	[ "$status" -eq 8 ]
	[[ $output == *"holds no stable version"* ]]
}

@test "a missing input file is not found" {
	run semver-check --sort "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 8 ]
	[[ $output == *"cannot read '$BATS_TEST_TMPDIR/missing'"* ]]
}

@test "bumps through a release cycle" {
	run semver-check --bump preminor --preid rc --preid-base 1 1.2.3
	[ "$output" = 1.3.0-rc.1 ]
	run semver-check --bump prerelease 1.3.0-rc.1
	[ "$output" = 1.3.0-rc.2 ]
	run semver-check --bump release 1.3.0-rc.2
	[ "$output" = 1.3.0 ]
	run semver-check --bump major 1.3.0+build
	[ "$output" = 2.0.0 ]
	run semver-check -a --bump patch v1.3.0
	[ "$output" = 1.3.1 ]
}

@test "refuses to release a version that is no prerelease" {
	run semver-check --bump release 1.2.3
	[ "$status" -eq 3 ]
	[ "$output" = "semver-check: cannot bump '1.2.3' to release: it is not a prerelease" ]
}

@test "refuses an unknown level, a bad identifier or base as usage errors" {
	run semver-check --bump fake 1.2.3
	[ "$status" -eq 2 ]
	[[ $output == *"unknown level 'fake'"* ]]
	run semver-check --bump prerelease --preid 'invalid/preid' 1.2.3
	[ "$status" -eq 2 ]
	run semver-check --bump prerelease --preid rc.01 1.2.3
	[ "$status" -eq 2 ]
	run semver-check --bump prerelease --preid-base 2 1.2.3
	[ "$status" -eq 2 ]
	run semver-check --bump prerelease --preid-base false 1.2.3
	[ "$status" -eq 2 ]
	run semver-check --preid rc 1.2.3
	[ "$status" -eq 2 ]
}

@test "prints one field, empty when absent" {
	run semver-check --field prerelease 1.2.3-rc.1+b.2
	[ "$output" = rc.1 ]
	run semver-check --field build 1.2.3-rc.1+b.2
	[ "$output" = b.2 ]
	run semver-check --field build 1.2.3
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run semver-check --field epoch 1.2.3
	[ "$status" -eq 2 ]
}

@test "renders PEP 440 for every supported label" {
	local pairs=(1.2.3=1.2.3 1.2.3-alpha.1=1.2.3a1 1.2.3-a.2=1.2.3a2 1.2.3-beta.3=1.2.3b3
		1.2.3-b.4=1.2.3b4 1.2.3-rc.5=1.2.3rc5 1.2.3-c.6=1.2.3rc6 1.2.3-pre.7=1.2.3rc7
		1.2.3-preview.8=1.2.3rc8 1.2.3-dev.9=1.2.3.dev9 1.2.3-post.10=1.2.3.post10
		1.2.3-rc.0=1.2.3rc0)
	for p in "${pairs[@]}"; do
		run semver-check --pep440 "${p%%=*}"
		[ "$status" -eq 0 ]
		[ "$output" = "${p#*=}" ]
	done
}

@test "refuses a version without a faithful PEP 440 form and says which would work" {
	run semver-check --pep440 1.2.3-test
	[ "$status" -eq 3 ]
	[[ $output == *"use 1.2.3-rc.1, 1.2.3-beta.1, 1.2.3-alpha.1, 1.2.3-dev.1 or 1.2.3-post.1" ]]
	run semver-check --pep440 1.2.3-rc1
	[ "$status" -eq 3 ]
	[[ $output == *"; use 1.2.3-rc.1" ]]
	for v in 1.2.3-rc 1.2.3-RC.1 1.2.3-rc.1.dev.2 1.2.3-rc.a 1.2.3+build.1 1.2.3-rc.1+b; do
		run semver-check --pep440 "$v"
		[ "$status" -eq 3 ]
		[[ $output == "semver-check: '$v' has no PEP 440 form: "* ]]
	done
}

@test "renders a Docker tag, build metadata after '_'" {
	run semver-check --docker-tag 1.2.3-rc.1+build.5
	[ "$output" = 1.2.3-rc.1_build.5 ]
	run semver-check -a --docker-tag v1.2.3
	[ "$output" = 1.2.3 ]
}

@test "refuses a Docker tag longer than 128 characters" {
	local pre=$(printf 'a%.0s' {1..122})
	run semver-check --docker-tag "1.2.3-$pre"
	[ "$status" -eq 0 ]
	[ "${#output}" -eq 128 ]
	run semver-check --docker-tag "1.2.3-${pre}b"
	[ "$status" -eq 3 ]
	[[ $output == *"129 characters long and a Docker tag holds at most 128"* ]]
}

@test "refuses two modes at once and wrong argument counts" {
	run semver-check --gt --lt 1.0.0 2.0.0
	[ "$status" -eq 2 ]
	run semver-check --gt 1.0.0
	[ "$status" -eq 2 ]
	run semver-check --compare 1.0.0 2.0.0 3.0.0
	[ "$status" -eq 2 ]
	run semver-check
	[ "$status" -eq 2 ]
	[[ $output == "usage: semver-check"* ]]
	run semver-check --no-such-option 1.0.0
	[ "$status" -eq 2 ]
	run semver-check --reverse 1.0.0
	[ "$status" -eq 2 ]
}

@test "--help prints the synopsis of the man page and --version the release" {
	run semver-check --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: semver-check [-aq] version ..."* ]]
	[[ $output == *"--pep440 | --semver | --docker-tag version"* ]]
	run semver-check --version
	[ "$status" -eq 0 ]
	[[ $output == "semver-check (shipsync) "[0-9]* ]]
}

@test "runs every example of the man page as written" {
	require python3 make || return 1
	cd "$BATS_TEST_TMPDIR"
	run python3 - "$TOP/man/semver-check.1" <<'PY'
import re, subprocess, sys

text = open(sys.argv[1]).read()
examples = text.split(".Sh EXAMPLES\n", 1)[1].split("\n.Sh ", 1)[0]
blocks = re.findall(r"^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", examples, re.S | re.M)
ran = failed = 0
for block in blocks:
    block = block.replace("\\e", "\\").replace("\\&", "")
    lines = block.splitlines()
    if not any(l.startswith("$ ") for l in lines):
        # A Makefile: run its release target for a current version.
        open("Makefile", "w").write(block)
        p = subprocess.run(["make", "-s", "release", "CURRENT=1.2.3"], capture_output=True, text=True)
        ran += 1
        if p.returncode:
            failed += 1
            print(f"Makefile example failed ({p.returncode}): {p.stderr}")
        continue
    cmd, want = None, []
    for line in lines + ["$ "]:
        if not line.startswith("$ "):
            want.append(line)
            continue
        if cmd:
            p = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], capture_output=True, text=True)
            ran += 1
            if p.returncode or p.stdout != "".join(w + "\n" for w in want):
                failed += 1
                print(f"$ {cmd}\n  exit {p.returncode}\n  got  {p.stdout!r}\n  want {want!r}\n  {p.stderr}")
        cmd, want = line[2:], []
print(f"{ran} examples, {failed} failed")
sys.exit(1 if failed or ran < 10 else 0)
PY
	echo "$output"
	[ "$status" -eq 0 ]
}

# A python3 that has Debian's python3-packaging, the reference for PEP 440.
packaging_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import packaging.version' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

@test "PEP 440 forms are normalized already and keep the SemVer order" {
	local py
	py=$(packaging_python) || { unmet "python3-packaging is not installed"; return 1; }
	local versions=(0.9.0 1.0.0-alpha.1 1.0.0-alpha.2 1.0.0-beta.1 1.0.0-beta.10 1.0.0-rc.1
		1.0.0-rc.2 1.0.0-rc.11 1.0.0 1.0.1-dev.1 1.0.1-dev.2 1.0.1-rc.1 1.0.1 1.10.0-preview.3
		1.10.0 12345678901234567890.0.0)
	local v pep=()
	for v in "${versions[@]}"; do
		pep+=("$(semver-check --pep440 "$v")")
	done
	run semver-check --sort <(printf '%s\n' "${versions[@]}" | tac)
	[ "$output" = "$(printf '%s\n' "${versions[@]}")" ]
	run "$py" -c '
import sys
from packaging.version import Version
forms = sys.argv[1:]
bad = [f for f in forms if str(Version(f)) != f]
assert not bad, f"not normalized: {bad}"
assert sorted(forms, key=Version) == forms, f"order differs: {sorted(forms, key=Version)}"
' "${pep[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}
