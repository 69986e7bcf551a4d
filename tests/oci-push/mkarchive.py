#!/usr/bin/python3
"""Write an image archive without Docker, in one of the layouts oci-push reads.

usage: mkarchive.py OUT --arch ARCH [--os OS] [--variant V] [--layers N]
                    [--size BYTES] [--seed S] [--layout LAYOUT]

Each layer is an uncompressed tar holding one file of random (incompressible)
bytes; --seed makes them reproducible. LAYOUT is one of
  classic    `docker save` of Docker before 25: manifest.json, <id>/layer.tar
  oci-dir    an OCI image layout directory (index.json, oci-layout, blobs/)
  oci-tar    the same layout as a tar
  docker25   `docker save` of Docker 25+: an OCI layout plus manifest.json
  gzip-oci   an OCI layout directory whose layers are gzip-compressed
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import tarfile


def layer_tar(rng, index, size):
    data = rng.randbytes(size)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo(f"data/layer{index}.bin")
        info.size = len(data)
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--arch", required=True)
    ap.add_argument("--os", default="linux")
    ap.add_argument("--variant")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--seed", default="0")
    ap.add_argument("--layout", default="classic")
    a = ap.parse_args()

    rng = random.Random(a.seed + a.arch)
    layers = [layer_tar(rng, i, a.size) for i in range(a.layers)]
    config = {
        "architecture": a.arch, "os": a.os,
        "config": {"Cmd": ["/bin/true"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers]},
        "history": [{"created_by": "mkarchive.py"}],
    }
    if a.variant:
        config["variant"] = a.variant
    config_b = json.dumps(config, separators=(",", ":")).encode()

    if a.layout == "classic":
        with tarfile.open(a.out, "w", format=tarfile.USTAR_FORMAT) as t:
            names = []
            for l in layers:
                lid = hashlib.sha256(l + b"id").hexdigest()
                add(t, f"{lid}/VERSION", b"1.0")
                add(t, f"{lid}/layer.tar", l)
                names.append(f"{lid}/layer.tar")
            cname = sha(config_b)[7:] + ".json"
            add(t, cname, config_b)
            manifest = [{"Config": cname, "RepoTags": ["app:test"], "Layers": names}]
            add(t, "manifest.json", json.dumps(manifest).encode())
        return

    gz = a.layout == "gzip-oci"
    blobs = {}
    descs = []
    for l in layers:
        b = gzip.compress(l, mtime=0) if gz else l
        blobs[sha(b)] = b
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if gz else ""),
                      "digest": sha(b), "size": len(b)})
    blobs[sha(config_b)] = config_b
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": sha(config_b), "size": len(config_b)},
                "layers": descs}
    manifest_b = json.dumps(manifest, separators=(",", ":")).encode()
    blobs[sha(manifest_b)] = manifest_b
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": sha(manifest_b), "size": len(manifest_b),
                            "annotations": {"org.opencontainers.image.ref.name": "test"}}]}
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}',
             "index.json": json.dumps(index).encode()}
    for d, b in blobs.items():
        files["blobs/sha256/" + d[7:]] = b
    if a.layout == "docker25":
        files["manifest.json"] = json.dumps([{
            "Config": "blobs/sha256/" + sha(config_b)[7:], "RepoTags": ["app:test"],
            "Layers": ["blobs/sha256/" + d["digest"][7:] for d in descs]}]).encode()
    if a.layout in ("oci-dir", "gzip-oci"):
        for name, b in files.items():
            path = os.path.join(a.out, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(b)
        return
    with tarfile.open(a.out, "w", format=tarfile.USTAR_FORMAT) as t:
        for name, b in files.items():
            add(t, name, b)


if __name__ == "__main__":
    main()
