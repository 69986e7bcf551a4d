/*
 * Fuzz semver-check's core. The input is up to three versions separated by
 * newlines; every one is parsed, and whatever parses must keep the
 * invariants: it formats back to itself, compares equal to itself, orders
 * antisymmetrically and transitively with the others (and so do sort keys
 * that differ), bumps to a valid
 * version (a higher one when no identifier is given), and renders or refuses
 * to render without crashing, a rendering being non-empty and well formed.
 * Each line is also read as PEP 440: whatever parses normalises to a form that
 * parses equal, orders consistently with the others, has a SemVer form only
 * when that form reads back equal, and bumps by every keyword to a version
 * that is greater, or is refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pep440.h"
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

static int pep_equal(const char *s, size_t len, const struct pep440 *v)
{
	struct pep440 w;

	return !pep440_parse(&w, s, len, NULL) && pep440_compare(&w, v) == 0;
}

static void check_pep_bumps(const struct pep440 *v)
{
	static const int labels[] = { PEP440_NONE, PEP440_A, PEP440_RC, PEP440_DEV };

	for (int level = SEMVER_MAJOR; level <= PEP440_POST; level++)
		for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
			for (int base = 0; base <= 1; base++) {
				struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
				struct pep440 next;
				if (!pep440_bump(&out, v, level, labels[i], base, &why)) {
					check(!pep440_parse(&next, out.buf, out.len, NULL));
					check(pep440_compare(&next, v) > 0);
					check(!next.local.len);
				} else {
					check(why.len && !out.len);
				}
				strbuf_release(&out);
				strbuf_release(&why);
			}
}

/* Read as PEP 440; returns 1 when it parsed. */
static int check_pep(struct pep440 *v, const char *p, size_t len)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;

	if (pep440_parse(v, p, len, &why)) {
		check(why.len > 0);
		strbuf_release(&why);
		return 0;
	}
	check(pep440_compare(v, v) == 0);
	pep440_format(&out, v);
	check(pep_equal(out.buf, out.len, v));
	strbuf_reset(&out);
	if (!pep440_semver(&out, v, &why)) {
		struct semver s;
		check(!semver_parse(&s, out.buf, out.len, 0, NULL) && pep_equal(out.buf, out.len, v));
	} else {
		check(why.len && !out.len);
	}
	check_pep_bumps(v);
	strbuf_release(&out);
	strbuf_release(&why);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct semver v[MAX_VERSIONS];
	struct pep440 pv[MAX_VERSIONS];
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0, np = 0;

	while (p <= end && n < MAX_VERSIONS && np < MAX_VERSIONS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct strbuf why = STRBUF_INIT;
		np += check_pep(&pv[np], p, len);
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
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < np; j++) {
			int c = pep440_compare(&pv[i], &pv[j]);
			check(c >= -1 && c <= 1 && c == -pep440_compare(&pv[j], &pv[i]));
			for (size_t k = 0; k < np; k++)
				if (c <= 0 && pep440_compare(&pv[j], &pv[k]) <= 0)
					check(pep440_compare(&pv[i], &pv[k]) <= 0);
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
