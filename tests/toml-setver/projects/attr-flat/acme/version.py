"""Where the version lives.

VERSION = "0.0.0" in this docstring is not an assignment.
"""
import os

VERSION = "3.0.0"
LABEL = "acme " + VERSION


def get_version(dev=False):
    VERSION = "9.9.9"  # a local, not the module's
    return VERSION if dev else os.environ.get("ACME_VERSION", "")
