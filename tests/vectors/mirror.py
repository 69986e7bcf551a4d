#!/usr/bin/env python3
"""Make a stand-in for the upstream repositories of the conformance suites.

usage: mirror.py SOURCES SHA256SUMS VECTORS OUT

For every repository and commit that SOURCES names, writes
OUT/OWNER/NAME/archive/COMMIT.tar.gz, laid out the way GitHub serves a
commit's archive (one top directory NAME-COMMIT), holding the files that
VECTORS (a laid-out copy of the suites) has, moved back to their upstream
paths, plus a file no suite takes.

The semver suite is derived from JavaScript upstream: its JSON rows are
written back as modules (test/fixtures/*.js), with rows the derivation must
drop added: loose ones, and inputs that JSON cannot hold (a RegExp).
"""
import io
import json
import os
import sys
import tarfile

# semver output file -> (fixture module, rows to be dropped, as JavaScript)
SEMVER = {
    "comparisons": ("comparisons", ["['v9.9.9', '9.9.8', true]",
                                    "['1.0.0', '0.9.0', { loose: true }]"]),
    "equality": ("equality", ["['1.2.3', ' = 1.2.3', true]"]),
    "increments": ("increments", ["['1.2.3', 'major', '2.0.0', { includePrerelease: true }]"]),
    "valid": ("valid-versions", []),
    "invalid": ("invalid-versions", ["['xyz', 'loose as an option', { loose: true }]",
                                     "[/1.2.3/, 'a regexp is not a string']"]),
}


def read_sources(path):
    rows = []
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            rows.append(line.split())
    return rows


def semver_modules(vectors):
    files = {}
    for name, (module, extra) in SEMVER.items():
        rows = [json.dumps(r) for r in json.load(open(os.path.join(vectors, "semver", name + ".json")))]
        body = "'use strict'\nmodule.exports = [\n  " + ",\n  ".join(rows + extra) + ",\n]\n"
        files[f"test/fixtures/{module}.js"] = body.encode()
    return files


def main():
    sources, sums, vectors, out = sys.argv[1:5]
    names = [line[66:].rstrip("\n") for line in open(sums)]
    trees = {}
    for path, repo, commit, source in read_sources(sources):
        if repo == "-":
            continue
        tree = trees.setdefault((repo, commit), {"UNRELATED.txt": b"no suite takes this\n"})
        if source == "!semver-json.cjs":
            tree.update(semver_modules(vectors))
            continue
        for name in names:
            if name == path or (path.endswith("/") and name.startswith(path)):
                tree[source + name[len(path):]] = open(os.path.join(vectors, name), "rb").read()
    for (repo, commit), tree in trees.items():
        top = f"{repo.split('/')[1]}-{commit}"
        target = os.path.join(out, repo, "archive", commit + ".tar.gz")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with tarfile.open(target, "w:gz") as tar:
            for name, data in sorted(tree.items()):
                info = tarfile.TarInfo(f"{top}/{name}")
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
