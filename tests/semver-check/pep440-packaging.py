#!/usr/bin/env python3
"""Cross-check semver-check -P against packaging.version, the reference
implementation of PEP 440: generate many spellings, valid and not, and
compare which are valid, their order, their normalised form, their SemVer
form (it must read back as the same version), and that every bump is
greater.

    pep440-packaging.py SEED COUNT NORMALISED BUMPED

prints one line per disagreement and exits 1 when there is any."""
import random
import subprocess
import sys

from packaging.version import InvalidVersion, Version

seed, count, normalised, bumped = (int(a) for a in sys.argv[1:5])
rng = random.Random(seed)
problems = []


def sc(*args, stdin=None):
    p = subprocess.run(["semver-check", "-P", *args], input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout.rstrip("\n")


def number():
    r = rng.random()
    if r < 0.6:
        return str(rng.randint(0, 12))
    if r < 0.8:
        return "0" * rng.randint(1, 2) + str(rng.randint(0, 99))
    return str(rng.randint(10**15, 10**30))


def sep():
    return rng.choice(["", "", ".", "-", "_"])


def cased(word):
    return "".join(c.upper() if rng.random() < 0.2 else c for c in word)


def spelling():
    s = rng.choice(["", "", "", "v", "V"])
    if rng.random() < 0.1:
        s += number() + "!"
    s += ".".join(number() for _ in range(rng.choice([1, 2, 3, 3, 3, 4, 5])))
    if rng.random() < 0.5:
        s += sep() + cased(rng.choice(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview"]))
        s += rng.choice(["", sep() + number()])
    if rng.random() < 0.3:
        if rng.random() < 0.3:
            s += "-" + number()
        else:
            s += sep() + cased(rng.choice(["post", "rev", "r"])) + rng.choice(["", sep() + number()])
    if rng.random() < 0.3:
        s += sep() + cased("dev") + rng.choice(["", sep() + number()])
    if rng.random() < 0.1:
        s += "+" + rng.choice(".-_").join(cased(rng.choice(["abc", "ubuntu", "1", "007", "x9"]))
                                          for _ in range(rng.randint(1, 3)))
    return s


def mutate(s):
    i = rng.randrange(len(s) + 1)
    r = rng.random()
    if r < 0.4:
        return s[:i] + rng.choice("._-+!vxz0a ") + s[i:]
    if r < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i:i + 1] * 2 + s[i + 1:]


def reference(s):
    # packaging trims white space; semver-check refuses it (semver-check(1), CAVEATS)
    if s != s.strip():
        return None
    try:
        return Version(s)
    except InvalidVersion:
        return None


def has_semver_form(v):
    release = list(v.release)
    while len(release) > 3 and release[-1] == 0:
        release.pop()
    labels = (v.pre is not None) + (v.post is not None) + (v.dev is not None)
    return v.epoch == 0 and len(release) <= 3 and v.local is None and labels <= 1


candidates = []
while len(candidates) < count:
    s = spelling()
    candidates.append(s)
    if rng.random() < 0.5:
        candidates.append(mutate(s))
candidates = [c for c in candidates if "\n" not in c and c]

# Validity and order: one sort of everything, invalid lines skipped.
status, out = sc("-k", "--sort", stdin="".join(c + "\n" for c in candidates))
got = out.split("\n") if out else []
valid = [c for c in candidates if reference(c) is not None]
want = sorted(valid, key=reference)
if status != 0:
    problems.append(f"--sort exited {status}")
if sorted(got) != sorted(valid):
    extra = set(got) - set(valid)
    missing = set(valid) - set(got)
    problems.append(f"validity differs: accepted but invalid {sorted(extra)[:10]}, "
                    f"refused but valid {sorted(missing)[:10]}")
elif [reference(g) for g in got] != [reference(w) for w in want]:
    problems.append("order differs from packaging")

# The normalised form, and the SemVer form reading back as the same version.
sample = rng.sample(valid, min(len(valid), normalised))
for s in sample:
    v = reference(s)
    status, norm = sc("--pep440", s)
    if (status, norm) != (0, str(v)):
        problems.append(f"{s!r}: --pep440 gave {norm!r} ({status}), packaging {str(v)!r}")
    status, form = sc("--semver", s)
    if has_semver_form(v) != (status == 0):
        problems.append(f"{s!r}: --semver exited {status}, a form {'exists' if has_semver_form(v) else 'does not'}")
    elif status == 0 and reference(form) != v:
        problems.append(f"{s!r}: SemVer form {form!r} reads back as {reference(form)}")
    elif status == 0 and subprocess.run(["semver-check", "-q", form]).returncode != 0:
        problems.append(f"{s!r}: SemVer form {form!r} is not SemVer")

# Every bump is greater and normalised.
levels = [["major"], ["minor"], ["patch"], ["release"], ["prerelease"], ["post"],
          ["prerelease", "--preid", "a"], ["prerelease", "--preid", "rc", "--preid-base", "1"],
          ["prerelease", "--preid", "dev"], ["preminor", "--preid", "b"]]
bumps = 0
for s in rng.sample(valid, min(len(valid), bumped)):
    v = reference(s)
    for level in levels:
        status, out = sc("--bump", level[0], *level[1:], s)
        if status == 0:
            bumps += 1
            n = reference(out)
            if n is None or str(n) != out or not n > v:
                problems.append(f"{s!r} --bump {' '.join(level)} gave {out!r}, not a greater normalised version")
        elif status != 3:
            problems.append(f"{s!r} --bump {' '.join(level)} exited {status}")

print(f"{len(candidates)} spellings, {len(valid)} valid, {len(sample)} normalised, {bumps} bumps checked")
for p in problems[:40]:
    print(p)
sys.exit(1 if problems or len(valid) < count // 3 else 0)
