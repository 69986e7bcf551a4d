#!/usr/bin/python3
"""What the hostile server received, from its log.

usage: seen.py LOG leaks [--needles-only] [--except ORIGIN]... [NEEDLE...]
       seen.py LOG count [--origin ORIGIN] [--method RE] [--path RE] [--auth VALUE] [--no-auth]

leaks prints every request that reached an origin not listed with --except
and carried an Authorization, Proxy-Authorization or Cookie header, or any
NEEDLE in its target, a header or its body (with --needles-only: any
NEEDLE); it exits 1 when there was one.
count prints how many requests match every condition given: the origin
exactly, the method whole, the path searched, the Authorization header
exactly VALUE, or no Authorization header at all.
"""
import argparse
import json
import re
import sys

CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie"}


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def leaks(entries, allowed, needles, needles_only):
    found = []
    for e in entries:
        if e["origin"] in allowed:
            continue
        why = [] if needles_only else [f"header {k}" for k, _ in e["headers"] if k.lower() in CREDENTIAL_HEADERS]
        texts = [e["path"], e["body"]] + [v for _, v in e["headers"]]
        why += [f"'{n}'" for n in needles if any(n in t for t in texts)]
        if why:
            found.append(f"{e['method']} {e['origin']}{e['path'] if e['path'].startswith('/') else ' ' + e['path']}: "
                         + ", ".join(why))
    return found


def count(entries, a):
    n = 0
    for e in entries:
        if a.origin and e["origin"] != a.origin:
            continue
        if a.method and not re.fullmatch(a.method, e["method"]):
            continue
        if a.path and not re.search(a.path, e["path"]):
            continue
        auth = [v for k, v in e["headers"] if k.lower() == "authorization"]
        if a.auth is not None and auth != [a.auth]:
            continue
        if a.no_auth and auth:
            continue
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    sub = ap.add_subparsers(dest="what", required=True)
    lk = sub.add_parser("leaks")
    lk.add_argument("--except", dest="allowed", action="append", default=[])
    lk.add_argument("--needles-only", action="store_true")
    lk.add_argument("needles", nargs="*")
    ct = sub.add_parser("count")
    ct.add_argument("--origin")
    ct.add_argument("--method")
    ct.add_argument("--path")
    ct.add_argument("--auth")
    ct.add_argument("--no-auth", action="store_true")
    a = ap.parse_args()
    entries = load(a.log)
    if a.what == "count":
        print(count(entries, a))
        return 0
    found = leaks(entries, set(a.allowed), [n for n in a.needles if n], a.needles_only)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
