/*
 * The changelog scanner and the two edits: prepend a version section (and
 * fix the compare links), extract one version's notes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changelog.h"
#include "pep440.h"
#include "semver.h"
#include "style.h"
#include "strbuf.h"
#include "util.h"

#define NONE SIZE_MAX

const char changelog_header[] =
	"# Changelog\n"
	"\n"
	"All notable changes to this project will be documented in this file.\n"
	"\n"
	"The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
	"and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n"
	"\n"
	"## [Unreleased]\n";

/* What a release gets when neither [Unreleased] nor stdin has anything to say. */
static const char *const template_groups[] = { "Added", "Changed", "Fixed" };

/* SemVer 2.0.0, through the common grammar. */
int semver_valid(const char *s, size_t len)
{
	struct semver v;

	return !semver_parse(&v, s, len, 0, NULL);
}

int date_valid(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* The scanner */

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static size_t indent(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* A fence line: up to three spaces, then three or more backticks or tildes. */
static size_t fence_run(const char *s, size_t n, char *ch)
{
	size_t i = indent(s, n), run = 0;

	if (i > 3 || i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	*ch = s[i];
	while (i + run < n && s[i + run] == *ch)
		run++;
	return run >= 3 ? run : 0;
}

static void trim_span(const char *buf, size_t *off, size_t *len)
{
	while (*len && isspace((unsigned char)buf[*off])) {
		(*off)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)buf[*off + *len - 1]))
		(*len)--;
}

int changelog_release_label(const char *s, size_t len)
{
	struct pep440 v;

	if (semver_valid(s, len))
		return 1;
	return memchr(s, '.', len) && !pep440_parse(&v, s, len, NULL) && !v.local.len;
}

/* "## [label] ..." or "## label ...": Unreleased, a version, or another heading. */
static void classify_heading(const char *buf, struct cl_line *l)
{
	size_t lo = l->off + 2, ln = l->len - 2;

	trim_span(buf, &lo, &ln);
	l->kind = CL_HEADING;
	if (ln && buf[lo] == '[') {
		const char *close = memchr(buf + lo + 1, ']', ln - 1);
		if (!close)
			return;
		ln = close - (buf + lo) - 1;
		lo++;
		trim_span(buf, &lo, &ln);
	} else {
		size_t n = 0;
		while (n < ln && !isspace((unsigned char)buf[lo + n]))
			n++;
		ln = n;
	}
	if (ln == 10 && !strncasecmp(buf + lo, "unreleased", 10)) {
		l->kind = CL_UNRELEASED;
		return;
	}
	if (ln > 1 && (buf[lo] == 'v' || buf[lo] == 'V') && changelog_release_label(buf + lo + 1, ln - 1)) {
		lo++;
		ln--;
	}
	if (changelog_release_label(buf + lo, ln)) {
		l->kind = CL_VERSION;
		l->a_off = lo;
		l->a_len = ln;
	}
}

/* "[label]: url", the url possibly on the next line. */
static int classify_linkdef(const char *buf, struct cl_line *l)
{
	const char *s = buf + l->off, *close;
	size_t n = l->len, i = indent(s, n), j;

	if (i > 3 || i >= n || s[i] != '[')
		return 0;
	close = memchr(s + i + 1, ']', n - i - 1);
	if (!close || close == s + i + 1 || (size_t)(close - s) + 1 >= n || close[1] != ':')
		return 0;
	if (memchr(s + i + 1, '[', close - s - i - 1))
		return 0;
	l->kind = CL_LINKDEF;
	l->a_off = l->off + i + 1;
	l->a_len = close - s - i - 1;
	j = close - s + 2;
	while (j < n && isspace((unsigned char)s[j]))
		j++;
	l->b_off = l->off + j;
	while (j < n && !isspace((unsigned char)s[j]))
		j++;
	l->b_len = l->off + j - l->b_off;
	return 1;
}

static int is_rule(const char *s, size_t n)
{
	size_t i = indent(s, n), count = 0;
	char c;

	if (i > 3 || i >= n || !strchr("-*_", s[i]))
		return 0;
	c = s[i];
	for (; i < n; i++) {
		if (s[i] == c)
			count++;
		else if (s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return count >= 3;
}

struct fence {
	char ch;
	size_t run;	/* 0 when outside a fenced block */
};

static void classify(const struct changelog *cl, struct cl_line *l, struct fence *f)
{
	const char *s = cl->buf + l->off;
	size_t n = l->len, run;
	char ch;

	l->kind = CL_TEXT;
	if (f->run) {
		l->fenced = 1;
		run = fence_run(s, n, &ch);
		if (run >= f->run && ch == f->ch && blank(s + indent(s, n) + run, n - indent(s, n) - run))
			f->run = 0;
		return;
	}
	if ((run = fence_run(s, n, &ch))) {
		/* A backtick fence's info string holds no backtick: else it is inline code. */
		if (ch == '`' && memchr(s + indent(s, n) + run, '`', n - indent(s, n) - run))
			return;
		f->run = run;
		f->ch = ch;
		l->fenced = 1;
		return;
	}
	if (blank(s, n)) {
		l->kind = CL_BLANK;
		return;
	}
	if (cl->nr >= 2 && l[-1].kind == CL_LINKDEF && !l[-1].b_len && isspace((unsigned char)s[0])) {
		size_t o = l->off, len = n;
		trim_span(cl->buf, &o, &len);
		l->kind = CL_LINKCONT;
		l->b_off = o;
		for (l->b_len = 0; l->b_len < len && !isspace((unsigned char)cl->buf[o + l->b_len]); l->b_len++)
			;
		return;
	}
	if (n >= 2 && s[0] == '#' && s[1] == '#' && (n == 2 || s[2] == ' ' || s[2] == '\t')) {
		classify_heading(cl->buf, l);
		return;
	}
	if (classify_linkdef(cl->buf, l))
		return;
	if (is_rule(s, n))
		l->kind = CL_RULE;
}

int changelog_scan(struct changelog *cl, const char *buf, size_t len)
{
	struct fence f = { 0, 0 };
	size_t off = 0;
	int first = 1;

	const char *first_cr = memchr(buf, '\r', len), *first_lf = memchr(buf, '\n', len);
	char brk = '\n';

	memset(cl, 0, sizeof(*cl));
	cl->buf = buf;
	cl->len = len;
	cl->eol = "\n";
	if (memchr(buf, '\0', len))
		return -1;
	/* an old Mac file: lines end in CR alone, the first line tells */
	if (first_cr && (!first_lf || first_cr + 1 < first_lf)) {
		brk = '\r';
		cl->eol = "\r";
		first = 0;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, brk, len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct cl_line *l;

		if (brk == '\n' && nl && end > off && buf[end - 1] == '\r')
			end--;
		if (nl && first) {
			cl->eol = buf[end] == '\r' ? "\r\n" : "\n";
			first = 0;
		}
		ALLOC_GROW(cl->line, cl->nr + 1, cl->alloc);
		l = &cl->line[cl->nr++];
		memset(l, 0, sizeof(*l));
		l->off = off;
		l->len = end - off;
		l->next = nl ? (size_t)(nl - buf) + 1 : len;
		classify(cl, l, &f);
		off = l->next;
	}
	cl->open_fence = f.run != 0;
	return 0;
}

void changelog_release(struct changelog *cl)
{
	free(cl->line);
	memset(cl, 0, sizeof(*cl));
}

static int is_heading(const struct cl_line *l)
{
	return l->kind == CL_UNRELEASED || l->kind == CL_VERSION || l->kind == CL_HEADING;
}

static int has_newline(const struct changelog *cl, size_t i)
{
	return cl->line[i].next > cl->line[i].off + cl->line[i].len;
}

/*
 * Where the text starting at line from ends: at the next level-2 heading, or
 * where the closing block of link references begins (the links that may be
 * followed by nothing but a "---" footer).
 */
static size_t text_end(const struct changelog *cl, size_t from)
{
	size_t links = NONE;

	for (size_t i = from; i < cl->nr; i++) {
		enum cl_kind k = cl->line[i].kind;

		if (is_heading(&cl->line[i]))
			return i;
		if (k == CL_LINKDEF && links == NONE)
			links = i;
		else if (k == CL_LINKDEF || k == CL_BLANK || k == CL_LINKCONT)
			continue;
		else if (k == CL_RULE && links != NONE)
			return links;
		else
			links = NONE;
	}
	return links != NONE ? links : cl->nr;
}

static void trim_blank_lines(const struct changelog *cl, size_t f, size_t t, size_t *from, size_t *to)
{
	while (f < t && cl->line[f].kind == CL_BLANK)
		f++;
	while (t > f && cl->line[t - 1].kind == CL_BLANK)
		t--;
	*from = f;
	*to = t;
}

void changelog_section(const struct changelog *cl, size_t h, size_t *from, size_t *to)
{
	trim_blank_lines(cl, h + 1, text_end(cl, h + 1), from, to);
}

long changelog_find_version(const struct changelog *cl, const char *version)
{
	size_t n = strlen(version);
	struct pep440 want, have;
	int pep = !pep440_parse(&want, version, n, NULL);

	for (size_t i = 0; i < cl->nr; i++) {
		const struct cl_line *l = &cl->line[i];
		if (l->kind == CL_VERSION && l->a_len == n && !memcmp(cl->buf + l->a_off, version, n))
			return (long)i;
	}
	/* the same release spelt otherwise: 1.0.0-rc.1 and 1.0.0rc1 */
	for (size_t i = 0; i < cl->nr && pep; i++) {
		const struct cl_line *l = &cl->line[i];
		if (l->kind == CL_VERSION && !pep440_parse(&have, cl->buf + l->a_off, l->a_len, NULL) &&
		    !pep440_compare(&have, &want))
			return (long)i;
	}
	return -1;
}

long changelog_find_unreleased(const struct changelog *cl)
{
	for (size_t i = 0; i < cl->nr; i++)
		if (cl->line[i].kind == CL_UNRELEASED)
			return (long)i;
	return -1;
}

long changelog_latest(const struct changelog *cl)
{
	for (size_t i = 0; i < cl->nr; i++)
		if (cl->line[i].kind == CL_VERSION)
			return (long)i;
	return -1;
}

/* Lines [from, to) without the blank lines at both ends, each ended by eol. */
static void add_lines(struct strbuf *sb, const struct changelog *cl, size_t from, size_t to, const char *eol)
{
	while (from < to && cl->line[from].kind == CL_BLANK)
		from++;
	while (to > from && cl->line[to - 1].kind == CL_BLANK)
		to--;
	for (size_t i = from; i < to; i++) {
		strbuf_add(sb, cl->buf + cl->line[i].off, cl->line[i].len);
		strbuf_addstr(sb, eol);
	}
}

/* Groups ("### Added" and its lines), to merge [Unreleased] with entries from stdin. */

struct group {
	char *title;
	struct strbuf body;
};

struct groups {
	struct strbuf preamble;
	struct group *g;
	size_t nr, alloc;
};

static int is_group_heading(const struct changelog *cl, size_t i)
{
	const struct cl_line *l = &cl->line[i];
	const char *s = cl->buf + l->off;

	return l->kind == CL_TEXT && !l->fenced && l->len >= 4 && !memcmp(s, "###", 3) &&
		(s[3] == ' ' || s[3] == '\t');
}

static void split_groups(const struct changelog *cl, size_t from, size_t to, const char *eol, struct groups *gs)
{
	struct strbuf *cur = &gs->preamble;
	size_t start = from;

	for (size_t i = from; i <= to; i++) {
		size_t o, n;

		if (i < to && !is_group_heading(cl, i))
			continue;
		add_lines(cur, cl, start, i, eol);
		if (i == to)
			break;
		o = cl->line[i].off + 3;
		n = cl->line[i].len - 3;
		trim_span(cl->buf, &o, &n);
		ALLOC_GROW(gs->g, gs->nr + 1, gs->alloc);
		gs->g[gs->nr].title = xstrndup(cl->buf + o, n);
		strbuf_init(&gs->g[gs->nr].body, 0);
		cur = &gs->g[gs->nr++].body;
		start = i + 1;
	}
}

static void groups_release(struct groups *gs)
{
	strbuf_release(&gs->preamble);
	for (size_t i = 0; i < gs->nr; i++) {
		free(gs->g[i].title);
		strbuf_release(&gs->g[i].body);
	}
	free(gs->g);
}

/* Add a chunk of lines, a blank line between chunks. */
static void add_chunk(struct strbuf *out, const struct strbuf *chunk, const char *eol)
{
	if (!chunk->len)
		return;
	if (out->len)
		strbuf_addstr(out, eol);
	strbuf_addbuf(out, chunk);
}

static void add_group(struct strbuf *out, const char *title, const struct strbuf *a,
		      const struct strbuf *b, const char *eol)
{
	struct strbuf g = STRBUF_INIT;

	strbuf_addf(&g, "### %s%s", title, eol);
	if (a->len || b->len)
		strbuf_addstr(&g, eol);
	strbuf_addbuf(&g, a);
	strbuf_addbuf(&g, b);
	add_chunk(out, &g, eol);
	strbuf_release(&g);
}

/* Both sources' preambles, then each group once: the [Unreleased] lines, then the new ones. */
static void merge_groups(struct strbuf *out, struct groups *u, struct groups *e, const char *eol)
{
	char *used = xcalloc(e->nr ? e->nr : 1, 1);
	struct strbuf none = STRBUF_INIT;

	add_chunk(out, &u->preamble, eol);
	add_chunk(out, &e->preamble, eol);
	for (size_t i = 0; i < u->nr; i++) {
		struct strbuf more = STRBUF_INIT;

		for (size_t j = 0; j < e->nr; j++) {
			if (used[j] || strcasecmp(u->g[i].title, e->g[j].title))
				continue;
			strbuf_addbuf(&more, &e->g[j].body);
			used[j] = 1;
		}
		add_group(out, u->g[i].title, &u->g[i].body, &more, eol);
		strbuf_release(&more);
	}
	for (size_t j = 0; j < e->nr; j++)
		if (!used[j])
			add_group(out, e->g[j].title, &e->g[j].body, &none, eol);
	free(used);
}

/* Compare links */

struct compare {
	size_t base_off, base_len;	/* the older ref, within the url */
	size_t head_off, head_len;	/* the newer ref */
	int typed;			/* Azure DevOps: refs carry GT (tag) / GB (branch) */
};

static const char *find(const char *s, size_t n, const char *what)
{
	return memmem(s, n, what, strlen(what));
}

static size_t span_to(const char *s, size_t n, size_t from, char stop)
{
	const char *p = memchr(s + from, stop, n - from);
	return p ? (size_t)(p - s) - from : n - from;
}

/* GitHub and GitLab "compare/a...b", Bitbucket "branches/compare/b%0Da", Azure "branchCompare?baseVersion=GTa&targetVersion=GBb". */
static int parse_compare(const char *url, size_t n, struct compare *c)
{
	const char *p, *q;

	memset(c, 0, sizeof(*c));
	if ((p = find(url, n, "baseVersion=GT")) && (q = find(url, n, "targetVersion="))) {
		c->typed = 1;
		c->base_off = p - url + strlen("baseVersion=GT");
		c->base_len = span_to(url, n, c->base_off, '&');
		c->head_off = q - url + strlen("targetVersion=");
		c->head_len = span_to(url, n, c->head_off, '&');
		return c->base_len && c->head_len > 2;
	}
	if ((p = find(url, n, "/branches/compare/")) &&
	    (q = find(p, n - (p - url), "%0D"))) {
		c->head_off = p - url + strlen("/branches/compare/");
		c->head_len = q - url - c->head_off;
		c->base_off = q - url + 3;
		c->base_len = n - c->base_off;
		return c->base_len && c->head_len;
	}
	for (p = NULL, q = url; (q = find(q, n - (q - url), "/compare/")); q++)
		p = q;
	if (!p || !(q = find(p, n - (p - url), "...")))
		return 0;
	c->base_off = p - url + strlen("/compare/");
	c->base_len = q - url - c->base_off;
	c->head_off = q - url + 3;
	c->head_len = n - c->head_off;
	return c->base_len && c->head_len;
}

/* url with its base and/or head ref replaced (NULL keeps one). */
static void url_with(struct strbuf *out, const char *url, size_t n, const struct compare *c,
		     const char *base, const char *head)
{
	struct strbuf u = STRBUF_INIT;
	struct strbuf h = STRBUF_INIT;

	strbuf_add(&u, url, n);
	if (head)
		strbuf_addf(&h, "%s%s", c->typed ? "GT" : "", head);
	/* The later span first, so the earlier offset stays right. */
	if (c->head_off > c->base_off) {
		if (head)
			strbuf_splice(&u, c->head_off, c->head_len, h.buf, h.len);
		if (base)
			strbuf_splice(&u, c->base_off, c->base_len, base, strlen(base));
	} else {
		if (base)
			strbuf_splice(&u, c->base_off, c->base_len, base, strlen(base));
		if (head)
			strbuf_splice(&u, c->head_off, c->head_len, h.buf, h.len);
	}
	strbuf_addbuf(out, &u);
	strbuf_release(&u);
	strbuf_release(&h);
}

int changelog_next_url(struct strbuf *out, const char *url, const char *old_version, const char *version)
{
	size_t n = strlen(url);
	struct compare c;
	const char *at, *last = NULL;

	if (parse_compare(url, n, &c)) {
		/* base: the old release's ref; head: that ref with the new version */
		char *old_head = xstrndup(url + c.head_off + 2 * c.typed, c.head_len - 2 * c.typed);
		char *v = strstr(old_head, old_version);
		char *new_head;
		if (!v) {
			free(old_head);
			return -1;
		}
		new_head = xstrfmt("%.*s%s%s", (int)(v - old_head), old_head, version, v + strlen(old_version));
		url_with(out, url, n, &c, old_head, new_head);
		free(old_head);
		free(new_head);
		return 0;
	}
	/* a tag, tree or release page: its last mention of the version moves on */
	for (at = url; (at = strstr(at, old_version)); at++)
		last = at;
	if (!last)
		return -1;
	strbuf_add(out, url, (size_t)(last - url));
	strbuf_addstr(out, version);
	strbuf_addstr(out, last + strlen(old_version));
	return 0;
}

struct linkdef {
	size_t first, last;	/* its lines */
	size_t url_off, url_len;
};

static int find_linkdef(const struct changelog *cl, const char *label, int prefix_v, struct linkdef *d)
{
	size_t n = strlen(label);

	for (size_t i = 0; i < cl->nr; i++) {
		const struct cl_line *l = &cl->line[i];
		const char *s = cl->buf + l->a_off;
		size_t len = l->a_len;

		if (l->kind != CL_LINKDEF)
			continue;
		if (prefix_v && len == n + 1 && (*s == 'v' || *s == 'V')) {
			s++;
			len--;
		}
		if (len != n || (prefix_v ? memcmp(s, label, n) : strncasecmp(s, label, n)))
			continue;
		d->first = d->last = i;
		d->url_off = l->b_off;
		d->url_len = l->b_len;
		if (!l->b_len && i + 1 < cl->nr && cl->line[i + 1].kind == CL_LINKCONT) {
			d->last = i + 1;
			d->url_off = cl->line[i + 1].b_off;
			d->url_len = cl->line[i + 1].b_len;
		}
		return d->url_len ? 0 : -1;
	}
	return -1;
}

struct edit {
	size_t off, len;
	struct strbuf text;
};

struct edits {
	struct edit e[4];
	size_t nr;
};

static struct strbuf *add_edit(struct edits *ed, size_t off, size_t len)
{
	struct edit *e = &ed->e[ed->nr++];

	e->off = off;
	e->len = len;
	strbuf_init(&e->text, 0);
	return &e->text;
}

/* The new line "[V]: url" after the def that line `after` ends. */
static void add_link_line(struct edits *ed, const struct changelog *cl, size_t at, int after,
			  const char *version, const struct strbuf *url)
{
	size_t off = after ? cl->line[at].next : cl->line[at].off;
	struct strbuf *t = add_edit(ed, off, 0);

	if (after && !has_newline(cl, at))
		strbuf_addstr(t, cl->eol);
	strbuf_addf(t, "[%s]: %s", version, url->buf);
	if (!after || has_newline(cl, at))
		strbuf_addstr(t, cl->eol);
}

/*
 * [Unreleased] compares the previous tag with HEAD: it now starts at the new
 * tag, and the new version compares the previous tag with the new one. With
 * no [Unreleased] link, the newest version's link shows the style to follow.
 */
static void fix_links(const struct changelog *cl, const struct prepend_opts *o, const char *label,
		      struct edits *ed)
{
	char *tag = xstrfmt("%s%s", o->tag_prefix, o->version);
	struct strbuf url = STRBUF_INIT;
	struct linkdef u, latest, mine;
	struct compare c;
	long v;

	if (!find_linkdef(cl, o->version, 1, &mine)) {
		warn("a link reference [%s] is already there; links left unchanged", o->version);
		goto out;
	}
	if (!find_linkdef(cl, "unreleased", 0, &u)) {
		const char *s = cl->buf + u.url_off;

		if (!parse_compare(s, u.url_len, &c)) {
			warn("the link reference [Unreleased] is not a compare link; links left unchanged");
			goto out;
		}
		url_with(&url, s, u.url_len, &c, tag, NULL);
		strbuf_addbuf(add_edit(ed, u.url_off, u.url_len), &url);
		strbuf_reset(&url);
		url_with(&url, s, u.url_len, &c, NULL, tag);
		add_link_line(ed, cl, u.last, 1, label, &url);
		goto out;
	}
	v = changelog_latest(cl);
	if (v < 0)
		goto out;
	{
		char *prev = xstrndup(cl->buf + cl->line[v].a_off, cl->line[v].a_len);
		int found = !find_linkdef(cl, prev, 1, &latest);
		const char *s = cl->buf + latest.url_off;

		if (found && parse_compare(s, latest.url_len, &c)) {
			char *prev_tag = xstrndup(s + c.head_off + 2 * c.typed, c.head_len - 2 * c.typed);
			url_with(&url, s, latest.url_len, &c, prev_tag, tag);
			add_link_line(ed, cl, latest.first, 0, label, &url);
			free(prev_tag);
		}
		free(prev);
	}
out:
	strbuf_release(&url);
	free(tag);
}

/* "## [Unreleased](.../compare/v1.0.0...HEAD)": the compare now starts at the new tag. */
static void fix_unreleased_heading(const struct changelog *cl, long u, const struct prepend_opts *o,
				   struct edits *ed)
{
	const struct cl_line *l = &cl->line[u];
	const char *s = cl->buf + l->off, *open = memmem(s, l->len, "](", 2), *close;
	struct compare c;
	char *tag;

	if (!open || !(close = memchr(open, ')', l->len - (size_t)(open - s))))
		return;
	open += 2;
	if (!parse_compare(open, (size_t)(close - open), &c))
		return;
	tag = xstrfmt("%s%s", o->tag_prefix, o->version);
	url_with(add_edit(ed, (size_t)(open - cl->buf), (size_t)(close - open)), open,
		 (size_t)(close - open), &c, tag, NULL);
	free(tag);
}

/* The lines of the new section, after its heading. */
static int section_body(const struct changelog *cl, const struct prepend_opts *o, long u, struct strbuf *body)
{
	const char *eol = cl->eol;
	struct changelog e;
	size_t uf = 0, ut = 0, ef, et;

	if (u >= 0)
		changelog_section(cl, u, &uf, &ut);
	if (changelog_scan(&e, o->entries ? o->entries : "", o->entries ? o->entries_len : 0)) {
		error("the entries hold a NUL byte: they are not text");
		return EXIT_DATA;
	}
	/* a byte that ends a line in the changelog must not hide inside an entries line */
	for (size_t i = 0; i < e.nr; i++) {
		if (memchr(e.buf + e.line[i].off, eol[0] == '\r' && !eol[1] ? '\r' : '\n', e.line[i].len)) {
			error("the entries hold a line end of another kind inside line %zu", i + 1);
			changelog_release(&e);
			return EXIT_DATA;
		}
	}
	if (e.open_fence) {
		error("the entries open a fenced code block they do not close");
		changelog_release(&e);
		return EXIT_DATA;
	}
	for (size_t i = 0; i < e.nr; i++) {
		if (is_heading(&e.line[i])) {
			error("the entries hold a level-2 heading (line %zu): give only \"### Added\"-style groups and their items", i + 1);
			changelog_release(&e);
			return EXIT_DATA;
		}
	}
	trim_blank_lines(&e, 0, e.nr, &ef, &et);
	if (ef < et && uf < ut) {
		struct groups gu = { STRBUF_INIT, NULL, 0, 0 }, ge = { STRBUF_INIT, NULL, 0, 0 };

		struct strbuf merged = STRBUF_INIT;

		split_groups(cl, uf, ut, eol, &gu);
		split_groups(&e, ef, et, eol, &ge);
		merge_groups(&merged, &gu, &ge, eol);
		strbuf_addbuf(body, &merged);
		strbuf_release(&merged);
		groups_release(&gu);
		groups_release(&ge);
	} else if (ef < et) {
		add_lines(body, &e, ef, et, eol);
	} else if (uf < ut) {
		add_lines(body, cl, uf, ut, eol);
	} else {
		for (size_t i = 0; i < sizeof(template_groups) / sizeof(*template_groups); i++)
			strbuf_addf(body, "%s### %s%s", i ? eol : "", template_groups[i], eol);
	}
	changelog_release(&e);
	return 0;
}

static void apply_edits(const struct changelog *cl, struct edits *ed, struct strbuf *out)
{
	size_t start = out->len;

	strbuf_add(out, cl->buf, cl->len);
	/* The last edit in the file first, so earlier offsets stay right. */
	for (size_t done = 0; done < ed->nr; done++) {
		size_t pick = NONE;

		for (size_t i = 0; i < ed->nr; i++)
			if (ed->e[i].text.buf && (pick == NONE || ed->e[i].off > ed->e[pick].off))
				pick = i;
		strbuf_splice(out, start + ed->e[pick].off, ed->e[pick].len, ed->e[pick].text.buf, ed->e[pick].text.len);
		strbuf_release(&ed->e[pick].text);
		ed->e[pick].text.buf = NULL;
	}
}

int changelog_prepend(const struct changelog *cl, const struct prepend_opts *o, struct strbuf *out)
{
	const char *eol = cl->eol;
	struct edits ed = { .nr = 0 };
	struct strbuf section = STRBUF_INIT, *t;
	struct heading_style style;
	char *label;
	long u = changelog_find_unreleased(cl), first = changelog_latest(cl);
	int ret;

	if (!semver_valid(o->version, strlen(o->version))) {
		error("'%s' is not a SemVer version (MAJOR.MINOR.PATCH[-PRE][+BUILD])", o->version);
		return EXIT_DATA;
	}
	if (u < 0 && first < 0 && cl->open_fence) {
		error("the changelog ends inside a fenced code block: close it first");
		return EXIT_DATA;
	}
	if (changelog_find_version(cl, o->version) >= 0) {
		error("version '%s' is already in the changelog: choose a new version", o->version);
		return EXIT_CONFLICT;
	}
	style_learn(&style, cl);
	style_heading(&section, &style, o->version, o->date);
	/* a link reference names the version as the heading does: "[v1.2.0]: ..." */
	label = xstrfmt("%s%s", style.v == 'v' ? "v" : style.v == 'V' ? "V" : "", o->version);
	style_release(&style);
	strbuf_addf(&section, "%s%s", eol, eol);
	if ((ret = section_body(cl, o, u, &section))) {
		strbuf_release(&section);
		free(label);
		return ret;
	}
	if (u >= 0) {
		size_t end = text_end(cl, u + 1);
		size_t to = end < cl->nr ? cl->line[end].off : cl->len;

		t = add_edit(&ed, cl->line[u].next, to - cl->line[u].next);
		if (!has_newline(cl, u))
			strbuf_addstr(t, eol);
		strbuf_addstr(t, eol);
		strbuf_addbuf(t, &section);
		if (end < cl->nr)
			strbuf_addstr(t, eol);
	} else if (first >= 0) {
		t = add_edit(&ed, cl->line[first].off, 0);
		strbuf_addbuf(t, &section);
		strbuf_addstr(t, eol);
	} else {
		size_t end = text_end(cl, 0);
		size_t at = end < cl->nr ? cl->line[end].off : cl->len;

		t = add_edit(&ed, at, 0);
		if (end == cl->nr && cl->nr && !has_newline(cl, cl->nr - 1))
			strbuf_addstr(t, eol);
		if (end > 0 && cl->line[end - 1].kind != CL_BLANK)
			strbuf_addstr(t, eol);
		strbuf_addbuf(t, &section);
		if (end < cl->nr)
			strbuf_addstr(t, eol);
	}
	strbuf_release(&section);
	fix_links(cl, o, label, &ed);
	free(label);
	if (u >= 0)
		fix_unreleased_heading(cl, u, o, &ed);
	/* A link edit inside the moved [Unreleased] text would be lost: drop it. */
	for (size_t i = 1; i < ed.nr; i++) {
		if (ed.e[i].off < ed.e[0].off + ed.e[0].len && ed.e[i].off + ed.e[i].len > ed.e[0].off) {
			warn("a link reference inside the [Unreleased] section was left unchanged");
			strbuf_release(&ed.e[i].text);
			ed.e[i--] = ed.e[--ed.nr];
		}
	}
	apply_edits(cl, &ed, out);
	return 0;
}

int changelog_extract(const struct changelog *cl, const char *version, struct strbuf *out)
{
	size_t from, to;
	long h;

	if (!strcasecmp(version, "unreleased"))
		h = changelog_find_unreleased(cl);
	else
		h = changelog_find_version(cl, version[0] == 'v' ? version + 1 : version);
	if (h < 0)
		return EXIT_NOTFOUND;
	changelog_section(cl, (size_t)h, &from, &to);
	if (from >= to)
		return 0;
	strbuf_add(out, cl->buf + cl->line[from].off, cl->line[to - 1].next - cl->line[from].off);
	if (!has_newline(cl, to - 1))
		strbuf_addstr(out, cl->eol);
	return 0;
}
