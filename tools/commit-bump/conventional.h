/*
 * Conventional Commits 1.0.0 messages, read as the reference parser
 * (conventional-commits-parser with the conventionalcommits preset) reads
 * them, with one deliberate difference: types are case-insensitive
 * ("FEAT:" is feat), as the specification says. What a commit means for
 * the version and for the changelog is decided here too.
 */
#ifndef CONVENTIONAL_H
#define CONVENTIONAL_H

#include <stddef.h>

struct strbuf;

struct cc_commit {
	char *type;	/* lower case; NULL when the header is not conventional */
	char *scope;	/* NULL when absent or empty */
	char *subject;	/* the description, or the whole header when not conventional */
	int breaking;	/* "!" before the colon, or a BREAKING CHANGE / BREAKING-CHANGE note */
	char *reverted;	/* the header a `Revert "..."` commit reverts, else NULL */
};

/* Parse one commit message (LF or CRLF lines). Never fails. */
void cc_parse(struct cc_commit *c, const char *msg, size_t len);
void cc_release(struct cc_commit *c);

enum bump { BUMP_NONE, BUMP_PATCH, BUMP_MINOR, BUMP_MAJOR };

/* What the commit asks of the version. */
enum bump cc_bump(const struct cc_commit *c);
const char *bump_name(enum bump b);

/* Keep a Changelog groups, in the order they are printed. */
enum cc_group { GROUP_ADDED, GROUP_CHANGED, GROUP_DEPRECATED, GROUP_REMOVED, GROUP_FIXED,
		GROUP_SECURITY, GROUP_NR, GROUP_HIDDEN = GROUP_NR };
extern const char *const cc_group_names[GROUP_NR];

/* Its group, or GROUP_HIDDEN (docs, chore, ... and messages that are not conventional). */
enum cc_group cc_group(const struct cc_commit *c);
/* Append the changelog item, "- **scope:** subject" and a line end. */
void cc_entry(struct strbuf *sb, const struct cc_commit *c);

#endif
