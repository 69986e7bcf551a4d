#!/usr/bin/env python3
"""A reverse proxy for tests that loses answers on purpose.

usage: lossyproxy.py --upstream http://127.0.0.1:PORT [--port-file FILE]

It listens on a port of 127.0.0.1 (printed as its first line on stdout, and
written to --port-file), forwards every request to the upstream server with
its headers (Host included, so that the upstream's own URLs name the proxy)
and sends the answer back, except:

  POST /_proxy/lose      body N: the answers of the next N POST requests are
                         lost: the request reaches the upstream, whose answer
                         is dropped and the client's connection reset
  GET  /_proxy/log       the requests forwarded so far: [[METHOD, PATH,
                         STATUS or "lost"], ...]

So a server that stored an upload can be made to look as if it never
answered, and the client's retry meets the server's "already exists".
"""
import argparse
import http.client
import json
import os
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

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

    def answer(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, body):
        srv = self.server
        if self.path == "/_proxy/lose" and self.command == "POST":
            with srv.lock:
                srv.lose = int(body or b"0")
            return self.answer(200, b"{}")
        with srv.lock:
            return self.answer(200, json.dumps(srv.log).encode())

    def forward(self):
        srv = self.server
        body = self.read_body()
        if self.path.startswith("/_proxy/"):
            return self.control(body)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        up = http.client.HTTPConnection(srv.upstream.hostname, srv.upstream.port, timeout=60)
        try:
            up.request(self.command, self.path, body=body if body or self.command == "POST" else None,
                       headers=headers)
            resp = up.getresponse()
            data = resp.read()
        finally:
            up.close()
        with srv.lock:
            lost = self.command == "POST" and srv.lose > 0
            srv.lose -= lost
            srv.log.append([self.command, self.path, "lost" if lost else resp.status])
        if lost:
            # A reset, not a close: the client sees a fault, never an answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = forward

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description="a reverse proxy that loses answers")
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file")
    opts = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.upstream = urllib.parse.urlsplit(opts.upstream)
    srv.lock = threading.Lock()
    srv.lose = 0
    srv.log = []
    port = srv.server_address[1]
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as fp:
            fp.write("%d\n" % port)
        os.rename(opts.port_file + ".tmp", opts.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
