#!/usr/bin/env python3
"""What make bump must do with a version, by python3-packaging, written
apart from semver-check so that each judges the other:

    model.py next CURRENT REQUEST [PREID]   the PEP 440 version a keyword or an
                                            explicit SemVer version leads to, or
                                            "refuse"
    model.py gt A B                         exit 0 when A > B by PEP 440
    model.py eq A B                         exit 0 when A == B by PEP 440
    model.py random SEED N                  N lines "CURRENT REQUEST": current
                                            versions in assorted PEP 440 spellings,
                                            requests among the keywords and
                                            explicit SemVer versions

The keywords, as shipsync(7) defines them: major, minor and patch release a
version below its release (a pre-release, or a dev release not of a
post-release) when the numbers under the level are zero, and otherwise go to
the next release at that level; prerelease continues a dev or pre-release
series, or starts PREID 1 on the next minor release; release finishes an
unreleased version (or the post-release a dev release belongs to); post
follows a final release (a dev release of a post-release leads to that
post-release). A result that is not greater, or that has no SemVer
form to tag (an epoch, more than three release numbers, two of pre, post and
dev), is refused."""
import random
import sys

from packaging.version import InvalidVersion, Version

LEVEL = {"major": 0, "minor": 1, "patch": 2}
LABEL = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "rc": "rc", "c": "rc", "pre": "rc", "preview": "rc"}


def text(epoch, release, pre=None, post=None, dev=None):
    s = (f"{epoch}!" if epoch else "") + ".".join(map(str, release))
    if pre:
        s += f"{pre[0]}{pre[1]}"
    if post is not None:
        s += f".post{post}"
    if dev is not None:
        s += f".dev{dev}"
    return s


def next_version(cur, kw, preid="rc"):
    v = Version(cur)
    rel = list(v.release) + [0] * max(0, 3 - len(v.release))
    unreleased = v.pre is not None or (v.dev is not None and v.post is None)
    if kw in LEVEL:
        i = LEVEL[kw]
        if unreleased and all(n == 0 for n in rel[i + 1:]):
            return text(v.epoch, rel)
        return text(v.epoch, rel[:i] + [rel[i] + 1] + [0] * (2 - i))
    if kw == "prerelease":
        if v.dev is not None:
            return text(v.epoch, v.release, v.pre, v.post, v.dev + 1)
        if v.pre is not None:
            return text(v.epoch, v.release, (v.pre[0], v.pre[1] + 1))
        if preid == "dev":
            return text(v.epoch, rel[:1] + [rel[1] + 1, 0], dev=1)
        return text(v.epoch, rel[:1] + [rel[1] + 1, 0], (LABEL[preid], 1))
    if kw == "release":
        if unreleased:
            return text(v.epoch, v.release)
        if v.dev is not None:
            return text(v.epoch, v.release, post=v.post)
        return "refuse"
    if kw == "post":
        if unreleased:
            return "refuse"
        if v.dev is not None:
            return text(v.epoch, v.release, post=v.post)
        return text(v.epoch, v.release, post=0 if v.post is None else v.post + 1)
    raise SystemExit(f"model.py: unknown keyword {kw}")


def releasable(s):
    v = Version(s)
    parts = sum(x is not None for x in (v.pre, v.post, v.dev))
    return v.epoch == 0 and len(v.release) <= 3 and parts <= 1


def outcome(cur, req, preid="rc"):
    new = next_version(cur, req, preid) if req in LEVEL or req in ("prerelease", "release", "post") else req
    if new == "refuse" or not releasable(new) or Version(new) <= Version(cur):
        return "refuse"
    return str(Version(new))


def spell(r):
    """One PEP 440 version, in one of the spellings people write."""
    n = r.choice([2, 3, 3, 3])
    release = [r.randrange(0, 4) for _ in range(n)]
    release[0] = r.randrange(0, 3)
    kind = r.choice(["final", "pre", "dev", "post", "post-dev"])
    sep = r.choice(["", ".", "-", "_"])
    s = ".".join(map(str, release))
    if kind == "pre":
        label = r.choice(["a", "alpha", "b", "beta", "rc", "c", "pre", "preview"])
        s += sep + label + r.choice(["", ".", "-"]) + str(r.randrange(0, 60))
    elif kind == "dev":
        s += r.choice([".", "-", ""]) + "dev" + str(r.randrange(0, 5))
    elif kind == "post":
        s += r.choice([".post", "-post", "post", ".rev", "-"]) + str(r.randrange(0, 5))
    elif kind == "post-dev":
        s += ".post" + str(r.randrange(0, 5)) + ".dev" + str(r.randrange(0, 3))
    if r.random() < 0.1:
        s = "v" + s
    if r.random() < 0.1:
        s = s.upper()
    return s


def semver(r):
    s = f"{r.randrange(0, 3)}.{r.randrange(0, 4)}.{r.randrange(0, 4)}"
    if r.random() < 0.4:
        s += "-" + r.choice(["alpha", "beta", "rc", "dev", "post"]) + "." + str(r.randrange(0, 60))
    return s


def main(argv):
    if argv[1] == "next":
        try:
            print(outcome(argv[2], argv[3], argv[4] if len(argv) > 4 else "rc"))
        except InvalidVersion:
            print("refuse")
    elif argv[1] in ("gt", "eq"):
        a, b = Version(argv[2]), Version(argv[3])
        sys.exit(0 if (a > b if argv[1] == "gt" else a == b) else 1)
    elif argv[1] == "random":
        r = random.Random(int(argv[2]))
        for _ in range(int(argv[3])):
            req = r.choice(["major", "minor", "patch", "prerelease", "release", "post", semver(r)])
            print(spell(r), req)


main(sys.argv)
