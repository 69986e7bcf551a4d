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
include $(SHIPSYNC_MK)defaults.mk

validate:
	@$(SHIPSYNC_MK)validate.sh

.PHONY: validate
