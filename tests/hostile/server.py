#!/usr/bin/python3
"""A hostile HTTP server: answers by rules, logs every request it receives.

usage: server.py --rules FILE --ports FILE --log FILE [--listen NAME]...
                 [--tls NAME --cert FILE --key FILE]...

Each --listen NAME is a plain HTTP listener, each --tls NAME one that speaks
TLS with --cert and --key; all are on 127.0.0.1 (and on [::1] with the same
port when it is free, so that "localhost" lands here whichever address a
client tries first). The --ports FILE gets one "NAME PORT" line each once
every listener is up. The same socket reached under another name
(localhost instead of 127.0.0.1), or another listener, is "another
origin": the Host header and the listener tell them apart. A CONNECT (a
client using the server as its proxy) is answered by the rules too, and
never opens a tunnel.

Rules (a JSON list) apply in order; the first whose conditions all hold
answers. Conditions, each optional:
  listener  the NAME the request arrived on
  host      regular expression searched in the Host header
  method    regular expression the method must match whole ("GET|HEAD")
  path      regular expression searched in the request target (path and
            query, or the absolute URL or host:port a proxy is asked for)
  auth      true: only requests with an Authorization header; false: without
  times     answer this many requests, then let later rules answer
The answer:
  status    default 200
  headers   {"Name": "value"}
  body      a string, or "json": any JSON value to send serialised
  store     keep the request body under its path (without the query)
  stored    answer the body kept under the request's path, or 404
Placeholders in header values and bodies:
  {self}         scheme://host:port the request was sent to
  {other_host}   the same port under the other name (127.0.0.1 <-> localhost)
  {NAME}         scheme://127.0.0.1:PORT of listener NAME; {NAME.alias}: localhost
  {path}         the request target as received
  {header:NAME}  the value of the request's header NAME (a server echoing it)
  {stored_sha256}  hex SHA-256 of the body kept under the request's path
A request no rule answers gets 404. Every request is appended to --log as
one JSON line: listener, origin, method, path, headers (in order, repeats
kept), the body (latin-1, the first MiB), the rule that answered, status.
"""
import argparse
import hashlib
import http.server
import json
import os
import re
import socket
import socketserver
import ssl
import sys
import threading

BODY_LOG_MAX = 1 << 20
ALIASES = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, addr, family, name, tls, shared):
        self.address_family = family
        self.name, self.tls, self.shared = name, tls, shared
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            # The handshake happens in the request's thread: a slow client
            # must not hold up accept().
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # clients that hang up or reject the certificate are not our fault


class Shared:
    """What every listener shares: the rules, the ports, the log and the store."""

    def __init__(self, rules, log_path):
        self.rules = rules
        self.used = [0] * len(rules)
        self.ports = {}
        self.tls_names = set()
        self.log_path = log_path
        self.store = {}
        self.lock = threading.Lock()
        self.seq = 0

    def url(self, name, host="127.0.0.1"):
        scheme = "https" if name in self.tls_names else "http"
        return f"{scheme}://{host}:{self.ports[name]}"

    def pick(self, req):
        with self.lock:
            for i, r in enumerate(self.rules):
                if not matches(r, req):
                    continue
                if "times" in r and self.used[i] >= r["times"]:
                    continue
                self.used[i] += 1
                return i, r
        return None, None

    def log(self, entry):
        with self.lock:
            self.seq += 1
            entry["n"] = self.seq
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")


def matches(rule, req):
    if "listener" in rule and rule["listener"] != req["listener"]:
        return False
    if "host" in rule and not re.search(rule["host"], req["host"]):
        return False
    if "method" in rule and not re.fullmatch(rule["method"], req["method"]):
        return False
    if "path" in rule and not re.search(rule["path"], req["path"]):
        return False
    if "auth" in rule and rule["auth"] != req["has_auth"]:
        return False
    return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.command == "CONNECT":
            return b""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def expand(self, text, stored):
        shared = self.server.shared
        scheme = self.scheme()
        host = (self.headers.get("Host") or "").lower()
        name, _, port = host.rpartition(":")
        other = f"{scheme}://{ALIASES.get(name, name)}:{port}"
        values = {"self": f"{scheme}://{host}", "other_host": other, "path": self.path,
                  "stored_sha256": hashlib.sha256(stored or b"").hexdigest()}
        for n in shared.ports:
            values[n] = shared.url(n)
            values[n + ".alias"] = shared.url(n, "localhost")
        for k, v in self.headers.items():
            values["header:" + k.lower()] = v
        return re.sub(r"\{([A-Za-z0-9_.:-]+)\}", lambda m: values.get(m.group(1).lower(), m.group(0)), text)

    def scheme(self):
        return "https" if self.server.tls else "http"

    def content(self, rule, body):
        """The status and bytes to answer; keeps or reads the store as the rule says."""
        shared = self.server.shared
        key = self.path.split("?")[0]
        with shared.lock:
            if rule.get("store"):
                shared.store[key] = body
            stored = shared.store.get(key)
        status = rule.get("status", 200)
        if rule.get("stored"):
            if stored is None:
                return 404, b"nothing stored here\n", stored
            return status, stored, stored
        text = json.dumps(rule["json"]) if "json" in rule else rule.get("body", "")
        return status, self.expand(text, stored).encode("utf-8"), stored

    def answer(self):
        shared = self.server.shared
        body = self.read_body()
        host = self.headers.get("Host") or ""
        index, rule = shared.pick({"listener": self.server.name, "host": host, "method": self.command,
                                   "path": self.path, "has_auth": "Authorization" in self.headers})
        rule = rule or {"status": 404, "body": "no rule for {path}\n"}
        status, data, stored = self.content(rule, body)
        shared.log({
            "listener": self.server.name,
            "tls": bool(self.server.tls),
            "origin": f"{self.scheme()}://{host.lower()}",
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body[:BODY_LOG_MAX].decode("latin-1"),
            "body_len": len(body),
            "rule": index,
            "status": status,
        })
        self.send_response(status)
        for k, v in rule.get("headers", {}).items():
            self.send_header(k, self.expand(v, stored))
        if self.command == "CONNECT":
            # No tunnel is ever opened: whatever it asked for, the talk ends here.
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_CONNECT = answer


def listen(name, tls, shared):
    server = Server(("127.0.0.1", 0), socket.AF_INET, name, tls, shared)
    port = server.server_address[1]
    servers = [server]
    try:
        servers.append(Server(("::1", port), socket.AF_INET6, name, tls, shared))
    except OSError:
        pass  # no IPv6 loopback, or the port is taken there: clients fall back to 127.0.0.1
    return port, servers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", required=True)
    ap.add_argument("--ports", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--listen", action="append", default=[])
    ap.add_argument("--tls", action="append", default=[])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    with open(a.rules, encoding="utf-8") as f:
        shared = Shared(json.load(f), a.log)
    context = None
    if a.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.cert, a.key)
    servers = []
    for name in a.listen + a.tls:
        tls = context if name in a.tls else None
        if tls:
            shared.tls_names.add(name)
        port, s = listen(name, tls, shared)
        shared.ports[name] = port
        servers += s
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    tmp = a.ports + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(f"{name} {port}\n" for name, port in shared.ports.items())
    os.rename(tmp, a.ports)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
