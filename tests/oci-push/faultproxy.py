#!/usr/bin/python3
"""A reverse proxy in front of a registry that misbehaves on purpose.

usage: faultproxy.py --upstream PORT --port-file FILE --rules JSON
                     [--registry-pid PID] [--log FILE]

It listens on two ports of 127.0.0.1, written as "MAIN OTHER" to FILE. MAIN
forwards every request to 127.0.0.1:UPSTREAM unless a rule matches it; OTHER
stands for another origin (object storage): it answers 404 to everything and
logs what it received. Rules (a JSON list) apply in order; each has
  method, path   what to match (path is a regular expression searched in the
                 path with its query)
  skip           let this many matching requests through first (default 0)
  times          then act on this many (default 1; -1: all)
  action         "status:CODE"   answer CODE with an error body
                 "delay:SECONDS" wait, then forward
                 "stall"         accept, answer nothing for a long time, close
                 "reset"         close the connection without an answer
                 "redirect"      307 to the same path on OTHER
                 "kill-registry" read half the body, SIGKILL --registry-pid,
                                 then close the connection without an answer
Every request is logged to --log as a JSON line: port, method, path, whether
it carried Authorization, and the action taken.
"""
import argparse
import http.client
import http.server
import json
import os
import re
import signal
import socketserver
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--rules", default="[]")
    ap.add_argument("--registry-pid", type=int)
    ap.add_argument("--log")
    a = ap.parse_args()
    rules = json.loads(a.rules)
    for r in rules:
        r["seen"] = 0
    lock = threading.Lock()
    ports = {}

    def log(entry):
        if a.log:
            with lock, open(a.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def pick(method, path):
        with lock:
            for r in rules:
                if r.get("method") and r["method"] != method:
                    continue
                if r.get("path") and not re.search(r["path"], path):
                    continue
                r["seen"] += 1
                skip, times = r.get("skip", 0), r.get("times", 1)
                if r["seen"] <= skip:
                    continue
                if times != -1 and r["seen"] > skip + times:
                    continue
                return r["action"]
        return None

    class Main(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no delayed-ACK stall before each body

        def log_message(self, *args):
            pass

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def answer(self, status, data=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def handle_any(self):
            port = self.server.server_address[1]
            other = port == ports["other"]
            action = None if other else pick(self.command, self.path)
            log({"port": "other" if other else "main", "method": self.command, "path": self.path,
                 "auth": "Authorization" in self.headers, "action": action})
            if other:
                self.body()
                return self.answer(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"not here"}]}',
                                   [("Content-Type", "application/json")])
            if action and action.startswith("status:"):
                self.body()
                code = int(action[7:])
                extra = [("Retry-After", "1")] if code == 429 else []
                return self.answer(code, b'{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}',
                                   [("Content-Type", "application/json")] + extra)
            if action and action.startswith("delay:"):
                time.sleep(float(action[6:]))
            if action == "stall":
                time.sleep(30)
                self.close_connection = True
                return
            if action == "reset":
                self.close_connection = True
                return
            if action == "redirect":
                self.body()
                return self.answer(307, b"", [("Location", f"http://127.0.0.1:{ports['other']}{self.path}")])
            if action == "kill-registry":
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n // 2)
                if a.registry_pid:
                    os.kill(a.registry_pid, signal.SIGKILL)
                self.close_connection = True
                return
            self.forward()

        def forward(self):
            data = self.body()
            try:
                c = http.client.HTTPConnection("127.0.0.1", a.upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                c.request(self.command, self.path, body=data if data or self.command in ("PUT", "POST", "PATCH") else None,
                          headers=headers)
                r = c.getresponse()
                payload = r.read()
            except OSError:
                self.close_connection = True	# the registry is gone: so is the answer
                return
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(k, v)
            length = r.getheader("Content-Length") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            c.close()

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

        def server_bind(self):
            # HTTPServer's own looks the host name up, which can stall for seconds.
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    main_srv = Server(("127.0.0.1", 0), Main)
    other_srv = Server(("127.0.0.1", 0), Main)
    ports["main"] = main_srv.server_address[1]
    ports["other"] = other_srv.server_address[1]
    threading.Thread(target=other_srv.serve_forever, daemon=True).start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write(f"{ports['main']} {ports['other']}")
    os.rename(a.port_file + ".tmp", a.port_file)
    main_srv.serve_forever()


if __name__ == "__main__":
    main()
