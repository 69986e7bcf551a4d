/*
 * SemVer 2.0.0 precedence and the rule for moving tags: "latest", "X" and
 * "X.Y" follow only the highest stable version, never a prerelease and never
 * backwards. (A small duplicate of what semver-check does, kept here so that
 * this tool stands alone.)
 */
#include <string.h>

#include "util.h"
#include "oci.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A numeric part without leading zeros, copied into out: length used, or -1. */
static int take_number(const char *s, char out[24])
{
	int n = 0;

	while (is_digit(s[n]))
		n++;
	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

/* Dot-separated identifiers up to end; numeric ones without leading zeros. */
static int valid_idents(const char *s, size_t len, int numeric_rule)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		int all_digits = 1;

		while (j < len && s[j] != '.') {
			if (!is_ident_char(s[j]))
				return 0;
			all_digits &= is_digit(s[j]);
			j++;
		}
		if (j == i)
			return 0;
		if (numeric_rule && all_digits && j - i > 1 && s[i] == '0')
			return 0;
		if (j == len)
			return 1;
		i = j + 1;
		if (i == len)
			return 0;
	}
	return 0;
}

int semver_parse(const char *s, struct semver *v)
{
	int n;
	const char *plus;
	size_t rest;

	memset(v, 0, sizeof(*v));
	if (*s == 'v')
		s++;
	if ((n = take_number(s, v->major)) < 0 || s[n] != '.')
		return -1;
	s += n + 1;
	if ((n = take_number(s, v->minor)) < 0 || s[n] != '.')
		return -1;
	s += n + 1;
	if ((n = take_number(s, v->patch)) < 0)
		return -1;
	s += n;
	plus = strchr(s, '+');
	rest = plus ? (size_t)(plus - s) : strlen(s);
	if (*s == '-') {
		v->pre = s + 1;
		v->pre_len = rest - 1;
		if (!valid_idents(v->pre, v->pre_len, 1))
			return -1;
	} else if (rest) {
		return -1;
	}
	if (plus && !valid_idents(plus + 1, strlen(plus + 1), 0))
		return -1;
	return 0;
}

/* Compare digit strings without leading zeros: longer is bigger. */
static int numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = memcmp(a, b, alen);
	return c < 0 ? -1 : c > 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return n > 0;
}

static int precmp(const char *a, size_t alen, const char *b, size_t blen)
{
	while (alen && blen) {
		const char *ea = memchr(a, '.', alen), *eb = memchr(b, '.', blen);
		size_t la = ea ? (size_t)(ea - a) : alen, lb = eb ? (size_t)(eb - b) : blen;
		int na = all_digits(a, la), nb = all_digits(b, lb), c;

		if (na && nb)
			c = numcmp(a, la, b, lb);
		else if (na || nb)
			c = na ? -1 : 1;	/* numeric identifiers sort first */
		else {
			c = memcmp(a, b, la < lb ? la : lb);
			c = c ? (c < 0 ? -1 : 1) : (la == lb ? 0 : la < lb ? -1 : 1);
		}
		if (c)
			return c;
		a += la; alen -= la;
		b += lb; blen -= lb;
		if (alen) { a++; alen--; }
		if (blen) { b++; blen--; }
	}
	return alen ? 1 : blen ? -1 : 0;
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	int c;

	if ((c = numcmp(a->major, strlen(a->major), b->major, strlen(b->major))))
		return c;
	if ((c = numcmp(a->minor, strlen(a->minor), b->minor, strlen(b->minor))))
		return c;
	if ((c = numcmp(a->patch, strlen(a->patch), b->patch, strlen(b->patch))))
		return c;
	if (!a->pre || !b->pre)
		return a->pre ? -1 : b->pre ? 1 : 0;	/* a release outranks its prereleases */
	return precmp(a->pre, a->pre_len, b->pre, b->pre_len);
}

int tag_valid(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > 128 || tag[0] == '.' || tag[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_ident_char(tag[i]) && tag[i] != '.' && tag[i] != '_')
			return 0;
	return 1;
}

enum tag_kind tag_kind(const char *tag, struct semver *v)
{
	const char *s = tag;
	int n;

	memset(v, 0, sizeof(*v));
	if (!strcmp(tag, "latest"))
		return TAG_LATEST;
	if (!semver_parse(tag, v))
		return TAG_VERSION;
	if (*s == 'v')
		s++;
	if ((n = take_number(s, v->major)) < 0)
		return TAG_PLAIN;
	if (!s[n])
		return TAG_MAJOR;
	if (s[n] != '.')
		return TAG_PLAIN;
	s += n + 1;
	if ((n = take_number(s, v->minor)) < 0 || s[n])
		return TAG_PLAIN;
	return TAG_MINOR;
}

int tag_may_move(const char *tag, const struct semver *version,
		 const char *const *existing, size_t nr, const char **why)
{
	struct semver t, e;
	enum tag_kind kind = tag_kind(tag, &t);

	*why = NULL;
	if (kind != TAG_LATEST && kind != TAG_MAJOR && kind != TAG_MINOR)
		return 1;
	if ((kind == TAG_MAJOR || kind == TAG_MINOR) && strcmp(t.major, version->major)) {
		*why = "it names another major version";
		return -1;
	}
	if (kind == TAG_MINOR && strcmp(t.minor, version->minor)) {
		*why = "it names another minor version";
		return -1;
	}
	if (version->pre) {
		*why = "the version is a prerelease";
		return 0;
	}
	for (size_t i = 0; i < nr; i++) {
		if (semver_parse(existing[i], &e) || e.pre)
			continue;
		if (kind != TAG_LATEST && strcmp(e.major, version->major))
			continue;
		if (kind == TAG_MINOR && strcmp(e.minor, version->minor))
			continue;
		if (semver_cmp(&e, version) > 0) {
			*why = "a higher stable version is in the registry";
			return 0;
		}
	}
	return 1;
}
