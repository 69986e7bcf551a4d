# shipsync: make publish and make rollback (included by release.mk).

export PYPROJECT TAG_PREFIX DIST IMAGE DRY_RUN CHANGELOG PYPI_REPOSITORY_URL GITHUB_REPOSITORY CI_WORKFLOW \
	COMPOSE_FILES

# Ship what make validate kept: images by digest and a draft release first,
# then PyPI, then image tags and the release. DRY_RUN=1 changes nothing.
publish:
	@$(SHIPSYNC_MK)publish.sh

# Undo what can be undone for VERSION: the release, the image tags, the tag.
rollback:
	@$(SHIPSYNC_MK)rollback.sh '$(VERSION)'

.PHONY: publish rollback
