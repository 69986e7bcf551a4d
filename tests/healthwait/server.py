#!/usr/bin/env python3
"""A health endpoint that misbehaves on purpose, for the healthwait tests.

server.py PORT MODE [--after N] [--delay S] [--cert F --key F] [--flip-file F]
Modes:
  healthy     /health answers {"status": "healthy"}
  starting    {"status": "starting"} forever
  after       503 for the first N requests, then healthy
  flap        healthy only on every Nth request, 503 otherwise
  slow        healthy, but each answer takes --delay seconds
  hang        accepts connections and never answers
  notjson     200 with a plain-text body
  nested      {"app": {"checks": [{"db": "ok"}]}, "ready": true}
  redirect    /health redirects (302) to /real/health, which is healthy
  loop        /health redirects to itself
  hostile     503 with control characters and a 100 kB body
  flip        503 {"status": "starting"} until --delay seconds after start,
              then healthy; writes the flip time (epoch seconds) to --flip-file
"""
import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("mode")
    ap.add_argument("--after", type=int, default=3)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--flip-file")
    args = ap.parse_args()

    state = {"count": 0, "lock": threading.Lock()}
    flip_at = time.time() + args.delay
    if args.mode == "flip" and args.flip_file:
        with open(args.flip_file + ".tmp", "w") as f:
            f.write("%.6f\n" % flip_at)
        os.rename(args.flip_file + ".tmp", args.flip_file)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no delayed-ACK stall before each body

        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="application/json", headers=()):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with state["lock"]:
                state["count"] += 1
                n = state["count"]
            mode = args.mode
            healthy = {"status": "healthy"}
            if mode == "hang":
                time.sleep(3600)
            elif mode == "healthy":
                self.send(200, healthy)
            elif mode == "starting":
                self.send(200, {"status": "starting"})
            elif mode == "after":
                if n > args.after:
                    self.send(200, healthy)
                else:
                    self.send(503, {"status": "starting"})
            elif mode == "flap":
                if n % args.after == 0:
                    self.send(200, healthy)
                else:
                    self.send(503, {"status": "unhealthy"})
            elif mode == "slow":
                time.sleep(args.delay)
                self.send(200, healthy)
            elif mode == "notjson":
                self.send(200, b"OK\n", "text/plain")
            elif mode == "nested":
                self.send(200, {"app": {"checks": [{"db": "ok"}]}, "ready": True})
            elif mode == "redirect":
                if self.path == "/real/health":
                    self.send(200, healthy)
                else:
                    self.send(302, b"", "text/plain", [("Location", "/real/health")])
            elif mode == "loop":
                self.send(302, b"", "text/plain", [("Location", self.path)])
            elif mode == "hostile":
                body = b"\x1b[31mred\x07 bell\r\nnew\x00line " + b"A" * 100000
                self.send(503, body, "text/plain")
            elif mode == "flip":
                if time.time() >= flip_at:
                    self.send(200, healthy)
                else:
                    self.send(503, {"status": "starting"})
            else:
                self.send(500, {"error": "unknown mode"})

    ThreadingHTTPServer.daemon_threads = True
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
