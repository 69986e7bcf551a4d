#!/usr/bin/env python3
"""Write random compose files that mix every YAML style compose-retag reads.

usage: random-compose.py SEED COUNT DIR
Writes DIR/N.yaml for N in 0..COUNT-1; each loads with PyYAML.
"""
import random
import sys

import yaml

REPOS = ["ghcr.io/acme/app", "ghcr.io/acme/app-worker", "postgres", "library/redis",
         "localhost:5000/app", "docker.io/acme/app"]
TAGS = ["", ":1.2.3", ":v1.2.3", ":1.2.3-slim", ":1.2.3-alpine3.19", ":latest", ":16",
        ":1.2.3-rc.1", ":7-alpine"]


def image(rng):
    repo, tag = rng.choice(REPOS), rng.choice(TAGS)
    if rng.random() < 0.2 and tag:
        tag = ":${TAG:-" + tag[1:] + "}"
    if rng.random() < 0.1:
        repo = "${REG:-" + repo + "}"
    return repo + tag


def scalar(rng, text):
    """text as a plain, single- or double-quoted scalar"""
    style = rng.choice("pps'\"")
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def comment(rng):
    return rng.choice(["", "", "  # image: not:1.0", " # c"])


def noise(rng, ind):
    """Keys that are not images, in many shapes."""
    sp = " " * ind
    c = rng.randrange(8)
    if c == 0:
        return f"{sp}command: [\"sh\", \"-c\", \"echo image: x:1\"]{comment(rng)}\n"
    if c == 1:
        return f"{sp}environment:\n{sp}- NOTE=image: y:2\n{sp}- B=2\n"
    if c == 2:
        return f"{sp}entrypoint: |\n{sp}  image: z:3\n\n{sp}    more\n"
    if c == 3:
        return f"{sp}labels: {{image: \"w:4\", a: [1, {{b: c}}]}}\n"
    if c == 4:
        return f"{sp}healthcheck:\n{sp}  test:\n{sp}    - CMD\n{sp}    - image: v:5\n"
    if c == 5:
        return f"{sp}description: a plain\n{sp}  scalar on two lines\n"
    if c == 6:
        return f"{sp}ports: [\n{sp}  \"80:80\",\n{sp}  '443:443'  # tls\n{sp}]\n"
    return f"{sp}# image: commented:1.0\n"


def service(rng, name, ind, anchors):
    sp = " " * ind
    out = []
    if rng.random() < 0.15:
        return f"{sp}{name}: {{image: {scalar(rng, image(rng))}, restart: always}}\n"
    out.append(f"{sp}{scalar(rng, name) if rng.random() < 0.2 else name}:{' !override' if rng.random() < 0.1 else ''}\n")
    inner = ind + rng.choice([2, 4])
    isp = " " * inner
    parts = [noise(rng, inner) for _ in range(rng.randrange(3))]
    if anchors and rng.random() < 0.3:
        parts.append(f"{isp}<<: *{rng.choice(anchors)}\n")
    r = rng.random()
    if r < 0.1 and anchors:
        pass
    elif r < 0.2:
        parts.append(f"{isp}image:\n{isp}  {scalar(rng, image(rng))}\n")
    else:
        parts.append(f"{isp}image: {scalar(rng, image(rng))}{comment(rng)}\n")
    rng.shuffle(parts)
    out.extend(parts)
    return "".join(out)


def document(rng):
    out = []
    anchors = []
    if rng.random() < 0.5:
        out.append("x-common: &common\n  image: " + scalar(rng, image(rng)) + "\n  restart: always\n")
        anchors.append("common")
    if rng.random() < 0.3:
        out.append("x-flow: &flow {image: " + scalar(rng, image(rng)) + "}\n")
        anchors.append("flow")
    ind = rng.choice([2, 4])
    out.append("services:" + comment(rng) + "\n")
    for i in range(rng.randrange(1, 6)):
        out.append(service(rng, f"s{i}", ind, anchors))
        if rng.random() < 0.2:
            out.append("\n")
    if rng.random() < 0.3:
        out.append("configs:\n  c:\n    content: >-\n      image: q:1\n")
    return "".join(out)


def main():
    seed, count, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    n = 0
    while n < count:
        docs = [document(rng) for _ in range(rng.choice([1, 1, 1, 2]))]
        text = "---\n".join(docs)
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        try:
            list(yaml.safe_load_all(text.replace("!override", "")))
        except yaml.YAMLError:
            continue
        with open(f"{outdir}/{n}.yaml", "w", newline="") as f:
            f.write(text)
        n += 1


if __name__ == "__main__":
    main()
