#!/usr/bin/env python3
"""An HTTP server for tests that misbehaves on purpose, following a plan.

usage: faultserver.py [--plan FILE | --plan-json JSON] [--ports N]
                      [--tls CERT KEY] [--unix PATH] [--port-file FILE]

It listens on N ports of 127.0.0.1 (chosen by the kernel) and prints them,
space-separated, as its first line on stdout (and into --port-file), then
serves until it is killed. With --tls every port speaks HTTPS; --unix PATH
serves the same plan on a unix socket too (plain HTTP, "port" 0).

The plan is a JSON object mapping a path (without the query) to a list of
steps. Each request to that path takes the next step; the last step repeats.
A step is a status code (200, 503, ...) or an object with any of:

  status      the status code (default 200)
  headers     {"Name": "value"} to send; in values, {httpdate+N} becomes
              the HTTP date N seconds from now
  body        the response body (a string)
  repeat      [string, count]: the body is string repeated count times
  sleep       seconds to wait before answering
  location    sets Location; {port0}, {port1}, ... and {scheme} are replaced
  action      "echo":    200 with a JSON description of the request (method,
                         path, port, headers with lowercase names, body_len,
                         body_sha256)
              "reset":   close the connection with a TCP reset, no response
              "close":   close the connection cleanly, no response
              "partial": promise 100 bytes, send 10, close

Paths missing from the plan answer 404. GET /_log answers the list of
requests seen so far: [{"port": P, "method": M, "path": P}, ...].
"""
import argparse
import email.utils
import hashlib
import http.server
import json
import os
import re
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

lock = threading.Lock()
counters = {}
seen = []


def next_step(plan, path):
    steps = plan.get(path)
    if not steps:
        return None
    with lock:
        i = counters.get(path, 0)
        counters[path] = i + 1
    step = steps[min(i, len(steps) - 1)]
    return {"status": step} if isinstance(step, int) else step


def read_body(handler):
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stall before each body
    server_version = "faultserver"

    def log_message(self, *args):
        pass

    def substitute(self, text):
        for i, port in enumerate(self.server.all_ports):
            text = text.replace("{port%d}" % i, str(port))
        text = re.sub(r"\{httpdate([+-]\d+)\}",
                      lambda m: email.utils.formatdate(time.time() + int(m.group(1)), usegmt=True),
                      text)
        return text.replace("{scheme}", self.server.scheme)

    def drop(self, reset):
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def answer(self):
        path = self.path.split("?", 1)[0]
        body = read_body(self)
        port = self.server.port
        with lock:
            seen.append({"port": port, "method": self.command, "path": self.path})
        if path == "/_log":
            with lock:
                step = {"body": json.dumps(seen)}
        else:
            step = next_step(self.server.plan, path)
        if step is None:
            step = {"status": 404, "body": "no plan for %s\n" % path}
        time.sleep(step.get("sleep", 0))
        action = step.get("action")
        if action in ("reset", "close"):
            self.drop(action == "reset")
            return
        if action == "partial":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            self.wfile.flush()
            self.drop(False)
            return
        if action == "echo":
            payload = json.dumps({
                "method": self.command,
                "path": self.path,
                "port": port,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_len": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
            }).encode()
        elif "repeat" in step:
            payload = (step["repeat"][0] * step["repeat"][1]).encode()
        else:
            payload = step.get("body", "").encode()
        self.send_response(step.get("status", 200))
        for name, value in step.get("headers", {}).items():
            self.send_header(name, self.substitute(str(value)))
        if "location" in step:
            self.send_header("Location", self.substitute(step["location"]))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (OSError, ValueError):
            # The client gave up (a timeout on its side): nothing to answer.
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.answer
        raise AttributeError(name)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    port = 0

    def handle_error(self, request, client_address):
        pass


class UnixHandler(Handler):
    disable_nagle_algorithm = False  # a TCP option: a unix socket refuses it

    def address_string(self):
        return "unix"

    def setup(self):
        super().setup()
        # BaseHTTPRequestHandler wants a (host, port) pair for its messages.
        self.client_address = ("unix", 0)


def main():
    ap = argparse.ArgumentParser(description="an HTTP server that fails on purpose")
    ap.add_argument("--plan")
    ap.add_argument("--plan-json")
    ap.add_argument("--ports", type=int, default=1)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--unix")
    ap.add_argument("--port-file")
    args = ap.parse_args()

    plan = {}
    if args.plan:
        with open(args.plan) as f:
            plan = json.load(f)
    elif args.plan_json:
        plan = json.loads(args.plan_json)

    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])

    servers = []
    for _ in range(args.ports):
        server = Server(("127.0.0.1", 0), Handler)
        server.plan = plan
        server.port = server.server_address[1]
        server.scheme = "https" if context else "http"
        if context:
            server.socket = context.wrap_socket(server.socket, server_side=True)
        servers.append(server)
    ports = [s.server_address[1] for s in servers]
    if args.unix:
        server = UnixServer(args.unix, UnixHandler)
        server.plan = plan
        server.scheme = "http"
        servers.append(server)
    for server in servers:
        server.all_ports = ports
        threading.Thread(target=server.serve_forever, daemon=True).start()

    line = " ".join(str(p) for p in ports)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(line + "\n")
        os.rename(args.port_file + ".tmp", args.port_file)
    print(line, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
