/*
 * The style of a changelog's release headings, learnt from its newest one,
 * so that a new heading looks like its neighbours: brackets or none, a 'v'
 * before the version, a link to the release (a tag, tree or compare URL),
 * the separator and the form of the date.
 */
#ifndef STYLE_H
#define STYLE_H

#include <stddef.h>

struct changelog;
struct strbuf;

enum date_form {
	DATE_YMD,	/* 2026-04-24, 2026/04/24, 2026.04.24 */
	DATE_DMY,	/* 24.04.2026, 24/04/2026 */
	DATE_MONTH_DAY,	/* April 24, 2026 */
	DATE_DAY_MONTH,	/* 24 April 2026 */
};

struct heading_style {
	char *prefix;		/* "## " */
	int brackets;		/* [1.2.3] */
	char v;			/* 'v' or 'V' before the version, or 0 */
	char *url;		/* the link after the brackets, or NULL */
	char *old_version;	/* the newest version, as the heading and its link name it */
	int has_date;
	char *sep;		/* between the version and the date: " - ", " \xe2\x80\x94 ", " (" */
	char *close;		/* after the date: ")" or "" */
	enum date_form form;
	char date_sep;		/* '-', '/' or '.' for the numeric forms */
};

/*
 * Learn the style from the newest release heading, or Keep a Changelog's
 * "## [X] - DATE" when there is none: 0, or -1 when no heading exists.
 */
int style_learn(struct heading_style *st, const struct changelog *cl);
void style_release(struct heading_style *st);

/* The heading for version released on date (YYYY-MM-DD), without its line end. */
void style_heading(struct strbuf *out, const struct heading_style *st, const char *version,
		   const char *date);

#endif
