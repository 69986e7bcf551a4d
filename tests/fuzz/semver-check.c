/*
 * Fuzz semver-check's core. The input is up to three versions separated by
 * newlines; every one is parsed, and whatever parses must keep the
 * invariants: it formats back to itself, compares equal to itself, orders
 * antisymmetrically and transitively with the others (and so do sort keys
 * that differ), bumps to a valid
 * version (a higher one when no identifier is given), and renders or refuses
 * to render without crashing, a rendering being non-empty and well formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"
#include "strbuf.h"

#define MAX_VERSIONS 3

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_roundtrip(const struct semver *v, const char *s, size_t len, int has_v)
{
	struct strbuf sb = STRBUF_INIT;

	semver_format(&sb, v, 1);
	check(sb.len == len - has_v && !memcmp(sb.buf, s + has_v, sb.len));
	strbuf_release(&sb);
}

static void check_bumps(const struct semver *v)
{
	static const char *const ids[] = { NULL, "rc", "alpha.1", "0" };

	for (int level = SEMVER_MAJOR; level <= SEMVER_RELEASE; level++)
		for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++)
			for (int base = SEMVER_BASE_NONE; base <= 1; base++) {
				struct strbuf out = STRBUF_INIT;
				struct semver next;
				if (!semver_bump(&out, v, level, ids[i], base, NULL)) {
					check(!semver_parse(&next, out.buf, out.len, 0, NULL));
					check(!next.build.len);
					if (!ids[i] && base == 0)
						check(semver_compare(&next, v) > 0);
				}
				strbuf_release(&out);
			}
}

static void check_renders(const struct semver *v)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;

	if (!semver_pep440(&out, v, &why)) {
		check(out.len && !why.len);
		for (size_t i = 0; i < out.len; i++)
			check(strchr("0123456789.abcdeoprstv", out.buf[i]) != NULL);
	} else {
		check(why.len && !out.len);
	}
	strbuf_reset(&out);
	strbuf_reset(&why);
	if (!semver_docker_tag(&out, v, &why)) {
		check(out.len <= SEMVER_DOCKER_TAG_MAX && out.buf[0] != '.' && out.buf[0] != '-');
		for (size_t i = 0; i < out.len; i++)
			check(strchr("0123456789.-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
				out.buf[i]) != NULL);
	} else {
		check(why.len && !out.len);
	}
	strbuf_release(&out);
	strbuf_release(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct semver v[MAX_VERSIONS];
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0;

	while (p <= end && n < MAX_VERSIONS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct strbuf why = STRBUF_INIT;
		if (!semver_parse(&v[n], p, len, SEMVER_ALLOW_V, &why)) {
			check(!why.len);
			check_roundtrip(&v[n], p, len, p[0] == 'v');
			check(semver_compare(&v[n], &v[n]) == 0);
			check(!semver_parse(&v[n], p, len, SEMVER_ALLOW_V, NULL));
			check_bumps(&v[n]);
			check_renders(&v[n]);
			n++;
		} else {
			check(why.len > 0);
		}
		strbuf_release(&why);
		if (!nl)
			break;
		p = nl + 1;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = semver_compare(&v[i], &v[j]);
			check(c >= -1 && c <= 1);
			check(c == -semver_compare(&v[j], &v[i]));
			if (semver_key(&v[i]) != semver_key(&v[j]))
				check(c == (semver_key(&v[i]) < semver_key(&v[j]) ? -1 : 1));
			for (size_t k = 0; k < n; k++)
				if (c <= 0 && semver_compare(&v[j], &v[k]) <= 0)
					check(semver_compare(&v[i], &v[k]) <= 0);
		}
	return 0;
}
