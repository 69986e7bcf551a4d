/*
 * The history since the latest version tag, read with libgit2: the tag
 * (SemVer order among the version tags reachable from the revision), and
 * what the commits since it ask of the version and say for the changelog.
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <stddef.h>

#include "conventional.h"
#include "strbuf.h"
#include "semver.h"

struct history_opts {
	const char *dir;	/* where to look for the repository; NULL: GIT_DIR or here */
	const char *rev;	/* the revision read up to: HEAD unless set */
	const char *prefix;	/* version tags are prefix + SemVer */
	int all;		/* list hidden types (docs, chore, ...) under Changed */
};

struct history {
	char *tag;		/* the latest version tag, or NULL: then every commit counts */
	struct semver current;	/* its version (pointing into tag), or 0.0.0 */
	size_t commits;		/* commits read since the tag, merges left out */
	size_t merges;		/* merge commits skipped */
	enum bump bump;
	struct strbuf group[GROUP_NR];	/* changelog items of each group */
};

/* 0, or an exit code with the error printed. */
int history_read(const struct history_opts *o, struct history *h);
void history_release(struct history *h);
/*
 * Append the next version: the current one bumped as node-semver's inc()
 * does. With zero_major, while the major is 0 a major bump becomes minor
 * and a minor one patch. -1 (nothing appended) when the bump is none.
 */
int history_next(const struct history *h, int zero_major, struct strbuf *out);
/* The bump, with the 0.x rule applied when zero_major is set. */
enum bump history_bump(const struct history *h, int zero_major);
/* Keep a Changelog groups ("### Added" ...) of the items found; nothing when none. */
void history_changelog(const struct history *h, struct strbuf *out);

#endif
