# shipsync: make validate (included by release.mk, or on its own).
#
# For every own image (IMAGE) and every platform in PLATFORMS: build the
# image, start it (--network none), wait until it is healthy (its
# HEALTHCHECK, and a health URL's JSON checked from inside the container),
# show its logs when it is not, remove it always. Then build the sdist and
# wheel, and keep exactly what was validated in DIST: an archive per image
# and platform, the dists, and DIST/shipsync-manifest (sha256, size and name
# of each, each image's config digest, the version and the commit), which
# publish checks before it ships anything. shipsync(7) describes it all.

ifndef SHIPSYNC_MK
SHIPSYNC_MK := $(dir $(lastword $(MAKEFILE_LIST)))
endif
include $(SHIPSYNC_MK)defaults.mk

validate:
	@$(SHIPSYNC_MK)validate.sh

# One leg of a validation split across machines: the images of PLATFORMS
# only, with a partial manifest in DIST (no dists).
validate-platform:
	@$(SHIPSYNC_MK)validate.sh platform

# The partial results of the legs, named by PARTS (their DIST directories),
# checked against each other and combined in DIST with the dists.
validate-merge:
	@$(SHIPSYNC_MK)validate.sh merge

.PHONY: validate validate-platform validate-merge
