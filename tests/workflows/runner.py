#!/usr/bin/env python3
"""Run a GitHub Actions workflow's jobs on this machine, in their order, the
way GitHub would run them for a tag push: as far as the release workflow
that `make workflow` writes needs it, and no further. Anything else the
file asks for (an action, a context, a function, a runner label) stops
the run with a message naming it, so a template that outgrows the runner
fails its test instead of passing untested.

usage: runner.py WORKFLOW --root DIR --server DIR --repository OWNER/NAME
                 --ref refs/tags/TAG --sha COMMIT --run-id N --control URL
                 --api-url URL --write-token T --read-token T
                 [--var K=V] [--secret K=V] [--env K=V]
                 [--id-token-url URL --id-token-request-token T]

Each job (each matrix leg) is a machine of its own: its own workspace,
RUNNER_TEMP, HOME and /usr/local (a private mount namespace binds a fresh
directory there, so `sudo make install` installs into it), with sudo
running its command as is and apt-get checking that each package asked
for is installed rather than installing it. Git repositories live under
--server DIR (GITHUB_SERVER_URL is file://DIR).

The runner plays GitHub's part towards the GitHub stand-in (its control
URL): the run is in progress with its jobs' states while it runs, then
completed with its conclusion and its artifacts (zips) for the API to
serve. The job token is --write-token for a job whose permissions grant
contents: write, --read-token otherwise. ACTIONS_ID_TOKEN_REQUEST_URL and
_TOKEN exist only in a job granted id-token: write. Under DIR: one
directory per job ("validate-1", "merge"), artifacts/NAME and NAME.zip,
and each job's step summaries in JOB/summary.md.

Emulated actions: actions/checkout (fetch-depth, the tag fetched as
actions/checkout fetches it), actions/upload-artifact (hidden files left
out, a name used twice in a run refused, if-no-files-found) and
actions/download-artifact (name, or pattern with one directory per
artifact). Exit status: 0 when the run concluded success, 1 otherwise,
2 on a usage error or anything the runner does not know.
"""
import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile

import yaml

ACTIONS = ("actions/checkout", "actions/upload-artifact", "actions/download-artifact")
RUNNERS = {"ubuntu-24.04": "X64", "ubuntu-latest": "X64", "ubuntu-24.04-arm": "ARM64"}
SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
# Each step runs with a private /usr/local: $1 is the directory bound there.
MACHINE = ["unshare", "--mount", "--propagation", "private", "--",
           "sh", "-c", 'mount --bind "$1" /usr/local && shift && exec "$@"', "machine"]

SUDO = """#!/bin/sh
# sudo on this runner: the command, run as is (VAR=value words first).
exec env "$@"
"""
APT_GET = """#!/bin/sh
# apt-get on this runner: nothing is installed; every package asked for
# must be installed already, and a package name Debian does not know fails.
for a do
	case $a in -*|update|install) continue ;; esac
	[ "$(dpkg-query -W -f='${Status}' "$a" 2>/dev/null)" = "install ok installed" ] ||
		{ echo "apt-get (runner): package '$a' is not installed here" >&2; exit 100; }
	echo "$a" >>"$APT_LOG"
done
"""


class Unknown(Exception):
    """Something the workflow asks for that this runner does not do."""


# -- expressions --------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|('(?:[^']|'')*')|(==|!=|&&|\|\||[!()\[\].,])|([A-Za-z_][\w-]*))")


def tokenize(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unknown(f"expression '{text}': cannot read it at '{text[pos:]}'")
        num, string, op, ident = m.groups()
        if num is not None:
            out.append(("lit", float(num)))
        elif string is not None:
            out.append(("lit", string[1:-1].replace("''", "'")))
        elif op is not None:
            out.append(("op", op))
        else:
            out.append({"true": ("lit", True), "false": ("lit", False),
                        "null": ("lit", None)}.get(ident, ("id", ident)))
        pos = m.end()
    return out


def truthy(v):
    return v not in (None, False, 0, 0.0, "")


def number(v):
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def equal(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()    # GitHub compares strings ignoring case
    if type(a) is type(b) and not isinstance(a, (str, bool, float, type(None))):
        return a is b
    return number(a) == number(b)


def text_of(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class Expr:
    """GitHub's expression language: literals, contexts, ! == != && || ( ),
    and the status and string functions."""

    def __init__(self, text, contexts):
        self.toks, self.i, self.ctx, self.text = tokenize(text), 0, contexts, text

    def value(self):
        v = self.disjunction()
        if self.i != len(self.toks):
            raise Unknown(f"expression '{self.text}': unexpected '{self.toks[self.i][1]}'")
        return v

    def peek(self, op):
        return self.i < len(self.toks) and self.toks[self.i] == ("op", op)

    def take(self, op):
        if not self.peek(op):
            raise Unknown(f"expression '{self.text}': '{op}' expected")
        self.i += 1

    def disjunction(self):
        v = self.conjunction()
        while self.peek("||"):
            self.i += 1
            w = self.conjunction()
            v = v if truthy(v) else w
        return v

    def conjunction(self):
        v = self.comparison()
        while self.peek("&&"):
            self.i += 1
            w = self.comparison()
            v = w if truthy(v) else v
        return v

    def comparison(self):
        v = self.unary()
        for op in ("==", "!="):
            if self.peek(op):
                self.i += 1
                same = equal(v, self.unary())
                return same if op == "==" else not same
        return v

    def unary(self):
        if self.peek("!"):
            self.i += 1
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        if self.i >= len(self.toks):
            raise Unknown(f"expression '{self.text}' ends too soon")
        kind, v = self.toks[self.i]
        self.i += 1
        if kind == "lit":
            return v
        if (kind, v) == ("op", "("):
            v = self.disjunction()
            self.take(")")
            return v
        if kind != "id":
            raise Unknown(f"expression '{self.text}': unexpected '{v}'")
        if self.peek("("):
            return self.call(v)
        if v not in self.ctx:
            raise Unknown(f"expression '{self.text}': context '{v}' is not known to this runner")
        obj = self.ctx[v]
        while self.peek(".") or self.peek("["):
            if self.peek("."):
                self.i += 1
                key = self.toks[self.i][1]
                self.i += 1
            else:
                self.i += 1
                key = self.disjunction()
                self.take("]")
            obj = obj.get(key) if isinstance(obj, dict) else None
        return obj

    def call(self, name):
        self.take("(")
        args = []
        while not self.peek(")"):
            args.append(self.disjunction())
            if not self.peek(")"):
                self.take(",")
        self.take(")")
        status = self.ctx.get("__status", "success")
        fns = {
            "success": lambda: status == "success",
            "failure": lambda: status == "failure",
            "always": lambda: True,
            "cancelled": lambda: False,
            "contains": lambda s, x: text_of(x).lower() in text_of(s).lower(),
            "startsWith": lambda s, x: text_of(s).lower().startswith(text_of(x).lower()),
            "endsWith": lambda s, x: text_of(s).lower().endswith(text_of(x).lower()),
        }
        if name not in fns:
            raise Unknown(f"expression function '{name}' is not known to this runner")
        return fns[name](*args)


WRAPPED = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(value, contexts):
    """A workflow value with its ${{ }} evaluated: the expression's own value
    when it is the whole string, text otherwise."""
    if not isinstance(value, str):
        return value
    whole = WRAPPED.fullmatch(value.strip())
    if whole:
        return Expr(whole.group(1), contexts).value()
    return WRAPPED.sub(lambda m: text_of(Expr(m.group(1), contexts).value()), value)


def condition(value, contexts):
    """An if: value, with or without ${{ }}; success() unless it says otherwise."""
    if value is None:
        return contexts.get("__status", "success") == "success"
    if isinstance(value, bool):
        return value
    text = value.strip()
    whole = WRAPPED.fullmatch(text)
    text = whole.group(1) if whole else text
    result = truthy(Expr(text, contexts).value())
    if not re.search(r"\b(always|failure|cancelled|success)\s*\(", text):
        result = result and contexts.get("__status", "success") == "success"
    return result


# -- the tag filter -------------------------------------------------------------

def filter_regex(pattern):
    """A GitHub branch or tag filter as a regular expression: * is anything
    but /, ** anything, + and ? apply to what precedes, [...] is a class."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
            continue
        if c == "*":
            out += "[^/]*"
        elif c in "+?":
            out += c
        elif c == "[":
            j = pattern.index("]", i)
            out, i = out + pattern[i:j + 1], j + 1
            continue
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


def triggered(wf, ref):
    on = wf.get("on", wf.get(True))   # YAML 1.1 reads a bare on as true
    tags = ((on or {}).get("push") or {}).get("tags") if isinstance(on, dict) else None
    if not ref.startswith("refs/tags/") or not tags:
        return False
    tag = ref[len("refs/tags/"):]
    hit = False
    for p in tags:
        neg = p.startswith("!")
        if filter_regex(p[1:] if neg else p).match(tag):
            hit = not neg
    return hit


# -- the run --------------------------------------------------------------------

def control(url, path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()


def job_order(jobs):
    order, done = [], set()
    while len(order) < len(jobs):
        ready = [j for j, spec in jobs.items() if j not in done and
                 all(n in done for n in needs_of(spec))]
        if not ready:
            raise Unknown("the jobs' needs: form a cycle or name a job that is not there")
        for j in ready:
            order.append(j)
            done.add(j)
    return order


def needs_of(spec):
    n = spec.get("needs", [])
    return [n] if isinstance(n, str) else list(n)


def matrix_legs(spec):
    m = (spec.get("strategy") or {}).get("matrix")
    if not m:
        return [None]
    axes = {k: v for k, v in m.items() if k not in ("include", "exclude")}
    if m.get("exclude"):
        raise Unknown("matrix exclude is not known to this runner")
    legs = [{}]
    for k, values in axes.items():
        legs = [dict(leg, **{k: v}) for leg in legs for v in values]
    if m.get("include"):
        legs = [leg for leg in legs if leg] + [dict(x) for x in m["include"]]
    return legs


class Run:
    def __init__(self, args, wf):
        self.a, self.wf = args, wf
        self.jobs_state = []      # what GitHub's jobs API lists
        self.artifacts = {}       # name -> directory
        self.results = {}         # job id -> success, failure or skipped
        self.owner = args.repository.split("/")[0]
        self.tag = args.ref[len("refs/tags/"):]
        os.makedirs(os.path.join(args.root, "artifacts"), exist_ok=True)

    def seed(self, status, conclusion=None, artifacts=()):
        control(self.a.control, "/seed", {"runs": [{
            "id": self.a.run_id, "head_sha": self.a.sha, "status": status, "conclusion": conclusion,
            "path": ".github/workflows/" + os.path.basename(self.a.workflow),
            "jobs": self.jobs_state, "artifacts": list(artifacts)}]})

    def contexts(self, job_id, leg, temp, token, workspace, arch):
        return {
            "github": {"token": token, "actor": self.owner, "ref": self.a.ref, "ref_name": self.tag,
                       "ref_type": "tag", "sha": self.a.sha, "repository": self.a.repository,
                       "repository_owner": self.owner, "run_id": str(self.a.run_id),
                       "event_name": "push", "workspace": workspace, "job": job_id,
                       "server_url": "file://" + self.a.server, "api_url": self.a.api_url},
            "matrix": leg or {}, "runner": {"temp": temp, "os": "Linux", "arch": arch},
            "vars": self.a.vars, "secrets": self.a.secrets,
            "needs": {n: {"result": self.results.get(n)} for n in self.results},
        }

    def go(self):
        self.seed("in_progress")
        order = job_order(self.wf["jobs"])
        for job_id in order:
            spec = self.wf["jobs"][job_id]
            legs = matrix_legs(spec)
            if any(self.results.get(n) != "success" for n in needs_of(spec)):
                self.skip(job_id, spec, legs, "a job it needs did not succeed")
                continue
            outcome = "success"
            for n, leg in enumerate(legs, 1):
                name = self.job_name(job_id, spec, leg)
                if outcome != "success":
                    self.jobs_state.append({"name": name, "status": "completed", "conclusion": "cancelled"})
                    continue
                directory = f"{job_id}-{n}" if leg is not None else job_id
                outcome = self.job(job_id, spec, leg, name, directory)
            self.results[job_id] = outcome
        conclusion = "success" if all(r in ("success", "skipped") for r in self.results.values()) else "failure"
        self.seed("completed", conclusion, self.zipped_artifacts())
        print(f"runner: run {self.a.run_id} concluded {conclusion}: "
              + ", ".join(f"{j} {r}" for j, r in self.results.items()), flush=True)
        return conclusion == "success"

    def job_name(self, job_id, spec, leg):
        if "name" in spec:
            return text_of(interpolate(spec["name"], {"matrix": leg or {}, "vars": self.a.vars,
                                                      "github": {"ref": self.a.ref}}))
        if leg:
            return f"{job_id} ({', '.join(text_of(v) for v in leg.values())})"
        return job_id

    def skip(self, job_id, spec, legs, why):
        for leg in legs:
            self.jobs_state.append({"name": self.job_name(job_id, spec, leg), "status": "completed",
                                    "conclusion": "skipped"})
        self.results[job_id] = "skipped"
        print(f"runner: job {job_id} skipped: {why}", flush=True)
        self.seed("in_progress")

    def job(self, job_id, spec, leg, name, directory):
        base = os.path.join(self.a.root, directory)
        dirs = {k: os.path.join(base, k) for k in ("workspace", "temp", "home", "usr-local", "bin")}
        for d in dirs.values():
            os.makedirs(d, exist_ok=True)
        perms = spec.get("permissions")
        if not isinstance(perms, dict):
            raise Unknown(f"job {job_id}: permissions must be a mapping for this runner")
        token = self.a.write_token if perms.get("contents") == "write" else self.a.read_token
        pre = self.contexts(job_id, leg, dirs["temp"], token, dirs["workspace"], "X64")
        if "if" in spec and not condition(spec["if"], pre):
            self.jobs_state.append({"name": name, "status": "completed", "conclusion": "skipped"})
            print(f"runner: job {name} skipped: its if: is false", flush=True)
            self.seed("in_progress")
            return "skipped"
        label = text_of(interpolate(spec.get("runs-on"), pre))
        if label not in RUNNERS:
            raise Unknown(f"job {name}: runner '{label}' is not known to this runner")
        ctx = self.contexts(job_id, leg, dirs["temp"], token, dirs["workspace"], RUNNERS[label])
        self.jobs_state.append({"name": name, "status": "in_progress", "conclusion": None})
        self.seed("in_progress")
        print(f"runner: job {name} on {label}" +
              (f" in environment {spec['environment']}" if spec.get("environment") else ""), flush=True)
        for tool, text in (("sudo", SUDO), ("apt-get", APT_GET)):
            path = os.path.join(dirs["bin"], tool)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        deadline = time.monotonic() + 60 * float(spec.get("timeout-minutes", 360))
        outcome = self.steps(job_id, spec, ctx, dirs, base, perms, deadline)
        self.jobs_state[-1] = {"name": name, "status": "completed", "conclusion": outcome}
        self.seed("in_progress")
        print(f"runner: job {name}: {outcome}", flush=True)
        return outcome

    def base_env(self, job_id, ctx, dirs, base, perms):
        g = ctx["github"]
        env = {
            "PATH": f"{dirs['bin']}:/usr/local/bin:/usr/bin:/bin", "HOME": dirs["home"],
            "LANG": "C.UTF-8", "APT_LOG": os.path.join(base, "apt-get.log"),
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_ACTOR": g["actor"],
            "GITHUB_API_URL": self.a.api_url, "GITHUB_SERVER_URL": g["server_url"],
            "GITHUB_EVENT_NAME": "push", "GITHUB_JOB": job_id, "GITHUB_REF": self.a.ref,
            "GITHUB_REF_NAME": self.tag, "GITHUB_REF_TYPE": "tag", "GITHUB_REPOSITORY": self.a.repository,
            "GITHUB_REPOSITORY_OWNER": self.owner, "GITHUB_RUN_ID": str(self.a.run_id),
            "GITHUB_RUN_NUMBER": "1", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_SHA": self.a.sha,
            "GITHUB_WORKFLOW": str(self.wf.get("name", "")),
            "GITHUB_WORKFLOW_REF": f"{self.a.repository}/.github/workflows/"
                                   f"{os.path.basename(self.a.workflow)}@{self.a.ref}",
            "GITHUB_WORKSPACE": dirs["workspace"], "RUNNER_TEMP": dirs["temp"],
            "RUNNER_OS": "Linux", "RUNNER_ARCH": ctx["runner"]["arch"],
            "RUNNER_ENVIRONMENT": "github-hosted",
        }
        if perms.get("id-token") == "write" and self.a.id_token_url:
            env["ACTIONS_ID_TOKEN_REQUEST_URL"] = self.a.id_token_url
            env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = self.a.id_token_request_token
        env.update(self.a.env)
        return env

    def steps(self, job_id, spec, ctx, dirs, base, perms, deadline):
        env = self.base_env(job_id, ctx, dirs, base, perms)
        for scope in (self.wf.get("env") or {}, spec.get("env") or {}):
            env.update({k: text_of(interpolate(v, dict(ctx, env=env))) for k, v in scope.items()})
        ctx["__status"] = "success"
        for n, step in enumerate(spec.get("steps", []), 1):
            label = step.get("name") or step.get("uses") or step.get("run", "").split("\n")[0]
            if not condition(step.get("if"), dict(ctx, env=env)):
                print(f"runner:   step {label}: skipped", flush=True)
                continue
            print(f"runner:   step {label}", flush=True)
            ok = self.step(step, n, env, ctx, dirs, base, deadline)
            if not ok:
                ctx["__status"] = "failure"
                print(f"runner:   step {label}: failed", flush=True)
                return "failure"
        return "success"

    def step(self, step, n, job_env, ctx, dirs, base, deadline):
        env = dict(job_env)
        env.update({k: text_of(interpolate(v, dict(ctx, env=env))) for k, v in (step.get("env") or {}).items()})
        files = {k: os.path.join(dirs["temp"], f"_{k}_{n}") for k in ("GITHUB_ENV", "GITHUB_OUTPUT",
                                                                      "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for k, path in files.items():
            open(path, "w").close()
            env[k] = path
        if "uses" in step:
            ok = self.action(step, env, ctx, dirs)
        else:
            script = os.path.join(dirs["temp"], f"_step_{n}.sh")
            with open(script, "w") as f:
                f.write(step["run"])
            left = deadline - time.monotonic()
            try:
                ok = subprocess.run(MACHINE + [dirs["usr-local"]] + SHELL + [script], env=env,
                                    cwd=dirs["workspace"], timeout=max(left, 1)).returncode == 0
            except subprocess.TimeoutExpired:
                print("runner: the job's timeout-minutes ran out", flush=True)
                ok = False
        with open(files["GITHUB_STEP_SUMMARY"]) as src, open(os.path.join(base, "summary.md"), "a") as dst:
            dst.write(src.read())
        with open(files["GITHUB_ENV"]) as f:
            for line in f.read().splitlines():
                if "=" in line:
                    k, v = line.split("=", 1)
                    job_env[k] = v
        with open(files["GITHUB_PATH"]) as f:
            for line in f.read().splitlines():
                job_env["PATH"] = line + ":" + job_env["PATH"]
        return ok

    # -- actions --

    def action(self, step, env, ctx, dirs):
        given = {k: text_of(interpolate(v, dict(ctx, env=env))) for k, v in (step.get("with") or {}).items()}
        do = {"actions/checkout": self.checkout, "actions/upload-artifact": self.upload,
              "actions/download-artifact": self.download}[step["uses"].split("@")[0]]
        return do(given, dirs)

    def checkout(self, given, dirs):
        ws, depth = dirs["workspace"], int(given.get("fetch-depth", "1"))
        url = f"file://{self.a.server}/{self.a.repository}"
        if depth > 0:
            fetch = ["fetch", "--no-tags", "--prune", f"--depth={depth}", "origin", f"+{self.a.ref}:{self.a.ref}"]
        else:
            fetch = ["fetch", "--prune", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
        for cmd in (["init", "-q", ws], ["-C", ws, "remote", "add", "origin", url], ["-C", ws] + fetch,
                    ["-C", ws, "checkout", "-q", "--force", self.a.ref]):
            if subprocess.run(["git"] + cmd, env={"PATH": "/usr/bin:/bin", "HOME": dirs["home"]}).returncode:
                return False
        return True

    def upload(self, given, dirs):
        name, root = given.get("name", "artifact"), given["path"]
        if name in self.artifacts:
            print(f"runner: an artifact named '{name}' is already in this run", file=sys.stderr)
            return False
        found = []
        if os.path.isfile(root):
            found, root = [os.path.basename(root)], os.path.dirname(root)
        else:
            for d, subdirs, names in os.walk(root):
                subdirs[:] = [s for s in subdirs if not s.startswith(".")]
                found += [os.path.relpath(os.path.join(d, f), root) for f in names if not f.startswith(".")]
        if not found:
            mode = given.get("if-no-files-found", "warn")
            print(f"runner: no files at '{given['path']}' for artifact '{name}'", file=sys.stderr)
            return mode != "error"
        keep = os.path.join(self.a.root, "artifacts", name)
        for rel in found:
            os.makedirs(os.path.dirname(os.path.join(keep, rel)), exist_ok=True)
            shutil.copyfile(os.path.join(root, rel), os.path.join(keep, rel))
            os.chmod(os.path.join(keep, rel), 0o644)
        self.artifacts[name] = keep
        return True

    def download(self, given, dirs):
        path = given.get("path") or dirs["workspace"]
        if "name" in given:
            if given["name"] not in self.artifacts:
                print(f"runner: no artifact '{given['name']}' in this run", file=sys.stderr)
                return False
            shutil.copytree(self.artifacts[given["name"]], path, dirs_exist_ok=True)
            return True
        pattern = given.get("pattern", "*")
        merge = given.get("merge-multiple", "false") == "true"
        for name, keep in sorted(self.artifacts.items()):
            if fnmatch.fnmatchcase(name, pattern):
                shutil.copytree(keep, path if merge else os.path.join(path, name), dirs_exist_ok=True)
        return True

    def zipped_artifacts(self):
        out = []
        for name, keep in sorted(self.artifacts.items()):
            zpath = keep + ".zip"
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
                for d, _, names in os.walk(keep):
                    for f in sorted(names):
                        z.write(os.path.join(d, f), os.path.relpath(os.path.join(d, f), keep))
            out.append({"name": name, "file": zpath})
        return out


def known_actions(wf):
    """Refuse, before any job runs, a step whose action this runner does not emulate."""
    for job_id, spec in wf.get("jobs", {}).items():
        for step in spec.get("steps", []):
            if "uses" in step and step["uses"].split("@")[0] not in ACTIONS:
                raise Unknown(f"job {job_id}: action '{step['uses']}' is not known to this runner")


def pairs(items):
    out = {}
    for item in items or []:
        k, sep, v = item.partition("=")
        if not sep:
            raise SystemExit(f"runner.py: '{item}' is not NAME=VALUE")
        out[k] = v
    return out


def main():
    p = argparse.ArgumentParser(description="Run a release workflow's jobs on this machine.")
    p.add_argument("workflow")
    for opt in ("root", "server", "repository", "ref", "sha", "control", "api-url",
                "write-token", "read-token"):
        p.add_argument("--" + opt, required=True)
    p.add_argument("--run-id", type=int, required=True)
    for opt in ("var", "secret", "env"):
        p.add_argument("--" + opt, action="append")
    p.add_argument("--id-token-url")
    p.add_argument("--id-token-request-token")
    a = p.parse_args()
    a.vars, a.secrets, a.env = pairs(a.var), pairs(a.secret), pairs(a.env)
    a.root, a.server = os.path.abspath(a.root), os.path.abspath(a.server)
    with open(a.workflow) as f:
        wf = yaml.safe_load(f)
    if not triggered(wf, a.ref):
        print(f"runner: {a.workflow} does not run on a push of {a.ref}", flush=True)
        return 1
    try:
        known_actions(wf)
        return 0 if Run(a, wf).go() else 1
    except Unknown as e:
        print(f"runner.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
