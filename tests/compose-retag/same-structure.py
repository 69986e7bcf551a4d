#!/usr/bin/env python3
"""Compare two compose files as YAML: same structure, except the image values
of one repository, which must carry the new version.

usage: same-structure.py BEFORE AFTER REPOSITORY VERSION
Prints how many image values differ; exits 1 on any other difference.
"""
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    """A safe loader that also reads the compose tags !reset and !override."""


def _compose_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return ("!" + suffix, value)


Loader.add_multi_constructor("!", _compose_tag)


def normalize(repo):
    """Docker's reading of a repository: docker.io/library/ for short names."""
    first, _, rest = repo.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        host = first.lower()
    else:
        host, rest = "docker.io", repo
    if host in ("index.docker.io", "registry-1.docker.io"):
        host = "docker.io"
    if host == "docker.io" and "/" not in rest:
        rest = "library/" + rest
    return host + "/" + rest


def split(image):
    """(repository, tag or None, digest or None)"""
    image, _, digest = image.partition("@")
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1:], digest or None
    return image, None, digest or None


VERSION_AT_START = re.compile(
    r"^([vV]?)(\d+(?:\.\d+)*(?:-(?:alpha|beta|rc|pre|dev)(?=$|[.\-\d])[\d.]*)?)(.*)$", re.I)


def retagged(image, version):
    repo, tag, digest = split(image)
    if tag is None:
        return repo + ":" + version
    m = VERSION_AT_START.match(tag)
    if not m:
        return repo + ":" + version
    return repo + ":" + m.group(1) + version + m.group(3)


DEFAULTED = re.compile(r"\$\{[A-Za-z0-9_]+:?-([^${}]*)\}")


def resolve(value):
    """Compose interpolation with every variable unset: the defaults."""
    while True:
        new = DEFAULTED.sub(lambda m: m.group(1), value)
        if new == value:
            return value.replace("$$", "$")
        value = new


def compare(a, b, repo, version, where, diffs):
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            raise SystemExit(f"{where}: keys differ: {list(a)} != {list(b)}")
        for k in a:
            compare(a[k], b[k], repo, version, f"{where}.{k}", diffs)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            raise SystemExit(f"{where}: lengths differ")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, repo, version, f"{where}[{i}]", diffs)
    elif isinstance(a, tuple) and isinstance(b, tuple):
        if a[0] != b[0]:
            raise SystemExit(f"{where}: tags differ")
        compare(a[1], b[1], repo, version, where, diffs)
    elif type(a) is not type(b):
        raise SystemExit(f"{where}: {a!r} became {b!r}")
    elif a != b:
        if not (where.endswith(".image") and isinstance(a, str)):
            raise SystemExit(f"{where}: {a!r} became {b!r}, which is no image")
        a, b = resolve(a), resolve(b)
        if normalize(split(a)[0]) != repo:
            raise SystemExit(f"{where}: {a!r} is not of {repo} but became {b!r}")
        if b != retagged(a, version):
            raise SystemExit(f"{where}: {a!r} became {b!r}, not {retagged(a, version)!r}")
        diffs.append(where)


def main():
    before, after, repo, version = sys.argv[1:5]
    with open(before, "rb") as f:
        docs_a = list(yaml.load_all(f, Loader=Loader))
    with open(after, "rb") as f:
        docs_b = list(yaml.load_all(f, Loader=Loader))
    if len(docs_a) != len(docs_b):
        raise SystemExit("the number of documents differs")
    diffs = []
    for i, (a, b) in enumerate(zip(docs_a, docs_b)):
        compare(a, b, normalize(repo), version, f"doc{i}", diffs)
    print(len(diffs))


if __name__ == "__main__":
    main()
