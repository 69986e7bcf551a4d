/*
 * SemVer 2.0.0 core of semver-check: the grammar, precedence, node-semver's
 * increments, and the PEP 440 and Docker tag renderings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"
#include "strvec.h"
#include "util.h"

#define QUOTE_MAX 48

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_char(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

static int all_digits(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit((unsigned char)p[i]))
			return 0;
	return len > 0;
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

void semver_describe(struct strbuf *why, const char *s, size_t len, size_t pos)
{
	unsigned char c;

	if (pos >= len) {
		strbuf_addstr(why, "the end");
		return;
	}
	c = s[pos];
	switch (c) {
	case '\0': strbuf_addstr(why, "a NUL byte"); return;
	case ' ': strbuf_addstr(why, "a space"); return;
	case '\t': strbuf_addstr(why, "a tab"); return;
	case '\n': strbuf_addstr(why, "a newline"); return;
	case '\r': strbuf_addstr(why, "a carriage return"); return;
	}
	if (c < 0x20 || c == 0x7f)
		strbuf_addf(why, "control byte 0x%02x", c);
	else if (c >= 0x80)
		strbuf_addf(why, "non-ASCII byte 0x%02x", c);
	else
		strbuf_addf(why, "'%c'", c);
}

static int fail(struct strbuf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		strbuf_vaddf(why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int unexpected(struct strbuf *why, const char *s, size_t len, size_t pos, const char *expected)
{
	if (!why)
		return -1;
	if (pos < len)
		strbuf_addf(why, "expected %s at byte %zu, found ", expected, pos + 1);
	else
		strbuf_addf(why, "expected %s, found ", expected);
	semver_describe(why, s, len, pos);
	return -1;
}

static int leading_zero(struct strbuf *why, const char *what, const char *p, size_t len)
{
	if (why) {
		strbuf_addf(why, "the %s ", what);
		quote_untrusted(why, p, len);
		strbuf_addstr(why, " has a leading zero");
	}
	return -1;
}

static int parse_number(struct span *out, const char *s, size_t len, size_t *pos,
		const char *what, struct strbuf *why)
{
	size_t start = *pos;

	while (*pos < len && is_digit((unsigned char)s[*pos]))
		(*pos)++;
	out->p = s + start;
	out->len = *pos - start;
	if (!out->len) {
		char expected[32];
		snprintf(expected, sizeof(expected), "the %s", what);
		return unexpected(why, s, len, *pos, expected);
	}
	if (out->len > 1 && s[start] == '0')
		return leading_zero(why, what, out->p, out->len);
	return 0;
}

/* Dot-separated identifiers up to the first byte that cannot continue them. */
static int parse_idents(struct span *out, const char *s, size_t len, size_t *pos,
		int numeric_rule, const char *what, struct strbuf *why)
{
	out->p = s + *pos;
	for (;;) {
		size_t start = *pos;
		while (*pos < len && is_ident_char((unsigned char)s[*pos]))
			(*pos)++;
		if (*pos == start) {
			char expected[48];
			snprintf(expected, sizeof(expected), "a %s identifier", what);
			return unexpected(why, s, len, *pos, expected);
		}
		if (numeric_rule && *pos - start > 1 && s[start] == '0' &&
		    all_digits(s + start, *pos - start))
			return leading_zero(why, "numeric prerelease identifier", s + start, *pos - start);
		if (*pos >= len || s[*pos] != '.')
			break;
		(*pos)++;
	}
	out->len = (size_t)(s + *pos - out->p);
	return 0;
}

static int expect_dot(const char *s, size_t len, size_t *pos, const char *after, struct strbuf *why)
{
	char expected[48];

	if (*pos < len && s[*pos] == '.') {
		(*pos)++;
		return 0;
	}
	snprintf(expected, sizeof(expected), "'.' after the %s version", after);
	return unexpected(why, s, len, *pos, expected);
}

int semver_parse(struct semver *v, const char *s, size_t len, unsigned flags, struct strbuf *why)
{
	size_t pos = 0;

	memset(v, 0, sizeof(*v));
	if (!len)
		return fail(why, "it is empty");
	if (s[0] == 'v') {
		if (!(flags & SEMVER_ALLOW_V))
			return fail(why, "it starts with 'v'");
		pos++;
	}
	if (parse_number(&v->major, s, len, &pos, "major version", why) ||
	    expect_dot(s, len, &pos, "major", why) ||
	    parse_number(&v->minor, s, len, &pos, "minor version", why) ||
	    expect_dot(s, len, &pos, "minor", why) ||
	    parse_number(&v->patch, s, len, &pos, "patch version", why))
		return -1;
	if (pos < len && s[pos] == '-') {
		pos++;
		if (parse_idents(&v->pre, s, len, &pos, 1, "prerelease", why))
			return -1;
	}
	if (pos < len && s[pos] == '+') {
		pos++;
		if (parse_idents(&v->build, s, len, &pos, 0, "build metadata", why))
			return -1;
	}
	if (pos < len) {
		if (v->build.len)
			return unexpected(why, s, len, pos, "'.' or the end in the build metadata");
		if (v->pre.len)
			return unexpected(why, s, len, pos, "'.', '+' or the end in the prerelease");
		return unexpected(why, s, len, pos, "'-', '+' or the end after the patch version");
	}
	return 0;
}

static int compare_number(const struct span *a, const struct span *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return sign(memcmp(a->p, b->p, a->len));
}

int semver_compare_ident(const char *a, size_t alen, const char *b, size_t blen)
{
	int anum = all_digits(a, alen), bnum = all_digits(b, blen);
	int c;

	if (anum && bnum) {
		if (alen != blen)
			return alen < blen ? -1 : 1;
		return sign(memcmp(a, b, alen));
	}
	if (anum != bnum)
		return anum ? -1 : 1;
	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return sign(c);
	return alen == blen ? 0 : alen < blen ? -1 : 1;
}

/* The identifier of s starting at *pos; *pos moves past it and its dot. */
static struct span next_ident(const struct span *s, size_t *pos)
{
	struct span id = { s->p + *pos, 0 };
	const char *dot = memchr(id.p, '.', s->len - *pos);

	id.len = dot ? (size_t)(dot - id.p) : s->len - *pos;
	*pos += id.len + 1;
	return id;
}

static int compare_pre(const struct span *a, const struct span *b)
{
	size_t apos = 0, bpos = 0;

	/* A version without a prerelease ranks above any with one. */
	if (!a->len || !b->len)
		return (!a->len) - (!b->len);
	for (;;) {
		int aend = apos > a->len, bend = bpos > b->len;
		struct span x, y;
		int c;

		if (aend || bend)
			return bend - aend;
		x = next_ident(a, &apos);
		y = next_ident(b, &bpos);
		c = semver_compare_ident(x.p, x.len, y.p, y.len);
		if (c)
			return c;
	}
}

int semver_compare(const struct semver *a, const struct semver *b)
{
	int c;

	if ((c = compare_number(&a->major, &b->major)) ||
	    (c = compare_number(&a->minor, &b->minor)) ||
	    (c = compare_number(&a->patch, &b->patch)))
		return c;
	return compare_pre(&a->pre, &b->pre);
}

/* major, minor and patch get KEY_BITS each, and the last bit says "stable". */
#define KEY_BITS 21
#define KEY_FULL ((1ULL << KEY_BITS) - 1)

/* A number as a key field; KEY_FULL when it is too large to tell apart. */
static unsigned long long key_field(const struct span *n)
{
	unsigned long long x = 0;

	if (n->len > 7)
		return KEY_FULL;
	for (size_t i = 0; i < n->len; i++)
		x = x * 10 + (unsigned)(n->p[i] - '0');
	return x < KEY_FULL ? x : KEY_FULL;
}

unsigned long long semver_key(const struct semver *v)
{
	const struct span *parts[] = { &v->major, &v->minor, &v->patch };
	unsigned long long key = 0;

	/* Once a field is full, what follows it must not decide. */
	for (size_t i = 0; i < 3; i++) {
		unsigned long long f = key_field(parts[i]);
		key |= f << (1 + KEY_BITS * (2 - i));
		if (f == KEY_FULL)
			return key;
	}
	return key | !v->pre.len;
}

void semver_format(struct strbuf *out, const struct semver *v, int with_build)
{
	strbuf_add(out, v->major.p, v->major.len);
	strbuf_addch(out, '.');
	strbuf_add(out, v->minor.p, v->minor.len);
	strbuf_addch(out, '.');
	strbuf_add(out, v->patch.p, v->patch.len);
	if (v->pre.len) {
		strbuf_addch(out, '-');
		strbuf_add(out, v->pre.p, v->pre.len);
	}
	if (with_build && v->build.len) {
		strbuf_addch(out, '+');
		strbuf_add(out, v->build.p, v->build.len);
	}
}

static const char *const level_names[] = {
	[SEMVER_MAJOR] = "major", [SEMVER_MINOR] = "minor", [SEMVER_PATCH] = "patch",
	[SEMVER_PREMAJOR] = "premajor", [SEMVER_PREMINOR] = "preminor",
	[SEMVER_PREPATCH] = "prepatch", [SEMVER_PRERELEASE] = "prerelease",
	[SEMVER_RELEASE] = "release",
};

int semver_level(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(*level_names); i++)
		if (!strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

int semver_preid_ok(const char *id, struct strbuf *why)
{
	size_t len = strlen(id), pos = 0;
	struct span ids;

	if (!len)
		return 1;
	if (parse_idents(&ids, id, len, &pos, 1, "prerelease", why))
		return 0;
	if (pos < len) {
		unexpected(why, id, len, pos, "'.' or the end of the identifier");
		return 0;
	}
	return 1;
}

/* A version being bumped: its own copies of every part. */
struct draft {
	struct strbuf major, minor, patch;
	struct strvec pre;
};

static void split_idents(struct strvec *out, const char *p, size_t len)
{
	struct span s = { p, len };
	size_t pos = 0;

	while (len && pos <= len) {
		struct span id = next_ident(&s, &pos);
		char *copy = xstrndup(id.p, id.len);
		strvec_push(out, copy);
		free(copy);
	}
}

static void draft_init(struct draft *d, const struct semver *v)
{
	strbuf_init(&d->major, 0);
	strbuf_init(&d->minor, 0);
	strbuf_init(&d->patch, 0);
	strbuf_add(&d->major, v->major.p, v->major.len);
	strbuf_add(&d->minor, v->minor.p, v->minor.len);
	strbuf_add(&d->patch, v->patch.p, v->patch.len);
	strvec_init(&d->pre);
	split_idents(&d->pre, v->pre.p, v->pre.len);
}

static void draft_release(struct draft *d)
{
	strbuf_release(&d->major);
	strbuf_release(&d->minor);
	strbuf_release(&d->patch);
	strvec_clear(&d->pre);
}

/* Add one to a decimal number of any length. */
static void increment(struct strbuf *n)
{
	size_t i = n->len;

	while (i > 0) {
		if (n->buf[--i] != '9') {
			n->buf[i]++;
			return;
		}
		n->buf[i] = '0';
	}
	strbuf_insert(n, 0, "1", 1);
}

static char *increment_str(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, s);
	increment(&sb);
	return strbuf_detach(&sb, NULL);
}

static void set_zero(struct strbuf *n)
{
	strbuf_reset(n);
	strbuf_addch(n, '0');
}

static int is_zero(const struct strbuf *n)
{
	return n->len == 1 && n->buf[0] == '0';
}

static void join_pre(struct strbuf *out, const struct strvec *pre)
{
	for (size_t i = 0; i < pre->nr; i++) {
		if (i)
			strbuf_addch(out, '.');
		strbuf_addstr(out, pre->v[i]);
	}
}

/* Whether the identifiers of id open the prerelease (node's isPrereleaseIdentifier). */
static int pre_starts_with(const struct strvec *pre, const struct strvec *ids)
{
	if (ids->nr > pre->nr)
		return 0;
	for (size_t i = 0; i < ids->nr; i++)
		if (strcmp(pre->v[i], ids->v[i]))
			return 0;
	return 1;
}

/* Increment the last numeric identifier; 0 when there is none. */
static int increment_last_number(struct strvec *pre)
{
	for (size_t i = pre->nr; i-- > 0;) {
		if (all_digits(pre->v[i], strlen(pre->v[i]))) {
			char *next = increment_str(pre->v[i]);
			free((char *)pre->v[i]);
			pre->v[i] = next;
			return 1;
		}
	}
	return 0;
}

static void set_pre(struct strvec *pre, const struct strvec *ids, const char *base)
{
	strvec_clear(pre);
	for (size_t i = 0; i < ids->nr; i++)
		strvec_push(pre, ids->v[i]);
	if (base)
		strvec_push(pre, base);
}

/* node-semver's inc('pre'): the next prerelease of the same version. */
static int bump_pre(struct draft *d, const char *preid, int base, struct strbuf *why)
{
	const char *base_str = base == 1 ? "1" : "0";
	struct strvec ids = STRVEC_INIT;

	if (!d->pre.nr) {
		strvec_push(&d->pre, base_str);
	} else if (!increment_last_number(&d->pre)) {
		struct strbuf joined = STRBUF_INIT;
		int same;
		join_pre(&joined, &d->pre);
		same = preid && !strcmp(joined.buf, preid);
		strbuf_release(&joined);
		if (same && base == SEMVER_BASE_NONE)
			return fail(why, "the prerelease is '%s' already, and without a number it cannot count up", preid);
		strvec_push(&d->pre, base_str);
	}
	if (!preid || !*preid)
		return 0;
	split_idents(&ids, preid, strlen(preid));
	/* Keep a prerelease that already continues the identifier with a number. */
	if (!pre_starts_with(&d->pre, &ids) || ids.nr >= d->pre.nr ||
	    !all_digits(d->pre.v[ids.nr], strlen(d->pre.v[ids.nr])))
		set_pre(&d->pre, &ids, base == SEMVER_BASE_NONE ? NULL : base_str);
	strvec_clear(&ids);
	return 0;
}

static int bump_draft(struct draft *d, enum semver_level level, const char *preid, int base,
		struct strbuf *why)
{
	int stable = !d->pre.nr;

	switch (level) {
	case SEMVER_MAJOR:
		if (!is_zero(&d->minor) || !is_zero(&d->patch) || stable)
			increment(&d->major);
		set_zero(&d->minor);
		set_zero(&d->patch);
		break;
	case SEMVER_MINOR:
		if (!is_zero(&d->patch) || stable)
			increment(&d->minor);
		set_zero(&d->patch);
		break;
	case SEMVER_PATCH:
		if (stable)
			increment(&d->patch);
		break;
	case SEMVER_RELEASE:
		if (stable)
			return fail(why, "it is not a prerelease");
		break;
	case SEMVER_PREMAJOR:
		increment(&d->major);
		set_zero(&d->minor);
		set_zero(&d->patch);
		strvec_clear(&d->pre);
		return bump_pre(d, preid, base, why);
	case SEMVER_PREMINOR:
		increment(&d->minor);
		set_zero(&d->patch);
		strvec_clear(&d->pre);
		return bump_pre(d, preid, base, why);
	case SEMVER_PREPATCH:
		increment(&d->patch);
		strvec_clear(&d->pre);
		return bump_pre(d, preid, base, why);
	case SEMVER_PRERELEASE:
		if (stable)
			increment(&d->patch);
		return bump_pre(d, preid, base, why);
	default:
		return fail(why, "unknown level %d", (int)level);
	}
	strvec_clear(&d->pre);
	return 0;
}

int semver_bump(struct strbuf *out, const struct semver *v, enum semver_level level,
		const char *preid, int base, struct strbuf *why)
{
	struct draft d;
	int is_pre_level = level >= SEMVER_PREMAJOR && level <= SEMVER_PRERELEASE;

	if (is_pre_level && (!preid || !*preid) && base == SEMVER_BASE_NONE)
		return fail(why, "a prerelease without a number needs an identifier");
	if (preid && !semver_preid_ok(preid, why))
		return -1;
	draft_init(&d, v);
	if (bump_draft(&d, level, preid, base, why)) {
		draft_release(&d);
		return -1;
	}
	strbuf_addbuf(out, &d.major);
	strbuf_addch(out, '.');
	strbuf_addbuf(out, &d.minor);
	strbuf_addch(out, '.');
	strbuf_addbuf(out, &d.patch);
	if (d.pre.nr) {
		strbuf_addch(out, '-');
		join_pre(out, &d.pre);
	}
	draft_release(&d);
	return 0;
}

/*
 * PEP 440 labels for a prerelease of the form LABEL.N. Only lowercase: SemVer
 * orders "RC" before "alpha", which PEP 440 would turn around.
 */
static const struct {
	const char *semver, *pep440;
} pep440_labels[] = {
	{ "a", "a" }, { "alpha", "a" },
	{ "b", "b" }, { "beta", "b" },
	{ "c", "rc" }, { "pre", "rc" }, { "preview", "rc" }, { "rc", "rc" },
	{ "dev", ".dev" }, { "post", ".post" },
};

static const char *pep440_label(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof(pep440_labels) / sizeof(*pep440_labels); i++)
		if (strlen(pep440_labels[i].semver) == len && !memcmp(pep440_labels[i].semver, p, len))
			return pep440_labels[i].pep440;
	return NULL;
}

int semver_is_pep440_label(const char *p, size_t len)
{
	return pep440_label(p, len) != NULL;
}

/* The length of a known label that opens p[0, len) and is followed by digits only, or 0. */
static size_t glued_label(const char *p, size_t len)
{
	for (size_t n = 1; n < len && n <= strlen("preview"); n++)
		if (pep440_label(p, n) && all_digits(p + n, len - n))
			return n;
	return 0;
}

static void add_core(struct strbuf *out, const struct semver *v)
{
	struct semver core = *v;

	core.pre.len = 0;
	semver_format(out, &core, 0);
}

static int no_pep440_form(struct strbuf *why, const struct semver *v)
{
	static const char *const forms[] = { "rc.1", "beta.1", "alpha.1", "dev.1", "post.1" };
	size_t pos = 0, glued, nforms = sizeof(forms) / sizeof(*forms);
	struct span first = next_ident(&v->pre, &pos);
	int single = pos > v->pre.len;

	if (!why)
		return -1;
	strbuf_addstr(why, "PEP 440 has a form only for a prerelease of one lowercase label "
		"(alpha, a, beta, b, rc, c, pre, preview, dev or post) and one number; use ");
	add_core(why, v);
	/* "rc1" and "rc" are near misses: say exactly which version is meant. */
	glued = single ? glued_label(first.p, first.len) : 0;
	if (glued) {
		const char *digits = first.p + glued, *end = first.p + first.len;
		while (digits + 1 < end && *digits == '0')
			digits++;
		strbuf_addf(why, "-%.*s.%.*s", (int)glued, first.p, (int)(end - digits), digits);
		return -1;
	}
	if (single && pep440_label(first.p, first.len)) {
		strbuf_addf(why, "-%.*s.1", (int)first.len, first.p);
		return -1;
	}
	for (size_t i = 0; i < nforms; i++) {
		if (i) {
			strbuf_addstr(why, i + 1 == nforms ? " or " : ", ");
			add_core(why, v);
		}
		strbuf_addf(why, "-%s", forms[i]);
	}
	return -1;
}

int semver_pep440(struct strbuf *out, const struct semver *v, struct strbuf *why)
{
	struct span label, number;
	const char *pep;
	size_t pos = 0;

	if (v->build.len)
		return fail(why, "build metadata has no PEP 440 form that an index accepts "
			"(PyPI refuses local versions); drop '+%.*s'",
			(int)(v->build.len > QUOTE_MAX ? QUOTE_MAX : v->build.len), v->build.p);
	if (!v->pre.len) {
		add_core(out, v);
		return 0;
	}
	label = next_ident(&v->pre, &pos);
	if (pos > v->pre.len)
		return no_pep440_form(why, v);
	number = next_ident(&v->pre, &pos);
	pep = pep440_label(label.p, label.len);
	if (!pep || pos <= v->pre.len || !all_digits(number.p, number.len))
		return no_pep440_form(why, v);
	add_core(out, v);
	strbuf_addstr(out, pep);
	strbuf_add(out, number.p, number.len);
	return 0;
}

int semver_docker_tag(struct strbuf *out, const struct semver *v, struct strbuf *why)
{
	struct strbuf tag = STRBUF_INIT;
	char *plus;

	/*
	 * '_' never occurs in a version, so writing the build separator '+'
	 * (not allowed in a tag) as '_' can be undone exactly.
	 */
	semver_format(&tag, v, 1);
	plus = memchr(tag.buf, '+', tag.len);
	if (plus)
		*plus = '_';
	if (tag.len > SEMVER_DOCKER_TAG_MAX) {
		fail(why, "it is %zu characters long and a Docker tag holds at most %d",
			tag.len, SEMVER_DOCKER_TAG_MAX);
		strbuf_release(&tag);
		return -1;
	}
	strbuf_addbuf(out, &tag);
	strbuf_release(&tag);
	return 0;
}
