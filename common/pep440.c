/*
 * PEP 440 core: the grammar of packaging's VERSION_PATTERN read by hand,
 * packaging's ordering key, the normalised form, the SemVer mapping and the
 * bumps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pep440.h"
#include "strvec.h"
#include "util.h"

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int is_alnum(int c)
{
	return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
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

/* The digits at *pos (maybe none); *pos moves past them. */
static struct span digits(const char *s, size_t len, size_t *pos)
{
	struct span d = { s + *pos, 0 };

	while (*pos + d.len < len && is_digit((unsigned char)s[*pos + d.len]))
		d.len++;
	*pos += d.len;
	return d;
}

/* The digits of n without leading zeros, "0" for none at all. */
static struct span strip(struct span n)
{
	while (n.len > 1 && n.p[0] == '0') {
		n.p++;
		n.len--;
	}
	if (!n.len)
		n = (struct span){ "0", 1 };
	return n;
}

struct span pep440_number(struct span n)
{
	return strip(n);
}

static int compare_number(struct span a, struct span b)
{
	a = strip(a);
	b = strip(b);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return sign(memcmp(a.p, b.p, a.len));
}

static int is_zero(struct span n)
{
	n = strip(n);
	return n.len == 1 && n.p[0] == '0';
}

/* Whether a label (lowercase) opens s at pos, in any case; its length or 0. */
static size_t match_word(const char *s, size_t len, size_t pos, const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[pos + i]) != word[i])
			return 0;
	return n;
}

/* Longest first, as the pattern's alternation tries them. */
static const struct {
	const char *word;
	enum pep440_label label;
} pre_words[] = {
	{ "alpha", PEP440_A }, { "a", PEP440_A }, { "beta", PEP440_B }, { "b", PEP440_B },
	{ "preview", PEP440_RC }, { "pre", PEP440_RC }, { "c", PEP440_RC }, { "rc", PEP440_RC },
};

static const char *const post_words[] = { "post", "rev", "r" };

/* [-_.]? WORD [-_.]? N? starting at *pos; 1 when it matched (and *pos moved). */
static int labelled(const char *s, size_t len, size_t *pos, const char *word, struct span *n)
{
	size_t p = *pos, w;

	if (p < len && is_sep((unsigned char)s[p]))
		p++;
	if (!(w = match_word(s, len, p, word)))
		return 0;
	p += w;
	if (p < len && is_sep((unsigned char)s[p]))
		p++;
	*n = digits(s, len, &p);
	*pos = p;
	return 1;
}

static void parse_pre(struct pep440 *v, const char *s, size_t len, size_t *pos)
{
	for (size_t i = 0; i < sizeof(pre_words) / sizeof(*pre_words); i++) {
		if (labelled(s, len, pos, pre_words[i].word, &v->pre_n)) {
			v->pre = pre_words[i].label;
			return;
		}
	}
}

static void parse_post(struct pep440 *v, const char *s, size_t len, size_t *pos)
{
	/* "1.0-1" is a post-release: a dash and digits, nothing else */
	if (*pos + 1 < len && s[*pos] == '-' && is_digit((unsigned char)s[*pos + 1])) {
		(*pos)++;
		v->post_n = digits(s, len, pos);
		v->post = 1;
		return;
	}
	for (size_t i = 0; i < sizeof(post_words) / sizeof(*post_words) && !v->post; i++)
		v->post = labelled(s, len, pos, post_words[i], &v->post_n);
}

static int parse_local(struct pep440 *v, const char *s, size_t len, size_t *pos, struct strbuf *why)
{
	v->local.p = s + *pos;
	for (;;) {
		size_t start = *pos;
		while (*pos < len && is_alnum((unsigned char)s[*pos]))
			(*pos)++;
		if (*pos == start)
			return unexpected(why, s, len, *pos, "a letter or digit in the local version");
		if (*pos >= len || !is_sep((unsigned char)s[*pos]))
			break;
		(*pos)++;
	}
	v->local.len = (size_t)(s + *pos - v->local.p);
	return 0;
}

int pep440_parse(struct pep440 *v, const char *s, size_t len, struct strbuf *why)
{
	size_t pos = 0, mark;
	struct span n;

	memset(v, 0, sizeof(*v));
	if (!len)
		return fail(why, "it is empty");
	if (lower((unsigned char)s[0]) == 'v')
		pos++;
	mark = pos;
	n = digits(s, len, &pos);
	if (n.len && pos < len && s[pos] == '!') {
		v->epoch = n;
		pos++;
	} else {
		pos = mark;
	}
	v->release.p = s + pos;
	do {
		if (!digits(s, len, &pos).len)
			return unexpected(why, s, len, pos, "a release number");
		v->nrelease++;
	} while (pos + 1 < len && s[pos] == '.' && is_digit((unsigned char)s[pos + 1]) && ++pos);
	v->release.len = (size_t)(s + pos - v->release.p);
	parse_pre(v, s, len, &pos);
	parse_post(v, s, len, &pos);
	v->dev = labelled(s, len, &pos, "dev", &v->dev_n);
	if (pos < len && s[pos] == '+') {
		pos++;
		if (parse_local(v, s, len, &pos, why))
			return -1;
	}
	if (pos < len)
		return unexpected(why, s, len, pos, "a pre, post or dev release, a local version or the end");
	return 0;
}

struct span pep440_release_part(const struct pep440 *v, size_t i)
{
	const char *p = v->release.p, *end = p + v->release.len, *dot;

	for (size_t k = 0; k < i; k++) {
		if (!(dot = memchr(p, '.', (size_t)(end - p))))
			return (struct span){ "0", 1 };
		p = dot + 1;
	}
	dot = memchr(p, '.', (size_t)(end - p));
	return strip((struct span){ p, (size_t)((dot ? dot : end) - p) });
}

static int compare_release(const struct pep440 *a, const struct pep440 *b)
{
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;
	int c;

	for (size_t i = 0; i < n; i++)
		if ((c = compare_number(pep440_release_part(a, i), pep440_release_part(b, i))))
			return c;
	return 0;
}

/* packaging's key for the pre-release: a dev release of a final version first, a final version last. */
static int pre_rank(const struct pep440 *v)
{
	if (!v->pre && !v->post && v->dev)
		return 0;
	return v->pre ? (int)v->pre : 4;
}

/* The next segment of a local version: its bytes, and *pos past its separator. */
static struct span local_segment(struct span l, size_t *pos)
{
	struct span seg = { l.p + *pos, 0 };

	while (*pos + seg.len < l.len && !is_sep((unsigned char)l.p[*pos + seg.len]))
		seg.len++;
	*pos += seg.len + 1;
	return seg;
}

static int all_digits(struct span s)
{
	for (size_t i = 0; i < s.len; i++)
		if (!is_digit((unsigned char)s.p[i]))
			return 0;
	return 1;
}

/* Numbers above words, numbers by value, words by their lowercase bytes. */
static int compare_local_segment(struct span a, struct span b)
{
	int anum = all_digits(a), bnum = all_digits(b);
	size_t n = a.len < b.len ? a.len : b.len;

	if (anum && bnum)
		return compare_number(a, b);
	if (anum != bnum)
		return anum ? 1 : -1;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i]))
			return lower((unsigned char)a.p[i]) < lower((unsigned char)b.p[i]) ? -1 : 1;
	return a.len == b.len ? 0 : a.len < b.len ? -1 : 1;
}

static int compare_local(struct span a, struct span b)
{
	size_t apos = 0, bpos = 0;
	int c;

	if (!a.len || !b.len)
		return (a.len > 0) - (b.len > 0);
	for (;;) {
		int aend = apos > a.len, bend = bpos > b.len;
		if (aend || bend)
			return bend - aend;
		if ((c = compare_local_segment(local_segment(a, &apos), local_segment(b, &bpos))))
			return c;
	}
}

int pep440_compare(const struct pep440 *a, const struct pep440 *b)
{
	int c;

	if ((c = compare_number(a->epoch, b->epoch)) || (c = compare_release(a, b)))
		return c;
	if ((c = sign(pre_rank(a) - pre_rank(b))))
		return c;
	if (a->pre && (c = compare_number(a->pre_n, b->pre_n)))
		return c;
	if (a->post != b->post)
		return a->post ? 1 : -1;
	if (a->post && (c = compare_number(a->post_n, b->post_n)))
		return c;
	if (a->dev != b->dev)
		return a->dev ? -1 : 1;
	if (a->dev && (c = compare_number(a->dev_n, b->dev_n)))
		return c;
	return compare_local(a->local, b->local);
}

static void add_number(struct strbuf *out, struct span n)
{
	n = strip(n);
	strbuf_add(out, n.p, n.len);
}

static const char *const label_names[] = { "", "a", "b", "rc", ".dev" };

static void add_release(struct strbuf *out, const struct pep440 *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '.');
		add_number(out, pep440_release_part(v, i));
	}
}

void pep440_format(struct strbuf *out, const struct pep440 *v)
{
	if (!is_zero(v->epoch)) {
		add_number(out, v->epoch);
		strbuf_addch(out, '!');
	}
	add_release(out, v, v->nrelease);
	if (v->pre) {
		strbuf_addstr(out, label_names[v->pre]);
		add_number(out, v->pre_n);
	}
	if (v->post) {
		strbuf_addstr(out, ".post");
		add_number(out, v->post_n);
	}
	if (v->dev) {
		strbuf_addstr(out, ".dev");
		add_number(out, v->dev_n);
	}
	if (v->local.len) {
		size_t pos = 0;
		strbuf_addch(out, '+');
		while (pos <= v->local.len) {
			struct span seg = local_segment(v->local, &pos);
			if (all_digits(seg)) {
				add_number(out, seg);
			} else {
				for (size_t i = 0; i < seg.len; i++)
					strbuf_addch(out, lower((unsigned char)seg.p[i]));
			}
			if (pos <= v->local.len)
				strbuf_addch(out, '.');
		}
	}
}

/* How many release numbers carry value: trailing zeros past the third do not. */
static size_t significant_release(const struct pep440 *v)
{
	size_t n = v->nrelease;

	while (n > 3 && is_zero(pep440_release_part(v, n - 1)))
		n--;
	return n;
}

static const char *const semver_labels[] = { "", "alpha", "beta", "rc" };

int pep440_semver(struct strbuf *out, const struct pep440 *v, struct strbuf *why)
{
	size_t n = significant_release(v);
	int parts = !!v->pre + v->post + v->dev;

	if (!is_zero(v->epoch))
		return fail(why, "SemVer has no epoch, so a version with one ('%.*s!') has no SemVer "
			"or tag form", (int)strip(v->epoch).len, strip(v->epoch).p);
	if (n > 3)
		return fail(why, "it has %zu release numbers and SemVer has three; a bump by major, minor "
			"or patch leaves the others behind", n);
	if (v->local.len)
		return fail(why, "a local version ('+%.*s') is not for release: package indexes refuse "
			"it and SemVer ignores it when ordering", (int)(v->local.len > 48 ? 48 : v->local.len),
			v->local.p);
	if (parts > 1 && !why)
		return -1;
	if (parts > 1) {
		struct pep440 instead = *v;
		instead.dev = 0;
		if (!v->dev) {
			/* a post-release of a pre-release: the next pre-release is above it */
			instead.post = 0;
		}
		fail(why, "SemVer has one pre-release part where this version combines %s, and it would "
			"order them otherwise than PEP 440; ", v->pre && v->dev ? "a pre-release with a "
			"dev release" : v->post && v->dev ? "a post-release with a dev release" :
			"a pre-release with a post-release");
		if (v->dev && !(v->pre && v->post)) {
			strbuf_addstr(why, "use ");
			pep440_format(why, &instead);
		} else {
			strbuf_addstr(why, "use the next pre-release");
		}
		return -1;
	}
	add_release(out, v, 3);
	if (v->pre) {
		strbuf_addf(out, "-%s.", semver_labels[v->pre]);
		add_number(out, v->pre_n);
	} else if (v->post || v->dev) {
		strbuf_addstr(out, v->post ? "-post." : "-dev.");
		add_number(out, v->post ? v->post_n : v->dev_n);
	}
	return 0;
}

int pep440_docker_tag(struct strbuf *out, const struct pep440 *v, struct strbuf *why)
{
	struct strbuf sv = STRBUF_INIT;
	struct semver s;
	int ret = pep440_semver(&sv, v, why);

	if (!ret && semver_parse(&s, sv.buf, sv.len, 0, why))
		ret = -1;	/* cannot happen: the SemVer form is valid */
	if (!ret)
		ret = semver_docker_tag(out, &s, why);
	strbuf_release(&sv);
	return ret;
}

int pep440_level(const char *name)
{
	return !strcmp(name, "post") ? PEP440_POST : semver_level(name);
}

int pep440_label_of(const char *id)
{
	if (!strcmp(id, "dev"))
		return PEP440_DEV;
	for (size_t i = 0; i < sizeof(pre_words) / sizeof(*pre_words); i++)
		if (!strcmp(id, pre_words[i].word))
			return (int)pre_words[i].label;
	return -1;
}

/* A version being bumped, as normalised strings. */
struct draft {
	struct strbuf epoch;
	struct strvec release;
	enum pep440_label pre;
	struct strbuf pre_n;
	int post, dev;
	struct strbuf post_n, dev_n;
};

static void set_number(struct strbuf *sb, struct span n)
{
	n = strip(n);
	strbuf_reset(sb);
	strbuf_add(sb, n.p, n.len);
}

static void draft_init(struct draft *d, const struct pep440 *v)
{
	strbuf_init(&d->epoch, 0);
	strbuf_init(&d->pre_n, 0);
	strbuf_init(&d->post_n, 0);
	strbuf_init(&d->dev_n, 0);
	strvec_init(&d->release);
	set_number(&d->epoch, v->epoch);
	for (size_t i = 0; i < v->nrelease; i++) {
		struct span p = pep440_release_part(v, i);
		char *copy = xstrndup(p.p, p.len);
		strvec_push(&d->release, copy);
		free(copy);
	}
	d->pre = v->pre;
	set_number(&d->pre_n, v->pre_n);
	d->post = v->post;
	set_number(&d->post_n, v->post_n);
	d->dev = v->dev;
	set_number(&d->dev_n, v->dev_n);
}

static void draft_release(struct draft *d)
{
	strbuf_release(&d->epoch);
	strbuf_release(&d->pre_n);
	strbuf_release(&d->post_n);
	strbuf_release(&d->dev_n);
	strvec_clear(&d->release);
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

/* Release number i plus one, every number after it zero, three numbers at least. */
static void bump_release(struct draft *d, size_t i)
{
	struct strbuf n = STRBUF_INIT;

	while (d->release.nr < 3)
		strvec_push(&d->release, "0");
	strbuf_addstr(&n, d->release.v[i]);
	increment(&n);
	free((char *)d->release.v[i]);
	d->release.v[i] = strbuf_detach(&n, NULL);
	while (d->release.nr > 3)
		strvec_pop(&d->release);
	for (size_t k = i + 1; k < 3; k++) {
		free((char *)d->release.v[k]);
		d->release.v[k] = xstrdup("0");
	}
}

/* Exactly three release numbers: the ones past the third are zero when this is called. */
static void cut_release(struct draft *d)
{
	while (d->release.nr < 3)
		strvec_push(&d->release, "0");
	while (d->release.nr > 3)
		strvec_pop(&d->release);
}

static int zero_after(const struct draft *d, size_t i)
{
	for (size_t k = i + 1; k < d->release.nr; k++)
		if (strcmp(d->release.v[k], "0"))
			return 0;
	return 1;
}

static void clear_labels(struct draft *d)
{
	d->pre = PEP440_NONE;
	d->post = d->dev = 0;
}

static void start_series(struct draft *d, enum pep440_label label, int base)
{
	struct strbuf *n = label == PEP440_DEV ? &d->dev_n : &d->pre_n;

	clear_labels(d);
	if (label == PEP440_DEV)
		d->dev = 1;
	else
		d->pre = label;
	strbuf_reset(n);
	strbuf_addch(n, base ? '1' : '0');
}

/* Below the release it names: a pre-release, or a dev release of no post-release. */
static int unreleased(const struct draft *d)
{
	return d->pre || (d->dev && !d->post);
}

static int bump_level(struct draft *d, size_t i)
{
	if (!(unreleased(d) && zero_after(d, i)))
		bump_release(d, i);
	cut_release(d);
	clear_labels(d);
	return 0;
}

static int bump_prerelease(struct draft *d, enum pep440_label label, int base, struct strbuf *why)
{
	if (!label) {
		if (d->dev) {
			increment(&d->dev_n);
			return 0;
		}
		if (d->pre) {
			d->post = 0;
			increment(&d->pre_n);
			return 0;
		}
		return fail(why, "it is a final release: name the pre-release to start (a, b, rc or dev)");
	}
	if (label == PEP440_DEV && d->dev) {
		increment(&d->dev_n);
		return 0;
	}
	if (!unreleased(d)) {
		bump_release(d, 2);
		start_series(d, label, base);
		return 0;
	}
	if (label == PEP440_DEV || label < d->pre)
		return fail(why, "%s releases come before %s ones, so one would be lower: start it "
			"on the next release, or release this one", label == PEP440_DEV ? "dev" :
			label_names[label], label_names[d->pre]);
	if (label > d->pre) {
		start_series(d, label, base);
		return 0;
	}
	/* the same label: a dev release of rc1 leads to rc1 itself, a post-release past it */
	if (!d->dev || d->post)
		increment(&d->pre_n);
	d->post = d->dev = 0;
	return 0;
}

static int bump_post(struct draft *d, int base, struct strbuf *why)
{
	if (unreleased(d))
		return fail(why, "a post-release follows a final release and this is a pre-release");
	if (d->dev)
		d->dev = 0;
	else if (d->post)
		increment(&d->post_n);
	else {
		d->post = 1;
		strbuf_reset(&d->post_n);
		strbuf_addch(&d->post_n, base ? '1' : '0');
	}
	return 0;
}

static int bump_draft(struct draft *d, int level, enum pep440_label label, int base, struct strbuf *why)
{
	switch (level) {
	case SEMVER_MAJOR: return bump_level(d, 0);
	case SEMVER_MINOR: return bump_level(d, 1);
	case SEMVER_PATCH: return bump_level(d, 2);
	case SEMVER_RELEASE:
		if (unreleased(d))
			clear_labels(d);
		else if (d->dev)
			d->dev = 0;
		else
			return fail(why, "it is a final release already");
		return 0;
	case SEMVER_PREMAJOR: case SEMVER_PREMINOR: case SEMVER_PREPATCH:
		if (!label)
			return fail(why, "name the pre-release to start (a, b, rc or dev)");
		bump_release(d, (size_t)(level - SEMVER_PREMAJOR));
		start_series(d, label, base);
		return 0;
	case SEMVER_PRERELEASE: return bump_prerelease(d, label, base, why);
	case PEP440_POST: return bump_post(d, base, why);
	}
	return fail(why, "unknown level %d", level);
}

static void draft_format(struct strbuf *out, const struct draft *d)
{
	if (strcmp(d->epoch.buf, "0"))
		strbuf_addf(out, "%s!", d->epoch.buf);
	for (size_t i = 0; i < d->release.nr; i++)
		strbuf_addf(out, "%s%s", i ? "." : "", d->release.v[i]);
	if (d->pre)
		strbuf_addf(out, "%s%s", label_names[d->pre], d->pre_n.buf);
	if (d->post)
		strbuf_addf(out, ".post%s", d->post_n.buf);
	if (d->dev)
		strbuf_addf(out, ".dev%s", d->dev_n.buf);
}

int pep440_bump(struct strbuf *out, const struct pep440 *v, int level, enum pep440_label label,
		int base, struct strbuf *why)
{
	struct draft d;
	int ret;

	draft_init(&d, v);
	ret = bump_draft(&d, level, label, base, why);
	if (!ret)
		draft_format(out, &d);
	draft_release(&d);
	return ret;
}
