/*
 * PEP 440 versions without I/O: read every spelling PEP 440 accepts, order
 * versions as packaging does, write the normalised form, map a version to
 * SemVer and to a Docker tag, and bump one by a keyword.
 *
 * Like struct semver, a parsed version points into the caller's text.
 * Numbers keep the digits as written, leading zeros included; comparing and
 * formatting skip those zeros, so numbers of any length are exact.
 */
#ifndef PEP440_H
#define PEP440_H

#include <stddef.h>

#include "semver.h"
#include "strbuf.h"

/* Pre-release labels, in PEP 440 order; PEP440_DEV names a dev release. */
enum pep440_label { PEP440_NONE, PEP440_A, PEP440_B, PEP440_RC, PEP440_DEV };

struct pep440 {
	struct span epoch;	/* digits before '!'; empty for the implicit 0 */
	struct span release;	/* the numbers and their dots, as written */
	size_t nrelease;	/* how many numbers release holds */
	enum pep440_label pre;	/* PEP440_NONE, _A, _B or _RC */
	struct span pre_n;	/* empty: the implicit 0 */
	int post, dev;		/* whether each part is there */
	struct span post_n, dev_n;
	struct span local;	/* after '+', as written; empty when absent */
};

/*
 * Parse s[0, len) in any spelling PEP 440 accepts: any case, '-', '_' or '.'
 * as separators (or none), implicit numbers, a leading 'v', the alternative
 * labels (alpha, beta, c, pre, preview, rev, r) and "-N" for a post-release.
 * White space is refused, not trimmed. Return 0, or -1 with the reason
 * appended to why (when not NULL).
 */
int pep440_parse(struct pep440 *v, const char *s, size_t len, struct strbuf *why);

/* Order as PEP 440 (and packaging.version) does: -1, 0 or 1. */
int pep440_compare(const struct pep440 *a, const struct pep440 *b);

/* Append the normalised form: "1!2.0rc1.post2.dev3+abc.4". */
void pep440_format(struct strbuf *out, const struct pep440 *v);

/* The digits of n without leading zeros; "0" for no digits at all. */
struct span pep440_number(struct span n);
/* Number i of the release, leading zeros skipped; "0" past the last one. */
struct span pep440_release_part(const struct pep440 *v, size_t i);

/*
 * The SemVer version that reads back as v and that semver_pep440() turns
 * into v's normalised form: "1.0b2" is "1.0.0-beta.2", "2.1.post3" is
 * "2.1.0-post.3". Return 0, or -1 when there is none (an epoch, more than
 * three release numbers, a local part, or two of pre, post and dev at once),
 * with the reason and the version to use instead appended to why.
 */
int pep440_semver(struct strbuf *out, const struct pep440 *v, struct strbuf *why);
/* The Docker tag of the SemVer form; -1 with why as pep440_semver(). */
int pep440_docker_tag(struct strbuf *out, const struct pep440 *v, struct strbuf *why);

/* The levels of semver_level(), and one more: the next post-release. */
enum { PEP440_POST = SEMVER_RELEASE + 1 };
int pep440_level(const char *name);
/* The label an identifier names: a, alpha, b, beta, c, rc, pre, preview or dev; else -1. */
int pep440_label_of(const char *id);

/*
 * Append v bumped by level, as a normalised PEP 440 version without a local
 * part; label is PEP440_NONE or the label of a pre-release to start or
 * continue, base (0 or 1) the number a new series starts at. The result is
 * always greater than v under PEP 440 ordering; a bump that would not be is
 * refused. Return 0, or -1 with the reason appended to why.
 */
int pep440_bump(struct strbuf *out, const struct pep440 *v, int level, enum pep440_label label,
		int base, struct strbuf *why);

#endif
