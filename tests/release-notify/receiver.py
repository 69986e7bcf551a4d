#!/usr/bin/env python3
"""A webhook receiver for the tests: records every POST and answers from a script.

  receiver.py --ports-file FILE --log FILE [--status 503 --status 204 ...]

Each request takes the next --status (the last one repeats; 200 "ok" when
none is given); the log gets one JSON line per request: path, headers, body.
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--status", type=int, action="append", default=[])
    args = ap.parse_args()
    statuses = args.status or [200]
    lock = threading.Lock()
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no delayed-ACK stall before each body

        def log_message(self, fmt, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            with lock:
                status = statuses[min(count[0], len(statuses) - 1)]
                count[0] += 1
                with open(args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": self.path, "headers": dict(self.headers),
                                        "body": body.decode("utf-8", "replace")}) + "\n")
            reply = b"" if status == 204 else (b"ok" if status < 300 else b"no_service")
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.ports_file + ".tmp", "w") as f:
        f.write(f"{server.server_port}\n")
    os.rename(args.ports_file + ".tmp", args.ports_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
