#!/usr/bin/env python3
"""Check GitHub Actions workflow files for the hardening shipsync asks of them.

usage: check-workflows.py FILE...

Prints one line a finding, FILE:LINE: what is wrong, and exits 1 when there
is any (0 when there is none, 2 on a usage error). The files are parsed as
YAML, so a block scalar, a flow mapping or a quoted key hides nothing:

- no `${{` in the value of any `run:`: an expression spliced into a script
  is code; inputs and contexts reach a script through `env:` instead;
- every `uses:` is pinned: a remote action or reusable workflow by a full
  40-hex commit with its version in a comment on the same line, a
  docker:// image by sha256 digest (a local ./path is part of the commit);
- every job that has steps has `timeout-minutes` and its own `permissions`;
- concurrency is set for the workflow or for every job;
- every actions/checkout step says `persist-credentials: false`.
"""
import re
import sys

import yaml

SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
DIGEST = re.compile(r"^docker://[^@\s]+@sha256:[0-9a-f]{64}$")
VERSION_COMMENT = re.compile(r"#\s*v?\d+(\.\d+)*\b")


def mapping(node):
    """A mapping node as {key: (key node, value node)}, or {} for anything else."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def walk(node):
    """Every (key node, value node) pair of every mapping under node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield k, v
            yield from walk(v)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from walk(item)


class Checker:
    def __init__(self, path):
        self.path = path
        self.findings = []

    def report(self, node, message):
        self.findings.append(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def check(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                text = f.read()
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            self.findings.append(f"{self.path}: cannot be read as YAML: {e}".replace("\n", " "))
            return self.findings
        if root is None:
            self.findings.append(f"{self.path}: is empty")
            return self.findings
        self.lines = text.split("\n")
        for key, value in walk(root):
            if not isinstance(value, yaml.ScalarNode):
                continue
            if key.value == "run" and "${{" in value.value:
                self.report(value, "an expression (${{) stands in run:; pass it through env:")
            elif key.value == "uses":
                self.check_uses(value)
        self.check_jobs(root)
        return self.findings

    def check_uses(self, node):
        ref = node.value
        if ref.startswith("./"):
            return
        if ref.startswith("docker://"):
            if not DIGEST.match(ref):
                self.report(node, f"'{ref}' is not pinned by sha256 digest")
            return
        if not SHA.match(ref):
            self.report(node, f"'{ref}' is not pinned to a full 40-hex commit")
            return
        line = self.lines[node.end_mark.line]
        if not VERSION_COMMENT.search(line[node.end_mark.column:]):
            self.report(node, f"'{ref}' has no version comment (# vX.Y.Z) on its line")

    def check_jobs(self, root):
        top = mapping(root)
        jobs = mapping(top.get("jobs", (None, None))[1])
        if not jobs:
            self.report(root, "has no jobs")
        for name, (key, job) in jobs.items():
            fields = mapping(job)
            if "concurrency" not in top and "concurrency" not in fields:
                self.report(key, f"job '{name}': no concurrency, for the workflow or the job")
            if "steps" not in fields:
                continue
            for need in ("timeout-minutes", "permissions"):
                if need not in fields:
                    self.report(key, f"job '{name}': no {need}")
            self.check_checkouts(fields["steps"][1])

    def check_checkouts(self, steps):
        for step in getattr(steps, "value", []):
            fields = mapping(step)
            uses = fields.get("uses", (None, None))[1]
            if not isinstance(uses, yaml.ScalarNode) or not uses.value.startswith("actions/checkout@"):
                continue
            persist = mapping(fields.get("with", (None, None))[1]).get("persist-credentials")
            if persist is None or persist[1].value != "false":
                self.report(uses, "actions/checkout without persist-credentials: false")


def main(argv):
    if not argv:
        print("usage: check-workflows.py FILE...", file=sys.stderr)
        return 2
    findings = [f for path in argv for f in Checker(path).check()]
    for f in findings:
        print(f)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
