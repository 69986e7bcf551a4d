/*
 * Which tags may move: "latest", "X" and "X.Y" follow only the highest stable
 * version, never a prerelease and never backwards. SemVer itself is common's.
 */
#include <string.h>

#include "util.h"
#include "oci.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int span_eq(struct span a, struct span b)
{
	return a.len == b.len && !memcmp(a.p, b.p, a.len);
}

/* A number without leading zeros at s: its length, or -1. */
static int take_number(const char *s, struct span *out)
{
	int n = 0;

	while (is_digit(s[n]))
		n++;
	if (n == 0 || (n > 1 && s[0] == '0'))
		return -1;
	out->p = s;
	out->len = n;
	return n;
}

int version_parse(const char *s, struct semver *v)
{
	return semver_parse(v, s, strlen(s), SEMVER_ALLOW_V, NULL);
}

int tag_valid(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > 128 || tag[0] == '.' || tag[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = tag[i];

		if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !strchr("._-", c))
			return 0;
	}
	return 1;
}

enum tag_kind tag_kind(const char *tag, struct semver *v)
{
	const char *s = tag;
	int n;

	memset(v, 0, sizeof(*v));
	if (!strcmp(tag, "latest"))
		return TAG_LATEST;
	if (!version_parse(tag, v))
		return TAG_VERSION;
	memset(v, 0, sizeof(*v));
	if (*s == 'v')
		s++;
	if ((n = take_number(s, &v->major)) < 0)
		return TAG_PLAIN;
	if (!s[n])
		return TAG_MAJOR;
	if (s[n] != '.')
		return TAG_PLAIN;
	s += n + 1;
	if ((n = take_number(s, &v->minor)) < 0 || s[n])
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
	if ((kind == TAG_MAJOR || kind == TAG_MINOR) && !span_eq(t.major, version->major)) {
		*why = "it names another major version";
		return -1;
	}
	if (kind == TAG_MINOR && !span_eq(t.minor, version->minor)) {
		*why = "it names another minor version";
		return -1;
	}
	if (version->pre.len) {
		*why = "the version is a prerelease";
		return 0;
	}
	for (size_t i = 0; i < nr; i++) {
		if (version_parse(existing[i], &e) || e.pre.len)
			continue;
		if (kind != TAG_LATEST && !span_eq(e.major, version->major))
			continue;
		if (kind == TAG_MINOR && !span_eq(e.minor, version->minor))
			continue;
		if (semver_compare(&e, version) > 0) {
			*why = "a higher stable version is in the registry";
			return 0;
		}
	}
	return 1;
}
