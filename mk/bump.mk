# shipsync: make bump and make version-check (included by release.mk).

export PYPROJECT COMPOSE_FILES CHANGELOG TAG_PREFIX VERSION_FILES IMAGE

# VERSION=x.y.z, or major, minor, patch, prerelease, auto.
bump:
	@$(SHIPSYNC_MK)bump.sh '$(VERSION)'

# Every version reference agrees, or a table of what does not.
version-check:
	@$(SHIPSYNC_MK)version-check.sh

.PHONY: bump version-check
