/* SemVer 2.0.0 versions with their numbers: parse, order, bump. */
#ifndef VERSION_H
#define VERSION_H

#include "conventional.h"

struct strbuf;

struct semver {
	unsigned long long major, minor, patch;
	char *pre;	/* the pre-release identifiers, or NULL; build metadata is dropped */
};

/* 0, or -1 when s is not a SemVer version (or a number does not fit 64 bits). */
int semver_parse(struct semver *v, const char *s);
void semver_release(struct semver *v);
/* <0, 0, >0 by SemVer precedence. */
int semver_cmp(const struct semver *a, const struct semver *b);
/*
 * Apply a bump as npm's semver.inc does (a pre-release of the target version
 * is finished rather than skipped: 2.0.0-rc.1 + major = 2.0.0). With
 * zero_major, while the major is 0 a major bump becomes minor and minor patch.
 */
void semver_bump(struct semver *v, enum bump b, int zero_major);
void semver_format(struct strbuf *sb, const struct semver *v);

#endif
