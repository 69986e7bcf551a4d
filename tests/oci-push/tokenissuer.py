#!/usr/bin/python3
"""A token service for the Distribution registry's `auth: token` mode.

usage: tokenissuer.py --key KEY.pem --cert CERT.pem --port-file FILE
                      [--user NAME] [--exp-offsets S,S...] [--log FILE]

GET /token?service=S&scope=repository:NAME:pull,push... answers
{"token": JWT, "access_token": JWT, "expires_in": 300}, the JWT signed RS256
with KEY and carrying CERT in its x5c header (the registry trusts CERT as its
rootcertbundle). With Basic credentials that match --user and the password in
$TOKEN_PASSWORD every requested action is granted; anonymous requests get
"pull" only; wrong credentials get 401. The first tokens expire at the given
offsets from now in seconds (the registry allows 60 s of clock skew, so -600
is already expired and -57 expires in 3 s); later ones live 300 s. Every request is appended to --log as one JSON line.
Needs Debian's python3-jwt and python3-cryptography.
"""
import argparse
import base64
import http.server
import json
import os
import socketserver
import time
import urllib.parse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

ISSUER = "shipsync-test-issuer"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user", default="tester")
    ap.add_argument("--exp-offsets", default="")
    ap.add_argument("--log")
    a = ap.parse_args()
    password = os.environ.get("TOKEN_PASSWORD", "")
    with open(a.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(a.cert, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    state = {"issued": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # no delayed-ACK stall before each body
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            auth = self.headers.get("Authorization", "")
            user = None
            if auth.startswith("Basic "):
                try:
                    name, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                except Exception:
                    name, pw = "", None
                if name != a.user or pw != password:
                    self.log(q, "refused")
                    return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
                user = name
            access = []
            for scope in q.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) != 3:
                        continue
                    actions = parts[2].split(",") if user else [x for x in parts[2].split(",") if x == "pull"]
                    access.append({"type": parts[0], "name": parts[1], "actions": actions})
            now = int(time.time())
            state["issued"] += 1
            offsets = [int(x) for x in a.exp_offsets.split(",") if x]
            n = state["issued"]
            offset = offsets[n - 1] if n <= len(offsets) else 300
            expired = offset < 0
            claims = {
                "iss": ISSUER, "sub": user or "", "aud": q.get("service", [""])[0],
                "iat": now - 10, "nbf": now - 10,
                "exp": now + offset,
                "jti": f"t{state['issued']}-{now}", "access": access,
            }
            token = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
            self.log(q, "short" if expired else "issued", user)
            self.reply(200, {"token": token, "access_token": token, "expires_in": 300})

        def log(self, q, what, user=None):
            if not a.log:
                return
            with open(a.log, "a") as f:
                f.write(json.dumps({"result": what, "user": user, "scope": q.get("scope", []),
                                    "service": q.get("service", [])}) + "\n")

    class Server(http.server.ThreadingHTTPServer):
        def server_bind(self):
            # HTTPServer's own looks the host name up, which can stall for seconds.
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    server = Server(("127.0.0.1", 0), Handler)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
