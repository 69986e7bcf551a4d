"""Constants used by acme."""

__version__ = "2023.6.0-dev"

ALLOWED = "abc-_"
CONF_VERSION = "version"
