# shipsync release targets for a Python project that ships a PyPI package and
# a Docker image. Include this file from the project's Makefile:
#
#     include /usr/local/share/shipsync/release.mk
#
# then run `make bump VERSION=1.2.3`, let CI run `make validate` on the tag,
# and `make publish` (DRY_RUN=1 to preview). Every variable below can be set
# before the include line or on the command line; see shipsync(7).

SHIPSYNC_MK := $(dir $(lastword $(MAKEFILE_LIST)))

# Where the version lives.
PYPROJECT     ?= pyproject.toml
COMPOSE_FILES ?= $(wildcard compose.y*ml compose.*.y*ml docker-compose.y*ml docker-compose.*.y*ml)
CHANGELOG     ?= CHANGELOG.md
TAG_PREFIX    ?= v
VERSION_FILES ?=
IMAGE         ?=

# Validation.
PLATFORMS  ?= linux/amd64 linux/arm64
DOCKER     ?= docker
DIST       ?= dist
HEALTH_URL ?= http://127.0.0.1:8000/health

# Publishing.
PYPI_REPOSITORY_URL ?= https://upload.pypi.org/legacy/
REGISTRY            ?=
GITHUB_REPOSITORY   ?=
DRY_RUN             ?=

include $(wildcard $(SHIPSYNC_MK)bump.mk $(SHIPSYNC_MK)validate.mk $(SHIPSYNC_MK)publish.mk)
