#!/usr/bin/env python3
"""A validating proxy built on GitHub's OpenAPI description, for the uploads host.

prism's proxy decodes request bodies as text, which corrupts binary release
assets, so the uploads host sits behind this proxy instead. It forwards bytes
untouched and checks each exchange against the same description prism uses:

  request:  the path matches an operation of the description, its path and
            query parameters are present and of the right type, the body's
            Content-Type is one the operation accepts, a JSON body fits the
            schema
  response: a status the operation lists (others are logged as warnings, as
            prism does), a JSON body that fits the schema for that status

A violation answers 422 (request) or 500 (response) with an sl-violations
header and logs a line with "✖  error", the same contract as prism --errors.

  binproxy.py --spec api.github.com.json --upstream http://127.0.0.1:PORT --port PORT
"""
import argparse
import http.client
import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema


def openapi_to_jsonschema(node):
    """OpenAPI 3.0 schemas are JSON Schema draft 4 plus nullable and local $refs."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: openapi_to_jsonschema(v) for k, v in node.items() if k not in ("nullable", "example", "examples")}
    if "$ref" in out:
        out["$ref"] = "#/definitions/" + out["$ref"].rsplit("/", 1)[-1]
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


class Description:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.definitions = openapi_to_jsonschema(self.doc["components"]["schemas"])
        self.routes = []
        for template, ops in self.doc["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
            names = re.findall(r"\{([^}]+)\}", template)
            self.routes.append((re.compile(pattern), names, ops))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method, path):
        for pattern, names, ops in self.routes:
            m = pattern.match(path)
            if m and method.lower() in ops:
                return ops[method.lower()], dict(zip(names, m.groups()))
        return None, None

    def check(self, schema, value, where):
        full = dict(openapi_to_jsonschema(schema))
        full["definitions"] = self.definitions
        validator = jsonschema.Draft4Validator(full, format_checker=jsonschema.FormatChecker())
        return [f"{where}{'.' + '.'.join(map(str, e.absolute_path)) if e.absolute_path else ''}: {e.message[:200]}"
                for e in validator.iter_errors(value)]

    def check_param(self, param, raw, where):
        schema = param.get("schema", {})
        value = raw
        if self.resolve(schema).get("type") == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                return [f"{where} {param['name']} must be integer"]
            value = int(raw)
        return self.check(schema, value, f"{where} {param['name']}")

    def check_request(self, method, url, content_type, body):
        parts = urllib.parse.urlsplit(url)
        op, path_values = self.operation(method, parts.path)
        if op is None:
            return None, [f"request: no operation {method} {parts.path} in the description"]
        errors = []
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        for param in (self.resolve(p) for p in op.get("parameters", [])):
            if param["in"] == "path":
                errors += self.check_param(param, urllib.parse.unquote(path_values[param["name"]]), "path")
            elif param["in"] == "query":
                if param["name"] in query:
                    errors += self.check_param(param, query[param["name"]][0], "query")
                elif param.get("required"):
                    errors.append(f"query: required parameter {param['name']} is missing")
        request_body = self.resolve(op.get("requestBody", {}))
        if body and request_body:
            media = (content_type or "").split(";")[0].strip()
            accepted = request_body.get("content", {})
            if media not in accepted:
                errors.append(f"request: content type '{media}' is not one of {sorted(accepted)}")
            elif media.endswith("json"):
                try:
                    errors += self.check(accepted[media]["schema"], json.loads(body), "body")
                except ValueError:
                    errors.append("request: the body is not JSON")
        return op, errors

    def check_response(self, op, status, content_type, body):
        responses = op.get("responses", {})
        spec = responses.get(str(status))
        if spec is None:
            return [], [f"response: status {status} is not one the description lists ({', '.join(responses)})"]
        spec = self.resolve(spec)
        content = spec.get("content", {})
        if not content:
            return [], []
        media = (content_type or "").split(";")[0].strip()
        if "json" not in media:
            return [f"response: content type '{media}' for a JSON response"], []
        schema = (content.get("application/json") or next(iter(content.values()))).get("schema")
        try:
            value = json.loads(body)
        except ValueError:
            return ["response: the body is not JSON"], []
        return self.check(schema, value, "response body"), []


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stall before each body
    description = None
    upstream = None
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def note(self, level, message):
        mark = "✖  error  " if level == "error" else "⚠  warning"
        with self.lock:
            print(f"[binproxy] {mark}  {self.command} {self.path} Violation: {message}", flush=True)

    def violation(self, status, errors):
        for e in errors:
            self.note("error", e)
        body = json.dumps({"title": "Request/Response not valid", "status": status, "validation": errors}).encode()
        self.send_response(status)
        self.send_header("sl-violations", json.dumps([{"severity": "Error", "message": e} for e in errors]))
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        op, errors = self.description.check_request(self.command, self.path, self.headers.get("Content-Type"), body)
        if errors:
            return self.violation(422, errors)
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            # The upstream hung up (a fault the tests asked for): do the same.
            self.close_connection = True
            return
        finally:
            conn.close()
        errors, warnings = self.description.check_response(op, resp.status, resp.getheader("Content-Type"), data)
        for w in warnings:
            self.note("warning", w)
        if errors:
            return self.violation(500, errors)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = relay


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    Proxy.description = Description(args.spec)
    Proxy.upstream = urllib.parse.urlsplit(args.upstream)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Proxy)
    server.daemon_threads = True
    print(f"binproxy is listening on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
