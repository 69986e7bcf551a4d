/*
 * A Keep a Changelog file as lines: which are version headings, which are
 * link references, which sit inside fenced code blocks (and so are text).
 * The edits keep every byte they do not have to change.
 */
#ifndef CHANGELOG_H
#define CHANGELOG_H

#include <stddef.h>

struct strbuf;

enum cl_kind {
	CL_TEXT,
	CL_BLANK,
	CL_UNRELEASED,	/* "## [Unreleased]", any case and spacing */
	CL_VERSION,	/* "## [1.2.3] - 2024-01-02": a = the version */
	CL_HEADING,	/* any other level-2 heading */
	CL_LINKDEF,	/* "[label]: url": a = label, b = url (empty when on the next line) */
	CL_LINKCONT,	/* the indented url line of a two-line link reference: b = url */
	CL_RULE,	/* "---": a thematic break, the start of a footer */
};

struct cl_line {
	size_t off, len;	/* the line, without its line end */
	size_t next;		/* offset of the next line */
	enum cl_kind kind;
	size_t a_off, a_len;
	size_t b_off, b_len;
	int fenced;		/* inside a fenced code block (or its fence line) */
};

struct changelog {
	const char *buf;	/* not owned */
	size_t len;
	struct cl_line *line;
	size_t nr, alloc;
	const char *eol;	/* "\n", or "\r\n" when the first line ends so */
	int open_fence;		/* the text ends inside a fenced code block */
};

/* Split and classify buf: 0, or -1 (nothing printed) when it holds a NUL byte. */
int changelog_scan(struct changelog *cl, const char *buf, size_t len);
void changelog_release(struct changelog *cl);

/* Index of the heading of version (exact string), or -1. */
long changelog_find_version(const struct changelog *cl, const char *version);
/* Index of the newest release heading (the first in the file), or -1. */
long changelog_latest(const struct changelog *cl);
/* Index of the first [Unreleased] heading, or -1. */
long changelog_find_unreleased(const struct changelog *cl);
/* The section body of heading h: lines [*from, *to), blank lines at both ends trimmed. */
void changelog_section(const struct changelog *cl, size_t h, size_t *from, size_t *to);

struct prepend_opts {
	const char *version;	/* valid SemVer */
	const char *date;	/* YYYY-MM-DD */
	const char *tag_prefix;	/* of the git tags the compare links name */
	const char *entries;	/* Keep a Changelog groups to add, or NULL */
	size_t entries_len;
};

/*
 * Write cl with the new version section into out. Returns 0, or an exit
 * code (EXIT_CONFLICT, EXIT_DATA) with the error printed.
 */
int changelog_prepend(const struct changelog *cl, const struct prepend_opts *o, struct strbuf *out);

/*
 * Append url moved on from old_version's release to version's: a compare
 * link compares the old release's ref with the new one, a tag, tree or
 * release link names the new version. 0, or -1 when it names no version.
 */
int changelog_next_url(struct strbuf *out, const char *url, const char *old_version, const char *version);

/* Append the section of version (or "unreleased") to out: 0, or EXIT_NOTFOUND. */
int changelog_extract(const struct changelog *cl, const char *version, struct strbuf *out);

/*
 * A version as release headings write it: SemVer, or PEP 440 with a dot
 * and no local part ("2026.2", "0.6.2rc1"; not a year such as "2024").
 */
int changelog_release_label(const char *s, size_t len);
/* SemVer 2.0.0, exactly len bytes of s. */
int semver_valid(const char *s, size_t len);
/* A real calendar date written YYYY-MM-DD. */
int date_valid(const char *s);

/* What a new file starts with. */
extern const char changelog_header[];

#endif
