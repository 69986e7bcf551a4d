#!/usr/bin/env python3
"""Run toml-setver over the toml-test TOML 1.0 files and check its promises.

usage: conformance.py valid|project|invalid TOOL VECTORS_DIR WORK_DIR

valid:   every valid document is accepted; --get and a no-op set leave its
         bytes identical.
project: every valid document with a [project] version added (appended as a
         table, or prepended as a dotted key) is left byte-identical by a
         no-op set (appended form) and gets a new version that
         re-parses (tomllib) equal to the original but for the version, and
         whose bytes differ only inside the version's quotes.
invalid: every invalid document is refused by a set ("invalid TOML", exit
         3) and is never rewritten.

Prints one summary line and exits 1 listing every broken promise.
"""
import concurrent.futures
import math
import os
import subprocess
import sys
import tomllib


def run(tool, *args, stdin=None):
    return subprocess.run([tool, *args], input=stdin, capture_output=True, timeout=60)


def documents(vectors, kind):
    base = os.path.join(vectors, "toml-test")
    with open(os.path.join(base, "files-toml-1.0.0")) as f:
        for name in f.read().split():
            if name.startswith(kind + "/") and name.endswith(".toml"):
                with open(os.path.join(base, name), "rb") as doc:
                    yield name, doc.read()


def comparable(value):
    """tomllib output with NaN made equal to itself, for ==."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def valid_one(tool, path, name, data):
    """(accepted, has a version, problems) for one valid document."""
    with open(path, "wb") as f:
        f.write(data)
    got = run(tool, "--get", path)
    if b"invalid TOML" in got.stderr or got.returncode not in (0, 3, 8):
        return 0, 0, [f"{name}: --get exited {got.returncode}: {got.stderr.decode(errors='replace')}"]
    problems = []
    if got.returncode == 0:
        version = got.stdout.decode().rstrip("\n")
        out = run(tool, "-o", "-", path, version)
        if out.returncode != 0 or out.stdout != data:
            problems.append(f"{name}: a no-op set to stdout changed bytes")
        run(tool, path, version)
    with open(path, "rb") as f:
        if f.read() != data:
            problems.append(f"{name}: the file changed")
    return 1, int(got.returncode == 0), problems


def check_valid(tool, vectors, work, problems):
    docs = list(documents(vectors, "valid"))
    results = parallel(valid_one, tool, work, docs)
    accepted = sum(r[0] for r in results)
    with_version = sum(r[1] for r in results)
    for r in results:
        problems.extend(r[2])
    return f"valid accepted {accepted}/{len(docs)} ({with_version} with a version)", len(docs), accepted


def variants(data):
    """A [project] version added to a document, and where its value sits."""
    sep = b"" if data.endswith(b"\n") or not data else b"\n"
    tail = sep + b'[project]\nversion = "0.1.0"\n'
    appended = data + tail
    yield "appended", appended, len(data) + len(tail) - len(b'0.1.0"\n')
    head = b'project.version = "0.1.0"\n'
    yield "prepended", head + data, len(b'project.version = "')


def project_one(tool, path, name, data):
    """(checked, passed, problems) for the variants of one valid document."""
    total = passed = 0
    problems = []
    if "project" in tomllib.loads(data.decode()):
        return 0, 0, []
    for how, doc, at in variants(data):
        try:
            before = tomllib.loads(doc.decode())
        except tomllib.TOMLDecodeError:
            continue  # adding a table there is not TOML: nothing to check
        total += 1
        with open(path, "wb") as f:
            f.write(doc)
        if how == "appended":
            same = run(tool, "-o", "-", path, "0.1.0")
            if same.returncode != 0 or same.stdout != doc:
                problems.append(f"{name} ({how}): a no-op set changed bytes")
                continue
        got = run(tool, path, "9.9.9")
        with open(path, "rb") as f:
            after_bytes = f.read()
        want_bytes = doc[:at] + b"9.9.9" + doc[at + 5:]
        if got.returncode != 0:
            problems.append(f"{name} ({how}): set exited {got.returncode}: {got.stderr.decode(errors='replace')}")
        elif after_bytes != want_bytes:
            problems.append(f"{name} ({how}): bytes other than the version changed")
        else:
            before["project"]["version"] = "9.9.9"
            if comparable(tomllib.loads(after_bytes.decode())) != comparable(before):
                problems.append(f"{name} ({how}): re-parsed differently")
            else:
                passed += 1
    return total, passed, problems


def check_project(tool, vectors, work, problems):
    results = parallel(project_one, tool, work, list(documents(vectors, "valid")))
    total = sum(r[0] for r in results)
    passed = sum(r[1] for r in results)
    for r in results:
        problems.extend(r[2])
    return f"project set re-parses equal {passed}/{total}", total, passed


def invalid_one(tool, path, name, data):
    """(refused, problems) for one invalid document: a set must refuse it untouched."""
    with open(path, "wb") as f:
        f.write(data)
    put = run(tool, path, "9.9.9")
    with open(path, "rb") as f:
        if f.read() != data:
            return 0, [f"{name}: an invalid document was rewritten"]
    if put.returncode == 3 and b"invalid TOML" in put.stderr:
        return 1, []
    return 0, [f"{name}: not refused (exit {put.returncode})"]


def check_invalid(tool, vectors, work, problems):
    docs = list(documents(vectors, "invalid"))
    results = parallel(invalid_one, tool, work, docs)
    refused = sum(r[0] for r in results)
    for r in results:
        problems.extend(r[1])
    return f"invalid rejected {refused}/{len(docs)}", len(docs), refused


def parallel(one, tool, work, docs):
    """one(tool, path, name, data) for every document, a file of its own each."""
    def job(item):
        i, (name, data) = item
        return one(tool, os.path.join(work, f"doc{i}.toml"), name, data)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(job, enumerate(docs)))


def main():
    mode, tool, vectors, work = sys.argv[1:5]
    problems = []
    check = {"valid": check_valid, "project": check_project, "invalid": check_invalid}[mode]
    summary, total, ok = check(tool, vectors, work, problems)
    print(summary)
    for p in problems:
        print(p)
    sys.exit(0 if not problems and total > 0 and ok == total else 1)


if __name__ == "__main__":
    main()
