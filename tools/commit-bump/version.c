/* SemVer numbers: parse, compare by precedence, bump. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"
#include "version.h"

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int ident_char(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A number without leading zeros that fits 64 bits; *s moves past it. */
static int parse_number(const char **s, unsigned long long *out)
{
	const char *p = *s;
	unsigned long long v = 0;

	if (!is_digit(*p) || (p[0] == '0' && is_digit(p[1])))
		return -1;
	for (; is_digit(*p); p++) {
		if (v > (~0ULL - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Dot-separated identifiers up to end; numeric ones without leading zeros when strict. */
static int idents_ok(const char *s, const char *end, int strict)
{
	const char *start = s;

	for (;; s++) {
		if (s < end && *s != '.') {
			if (!ident_char((unsigned char)*s))
				return 0;
			continue;
		}
		if (s == start)
			return 0;
		if (strict && all_digits(start, s - start) && s - start > 1 && *start == '0')
			return 0;
		if (s == end)
			return 1;
		start = s + 1;
	}
}

int semver_parse(struct semver *v, const char *s)
{
	const char *p = s, *plus, *end = s + strlen(s);

	memset(v, 0, sizeof(*v));
	if (parse_number(&p, &v->major) || *p++ != '.' ||
	    parse_number(&p, &v->minor) || *p++ != '.' ||
	    parse_number(&p, &v->patch))
		return -1;
	plus = strchr(p, '+');
	if (plus && !idents_ok(plus + 1, end, 0))
		return -1;
	if (*p == '-') {
		const char *pre_end = plus ? plus : end;
		if (!idents_ok(p + 1, pre_end, 1))
			return -1;
		v->pre = xstrndup(p + 1, pre_end - p - 1);
		p = pre_end;
	}
	if (*p && *p != '+') {
		semver_release(v);
		return -1;
	}
	return 0;
}

void semver_release(struct semver *v)
{
	free(v->pre);
	v->pre = NULL;
}

static int cmp_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b;
}

/* One pre-release identifier: numbers below words, numbers by value, words by ASCII. */
static int cmp_ident(const char *a, size_t an, const char *b, size_t bn)
{
	int anum = all_digits(a, an), bnum = all_digits(b, bn), c;

	if (anum != bnum)
		return anum ? -1 : 1;
	if (anum && an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : cmp_ull(an, bn);
}

static int cmp_pre(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	for (;;) {
		size_t an = strcspn(a, "."), bn = strcspn(b, ".");
		int c = cmp_ident(a, an, b, bn);

		if (c)
			return c;
		a += an;
		b += bn;
		if (!*a || !*b)
			return !!*a - !!*b;
		a++;
		b++;
	}
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	int c;

	if ((c = cmp_ull(a->major, b->major)) || (c = cmp_ull(a->minor, b->minor)) ||
	    (c = cmp_ull(a->patch, b->patch)))
		return c;
	return cmp_pre(a->pre, b->pre);
}

void semver_bump(struct semver *v, enum bump b, int zero_major)
{
	int pre = v->pre != NULL;

	if (zero_major && v->major == 0 && b != BUMP_NONE && b != BUMP_PATCH)
		b = b == BUMP_MAJOR ? BUMP_MINOR : BUMP_PATCH;
	if (b == BUMP_NONE)
		return;
	semver_release(v);
	switch (b) {
	case BUMP_MAJOR:
		if (!(pre && v->minor == 0 && v->patch == 0))
			v->major++;
		v->minor = v->patch = 0;
		break;
	case BUMP_MINOR:
		if (!(pre && v->patch == 0))
			v->minor++;
		v->patch = 0;
		break;
	default:
		if (!pre)
			v->patch++;
		break;
	}
}

void semver_format(struct strbuf *sb, const struct semver *v)
{
	strbuf_addf(sb, "%llu.%llu.%llu", v->major, v->minor, v->patch);
	if (v->pre)
		strbuf_addf(sb, "-%s", v->pre);
}
