# shipsync: every variable the targets read, its default, and how it reaches
# the scripts (included by release.mk, and by validate.mk used on its own).
ifndef SHIPSYNC_DEFAULTS
SHIPSYNC_DEFAULTS := 1

SHIPSYNC_VARS := VERSION PREID PYPROJECT COMPOSE_FILES CHANGELOG TAG_PREFIX VERSION_FILES IMAGE \
	PLATFORMS DOCKER DIST HEALTH_URL HEALTH_FIELD HEALTH_EXPECT HEALTH_TIMEOUT VALIDATE_NETWORK \
	DOCKERFILE DOCKER_CONTEXT PYTHON PYPI_REPOSITORY_URL REGISTRY GITHUB_REPOSITORY CI_WORKFLOW \
	DRY_RUN ROLLBACK_REMOTE_TAG VALIDATE_GRACE PARTS REPORT_JSON \
	SHIPSYNC_REPOSITORY SHIPSYNC_COMMIT WORKFLOW_REPLACE LOCAL_VALIDATE

# The variables of one image, NAME_<key> where <key> is the last component
# of its repository (HEALTH_URL_web for ghcr.io/acme/web): those set before
# the include line or on the command line.
SHIPSYNC_IMAGE_VARS := $(filter $(addsuffix _%,DOCKERFILE DOCKER_CONTEXT DOCKER_TARGET HEALTH_URL \
	HEALTH_FIELD HEALTH_EXPECT PLATFORMS),$(.VARIABLES))

# A value typed on the command line or found in the environment (a CI
# workflow's input, say) is data. Make would expand a $(shell ...) in it,
# so it is kept as the text given, unexpanded; the scripts read it from
# their environment and check it before they use it. VERSION is data
# wherever it is set. Values set in the project's Makefile are the
# project's own make code and expand as usual.
shipsync_data = $(eval override $(1) := $$(value $(1)))
$(foreach v,$(SHIPSYNC_VARS) $(SHIPSYNC_IMAGE_VARS),$(if $(filter command environment,$(firstword $(origin $(v)))),$(call shipsync_data,$(v))))
$(call shipsync_data,VERSION)

# VERSION=x.y.z, or major, minor, patch, prerelease, release, auto.
VERSION ?=
PREID   ?= rc

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
# What HEALTH_URL must answer, and how long to wait for it.
HEALTH_FIELD   ?= status
HEALTH_EXPECT  ?= healthy
HEALTH_TIMEOUT ?= 60s
# none: the URL is probed inside the container (needs root); host: from here.
VALIDATE_NETWORK ?= none
# An image with neither HEALTHCHECK nor health URL must keep running this long (seconds).
VALIDATE_GRACE ?= 10
# validate-merge: the DIST directories of the platforms' validations.
PARTS ?=
DOCKERFILE     ?= Dockerfile
DOCKER_CONTEXT ?= .
PYTHON         ?= python3

# Publishing.
PYPI_REPOSITORY_URL ?= https://upload.pypi.org/legacy/
REGISTRY            ?=
GITHUB_REPOSITORY   ?=
CI_WORKFLOW         ?= release.yml
DRY_RUN             ?=
ROLLBACK_REMOTE_TAG ?=
# A file publish writes its report to as JSON.
REPORT_JSON         ?=
# Non-empty: publish never fetches CI's artifact; make validate runs here.
LOCAL_VALIDATE      ?=

# make workflow: where CI fetches shipsync from, at which commit, and
# whether a release.yml that differs is replaced.
SHIPSYNC_REPOSITORY ?=
SHIPSYNC_COMMIT     ?=
WORKFLOW_REPLACE    ?=

export $(SHIPSYNC_VARS) $(SHIPSYNC_IMAGE_VARS)
endif
