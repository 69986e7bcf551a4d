# shipsync: make publish and make rollback (included by release.mk).

# Ship what make validate kept: images by digest and a draft release first,
# then PyPI, then image tags and the release. DRY_RUN=1 changes nothing.
publish:
	@$(SHIPSYNC_MK)publish.sh

# Undo what can be undone for VERSION (from the environment, as for bump):
# the release, the image tags, the tag.
rollback:
	@$(SHIPSYNC_MK)rollback.sh

.PHONY: publish rollback
