#!/usr/bin/env python3
"""Compare a project before and after a version change, byte by byte:

    changed.py BEFORE AFTER OLD NEW

prints how many lines changed, and fails when any line changed in another
way than its OLD becoming NEW once, or when a line was added or removed."""
import os
import sys

before, after, old, new = sys.argv[1:5]
changed = 0
for dirpath, _, files in os.walk(before):
    for name in files:
        a = os.path.join(dirpath, name)
        b = os.path.join(after, os.path.relpath(a, before))
        x, y = open(a, "rb").read(), open(b, "rb").read()
        if x == y:
            continue
        xl, yl = x.split(b"\n"), y.split(b"\n")
        if len(xl) != len(yl):
            sys.exit(f"{b}: lines were added or removed")
        for i, (p, q) in enumerate(zip(xl, yl)):
            if p == q:
                continue
            if p.replace(old.encode(), new.encode(), 1) != q:
                sys.exit(f"{b}:{i + 1}: {p!r} became {q!r}")
            changed += 1
print(changed)
