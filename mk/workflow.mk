# shipsync: make workflow and make fetch-dist (included by release.mk): the
# GitHub Actions side of a release.

# Write .github/workflows/release.yml, the project's release workflow, from
# shipsync's template: TAG_PREFIX, PLATFORMS, SHIPSYNC_REPOSITORY and
# SHIPSYNC_COMMIT reach the script through the environment.
# WORKFLOW_REPLACE=1 replaces a file that differs.
workflow:
	@$(SHIPSYNC_MK)workflow.sh

# Put into DIST what CI validated for the tag at HEAD: the artifact of its
# release run, checked against its manifest. DRY_RUN=1 only says what.
fetch-dist:
	@$(SHIPSYNC_MK)fetch-dist.sh

.PHONY: workflow fetch-dist
