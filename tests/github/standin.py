#!/usr/bin/env python3
"""A stateful stand-in for the parts of GitHub's REST API that shipsync uses.

Two listeners, as on GitHub: the API host and the uploads host (release
assets). Every response body starts from an example built from GitHub's own
OpenAPI description (the operation's response schema, required properties
only) and is then filled with the stand-in's state, so shapes follow the
description; tests put a validating proxy in front of both listeners.

  standin.py --spec api.github.com.json --token TOKEN --ports-file FILE
             [--api-url URL] [--uploads-url URL] [--readonly-token TOKEN]

The ports file receives "API_PORT UPLOADS_PORT CONTROL_PORT STORAGE_PORT"; the
storage listener serves artifact downloads, to which the API redirects. --api-url and
--uploads-url are the public bases clients see (the proxies), used in the
URLs the stand-in hands out. The control listener (never proxied) seeds
state and faults:

  POST /seed    {"tags": {"v1.0.0": {"sha": "...", "annotated": true}},
                 "runs": [{"head_sha": "...", "path": ".github/workflows/release.yml",
                           "status": "completed", "conclusion": "success", "run_attempt": 1,
                           "jobs": [{"name": "merge", "status": "completed", "conclusion": "success"}],
                           "artifacts": [{"name": "shipsync-dist", "file": "/path/to.zip",
                                          "serve": "/other.zip", "digest": true, "expired": false}]}]}
                ("serve": bytes the storage host hands out instead; "digest": false
                hides the digest, a string replaces it)
  POST /faults  [{"method": "POST", "path": "regex", "status": 502, "times": 1,
                  "headers": {...}, "body": {...}, "starter": true}]
                 ("starter": an upload that fails leaves a half asset behind, listed
                 in state "open", the description's name for GitHub's "starter")
  POST /faults/clear   forget every fault not used up yet
  POST /seed    {"digests": false} hides asset digests (as on assets uploaded
                before GitHub computed them); {"max_per_page": 2} caps page sizes
                (GitHub caps them at 100); a run whose "id" exists replaces it
  GET  /state   releases, assets (with sha256 of their content), tags, request log
"""
import argparse
import hashlib
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOCS = "https://docs.github.com/rest"
NOW = "2026-01-01T00:00:00Z"


class Spec:
    """Builds minimal schema-valid examples of an operation's response."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)

    def resolve(self, schema):
        while "$ref" in schema:
            node = self.doc
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def example(self, schema, depth=0):
        schema = self.resolve(schema)
        if depth > 12:
            return None
        if "allOf" in schema:
            out = {}
            for sub in schema["allOf"]:
                value = self.example(sub, depth + 1)
                if isinstance(value, dict):
                    out.update(value)
            return out
        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = [self.resolve(s) for s in schema[key]]
                options = [s for s in options if s.get("type") != "null"] or options
                return self.example(options[0], depth + 1)
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return values[0] if values else None
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            return {k: self.example(props[k], depth + 1)
                    for k in schema.get("required", []) if k in props}
        if kind == "array":
            if schema.get("minItems", 0) > 0:
                return [self.example(schema["items"], depth + 1)]
            return []
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return 1
        if kind == "boolean":
            return False
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "date-time":
                return NOW
            if fmt == "uri":
                return "http://127.0.0.1/"
            if fmt == "email":
                return "ci@example.com"
            return "x"
        return None

    def response(self, path, method, status="200"):
        op = self.doc["paths"][path][method]
        resp = self.resolve(op["responses"][status])
        content = resp.get("content", {})
        media = content.get("application/json") or next(iter(content.values()), None)
        return self.example(media["schema"]) if media else None


def merge(base, over):
    """Overlay state on a schema example (dicts merge, everything else replaces)."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return over


class State:
    def __init__(self, args, spec):
        self.lock = threading.Lock()
        self.args = args
        self.spec = spec
        self.releases = {}
        self.assets = {}
        self.tags = {}
        self.runs = []
        self.faults = []
        self.log = []
        self.next_id = 1000
        self.digests = True
        self.max_per_page = 100
        self.download_url = None
        self.storage_url = None
        self.api_url = args.api_url
        self.uploads_url = args.uploads_url

    def new_id(self):
        self.next_id += 1
        return self.next_id


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stall before each body
    state = None
    host_kind = "api"

    def log_message(self, fmt, *args):
        pass

    # -- plumbing -----------------------------------------------------------
    def body_bytes(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status, obj, headers=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        if obj is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        # A fault's headers replace these (one x-ratelimit-remaining, not two).
        values = {"x-github-media-type": "github.v3", "x-ratelimit-limit": "5000",
                  "x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(time.time()) + 3600),
                  "x-ratelimit-used": "1", "x-ratelimit-resource": "core"}
        for k, v in (headers or {}).items():
            values = {x: y for x, y in values.items() if x.lower() != k.lower()}
            values[k] = v
        for k, v in values.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, errors=None, headers=None):
        body = {"message": message, "documentation_url": DOCS, "status": str(status)}
        if errors:
            body["errors"] = errors
        self.send_json(status, body, headers)

    def record(self):
        st = self.state
        with st.lock:
            st.log.append({"host": self.host_kind, "method": self.command, "path": self.path,
                           "authorization": bool(self.headers.get("Authorization")),
                           "content_type": self.headers.get("Content-Type"),
                           "accept": self.headers.get("Accept")})

    def authorised(self, write):
        auth = self.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        args = self.state.args
        if token == args.token:
            return True
        if token and token == args.readonly_token:
            if not write:
                return True
            self.error(403, "Resource not accessible by integration")
            return False
        self.error(401, "Bad credentials")
        return False

    def fault(self):
        st = self.state
        with st.lock:
            for f in st.faults:
                if f.get("times", 1) <= 0:
                    continue
                if f.get("method", self.command) != self.command:
                    continue
                if f.get("host", self.host_kind) != self.host_kind:
                    continue
                if not re.search(f.get("path", ""), self.path):
                    continue
                f["times"] = f.get("times", 1) - 1
                return dict(f)
        return None

    def apply_fault(self, f):
        body = self.body_bytes()
        if f.get("starter"):
            self.leave_starter_asset(body)
        if f.get("reset"):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status = f.get("status", 502)
        headers = f.get("headers", {})
        if "body" in f:
            self.send_json(status, f["body"], headers)
        else:
            self.error(status, f.get("message", "Server Error"), headers=headers)

    def dispatch(self):
        self.record()
        f = self.fault()
        if f:
            return self.apply_fault(f)
        url = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(url.query)
        for method, pattern, func in self.routes():
            m = re.fullmatch(pattern, url.path)
            if m and method == self.command:
                write = method not in ("GET", "HEAD")
                if not self.authorised(write):
                    return
                return func(*m.groups())
        self.body_bytes()
        self.error(404, "Not Found")

    do_GET = do_POST = do_PATCH = do_DELETE = dispatch

    # -- objects ------------------------------------------------------------
    def repo_url(self, o, r):
        return f"{self.state.api_url}/repos/{o}/{r}"

    def release_json(self, rel):
        st = self.state
        o, r = rel["owner"], rel["repo"]
        base = self.repo_url(o, r)
        tmpl = st.spec.response("/repos/{owner}/{repo}/releases/{release_id}", "get")
        assets = [self.asset_json(st.assets[a]) for a in rel["assets"] if a in st.assets]
        return merge(tmpl, {
            "url": f"{base}/releases/{rel['id']}",
            "html_url": f"http://127.0.0.1/{o}/{r}/releases/tag/{rel['tag_name']}",
            "assets_url": f"{base}/releases/{rel['id']}/assets",
            "upload_url": f"{st.uploads_url}/repos/{o}/{r}/releases/{rel['id']}/assets{{?name,label}}",
            "tarball_url": None, "zipball_url": None,
            "id": rel["id"], "node_id": f"RE_{rel['id']}",
            "tag_name": rel["tag_name"], "target_commitish": rel["target_commitish"],
            "name": rel["name"], "body": rel["body"], "draft": rel["draft"],
            "prerelease": rel["prerelease"], "created_at": NOW,
            "published_at": None if rel["draft"] else NOW,
            "assets": assets,
        })

    def asset_json(self, a):
        st = self.state
        tmpl = st.spec.response("/repos/{owner}/{repo}/releases/assets/{asset_id}", "get")
        rel = st.releases[a["release"]]
        return merge(tmpl, {
            "url": f"{self.repo_url(rel['owner'], rel['repo'])}/releases/assets/{a['id']}",
            "browser_download_url": self.download_link(a),
            "id": a["id"], "node_id": f"RA_{a['id']}", "name": a["name"], "label": a["label"],
            # GitHub shows a failed upload as "starter"; its description names that state
            # "open", and the proxies hold responses to the description.
            "state": "uploaded" if a["state"] == "uploaded" else "open",
            "content_type": a["content_type"], "size": len(a["data"]),
            "digest": f"sha256:{sha(a['data'])}" if a["state"] == "uploaded" and st.digests else None,
            "download_count": 0, "created_at": NOW, "updated_at": NOW, "uploader": None,
        })

    def download_link(self, a):
        """Downloads come from another host (objects storage on GitHub), never proxied."""
        return f"{self.state.download_url}/download/{a['id']}/{urllib.parse.quote(a['name'])}"

    def find_release(self, o, r, rid):
        rel = self.state.releases.get(int(rid))
        if not rel or rel["owner"] != o or rel["repo"] != r:
            return None
        return rel

    def leave_starter_asset(self, data):
        """A failed upload on GitHub leaves an asset in state "starter" behind."""
        m = re.match(r"/repos/([^/]+)/([^/]+)/releases/(\d+)/assets", self.path)
        name = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("name", [""])[0]
        st = self.state
        if not m or not name:
            return
        with st.lock:
            rel = st.releases.get(int(m.group(3)))
            if not rel:
                return
            aid = st.new_id()
            st.assets[aid] = {"id": aid, "release": rel["id"], "name": name, "label": "",
                              "state": "starter", "content_type": "application/octet-stream",
                              "data": data[: len(data) // 2]}
            rel["assets"].append(aid)

    # -- routes -------------------------------------------------------------
    def routes(self):
        repo = r"/repos/([^/]+)/([^/]+)"
        if self.host_kind == "uploads":
            return [("POST", repo + r"/releases/(\d+)/assets", self.upload_asset)]
        return [
            ("GET", repo + r"/commits/([^/]+)", self.get_commit),
            ("GET", repo + r"/git/ref/tags(?:/|%2F)(.+)", self.get_tag_ref),
            ("GET", repo + r"/git/tags/([0-9a-f]+)", self.get_tag_object),
            ("DELETE", repo + r"/git/refs/tags(?:/|%2F)(.+)", self.delete_tag_ref),
            ("GET", repo + r"/actions/runs", self.list_runs),
            ("GET", repo + r"/actions/workflows/([^/]+)/runs", self.list_workflow_runs),
            ("GET", repo + r"/actions/runs/(\d+)/jobs", self.list_jobs),
            ("GET", repo + r"/actions/runs/(\d+)/artifacts", self.list_artifacts),
            ("GET", repo + r"/actions/artifacts/(\d+)/zip", self.download_artifact),
            ("GET", repo + r"/releases", self.list_releases),
            ("POST", repo + r"/releases", self.create_release),
            ("GET", repo + r"/releases/latest", self.latest_release),
            ("GET", repo + r"/releases/tags/(.+)", self.release_by_tag),
            ("GET", repo + r"/releases/(\d+)", self.get_release),
            ("PATCH", repo + r"/releases/(\d+)", self.update_release),
            ("DELETE", repo + r"/releases/(\d+)", self.delete_release),
            ("GET", repo + r"/releases/(\d+)/assets", self.list_assets),
            ("GET", repo + r"/releases/assets/(\d+)", self.get_asset),
            ("DELETE", repo + r"/releases/assets/(\d+)", self.delete_asset),
        ]

    def get_commit(self, o, r, ref):
        """A tag name resolves to the commit it points at, annotated or not."""
        ref = urllib.parse.unquote(ref)
        for prefix in ("refs/tags/", "tags/"):
            if ref.startswith(prefix):
                ref = ref[len(prefix):]
        t = self.state.tags.get(ref)
        commit = t["sha"] if t else (ref if re.fullmatch(r"[0-9a-f]{40}", ref) else None)
        if not commit:
            return self.error(422, f"No commit found for SHA: {ref}")
        self.send_json(200, merge(self.state.spec.response("/repos/{owner}/{repo}/commits/{ref}", "get"), {
            "sha": commit, "node_id": f"C_{commit[:8]}", "url": f"{self.repo_url(o, r)}/commits/{commit}",
            "html_url": f"http://127.0.0.1/{o}/{r}/commit/{commit}",
            "comments_url": f"{self.repo_url(o, r)}/commits/{commit}/comments"}))

    def get_tag_ref(self, o, r, tag):
        t = self.state.tags.get(urllib.parse.unquote(tag))
        if not t:
            return self.error(404, "Not Found")
        obj_sha = t["tag_sha"] if t.get("annotated") else t["sha"]
        kind = "tag" if t.get("annotated") else "commit"
        self.send_json(200, merge(self.state.spec.response("/repos/{owner}/{repo}/git/ref/{ref}", "get"), {
            "ref": f"refs/tags/{tag}", "node_id": "REF_1", "url": f"{self.repo_url(o, r)}/git/refs/tags/{tag}",
            "object": {"type": kind, "sha": obj_sha, "url": f"{self.repo_url(o, r)}/git/{kind}s/{obj_sha}"}}))

    def get_tag_object(self, o, r, tag_sha):
        for name, t in self.state.tags.items():
            if t.get("annotated") and t["tag_sha"] == tag_sha:
                return self.send_json(200, merge(self.state.spec.response("/repos/{owner}/{repo}/git/tags/{tag_sha}", "get"), {
                    "node_id": "TAG_1", "tag": name, "sha": tag_sha, "url": f"{self.repo_url(o, r)}/git/tags/{tag_sha}",
                    "message": f"Release {name}\n", "tagger": {"date": NOW, "email": "ci@example.com", "name": "CI"},
                    "object": {"type": "commit", "sha": t["sha"], "url": f"{self.repo_url(o, r)}/git/commits/{t['sha']}"}}))
        self.error(404, "Not Found")

    def delete_tag_ref(self, o, r, tag):
        with self.state.lock:
            if self.state.tags.pop(urllib.parse.unquote(tag), None) is None:
                return self.error(422, "Reference does not exist")
        self.send_json(204, None)

    def page(self, items):
        per_page = min(int(self.query.get("per_page", ["30"])[0]), self.state.max_per_page)
        page = int(self.query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query))
            q["page"] = str(page + 1)
            q["per_page"] = str(per_page)
            nxt = f"{self.state.api_url}{url.path}?{urllib.parse.urlencode(q)}"
            q["page"] = str((len(items) + per_page - 1) // per_page)
            last = f"{self.state.api_url}{url.path}?{urllib.parse.urlencode(q)}"
            headers["Link"] = f'<{nxt}>; rel="next", <{last}>; rel="last"'
        return chunk, headers

    def run_json(self, o, r, run):
        tmpl = self.state.spec.response("/repos/{owner}/{repo}/actions/runs/{run_id}", "get")
        return merge(tmpl, {
            "id": run["id"], "name": run.get("name", "release"), "node_id": f"WR_{run['id']}",
            "head_sha": run["head_sha"], "head_branch": run.get("head_branch"),
            "path": run.get("path", ".github/workflows/release.yml"), "run_number": run["id"],
            "run_attempt": run.get("run_attempt", 1), "event": run.get("event", "push"),
            "status": run.get("status", "completed"), "conclusion": run.get("conclusion"),
            "workflow_id": run.get("workflow_id", 1),
            "url": f"{self.repo_url(o, r)}/actions/runs/{run['id']}",
            "html_url": f"http://127.0.0.1/{o}/{r}/actions/runs/{run['id']}",
            "created_at": NOW, "updated_at": NOW,
        })

    def runs_for(self, o, r, workflow=None):
        head = self.query.get("head_sha", [None])[0]
        runs = [x for x in self.state.runs if head is None or x["head_sha"] == head]
        if workflow:
            runs = [x for x in runs if x.get("path", ".github/workflows/release.yml").endswith("/" + workflow)
                    or str(x.get("workflow_id", 1)) == workflow]
        runs = sorted(runs, key=lambda x: -x["id"])
        chunk, headers = self.page(runs)
        self.send_json(200, {"total_count": len(runs), "workflow_runs": [self.run_json(o, r, x) for x in chunk]}, headers)

    def list_runs(self, o, r):
        self.runs_for(o, r)

    def list_workflow_runs(self, o, r, workflow):
        self.runs_for(o, r, urllib.parse.unquote(workflow))

    def list_jobs(self, o, r, rid):
        run = next((x for x in self.state.runs if x["id"] == int(rid)), None)
        if not run:
            return self.error(404, "Not Found")
        tmpl = self.state.spec.response("/repos/{owner}/{repo}/actions/jobs/{job_id}", "get")
        jobs = []
        for n, job in enumerate(run.get("jobs", [])):
            jid = run["id"] * 100 + n
            jobs.append(merge(tmpl, {
                "id": jid, "run_id": run["id"], "node_id": f"J_{jid}", "head_sha": run["head_sha"],
                "name": job["name"], "status": job.get("status", "completed"),
                "conclusion": job.get("conclusion"), "workflow_name": run.get("name", "release"),
                "run_attempt": run.get("run_attempt", 1), "steps": [],
                "url": f"{self.repo_url(o, r)}/actions/jobs/{jid}",
                "html_url": f"http://127.0.0.1/{o}/{r}/actions/runs/{run['id']}/job/{jid}",
                "run_url": f"{self.repo_url(o, r)}/actions/runs/{run['id']}",
                "check_run_url": f"{self.repo_url(o, r)}/check-runs/{jid}",
                "created_at": NOW, "started_at": NOW,
                "completed_at": NOW if job.get("status", "completed") == "completed" else None}))
        chunk, headers = self.page(jobs)
        self.send_json(200, {"total_count": len(jobs), "jobs": chunk}, headers)

    def artifact_json(self, o, r, a):
        tmpl = self.state.spec.response("/repos/{owner}/{repo}/actions/artifacts/{artifact_id}", "get")
        digest = a.get("digest", True)
        if digest is True:
            digest = f"sha256:{sha(a['data'])}"
        return merge(tmpl, {
            "id": a["id"], "node_id": f"MDg_{a['id']}", "name": a["name"], "size_in_bytes": len(a["data"]),
            "url": f"{self.repo_url(o, r)}/actions/artifacts/{a['id']}",
            "archive_download_url": f"{self.repo_url(o, r)}/actions/artifacts/{a['id']}/zip",
            "expired": bool(a.get("expired", False)), "digest": digest or None,
            "created_at": NOW, "expires_at": NOW, "updated_at": NOW})

    def list_artifacts(self, o, r, rid):
        run = next((x for x in self.state.runs if x["id"] == int(rid)), None)
        if not run:
            return self.error(404, "Not Found")
        name = self.query.get("name", [None])[0]
        arts = [a for a in run.get("artifacts", []) if name is None or a["name"] == name]
        chunk, headers = self.page(arts)
        self.send_json(200, {"total_count": len(arts), "artifacts": [self.artifact_json(o, r, a) for a in chunk]}, headers)

    def download_artifact(self, o, r, aid):
        """As on GitHub: a redirect to a signed URL on the storage host, which wants no token."""
        for run in self.state.runs:
            for a in run.get("artifacts", []):
                if a["id"] == int(aid):
                    if a.get("expired"):
                        return self.error(410, "Artifact has expired")
                    self.send_response(302)
                    self.send_header("Location", f"{self.state.storage_url}/artifact/{a['id']}.zip?sig=s1gned")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
        self.error(404, "Not Found")

    def repo_releases(self, o, r):
        rels = [x for x in self.state.releases.values() if x["owner"] == o and x["repo"] == r]
        return sorted(rels, key=lambda x: -x["id"])

    def list_releases(self, o, r):
        chunk, headers = self.page(self.repo_releases(o, r))
        self.send_json(200, [self.release_json(x) for x in chunk], headers)

    def create_release(self, o, r):
        try:
            req = json.loads(self.body_bytes() or b"{}")
        except ValueError:
            return self.error(400, "Problems parsing JSON")
        tag = req.get("tag_name")
        if not isinstance(tag, str) or not tag:
            return self.error(422, "Validation Failed", [{"resource": "Release", "code": "missing_field", "field": "tag_name"}])
        st = self.state
        with st.lock:
            if any(x["tag_name"] == tag for x in self.repo_releases(o, r)):
                return self.error(422, "Validation Failed", [{"resource": "Release", "code": "already_exists", "field": "tag_name"}])
            rid = st.new_id()
            rel = {"id": rid, "owner": o, "repo": r, "tag_name": tag,
                   "target_commitish": req.get("target_commitish", "main"), "name": req.get("name"),
                   "body": req.get("body"), "draft": bool(req.get("draft", False)),
                   "prerelease": bool(req.get("prerelease", False)),
                   "make_latest": req.get("make_latest", "true"), "assets": []}
            st.releases[rid] = rel
        self.send_json(201, self.release_json(rel), {"Location": f"{self.repo_url(o, r)}/releases/{rid}"})

    def latest_release(self, o, r):
        for rel in self.repo_releases(o, r):
            if not rel["draft"] and not rel["prerelease"] and rel.get("make_latest") != "false":
                return self.send_json(200, self.release_json(rel))
        self.error(404, "Not Found")

    def release_by_tag(self, o, r, tag):
        tag = urllib.parse.unquote(tag)
        for rel in self.repo_releases(o, r):
            if rel["tag_name"] == tag and not rel["draft"]:
                return self.send_json(200, self.release_json(rel))
        self.error(404, "Not Found")

    def get_release(self, o, r, rid):
        rel = self.find_release(o, r, rid)
        if not rel:
            return self.error(404, "Not Found")
        self.send_json(200, self.release_json(rel))

    def update_release(self, o, r, rid):
        try:
            req = json.loads(self.body_bytes() or b"{}")
        except ValueError:
            return self.error(400, "Problems parsing JSON")
        with self.state.lock:
            rel = self.find_release(o, r, rid)
            if not rel:
                return self.error(404, "Not Found")
            for key in ("tag_name", "target_commitish", "name", "body", "draft", "prerelease", "make_latest"):
                if key in req:
                    rel[key] = req[key]
        self.send_json(200, self.release_json(rel))

    def delete_release(self, o, r, rid):
        with self.state.lock:
            rel = self.find_release(o, r, rid)
            if not rel:
                return self.error(404, "Not Found")
            for a in rel["assets"]:
                self.state.assets.pop(a, None)
            del self.state.releases[rel["id"]]
        self.send_json(204, None)

    def list_assets(self, o, r, rid):
        rel = self.find_release(o, r, rid)
        if not rel:
            return self.error(404, "Not Found")
        assets = [self.state.assets[a] for a in rel["assets"] if a in self.state.assets]
        chunk, headers = self.page(assets)
        self.send_json(200, [self.asset_json(a) for a in chunk], headers)

    def get_asset(self, o, r, aid):
        a = self.state.assets.get(int(aid))
        if not a:
            return self.error(404, "Not Found")
        if self.headers.get("Accept") == "application/octet-stream":
            self.send_response(302)
            self.send_header("Location", self.download_link(a))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_json(200, self.asset_json(a))

    def delete_asset(self, o, r, aid):
        with self.state.lock:
            a = self.state.assets.pop(int(aid), None)
            if not a:
                return self.error(404, "Not Found")
            self.state.releases[a["release"]]["assets"].remove(a["id"])
        self.send_json(204, None)

    def upload_asset(self, o, r, rid):
        data = self.body_bytes()
        name = self.query.get("name", [""])[0]
        label = self.query.get("label", [""])[0]
        st = self.state
        with st.lock:
            rel = self.find_release(o, r, rid)
            if not rel:
                return self.error(404, "Not Found")
            if not name:
                return self.error(422, "Validation Failed", [{"resource": "ReleaseAsset", "code": "missing_field", "field": "name"}])
            if any(st.assets[a]["name"] == name for a in rel["assets"] if a in st.assets):
                return self.error(422, "Validation Failed", [{"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}])
            aid = st.new_id()
            st.assets[aid] = {"id": aid, "release": rel["id"], "name": name, "label": label,
                              "state": "uploaded", "content_type": self.headers.get("Content-Type", "application/octet-stream"),
                              "data": data}
            rel["assets"].append(aid)
            a = st.assets[aid]
        self.send_json(201, self.asset_json(a))


class UploadsHandler(Handler):
    host_kind = "uploads"

    def do_GET(self):
        with self.state.lock:
            self.state.log.append({"host": "download", "method": "GET", "path": self.path,
                                   "authorization": bool(self.headers.get("Authorization"))})
        m = re.fullmatch(r"/download/(\d+)/.*", urllib.parse.urlsplit(self.path).path)
        a = self.state.assets.get(int(m.group(1))) if m else None
        if not a or a["state"] != "uploaded":
            return self.error(404, "Not Found")
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(a["data"])))
        self.end_headers()
        self.wfile.write(a["data"])


class StorageHandler(BaseHTTPRequestHandler):
    """The storage host artifact downloads are redirected to: records whether a token arrived."""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    state = None

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        st = self.state
        with st.lock:
            st.log.append({"host": "storage", "method": "GET", "path": self.path,
                           "authorization": bool(self.headers.get("Authorization"))})
            m = re.fullmatch(r"/artifact/(\d+)\.zip", urllib.parse.urlsplit(self.path).path)
            found = [a for run in st.runs for a in run.get("artifacts", []) if m and a["id"] == int(m.group(1))]
        if self.headers.get("Authorization"):
            # Signed URLs take no second credential, as object stores answer.
            data = b"<Error><Code>InvalidAuthenticationInfo</Code></Error>"
            self.send_response(400)
        elif not found or "sig=s1gned" not in self.path:
            data = b"<Error><Code>AuthenticationFailed</Code></Error>"
            self.send_response(403)
        else:
            data = found[0].get("served", found[0]["data"])
            self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stall before each body
    state = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, obj):
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        req = json.loads(self.rfile.read(n) or b"null")
        st = self.state
        with st.lock:
            if self.path == "/seed":
                for name, t in req.get("tags", {}).items():
                    t.setdefault("tag_sha", sha(name.encode())[:40])
                    st.tags[name] = t
                for run in req.get("runs", []):
                    run.setdefault("id", st.new_id())
                    for a in run.get("artifacts", []):
                        a.setdefault("id", st.new_id())
                        with open(a.pop("file"), "rb") as f:
                            a["data"] = f.read()
                        if "serve" in a:  # bytes that differ from what was uploaded
                            with open(a.pop("serve"), "rb") as f:
                                a["served"] = f.read()
                    st.runs = [x for x in st.runs if x["id"] != run["id"]] + [run]
                if "digests" in req:
                    st.digests = bool(req["digests"])
                if "max_per_page" in req:
                    st.max_per_page = int(req["max_per_page"])
            elif self.path == "/faults":
                st.faults.extend(req)
            elif self.path == "/faults/clear":
                st.faults.clear()
            elif self.path == "/reset":
                st.releases.clear(); st.assets.clear(); st.tags.clear()
                st.runs.clear(); st.faults.clear(); st.log.clear()
                st.digests = True
                st.max_per_page = 100
        self.reply({"ok": True})

    def do_GET(self):
        st = self.state
        with st.lock:
            self.reply({
                "releases": [dict(r, assets=list(r["assets"])) for r in st.releases.values()],
                "assets": [{k: (sha(v) if k == "data" else v) for k, v in a.items()} for a in st.assets.values()],
                "tags": st.tags, "log": st.log,
            })


def serve(handler, state):
    handler.state = state
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--readonly-token", default=None)
    ap.add_argument("--ports-file", required=True)
    ap.add_argument("--api-url", default=None)
    ap.add_argument("--uploads-url", default=None)
    args = ap.parse_args()
    spec = Spec(args.spec)
    state = State(args, spec)
    api = serve(Handler, state)
    uploads = serve(UploadsHandler, state)
    control = serve(ControlHandler, state)
    storage = serve(StorageHandler, state)
    state.storage_url = f"http://127.0.0.1:{storage.server_port}"
    state.api_url = args.api_url or f"http://127.0.0.1:{api.server_port}"
    state.uploads_url = args.uploads_url or f"http://127.0.0.1:{uploads.server_port}"
    state.download_url = f"http://127.0.0.1:{uploads.server_port}"
    with open(args.ports_file + ".tmp", "w") as f:
        f.write(f"{api.server_port} {uploads.server_port} {control.server_port} {storage.server_port}\n")
    import os
    os.rename(args.ports_file + ".tmp", args.ports_file)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
