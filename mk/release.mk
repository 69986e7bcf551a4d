# shipsync release targets for a Python project that ships a PyPI package and
# a Docker image. Include this file from the project's Makefile:
#
#     include /usr/local/share/shipsync/release.mk
#
# then run `make bump VERSION=1.2.3`, let CI run `make validate` on the tag,
# and `make publish` (DRY_RUN=1 to preview). Every variable of defaults.mk can
# be set before the include line or on the command line; see shipsync(7).

SHIPSYNC_MK := $(dir $(lastword $(MAKEFILE_LIST)))

include $(SHIPSYNC_MK)defaults.mk
include $(wildcard $(SHIPSYNC_MK)bump.mk $(SHIPSYNC_MK)validate.mk $(SHIPSYNC_MK)publish.mk \
	$(SHIPSYNC_MK)workflow.mk)
