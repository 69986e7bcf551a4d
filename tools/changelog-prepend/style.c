/*
 * Learning a changelog's heading style from its newest release heading and
 * writing a new heading in it.
 */
#include <stdlib.h>
#include <string.h>

#include "changelog.h"
#include "strbuf.h"
#include "style.h"
#include "util.h"

static const char *const months[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

static int digits(const char *s, size_t n, size_t at, size_t count)
{
	if (at + count > n)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (s[at + i] < '0' || s[at + i] > '9')
			return 0;
	return 1;
}

static int month_at(const char *s, size_t n, size_t at)
{
	for (int m = 0; m < 12; m++) {
		size_t len = strlen(months[m]);
		if (at + len <= n && !memcmp(s + at, months[m], len))
			return m;
	}
	return -1;
}

/* A date starting at s[at]: its length and form, or 0. */
static size_t date_at(const char *s, size_t n, size_t at, struct heading_style *st)
{
	int m;

	if (digits(s, n, at, 4) && at + 10 <= n && strchr("-/.", s[at + 4]) && s[at + 7] == s[at + 4] &&
	    digits(s, n, at + 5, 2) && digits(s, n, at + 8, 2)) {
		st->form = DATE_YMD;
		st->date_sep = s[at + 4];
		return 10;
	}
	if (digits(s, n, at, 2) && at + 10 <= n && strchr("/.", s[at + 2]) && s[at + 5] == s[at + 2] &&
	    digits(s, n, at + 3, 2) && digits(s, n, at + 6, 4)) {
		st->form = DATE_DMY;
		st->date_sep = s[at + 2];
		return 10;
	}
	if ((m = month_at(s, n, at)) >= 0) {
		size_t i = at + strlen(months[m]) + 1, d = 0;
		while (digits(s, n, i + d, 1))
			d++;
		if (d && d <= 2 && i + d + 6 <= n && s[i + d] == ',' && s[i + d + 1] == ' ' &&
		    digits(s, n, i + d + 2, 4)) {
			st->form = DATE_MONTH_DAY;
			return i + d + 6 - at;
		}
	}
	if (digits(s, n, at, 1) && (at == 0 || s[at - 1] < '0' || s[at - 1] > '9')) {
		size_t d = digits(s, n, at + 1, 1) ? 2 : 1;
		if (at + d + 1 < n && s[at + d] == ' ' && (m = month_at(s, n, at + d + 1)) >= 0 &&
		    digits(s, n, at + d + 2 + strlen(months[m]), 4) && s[at + d + 1 + strlen(months[m])] == ' ') {
			st->form = DATE_DAY_MONTH;
			return d + 2 + strlen(months[m]) + 4;
		}
	}
	return 0;
}

/* Only blanks, dashes (em and en dashes too), colons and an opening bracket separate. */
static int plain_separator(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr(" \t-:([", s[i]))
			continue;
		if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

static void defaults(struct heading_style *st)
{
	memset(st, 0, sizeof(*st));
	st->prefix = xstrdup("## ");
	st->brackets = 1;
	st->has_date = 1;
	st->sep = xstrdup(" - ");
	st->close = xstrdup("");
	st->form = DATE_YMD;
	st->date_sep = '-';
}

/* The date and what stands around it in rest[0, n). */
static void learn_date(struct heading_style *st, const char *rest, size_t n)
{
	for (size_t at = 0; at < n; at++) {
		size_t len = date_at(rest, n, at, st);
		if (!len)
			continue;
		if (at > 16 || !plain_separator(rest, at))
			break;
		free(st->sep);
		free(st->close);
		st->sep = xstrndup(rest, at);
		st->close = xstrdup(at && (rest[at - 1] == '(' || rest[at - 1] == '[') &&
			at + len < n && (rest[at + len] == ')' || rest[at + len] == ']') ?
			(rest[at + len] == ')' ? ")" : "]") : "");
		return;
	}
	/* no date we can write in its form: a heading without one, or the default form */
	st->has_date = !n ? 0 : 1;
	st->form = DATE_YMD;
	st->date_sep = '-';
}

int style_learn(struct heading_style *st, const struct changelog *cl)
{
	const struct cl_line *l = NULL;
	const char *s, *end, *label;
	size_t label_len;

	defaults(st);
	for (size_t i = 0; i < cl->nr && !l; i++)
		if (cl->line[i].kind == CL_VERSION)
			l = &cl->line[i];
	if (!l)
		return -1;
	s = cl->buf + l->off;
	end = s + l->len;
	label = cl->buf + l->a_off;
	label_len = l->a_len;
	/* "## " up to the version or its bracket, a 'v' just before the version */
	const char *bracket = label > s ? memrchr(s, '[', (size_t)(label - s)) : NULL;

	free(st->prefix);
	st->brackets = bracket != NULL;
	if (label > s && (label[-1] == 'v' || label[-1] == 'V')) {
		st->v = label[-1];
		label--;
	}
	/* what stands before the bracket, or before the version */
	st->prefix = xstrndup(s, (size_t)((bracket ? bracket : label) - s));
	st->old_version = xstrndup(cl->buf + l->a_off, l->a_len);
	s = cl->buf + l->a_off + label_len;
	if (st->brackets) {
		s = memchr(s, ']', (size_t)(end - s));
		s = s ? s + 1 : end;
		if (s < end && *s == '(') {
			const char *close = memchr(s, ')', (size_t)(end - s));
			if (close) {
				st->url = xstrndup(s + 1, (size_t)(close - s - 1));
				s = close + 1;
			}
		}
	}
	learn_date(st, s, (size_t)(end - s));
	return 0;
}

void style_release(struct heading_style *st)
{
	free(st->prefix);
	free(st->url);
	free(st->old_version);
	free(st->sep);
	free(st->close);
	memset(st, 0, sizeof(*st));
}

static void add_date(struct strbuf *out, const struct heading_style *st, const char *date)
{
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);

	switch (st->form) {
	case DATE_YMD:
		strbuf_addf(out, "%04d%c%02d%c%02d", y, st->date_sep, m, st->date_sep, d);
		break;
	case DATE_DMY:
		strbuf_addf(out, "%02d%c%02d%c%04d", d, st->date_sep, m, st->date_sep, y);
		break;
	case DATE_MONTH_DAY:
		strbuf_addf(out, "%s %d, %04d", months[m - 1], d, y);
		break;
	case DATE_DAY_MONTH:
		strbuf_addf(out, "%d %s %04d", d, months[m - 1], y);
		break;
	}
}

void style_heading(struct strbuf *out, const struct heading_style *st, const char *version,
		   const char *date)
{
	struct strbuf url = STRBUF_INIT;

	strbuf_addstr(out, st->prefix);
	if (st->brackets)
		strbuf_addch(out, '[');
	if (st->v)
		strbuf_addch(out, st->v);
	strbuf_addstr(out, version);
	if (st->brackets)
		strbuf_addch(out, ']');
	if (st->url && !changelog_next_url(&url, st->url, st->old_version, version))
		strbuf_addf(out, "(%s)", url.buf);
	else if (st->url)
		warn("the link of the newest heading names no version to move on: the new heading has none");
	if (st->has_date) {
		strbuf_addstr(out, st->sep);
		add_date(out, st, date);
		strbuf_addstr(out, st->close);
	}
	strbuf_release(&url);
}
