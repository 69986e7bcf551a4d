/*
 * SemVer 2.0.0 without I/O: parse, order, bump and render versions.
 *
 * A parsed version points into the caller's text (nothing is copied), so the
 * text must outlive it. Numbers of any length are kept as digit strings and
 * compared by length, then byte by byte, which is exact because the grammar
 * forbids leading zeros.
 */
#ifndef SEMVER_H
#define SEMVER_H

#include <stddef.h>

#include "strbuf.h"

struct span {
	const char *p;
	size_t len;
};

struct semver {
	struct span major, minor, patch;
	struct span pre;	/* after '-'; empty when there is no prerelease */
	struct span build;	/* after '+'; empty when there is no build metadata */
};

/* Parse flags. */
enum {
	SEMVER_ALLOW_V = 1 << 0,	/* accept one leading 'v' (git tags) */
};

/*
 * Parse s[0, len), which may hold any byte (NUL included). Return 0, or -1
 * with the reason appended to why (when not NULL).
 */
int semver_parse(struct semver *v, const char *s, size_t len, unsigned flags, struct strbuf *why);

/* Precedence: -1, 0 or 1. Build metadata is ignored. */
int semver_compare(const struct semver *a, const struct semver *b);
/*
 * A number that orders versions coarsely, for sorting fast: when the keys of
 * a and b differ, semver_compare(a, b) has their sign; when they are equal,
 * only semver_compare() can tell.
 */
unsigned long long semver_key(const struct semver *v);
/* One identifier against another by the rules for prerelease identifiers. */
int semver_compare_ident(const char *a, size_t alen, const char *b, size_t blen);

/* Append the version, with its build metadata when with_build is set. */
void semver_format(struct strbuf *out, const struct semver *v, int with_build);

enum semver_level {
	SEMVER_MAJOR, SEMVER_MINOR, SEMVER_PATCH,
	SEMVER_PREMAJOR, SEMVER_PREMINOR, SEMVER_PREPATCH,
	SEMVER_PRERELEASE, SEMVER_RELEASE,
};
/* The base of a new numeric prerelease part: 0, 1, or none at all. */
enum { SEMVER_BASE_NONE = -1 };

/* The level called name, or -1. */
int semver_level(const char *name);
/* Whether id is empty or valid prerelease identifiers ("rc", "alpha.beta"). */
int semver_preid_ok(const char *id, struct strbuf *why);
/*
 * Append v bumped to the next level, the way node-semver's inc() does it:
 * preid (NULL or "" for none) names the prerelease, base is 0, 1 or
 * SEMVER_BASE_NONE. The result has no build metadata. Return 0, or -1 with
 * the reason appended to why.
 */
int semver_bump(struct strbuf *out, const struct semver *v, enum semver_level level,
		const char *preid, int base, struct strbuf *why);

/*
 * Renderings for the package index and the image registry. Return 0, or -1
 * when no faithful form exists, with the reason and the forms that would
 * work appended to why.
 */
int semver_pep440(struct strbuf *out, const struct semver *v, struct strbuf *why);
/* Whether p[0, len) is a prerelease label with a PEP 440 form ("rc", "beta", "post"). */
int semver_is_pep440_label(const char *p, size_t len);
int semver_docker_tag(struct strbuf *out, const struct semver *v, struct strbuf *why);
#define SEMVER_DOCKER_TAG_MAX 128

/* Say what stands at s[pos] in words ("a tab", "'x'", "the end"), for "found ..." in a reason. */
void semver_describe(struct strbuf *why, const char *s, size_t len, size_t pos);

#endif
