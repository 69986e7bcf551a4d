# shipsync: make validate (included by release.mk, or on its own).
#
# For every platform in PLATFORMS: build the image, start it (--network none),
# wait until it is healthy (its HEALTHCHECK, and HEALTH_URL's JSON checked
# from inside the container), show its logs when it is not, remove it always.
# Then build the sdist and wheel, and keep exactly what was validated in DIST:
# image-<os>-<arch>.tar per platform, the dists, and DIST/shipsync-manifest
# (sha256, size and path of each, each image's config digest, the version),
# which publish checks before it ships anything.

ifndef SHIPSYNC_MK
SHIPSYNC_MK := $(dir $(lastword $(MAKEFILE_LIST)))
endif

PYPROJECT  ?= pyproject.toml
TAG_PREFIX ?= v
IMAGE      ?=
PLATFORMS  ?= linux/amd64 linux/arm64
DOCKER     ?= docker
DIST       ?= dist
HEALTH_URL ?= http://127.0.0.1:8000/health

# What HEALTH_URL must answer, and how long to wait for it.
HEALTH_FIELD   ?= status
HEALTH_EXPECT  ?= healthy
HEALTH_TIMEOUT ?= 60s
# none: the URL is probed inside the container (needs root); host: from here.
VALIDATE_NETWORK ?= none
DOCKERFILE     ?= Dockerfile
DOCKER_CONTEXT ?= .
PYTHON         ?= python3

export PYPROJECT TAG_PREFIX IMAGE PLATFORMS DOCKER DIST HEALTH_URL HEALTH_FIELD \
	HEALTH_EXPECT HEALTH_TIMEOUT VALIDATE_NETWORK DOCKERFILE DOCKER_CONTEXT PYTHON

validate:
	@$(SHIPSYNC_MK)validate.sh

.PHONY: validate
