# shipsync: make workflow (included by release.mk).

# Write .github/workflows/release.yml, the project's release workflow, from
# shipsync's template: TAG_PREFIX, SHIPSYNC_REPOSITORY and SHIPSYNC_COMMIT
# reach the script through the environment. WORKFLOW_REPLACE=1 replaces a
# file that differs.
workflow:
	@$(SHIPSYNC_MK)workflow.sh

.PHONY: workflow
