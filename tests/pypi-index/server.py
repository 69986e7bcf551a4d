#!/usr/bin/env python3
"""A small PyPI-compatible package index for the tests (standard library only).

It speaks what upload and install clients use: the legacy upload API at
/legacy/ with PyPI's validation and file-reuse rules, the simple repository
API at /simple/ (PEP 503 HTML and PEP 691 JSON), the JSON API at
/pypi/NAME/json and /pypi/NAME/VERSION/json, the files at /files/..., and
PyPI's trusted-publishing endpoints (/_/oidc/audience, /_/oidc/mint-token)
with a stand-in for the CI provider's ID-token service (/_actions/idtoken).

Modes that mirror other index servers (options):
  --simple html               PEP 503 HTML only, whatever the Accept header,
                              with relative links and #sha256= fragments; no
                              JSON API (as pypiserver and most private indexes)
  --simple html-nohash        the same without hash fragments (some artifact
                              managers)
  --fallback URL              a simple page of a project the index does not
                              hold redirects (303) to URL/NAME/, as pypiserver
                              falls back to PyPI by default
  --exists STYLE              how a re-upload of a file name the index holds is
                              answered: pypi (identical bytes 200, else 400
                              "File already exists", the default), 409
                              (pypiserver), 400 ("File already exists" whatever
                              the bytes), nexus (400 about updating assets),
                              artifactory (403 JSON about overwriting),
                              gitlab (400 JSON "has already been taken")
  --split                     uploads at /hosted/ only, reads at /group/simple/
                              and /group/files/ only, no JSON API (an artifact
                              manager's hosted and group repositories)
  --web-ui                    every other GET path answers 200 with an HTML
                              page, as a web interface that routes every path

For the tests there are a few more endpoints:
  GET  /_debug/uploads        every upload request received: its form fields
                              (the file part as its filename and size), the
                              user it authenticated as and the status answered
  GET  /_debug/requests       every request but these: method, path, and
                              whether it carried an Authorization header
  POST /_control              JSON object changing the fault mode:
                              fail_uploads N   answer 503 to the next N uploads
                              storm N          answer 500 to the next N requests
                              reset_uploads N  reset the connection on the next
                                               N uploads, storing nothing
                              lose_responses N store the next N uploads, then
                                               reset the connection unanswered
                              slow_ms M        wait M ms before every answer
                              stale_reads N    a new file stays invisible to
                                               the read APIs for N reads
                              forbid_html N    answer the next N uploads 403
                                               with an HTML page, as a proxy does
                              max_upload_bytes B  answer an upload longer than B
                                               413 with an HTML page before
                                               reading it (0: no limit)
                              redirect_uploads N  answer the next N uploads 301
                                               to redirect_to (default /moved/)
                              cut_uploads N    close the connection halfway
                                               through the next N upload bodies
  POST /_control/delete       {"filename": F} deletes a file the way PyPI does:
                              the filename can never be used again
  POST /_control/yank         {"filename": F, "reason": R} yanks a file
  POST /_control/reset        forget every project, file, upload and fault

Usage: server.py --token TOKEN [--port N] [--user USER:PASSWORD]
                 [--scoped-token TOKEN:PROJECT] [--oidc] [--fail-uploads N]
                 [--storm N] [--slow-ms M] [--stale-reads N] [--port-file F]
                 [--simple both|html|html-nohash] [--fallback URL]
                 [--exists pypi|409|400|nexus|artifactory|gitlab] [--split]
                 [--tls CERT KEY] [--web-ui]
It listens on 127.0.0.1 and prints the port it got on stdout.
"""

import argparse
import base64
import hashlib
import html
import io
import json
import os
import re
import secrets
import socket
import ssl
import struct
import sys
import tarfile
import threading
import time
import urllib.parse
import zipfile
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.I)
# PEP 440, as the specification's appendix writes it (verbose form).
VERSION_RE = re.compile(
    r"""^\s*v?
    (?:(?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_\.]?(?P<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?)
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
    \s*$""",
    re.X | re.I,
)
METADATA_VERSIONS = {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4"}
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"
REUSE_HELP = "See https://pypi.org/help/#file-name-reuse for more information."
NGINX_PAGE = ("<html>\r\n<head><title>%(status)s</title></head>\r\n<body>\r\n"
              "<center><h1>%(status)s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def canonical_version(v):
    """PEP 440 normal form, trailing zeros of the release dropped (as PyPI compares)."""
    m = VERSION_RE.match(v)
    if not m:
        return None
    out = ""
    if m.group("epoch") and int(m.group("epoch")):
        out += "%d!" % int(m.group("epoch"))
    rel = [int(x) for x in m.group("release").split(".")]
    while len(rel) > 1 and rel[-1] == 0:
        rel.pop()
    out += ".".join(str(x) for x in rel)
    if m.group("pre"):
        lab = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}.get(
            m.group("pre_l").lower(), m.group("pre_l").lower())
        out += "%s%d" % (lab, int(m.group("pre_n") or 0))
    if m.group("post"):
        out += ".post%d" % int(m.group("post_n1") or m.group("post_n2") or 0)
    if m.group("dev"):
        out += ".dev%d" % int(m.group("dev_n") or 0)
    if m.group("local"):
        out += "+" + ".".join(re.split(r"[-_.]", m.group("local").lower()))
    return out


class Index:
    """Projects, files and faults, guarded by one lock."""

    def __init__(self, opts):
        self.lock = threading.Lock()
        self.opts = opts
        self.reset()

    def reset(self):
        self.projects = {}      # normalized name -> {"name", "releases": {version: [file]}}
        self.files = {}         # filename -> file dict (with "data")
        self.deleted = set()    # filenames that can never be used again
        self.uploads = []       # debug record of upload requests
        self.requests = []      # debug record of every other request
        self.minted = {}        # tokens minted through trusted publishing
        self.faults = {
            "fail_uploads": self.opts.fail_uploads,
            "storm": self.opts.storm,
            "reset_uploads": 0,
            "lose_responses": 0,
            "slow_ms": self.opts.slow_ms,
            "stale_reads": self.opts.stale_reads,
            "forbid_html": 0,
            "max_upload_bytes": 0,
            "redirect_uploads": 0,
            "redirect_to": "/moved/",
            "cut_uploads": 0,
        }

    def take(self, fault):
        """Consume one unit of a counted fault: True when it fires."""
        with self.lock:
            if self.faults.get(fault, 0) > 0:
                self.faults[fault] -= 1
                return True
            return False

    def visible(self, f):
        """A file uploaded while stale_reads was set shows up only after that many reads."""
        if f["hidden_reads"] > 0:
            f["hidden_reads"] -= 1
            return False
        return True


class UploadError(Exception):
    def __init__(self, status, message, body=None, ctype=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body        # a body of the server's own, instead of "STATUS message"
        self.ctype = ctype


def exists_error(style, filename, old, digest):
    """What a server of this style answers a re-upload of filename (None: success)."""
    if style == "pypi":
        if old["sha256"] == digest:
            return None  # PyPI: a byte-identical re-upload is a no-op success
        return UploadError(400, "File already exists (%r, with blake2_256 hash %r). %s"
                           % (filename, file_digest(old, "blake2_256"), REUSE_HELP))
    if style == "409":
        msg = "Package %r already exists!\n  You may start server with `--overwrite` option." % filename
        return UploadError(409, "Conflict", body=(
            "<html><head><title>Error: 409 Conflict</title></head><body><h1>Error: 409 Conflict</h1>"
            "<p>Sorry, the requested URL caused an error:</p><pre>%s</pre></body></html>" % html.escape(msg)),
            ctype="text/html; charset=UTF-8")
    if style == "400":
        return UploadError(400, "File already exists.")
    if style == "nexus":
        return UploadError(400, "Repository does not allow updating assets: pypi-hosted")
    if style == "artifactory":
        return UploadError(403, "Forbidden", body=json.dumps({"errors": [{"status": 403, "message":
            "Not enough permissions to delete/overwrite artifact 'pypi-local:%s' (user: '__token__' needs "
            "DELETE permission)." % filename}]}), ctype="application/json")
    return UploadError(400, "Bad Request", body=json.dumps(
        {"message": "400 Bad request - Validation failed: File name has already been taken"}),
        ctype="application/json")


def parse_multipart(body, content_type):
    """[(name, value-or-(filename, bytes))] of a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not content_type or not content_type.startswith("multipart/form-data") or not m:
        raise UploadError(400, "Invalid request: the body is not multipart/form-data.")
    delim = b"\r\n--" + m.group(1).encode("latin-1")
    # Find the parts without copying the (possibly large) file part more than once.
    if body.startswith(delim[2:]):
        pos = len(delim) - 2
    else:
        pos = body.find(delim)  # after a preamble
        if pos == -1:
            raise UploadError(400, "Invalid request: the multipart body is truncated.")
        pos += len(delim)
    fields = []
    while True:
        if body.startswith(b"--", pos):
            return fields
        if not body.startswith(b"\r\n", pos):
            raise UploadError(400, "Invalid request: a malformed multipart part.")
        head_end = body.find(b"\r\n\r\n", pos + 2)
        end = body.find(delim, head_end + 4) if head_end != -1 else -1
        if head_end == -1 or end == -1:
            raise UploadError(400, "Invalid request: the multipart body is truncated.")
        head = body[pos + 2:head_end]
        value = body[head_end + 4:end]
        pos = end + len(delim)
        disp = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-disposition":
                disp = v
        nm = re.search(r'\bname="([^"]*)"', disp)
        if not nm:
            raise UploadError(400, "Invalid request: a multipart part without a name.")
        fn = re.search(r'\bfilename="([^"]*)"', disp)
        if fn:
            fields.append((nm.group(1), (fn.group(1), value)))
        else:
            try:
                fields.append((nm.group(1), value.decode("utf-8")))
            except UnicodeDecodeError:
                raise UploadError(400, "Invalid value for %s: not UTF-8." % nm.group(1))


def file_digest(f, kind):
    """A stored file's md5 or blake2_256, computed the first time it is asked for."""
    if f[kind] is None:
        f[kind] = (hashlib.md5(f["data"]) if kind == "md5"
                   else hashlib.blake2b(f["data"], digest_size=32)).hexdigest()
    return f[kind]


def check_archive(filetype, filename, data):
    """Refuse what PyPI refuses: unreadable archives, wheels without METADATA."""
    try:
        if filetype == "bdist_wheel":
            # As PyPI: the central directory must read; members are not inflated.
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                stem = "-".join(filename[:-4].split("-")[:2])
                if stem + ".dist-info/METADATA" not in z.namelist():
                    raise UploadError(
                        400, "Wheel '%s' does not contain the required METADATA file: %s"
                        % (filename, stem + ".dist-info/METADATA"))
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
                names = t.getnames()
                if not any(n.count("/") == 1 and n.endswith("/PKG-INFO") for n in names):
                    raise UploadError(400, "Invalid distribution file: no PKG-INFO.")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError):
        raise UploadError(400, "Invalid distribution file.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pypi-test-index/1"
    # Headers and body leave in two writes; with Nagle's algorithm the body
    # waits for the client's delayed ACK of the headers, about 40 ms a
    # response, a stall no real index has.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if self.server.index.opts.verbose:
            sys.stderr.write("index: " + (fmt % args) + "\n")

    # -- plumbing --
    def send(self, status, body=b"", ctype="text/plain; charset=utf-8", reason=None, headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        # PyPI puts the error in the reason phrase; clients print it from there.
        if reason is not None:
            reason = reason.replace("\r", " ").replace("\n", " ")
        try:
            self.send_response(status, reason)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: nobody to answer

    def send_json(self, status, obj, ctype="application/json", headers=()):
        self.send(status, json.dumps(obj, indent=1) + "\n", ctype, headers=headers)

    def fail(self, status, message):
        self.send(status, "%d %s\n" % (status, message), reason=message)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def reset_connection(self):
        """Close with RST, so the client sees a connection fault, not an answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    def base(self):
        scheme = "https" if self.server.index.opts.tls else "http"
        return "%s://%s" % (scheme, self.headers.get("Host", "127.0.0.1:%d" % self.server.server_port))

    def common_faults(self):
        idx = self.server.index
        if not self.path.startswith("/_control") and not self.path.startswith("/_debug"):
            with idx.lock:
                idx.requests.append({"method": self.command, "path": self.path,
                                     "authorization": "Authorization" in self.headers})
        slow = idx.faults.get("slow_ms", 0)
        if slow:
            time.sleep(slow / 1000.0)
        if not self.path.startswith("/_control") and not self.path.startswith("/_debug") \
                and idx.take("storm"):
            self.read_body()
            self.fail(500, "Internal Server Error")
            return True
        return False

    # -- verbs --
    def read_prefix(self):
        """Where the read APIs live: /group in split mode, else the root."""
        return "/group" if self.server.index.opts.split else ""

    def do_GET(self):
        if self.common_faults():
            return
        path = urllib.parse.urlsplit(self.path).path
        opts = self.server.index.opts
        routes = [
            (r"^/_/oidc/audience$", self.oidc_audience),
            (r"^/_actions/idtoken$", self.actions_idtoken),
            (r"^/_debug/uploads$", self.debug_uploads),
            (r"^/_debug/requests$", self.debug_requests),
        ]
        prefix = self.read_prefix()
        if path.startswith(prefix + "/"):
            path = path[len(prefix):]
            routes += [
                (r"^/simple/$", self.simple_root),
                (r"^/simple/([^/]+)/?$", self.simple_project),
                (r"^/files/([^/]+)/([^/]+)$", self.serve_file),
            ]
            if opts.simple == "both" and not opts.split:
                routes += [
                    (r"^/pypi/([^/]+)/json$", self.json_project),
                    (r"^/pypi/([^/]+)/([^/]+)/json$", self.json_release),
                ]
        for pattern, fn in routes:
            m = re.match(pattern, path)
            if m:
                return fn(*[urllib.parse.unquote(g) for g in m.groups()])
        if opts.web_ui:
            return self.send(200, "<!DOCTYPE html>\n<html><head><title>Repository Manager</title></head>"
                             "<body><div id=\"app\">Loading...</div></body></html>\n", "text/html; charset=utf-8")
        self.fail(404, "Not Found")

    do_HEAD = do_GET

    def do_POST(self):
        if self.common_faults():
            return
        path = urllib.parse.urlsplit(self.path).path
        if path in (("/hosted/", "/hosted") if self.server.index.opts.split else ("/legacy/", "/legacy")):
            return self.upload()
        if path == "/_/oidc/mint-token":
            return self.oidc_mint()
        if path == "/_control":
            return self.control()
        if path == "/_control/delete":
            return self.control_delete()
        if path == "/_control/yank":
            return self.control_yank()
        if path == "/_control/reset":
            self.read_body()
            with self.server.index.lock:
                self.server.index.reset()
            return self.send_json(200, {"ok": True})
        self.read_body()
        self.fail(404, "Not Found")

    # -- authentication --
    def authenticate(self):
        """The user name the request authenticated as, or raise 401/403."""
        idx = self.server.index
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            raise UploadError(401, "Invalid or non-existent authentication information.")
        try:
            user, _, password = base64.b64decode(auth[6:].strip(), validate=True) \
                .decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise UploadError(401, "Invalid or non-existent authentication information.")
        if user == "__token__" and password == idx.opts.token:
            return user, None
        if user == "__token__" and password in idx.minted:
            if idx.minted[password] < time.time():
                raise UploadError(403, "Invalid API Token: the token has expired.")
            return "trusted-publisher", None
        if user == "__token__" and password in idx.opts.scoped:
            return user, idx.opts.scoped[password]
        if (user, password) in idx.opts.users:
            return user, None
        raise UploadError(401, "Invalid or non-existent authentication information.")

    # -- the legacy upload API --
    def upload(self):
        idx = self.server.index
        record = {"fields": [], "user": None, "status": None, "filename": None}
        try:
            if self.refused_early(record):
                return
            if idx.take("reset_uploads"):
                self.read_body()
                with idx.lock:
                    record["status"] = "reset"
                    idx.uploads.append(record)
                return self.reset_connection()
            body = self.read_body()
            if idx.take("forbid_html"):
                raise UploadError(403, "Forbidden", body=NGINX_PAGE % {"status": "403 Forbidden"},
                                  ctype="text/html")
            if idx.take("redirect_uploads"):
                with idx.lock:
                    record["status"] = 301
                    idx.uploads.append(record)
                return self.send(301, NGINX_PAGE % {"status": "301 Moved Permanently"}, "text/html",
                                 headers=[("Location", idx.faults["redirect_to"])])
            record["user"], scope = self.authenticate()
            fields = parse_multipart(body, self.headers.get("Content-Type"))
            for k, v in fields:
                if isinstance(v, tuple):
                    record["fields"].append([k, "<file %s, %d bytes>" % (v[0], len(v[1]))])
                    record["filename"] = v[0]
                else:
                    record["fields"].append([k, v])
            if idx.take("fail_uploads"):
                raise UploadError(503, "Service Unavailable")
            lost = idx.take("lose_responses")
            self.store(fields, scope)
            record["status"] = 200
            if lost:
                record["status"] = "lost"
                with idx.lock:
                    idx.uploads.append(record)
                return self.reset_connection()
            with idx.lock:
                idx.uploads.append(record)
            self.send(200, "OK\n")
        except UploadError as e:
            record["status"] = e.status
            record["message"] = e.message
            with idx.lock:
                idx.uploads.append(record)
            headers = [("WWW-Authenticate", 'Basic realm="pypi"')] if e.status == 401 else []
            if e.body is not None:
                return self.send(e.status, e.body, e.ctype, reason=e.message)
            self.send(e.status, "%d %s\n" % (e.status, e.message), reason=e.message, headers=headers)

    def refused_early(self, record):
        """Faults that answer before the body is read: a size limit, a cut connection."""
        idx = self.server.index
        length = int(self.headers.get("Content-Length") or 0)
        limit = idx.faults.get("max_upload_bytes", 0)
        if limit and length > limit:
            # As nginx: answer at once, then drain the body so that the answer is read.
            self.send(413, NGINX_PAGE % {"status": "413 Request Entity Too Large"}, "text/html")
            self.read_body()
            record["status"] = 413
        elif idx.take("cut_uploads"):
            self.rfile.read(length // 2)
            record["status"] = "cut"
            self.reset_connection()
        else:
            return False
        with idx.lock:
            idx.uploads.append(record)
        return True

    def store(self, fields, scope):
        form = {}
        for k, v in fields:
            form.setdefault(k, []).append(v)

        def one(key, required=True):
            vals = form.get(key, [])
            if len(vals) > 1:
                raise UploadError(400, "Invalid value for %s. Error: more than one value." % key)
            if not vals or vals[0] == "":
                if required:
                    raise UploadError(400, "Invalid value for %s. Error: This field is required." % key)
                return None
            return vals[0]

        if one(":action") != "file_upload":
            raise UploadError(400, "Unknown action.")
        if one("protocol_version") != "1":
            raise UploadError(400, "Unknown protocol version.")
        mv = one("metadata_version")
        if mv not in METADATA_VERSIONS:
            raise UploadError(400, "Invalid value for metadata_version. Error: Use a known metadata version.")
        name = one("name")
        if not NAME_RE.match(name):
            raise UploadError(400, "Invalid value for name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.")
        version = one("version")
        if canonical_version(version) is None:
            raise UploadError(400, "Invalid value for version. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.")
        filetype = one("filetype")
        if filetype not in ("sdist", "bdist_wheel"):
            raise UploadError(400, "Invalid value for filetype. Error: Use a known file type.")
        pyversion = one("pyversion", required=(filetype == "bdist_wheel"))
        content = form.get("content", [])
        if len(content) != 1 or not isinstance(content[0], tuple):
            raise UploadError(400, "Upload payload does not have a file.")
        filename, data = content[0]
        if "/" in filename or "\\" in filename or filename.startswith("."):
            raise UploadError(400, "Invalid filename.")
        sha256 = one("sha256_digest", required=False)
        md5 = one("md5_digest", required=False)
        blake2 = one("blake2_256_digest", required=False)
        if not (sha256 or md5 or blake2):
            raise UploadError(400, "Include at least one message digest.")
        # Check the digests the client sent; the others are computed when first read.
        digests = {"sha256": hashlib.sha256(data).hexdigest(),
                   "md5": hashlib.md5(data).hexdigest() if md5 else None,
                   "blake2_256": hashlib.blake2b(data, digest_size=32).hexdigest() if blake2 else None}
        for got, want in ((sha256, digests["sha256"]), (md5, digests["md5"]),
                          (blake2, digests["blake2_256"])):
            if got is not None and got.lower() != want:
                raise UploadError(400, "The digest supplied does not match a digest calculated from the uploaded file.")

        if filetype == "bdist_wheel":
            if not filename.endswith(".whl") or len(filename[:-4].split("-")) not in (5, 6):
                raise UploadError(400, "Invalid wheel filename (wrong number of parts): %s" % filename)
            fn_name, fn_version = filename[:-4].split("-")[:2]
        else:
            if not filename.endswith(".tar.gz"):
                raise UploadError(400, "Invalid file extension: Use .tar.gz, .whl or .zip extension.")
            fn_name, _, fn_version = filename[:-7].rpartition("-")
        if normalize(fn_name) != normalize(name):
            raise UploadError(400, "Start filename for %r with %r." % (name, normalize(name).replace("-", "_")))
        if canonical_version(fn_version) != canonical_version(version):
            raise UploadError(400, "Version in filename should be %r not %r." % (version, fn_version))
        if scope is not None and normalize(scope) != normalize(name):
            raise UploadError(403, "The user isn't allowed to upload to project %r." % name)

        idx = self.server.index
        with idx.lock:
            digest = digests["sha256"]
            old = idx.files.get(filename)
            if old is not None:
                err = exists_error(idx.opts.exists, filename, old, digest)
                if err is None:
                    return
                raise err
            if filename in idx.deleted:
                raise UploadError(400, "This filename has already been used, use a different version. %s" % REUSE_HELP)
            for f in idx.files.values():
                if f["sha256"] == digest:
                    raise UploadError(400, "The file is an exact duplicate of an existing file (%r)." % f["filename"])
        check_archive(filetype, filename, data)
        with idx.lock:
            key = normalize(name)
            proj = idx.projects.setdefault(key, {"name": name, "releases": {}})
            rel = proj["releases"].setdefault(canonical_version(version), {"version": version, "files": [], "meta": {}})
            if filetype == "sdist" and any(f["packagetype"] == "sdist" for f in rel["files"]):
                raise UploadError(400, "Only one sdist may be uploaded per release.")
            if not rel["meta"]:
                rel["meta"] = {k: v[0] for k, v in form.items() if not isinstance(v[0], tuple)}
            f = {
                "filename": filename,
                "project": key,
                "version": version,
                "data": data,
                "size": len(data),
                "sha256": digest,
                "md5": digests["md5"],
                "blake2_256": digests["blake2_256"],
                "packagetype": filetype,
                "python_version": pyversion or "source",
                "requires_python": one("requires_python", required=False),
                "upload_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "hidden_reads": idx.faults.get("stale_reads", 0),
                "yanked": None,
            }
            rel["files"].append(f)
            idx.files[filename] = f

    # -- reading --
    def project(self, name):
        return self.server.index.projects.get(normalize(name))

    def file_url(self, f):
        return "%s%s/files/%s/%s" % (self.base(), self.read_prefix(), f["project"],
                                     urllib.parse.quote(f["filename"]))

    def wants_json(self):
        return self.server.index.opts.simple == "both" and SIMPLE_JSON in self.headers.get("Accept", "")

    def visible_files(self, files):
        idx = self.server.index
        with idx.lock:
            return [f for f in list(files) if idx.visible(f)]

    def simple_root(self):
        names = sorted(p["name"] for p in self.server.index.projects.values())
        if self.wants_json():
            return self.send_json(200, {"meta": {"api-version": "1.0"},
                                        "projects": [{"name": n} for n in names]}, SIMPLE_JSON)
        links = "".join('<a href="%s/">%s</a>\n' % (normalize(n), html.escape(n)) for n in names)
        self.send(200, "<!DOCTYPE html>\n<html><body>\n%s</body></html>\n" % links, "text/html; charset=utf-8")

    def simple_project(self, name):
        opts = self.server.index.opts
        if normalize(name) != name:
            return self.send(301, "", headers=[("Location", "%s/simple/%s/" % (self.read_prefix(), normalize(name)))])
        proj = self.project(name)
        if proj is None and opts.fallback:
            return self.send(303, "", headers=[("Location", "%s/%s/" % (opts.fallback.rstrip("/"), name))])
        if proj is None:
            return self.fail(404, "Not Found")
        files = [f for r in proj["releases"].values() for f in r["files"]]
        files = self.visible_files(files)
        if opts.simple != "both":
            return self.simple_html(proj, files)
        if self.wants_json():
            out = {"meta": {"api-version": "1.0"}, "name": normalize(proj["name"]), "files": []}
            for f in files:
                e = {"filename": f["filename"], "url": self.file_url(f),
                     "hashes": {"sha256": f["sha256"]}, "yanked": f["yanked"] or False}
                if f["requires_python"]:
                    e["requires-python"] = f["requires_python"]
                out["files"].append(e)
            return self.send_json(200, out, SIMPLE_JSON)
        rows = []
        for f in files:
            rp = ' data-requires-python="%s"' % html.escape(f["requires_python"]) if f["requires_python"] else ""
            rows.append('<a href="%s#sha256=%s"%s>%s</a><br/>\n'
                        % (self.file_url(f), f["sha256"], rp, html.escape(f["filename"])))
        self.send(200, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                  "<title>Links for %s</title></head><body>\n<h1>Links for %s</h1>\n%s</body></html>\n"
                  % (html.escape(proj["name"]), html.escape(proj["name"]), "".join(rows)),
                  "text/html; charset=utf-8")

    def simple_html(self, proj, files):
        """A page as private index servers write it: relative links, attributes as PEP 503 has them."""
        rows = []
        for f in files:
            attrs = ""
            if f["requires_python"]:
                attrs += ' data-requires-python="%s"' % html.escape(f["requires_python"])
            if f["yanked"] is not None:
                attrs += ' data-yanked="%s"' % html.escape(f["yanked"])
            frag = "" if self.server.index.opts.simple == "html-nohash" else "#sha256=" + f["sha256"]
            rows.append('    <a href="../../files/%s/%s%s"%s>%s</a><br>\n'
                        % (f["project"], urllib.parse.quote(f["filename"]), frag, attrs, html.escape(f["filename"])))
        self.send(200, "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Links for %s</title>\n  </head>\n"
                  "  <body>\n    <h1>Links for %s</h1>\n%s  </body>\n</html>\n"
                  % (html.escape(normalize(proj["name"])), html.escape(normalize(proj["name"])), "".join(rows)),
                  "text/html; charset=UTF-8")

    def file_json(self, f):
        md5, blake2 = file_digest(f, "md5"), file_digest(f, "blake2_256")
        return {
            "filename": f["filename"], "url": self.file_url(f), "size": f["size"],
            "digests": {"sha256": f["sha256"], "md5": md5, "blake2b_256": blake2},
            "md5_digest": md5, "packagetype": f["packagetype"],
            "python_version": f["python_version"], "requires_python": f["requires_python"],
            "upload_time_iso_8601": f["upload_time"], "yanked": f["yanked"] is not None,
            "yanked_reason": f["yanked"] or None,
        }

    def info_json(self, proj, rel):
        meta = rel["meta"]
        return {"name": proj["name"], "version": rel["version"], "summary": meta.get("summary"),
                "requires_python": meta.get("requires_python"), "author": meta.get("author"),
                "license": meta.get("license")}

    def json_project(self, name):
        proj = self.project(name)
        if proj is None:
            return self.fail(404, "Not Found")
        releases = {r["version"]: [self.file_json(f) for f in self.visible_files(r["files"])]
                    for r in proj["releases"].values()}
        latest = list(proj["releases"].values())[-1]
        self.send_json(200, {"info": self.info_json(proj, latest), "releases": releases,
                             "urls": releases[latest["version"]], "last_serial": len(self.server.index.uploads)})

    def json_release(self, name, version):
        proj = self.project(name)
        cv = canonical_version(version)
        if proj is None or cv not in proj["releases"]:
            return self.fail(404, "Not Found")
        rel = proj["releases"][cv]
        self.send_json(200, {"info": self.info_json(proj, rel),
                             "urls": [self.file_json(f) for f in self.visible_files(rel["files"])],
                             "last_serial": len(self.server.index.uploads)})

    def serve_file(self, project, filename):
        f = self.server.index.files.get(filename)
        if f is None or f["project"] != project:
            return self.fail(404, "Not Found")
        self.send(200, f["data"], "application/octet-stream")

    # -- trusted publishing --
    def oidc_audience(self):
        self.send_json(200, {"audience": "shipsync-test-index"})

    def actions_idtoken(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        opts = self.server.index.opts
        if not opts.oidc or self.headers.get("Authorization") != "Bearer " + opts.oidc_request_token:
            return self.send_json(401, {"message": "Bad credentials"})
        if q.get("audience") != ["shipsync-test-index"]:
            return self.send_json(400, {"message": "wrong audience"})
        self.send_json(200, {"count": 1, "value": opts.oidc_id_token})

    def oidc_mint(self):
        idx = self.server.index
        try:
            token = json.loads(self.read_body() or b"{}").get("token")
        except (ValueError, AttributeError):
            token = None
        if not idx.opts.oidc or token != idx.opts.oidc_id_token:
            return self.send_json(422, {"message": "Token request failed", "errors": [
                {"code": "invalid-publisher", "description": "valid token, but no corresponding publisher"}]})
        minted = "pypi-minted-" + secrets.token_hex(16)
        with idx.lock:
            idx.minted[minted] = time.time() + 900
        self.send_json(200, {"success": True, "token": minted, "expires": int(time.time()) + 900})

    # -- test control --
    def debug_uploads(self):
        with self.server.index.lock:
            self.send_json(200, self.server.index.uploads)

    def debug_requests(self):
        with self.server.index.lock:
            self.send_json(200, self.server.index.requests)

    def control(self):
        idx = self.server.index
        try:
            changes = json.loads(self.read_body() or b"{}")
        except ValueError:
            return self.fail(400, "Bad JSON")
        with idx.lock:
            for k, v in changes.items():
                if k not in idx.faults or not isinstance(v, type(idx.faults[k])):
                    return self.fail(400, "Unknown fault %r" % k)
                idx.faults[k] = v
            self.send_json(200, idx.faults)

    def control_delete(self):
        idx = self.server.index
        try:
            filename = json.loads(self.read_body() or b"{}")["filename"]
        except (ValueError, KeyError, TypeError):
            return self.fail(400, "Bad JSON")
        with idx.lock:
            f = idx.files.pop(filename, None)
            if f is None:
                return self.fail(404, "Not Found")
            idx.deleted.add(filename)
            for proj in idx.projects.values():
                for rel in proj["releases"].values():
                    rel["files"] = [x for x in rel["files"] if x["filename"] != filename]
        self.send_json(200, {"deleted": filename})


    def control_yank(self):
        idx = self.server.index
        try:
            req = json.loads(self.read_body() or b"{}")
            filename, reason = req["filename"], str(req.get("reason", ""))
        except (ValueError, KeyError, TypeError):
            return self.fail(400, "Bad JSON")
        with idx.lock:
            f = idx.files.get(filename)
            if f is None:
                return self.fail(404, "Not Found")
            f["yanked"] = reason
        self.send_json(200, {"yanked": filename})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def pair(s):
    a, sep, b = s.partition(":")
    if not sep or not a:
        raise argparse.ArgumentTypeError("expected A:B")
    return a, b


def main():
    p = argparse.ArgumentParser(description="PyPI-compatible test index")
    p.add_argument("--token", required=True, help="the API token accepted with user __token__")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", help="also write the port to this file")
    p.add_argument("--user", type=pair, action="append", default=[], help="USER:PASSWORD also accepted")
    p.add_argument("--scoped-token", type=pair, action="append", default=[],
                   help="TOKEN:PROJECT, a token that may upload to PROJECT only")
    p.add_argument("--oidc", action="store_true", help="enable trusted publishing")
    p.add_argument("--oidc-request-token", default="actions-request-token")
    p.add_argument("--oidc-id-token", default="actions-id-token")
    p.add_argument("--fail-uploads", type=int, default=0)
    p.add_argument("--storm", type=int, default=0)
    p.add_argument("--slow-ms", type=int, default=0)
    p.add_argument("--stale-reads", type=int, default=0)
    p.add_argument("--simple", choices=("both", "html", "html-nohash"), default="both",
                   help="the read APIs: JSON API, PEP 691 and PEP 503 (both), or PEP 503 HTML only")
    p.add_argument("--fallback", help="redirect simple pages of unknown projects to this index")
    p.add_argument("--exists", choices=("pypi", "409", "400", "nexus", "artifactory", "gitlab"),
                   default="pypi", help="how a re-upload of an existing file name is answered")
    p.add_argument("--split", action="store_true",
                   help="uploads at /hosted/, reads at /group/ (simple and files), no JSON API")
    p.add_argument("--web-ui", action="store_true", help="answer every other GET path with a page")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="speak HTTPS with this certificate")
    p.add_argument("-v", "--verbose", action="store_true")
    opts = p.parse_args()
    opts.users = set(opts.user)
    opts.scoped = dict(opts.scoped_token)

    httpd = Server(("127.0.0.1", opts.port), Handler)
    if opts.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*opts.tls)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.index = Index(opts)
    port = httpd.server_address[1]
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as fp:
            fp.write("%d\n" % port)
        os.rename(opts.port_file + ".tmp", opts.port_file)
    print(port, flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
