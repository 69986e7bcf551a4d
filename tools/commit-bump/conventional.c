/* Conventional Commits: header, breaking notes, reverts; the bump and the changelog group. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conventional.h"
#include "strbuf.h"
#include "util.h"

const char *const cc_group_names[GROUP_NR] = {
	"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security",
};

/* ASCII only, as the reference's \w and \s: the locale must not matter. */
static int is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* "!: " (bang) or "!?: " (no bang) at h[k], the subject after it. */
static int match_tail(const char *h, size_t n, size_t k, int bang, size_t *subject)
{
	if (k < n && h[k] == '!')
		k++;
	else if (bang)
		return 0;
	if (k + 1 >= n || h[k] != ':' || h[k + 1] != ' ')
		return 0;
	*subject = k + 2;
	return 1;
}

struct header {
	size_t type_len, scope_off, scope_len, subject;
};

/* type(scope)!: subject, the scope greedy up to the last ")" that still fits. */
static int split_header(const char *h, size_t n, int bang, struct header *p)
{
	size_t i = 0;

	while (i < n && is_word((unsigned char)h[i]))
		i++;
	/* The reference takes an empty type too; "(x): y" is no commit type here. */
	if (!i)
		return 0;
	p->type_len = i;
	p->scope_off = p->scope_len = 0;
	if (i < n && h[i] == '(') {
		for (size_t j = n; j-- > i + 1;) {
			if (h[j] == ')' && match_tail(h, n, j + 1, bang, &p->subject)) {
				p->scope_off = i + 1;
				p->scope_len = j - i - 1;
				return 1;
			}
		}
		return 0;
	}
	return match_tail(h, n, i, bang, &p->subject);
}

/* A line of the body or footer that starts a BREAKING CHANGE note (any case, as the reference). */
static int breaking_note(const char *s, size_t n)
{
	static const size_t klen = sizeof("BREAKING CHANGE") - 1;
	size_t i = 0;

	while (i < n && (is_space((unsigned char)s[i]) || s[i] == '|' || s[i] == '*'))
		i++;
	if (n - i <= klen)
		return 0;
	if (strncasecmp(s + i, "BREAKING CHANGE", klen) && strncasecmp(s + i, "BREAKING-CHANGE", klen))
		return 0;
	return s[i + klen] == ':' || is_space((unsigned char)s[i + klen]);
}

/* A "gpg: ..." line is left out, as the reference does. */
static int gpg_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	return n - i >= 4 && !memcmp(s + i, "gpg:", 4);
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);

	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return d;
}

static void parse_header(struct cc_commit *c, const char *h, size_t n)
{
	struct header p;

	if (n >= 8 && !strncasecmp(h, "Revert \"", 8)) {
		size_t end = n;
		if (end > 8 && h[end - 1] == '"')
			end--;
		c->reverted = xstrndup(h + 8, end - 8);
	}
	if (split_header(h, n, 1, &p))
		c->breaking = 1;
	else if (!split_header(h, n, 0, &p)) {
		c->subject = xstrndup(h, n);
		return;
	}
	c->type = lower_dup(h, p.type_len);
	if (p.scope_len)
		c->scope = xstrndup(h + p.scope_off, p.scope_len);
	c->subject = xstrndup(h + p.subject, n - p.subject);
}

void cc_parse(struct cc_commit *c, const char *msg, size_t len)
{
	const char *end = msg + len, *p = msg;
	int header_seen = 0;

	memset(c, 0, sizeof(*c));
	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		if (n && p[n - 1] == '\r')
			n--;
		if (gpg_line(p, n))
			;
		else if (!header_seen) {
			parse_header(c, p, n);
			header_seen = 1;
		} else if (breaking_note(p, n)) {
			c->breaking = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (!c->subject)
		c->subject = xstrdup("");
}

void cc_release(struct cc_commit *c)
{
	free(c->type);
	free(c->scope);
	free(c->subject);
	free(c->reverted);
	memset(c, 0, sizeof(*c));
}

static int type_is(const struct cc_commit *c, const char *t)
{
	return c->type && !strcmp(c->type, t);
}

static int type_in(const struct cc_commit *c, const char *const *types)
{
	for (; *types; types++)
		if (type_is(c, *types))
			return 1;
	return 0;
}

static const char *const patch_types[] = {
	"fix", "perf", "refactor", "revert", "deprecate", "deprecated", "security", NULL,
};

enum bump cc_bump(const struct cc_commit *c)
{
	if (c->breaking)
		return BUMP_MAJOR;
	if (type_is(c, "feat"))
		return BUMP_MINOR;
	if (type_in(c, patch_types) || c->reverted)
		return BUMP_PATCH;
	return BUMP_NONE;
}

const char *bump_name(enum bump b)
{
	static const char *const names[] = { "none", "patch", "minor", "major" };
	return names[b];
}

/* Taking a feature back removes it; taking anything else back changes behaviour. */
static enum cc_group revert_group(const struct cc_commit *c)
{
	const char *what = c->reverted ? c->reverted : c->subject;
	struct cc_commit orig;
	enum cc_group g;

	cc_parse(&orig, what, strlen(what));
	g = type_is(&orig, "feat") ? GROUP_REMOVED : GROUP_CHANGED;
	cc_release(&orig);
	return g;
}

enum cc_group cc_group(const struct cc_commit *c)
{
	static const char *const changed[] = { "perf", "refactor", NULL };
	static const char *const deprecated[] = { "deprecate", "deprecated", NULL };

	if (type_is(c, "feat"))
		return GROUP_ADDED;
	if (type_is(c, "fix"))
		return GROUP_FIXED;
	if (type_in(c, changed))
		return GROUP_CHANGED;
	if (type_in(c, deprecated))
		return GROUP_DEPRECATED;
	if (type_is(c, "security"))
		return GROUP_SECURITY;
	if (type_is(c, "revert") || (c->reverted && !c->type))
		return revert_group(c);
	return c->breaking ? GROUP_CHANGED : GROUP_HIDDEN;
}

/* Control characters would break the Markdown line: they become spaces. */
static void add_clean(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		strbuf_addch(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void cc_entry(struct strbuf *sb, const struct cc_commit *c)
{
	strbuf_addstr(sb, "- ");
	if (c->breaking)
		strbuf_addstr(sb, "**Breaking:** ");
	if (c->scope) {
		strbuf_addstr(sb, "**");
		add_clean(sb, c->scope);
		strbuf_addstr(sb, ":** ");
	}
	if (*c->subject)
		add_clean(sb, c->subject);
	else
		strbuf_addstr(sb, "(no description)");
	strbuf_addch(sb, '\n');
}
