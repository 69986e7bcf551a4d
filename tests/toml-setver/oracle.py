#!/usr/bin/env python3
"""Read a project's version the way its build backend does, with Python's
own parsers (tomllib, ast, configparser, json, re), independently of
toml-setver: the judge of tests/toml-setver/sources.bats.

    oracle.py DIR

prints JSON: {"version": V, "records": {name: value}}, {"vcs": true} or
{"error": reason}."""
import ast
import configparser
import json
import os
import re
import sys
import tomllib

root = sys.argv[1]
pyproject = tomllib.load(open(os.path.join(root, "pyproject.toml"), "rb"))
project = pyproject.get("project", {})
tool = pyproject.get("tool", {})


def module_file(module, roots):
    for r in roots:
        base = os.path.join(root, r, *module.split("."))
        for cand in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.exists(cand):
                return cand
    raise LookupError(f"no module {module}")


def roots():
    pkgdir = tool.get("setuptools", {}).get("package-dir", {})
    return [pkgdir[""]] if "" in pkgdir else ["src", "."]


def attribute(path, name, depth=0):
    """The first top-level binding of name, as setuptools' static reading finds it."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            if not isinstance(value, str):
                raise ValueError(f"{name} is not a string")
            return value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return ast.literal_eval(node.value)
        if isinstance(node, ast.ImportFrom) and depth < 4:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    base = os.path.dirname(path)
                    for _ in range(node.level - 1):
                        base = os.path.dirname(base)
                    target = module_file(node.module, [os.path.relpath(base, root)])
                    return attribute(target, alias.name, depth + 1)
    raise LookupError(f"no {name} in {path}")


def from_attr(attr):
    module, name = attr.rsplit(".", 1)
    return attribute(module_file(module, roots()), name)


def version():
    if tool.get("poetry-dynamic-versioning", {}).get("enable"):
        return None
    if "version" in project:
        return project["version"]
    if "version" in project.get("dynamic", []):
        dyn = tool.get("setuptools", {}).get("dynamic", {}).get("version")
        if dyn and "attr" in dyn:
            return from_attr(dyn["attr"])
        if dyn and "file" in dyn:
            return open(os.path.join(root, dyn["file"])).read().strip()
        hatch = tool.get("hatch", {}).get("version")
        if hatch and hatch.get("source") == "vcs":
            return None
        if hatch and hatch.get("source") == "nodejs":
            return json.load(open(os.path.join(root, "package.json")))["version"]
        if hatch:
            pattern = hatch.get("pattern", r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2""")
            text = open(os.path.join(root, hatch["path"]), encoding="utf-8").read()
            return re.search(pattern, text, flags=re.MULTILINE).group("version")
        pdm = tool.get("pdm", {}).get("version")
        if pdm and pdm.get("source") == "scm":
            return None
        if pdm:
            text = open(os.path.join(root, pdm["path"]), encoding="utf-8").read()
            return re.search(r"^__version__\s*=\s*[\"'](.+?)[\"']\s*(?:#.*)?$", text, re.M).group(1)
        if "setuptools_scm" in tool:
            return None
        name = tool.get("flit", {}).get("module", {}).get("name", project.get("name", "").replace("-", "_"))
        return attribute(module_file(name, ["src", "."]), "__version__")
    if "version" in tool.get("poetry", {}):
        return tool["poetry"]["version"]
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(root, "setup.cfg"))
    value = cfg.get("metadata", "version")
    return from_attr(value[5:].strip()) if value.startswith("attr:") else value


records = {}
for table, key in (("commitizen", "version"), ("bumpversion", "current_version"), ("bumpver", "current_version")):
    if key in tool.get(table, {}):
        records[table] = tool[table][key]
try:
    v = version()
    print(json.dumps({"vcs": True, "records": records} if v is None else {"version": v, "records": records}))
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
