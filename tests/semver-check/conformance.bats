#!/usr/bin/env bats
# Every strict row of the node-semver fixtures in $VECTORS/semver, run through
# the command line. Each test counts the rows that fail and prints them.
#
# Documented deviations (man/semver-check.1, STANDARDS) are asserted as such:
# - invalid.json "too long" and "too big" rows are node-semver's own limits
#   (256 characters, 2^53-1); SemVer 2.0.0 has neither, so they are valid here.
# - a leading "v" needs --allow-v; surrounding white space is never trimmed.

load ../lib/common

setup() {
	require python3 semver-check || return 1
	require_vectors semver || return 1
}

# Run the named check of the Python driver below over one fixture file.
conform() {
	run python3 - "$VECTORS/semver" "$1" <<'PY'
import json, subprocess, sys

vectors, which = sys.argv[1], sys.argv[2]
rows = json.load(open(f"{vectors}/{which}.json"))
failures = []

def sc(*args):
    p = subprocess.run(["semver-check", *args], capture_output=True, text=True)
    return p.returncode, p.stdout.rstrip("\n"), p.stderr

def expect(row, what, got, want):
    if got != want:
        failures.append(f"{json.dumps(row)}: {what}: got {got!r}, want {want!r}")

def vflags(*versions):
    return ["--allow-v"] if any(v.startswith("v") for v in versions) else []

def parts(row):
    version, major, minor, patch, pre, build = row
    flags = vflags(version)
    expect(row, "valid", sc(*flags, version)[0], 0)
    for name, want in (("major", str(major)), ("minor", str(minor)), ("patch", str(patch)),
                       ("prerelease", ".".join(str(p) for p in pre)),
                       ("build", ".".join(build))):
        expect(row, name, sc(*flags, "--field", name, version)[:2], (0, want))

def invalid(row):
    version, reason = row
    status = sc(version)[0]
    if reason in ("too long", "too big"):
        expect(row, "accepted (SemVer 2.0.0 has no such limit)", status, 0)
    else:
        expect(row, "refused", status, 1)

def ordered(row):
    greater, lesser = row[0], row[1]
    f = vflags(greater, lesser)
    expect(row, "compare", sc(*f, "--compare", greater, lesser)[:2], (0, "1"))
    expect(row, "compare reversed", sc(*f, "--compare", lesser, greater)[:2], (0, "-1"))
    for v in (greater, lesser):
        expect(row, f"compare {v} with itself", sc(*f, "--compare", v, v)[:2], (0, "0"))
    for op, a, b, want in (("--gt", greater, lesser, 0), ("--gt", lesser, greater, 1),
                           ("--ge", greater, lesser, 0), ("--ge", greater, greater, 0),
                           ("--lt", lesser, greater, 0), ("--lt", greater, lesser, 1),
                           ("--le", lesser, greater, 0), ("--le", lesser, lesser, 0),
                           ("--eq", greater, lesser, 1), ("--ne", greater, lesser, 0)):
        expect(row, f"{op} {a} {b}", sc(*f, op, a, b)[0], want)

def equal(row):
    a, b = row[0], row[1]
    if a != a.strip():
        # Deviation: white space is not part of a version and is never trimmed.
        expect(row, "refused with white space", sc("--allow-v", "--eq", a, b)[0], 3)
        a = a.strip()
    f = vflags(a, b)
    expect(row, "compare", sc(*f, "--compare", a, b)[:2], (0, "0"))
    expect(row, "compare reversed", sc(*f, "--compare", b, a)[:2], (0, "0"))
    expect(row, "--eq", sc(*f, "--eq", a, b)[0], 0)
    expect(row, "--ne", sc(*f, "--ne", a, b)[0], 1)

def increment(row):
    version, release, want = row[0], row[1], row[2]
    rest = list(row[3:])
    # node-semver's inc() shifts its arguments when "options" is a string.
    if rest and isinstance(rest[0], str):
        rest = [None] + rest
    identifier = rest[1] if len(rest) > 1 else None
    base = rest[2] if len(rest) > 2 else None
    args = ["--bump", release]
    if identifier is not None:
        args += ["--preid", identifier]
    if base is not None:
        args += ["--preid-base", "false" if base is False else str(base)]
    status, out, err = sc(*args, version)
    if want is None:
        if status not in (2, 3) or out:
            failures.append(f"{json.dumps(row)}: want a refusal (exit 2 or 3, no output), "
                            f"got exit {status} {out!r}")
        elif not err.startswith("semver-check: "):
            failures.append(f"{json.dumps(row)}: no reason on stderr")
    else:
        expect(row, " ".join(args), (status, out), (0, want))

check = {"valid": parts, "invalid": invalid, "comparisons": ordered,
         "equality": equal, "increments": increment}[which]
for row in rows:
    check(row)
print(f"{which}: {len(rows)} rows, {len(failures)} failed")
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *" rows, 0 failed"* ]]
}

@test "parses every valid.json row into its parts" {
	conform valid
}

@test "refuses every invalid.json row but node-semver's own size limits" {
	conform invalid
}

@test "orders every comparisons.json pair, both ways, with every predicate" {
	conform comparisons
}

@test "finds every equality.json pair equal, ignoring build metadata" {
	conform equality
}

@test "bumps every increments.json row exactly as node-semver's inc()" {
	conform increments
}

@test "agrees with node-semver on the order of every fixture version" {
	require semver || return 1
	local all=$BATS_TEST_TMPDIR/all
	python3 - "$VECTORS/semver" >"$all" <<'PY'
import json, sys
seen = set()
for name in ("valid", "comparisons", "equality"):
    for row in json.load(open(f"{sys.argv[1]}/{name}.json")):
        for v in row[:1] if name == "valid" else row[:2]:
            v = v.strip()
            if not v.startswith("v") and v not in seen:
                seen.add(v)
                print(v)
PY
	run semver-check --sort "$all"
	[ "$status" -eq 0 ]
	# node's CLI sorts its arguments stably by precedence and prints them
	# without build metadata.
	local ours=$(printf '%s\n' "$output" | sed 's/+.*//')
	run semver $(cat "$all")
	[ "$status" -eq 0 ]
	[ "$ours" = "$output" ]
}
