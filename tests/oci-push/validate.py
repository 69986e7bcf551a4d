#!/usr/bin/python3
"""Validate OCI documents against the image-spec JSON schemas (draft-04).

usage: validate.py SCHEMA_DIR KIND FILE...    KIND: manifest, index, config

Every schema file is registered under its bare name and every alias URL the
upstream validator knows it by (see the README next to the schemas), so the
relative $refs resolve offline. Needs Debian's python3-jsonschema.
"""
import json
import os
import sys

import jsonschema

ALIASES = {
    "config-schema.json": ["https://opencontainers.org/schema/image/config"],
    "content-descriptor.json": ["https://opencontainers.org/schema/descriptor",
                                "https://opencontainers.org/schema/image/content-descriptor.json"],
    "defs-descriptor.json": ["https://opencontainers.org/schema/image/descriptor/mediaType",
                             "https://opencontainers.org/schema/defs-descriptor.json",
                             "https://opencontainers.org/schema/image/defs-descriptor.json"],
    "defs.json": ["https://opencontainers.org/schema/defs.json",
                  "https://opencontainers.org/schema/image/defs.json",
                  "https://opencontainers.org/schema/image/descriptor/defs.json"],
    "image-index-schema.json": ["https://opencontainers.org/schema/image/index"],
    "image-layout-schema.json": ["https://opencontainers.org/schema/image/layout"],
    "image-manifest-schema.json": ["https://opencontainers.org/schema/image/manifest"],
}
KINDS = {"manifest": "image-manifest-schema.json", "index": "image-index-schema.json",
         "config": "config-schema.json"}


def main():
    schema_dir, kind, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    store = {}
    for name, urls in ALIASES.items():
        with open(os.path.join(schema_dir, name)) as f:
            doc = json.load(f)
        store[name] = doc
        for u in urls:
            store[u] = doc
    schema = store[KINDS[kind]]
    resolver = jsonschema.RefResolver(schema.get("id", ""), schema, store=store)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    bad = 0
    for path in files:
        with open(path) as f:
            doc = json.load(f)
        for err in validator.iter_errors(doc):
            print(f"{path}: {'/'.join(map(str, err.path))}: {err.message}", file=sys.stderr)
            bad = 1
    sys.exit(bad)


if __name__ == "__main__":
    main()
