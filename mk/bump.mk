# shipsync: make bump and make version-check (included by release.mk).

# VERSION=x.y.z, or major, minor, patch, prerelease, release, auto: the
# script reads it from the environment (defaults.mk), never from this line.
bump:
	@$(SHIPSYNC_MK)bump.sh

# Every version reference agrees, or a table of what does not.
version-check:
	@$(SHIPSYNC_MK)version-check.sh

.PHONY: bump version-check
