/* Unit tests of semver-check's core: grammar, precedence, bumps, renderings. */
#include <stdlib.h>
#include <string.h>

#include "pep440.h"
#include "semver.h"
#include "strbuf.h"
#include "test.h"
#include "util.h"

static int valid(const char *s, unsigned flags)
{
	struct semver v;

	return !semver_parse(&v, s, strlen(s), flags, NULL);
}

static int cmp(const char *a, const char *b)
{
	struct semver x, y;

	if (semver_parse(&x, a, strlen(a), 0, NULL) || semver_parse(&y, b, strlen(b), 0, NULL))
		return 99;
	return semver_compare(&x, &y);
}

static char *bump(const char *s, const char *level, const char *preid, int base)
{
	struct strbuf out = STRBUF_INIT;
	struct semver v;

	if (semver_parse(&v, s, strlen(s), 0, NULL) ||
	    semver_bump(&out, &v, semver_level(level), preid, base, NULL)) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

static char *render(const char *s, int docker, struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	struct semver v;
	int ret;

	if (semver_parse(&v, s, strlen(s), 0, NULL))
		return NULL;
	ret = docker ? semver_docker_tag(&out, &v, why) : semver_pep440(&out, &v, why);
	if (ret) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

static void check_bump(const char *s, const char *level, const char *preid, int base, const char *want)
{
	char *got = bump(s, level, preid, base);
	char what[160];

	snprintf(what, sizeof(what), "%s %s %s %d -> %s", s, level, preid ? preid : "-", base,
		want ? want : "refused");
	if (want)
		CHECK_STR(got, want, what);
	else
		CHECK(!got, what);
	free(got);
}

static void test_grammar(void)
{
	static const char *const good[] = {
		"0.0.0", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.0.0-alpha.beta.1",
		"1.0.0-0A.is.legal", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
		"99999999999999999999999.999999999999999999.99999999999999999", "1.2.3-0", "1.2.3+01",
	};
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "01.1.1", "1.01.1", "1.1.01", "1.2.3-0123", "1.2.3-0123.0",
		"1.2.3-", "1.2.3+", "1.2.3-+", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a.", "+invalid",
		"-1.2.3", "1.2.3-a_b", "1.2.3 ", " 1.2.3", "v1.2.3", "1.2.3+a+b", "a.b.c", "1.2.-3",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CHECK(valid(good[i], 0), good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(!valid(bad[i], 0), bad[i]);
	CHECK(valid("v1.2.3", SEMVER_ALLOW_V), "--allow-v accepts one v");
	CHECK(!valid("vv1.2.3", SEMVER_ALLOW_V), "--allow-v accepts only one v");
	CHECK(!valid("V1.2.3", SEMVER_ALLOW_V), "--allow-v accepts only a lowercase v");
	CHECK(!semver_parse(&(struct semver){ 0 }, "1.2.3\0x", 5, 0, NULL), "length bounds the input");
	CHECK(semver_parse(&(struct semver){ 0 }, "1.2.3\0x", 7, 0, NULL), "a NUL byte is refused");
}

static void test_reasons(void)
{
	struct strbuf why = STRBUF_INIT;
	struct semver v;

	semver_parse(&v, "1.2.03", 6, 0, &why);
	CHECK_STR(why.buf, "the patch version '03' has a leading zero", "leading zero reason");
	strbuf_reset(&why);
	semver_parse(&v, "1.2.3-a\tb", 9, 0, &why);
	CHECK_STR(why.buf, "expected '.', '+' or the end in the prerelease at byte 8, found a tab", "tab reason");
	strbuf_reset(&why);
	quote_untrusted(&why, "a'\x01", 3);
	CHECK_STR(why.buf, "'a\\x27\\x01'", "quote escapes quotes and control bytes");
	strbuf_release(&why);
}

static void test_parts(void)
{
	struct semver v;
	const char *s = "v12.0.345-rc.1.x-y+b.7";

	CHECK(!semver_parse(&v, s, strlen(s), SEMVER_ALLOW_V, NULL), "parses with a v");
	CHECK(v.major.len == 2 && !memcmp(v.major.p, "12", 2), "major");
	CHECK(v.minor.len == 1 && *v.minor.p == '0', "minor");
	CHECK(v.patch.len == 3 && !memcmp(v.patch.p, "345", 3), "patch");
	CHECK(v.pre.len == 8 && !memcmp(v.pre.p, "rc.1.x-y", 8), "prerelease");
	CHECK(v.build.len == 3 && !memcmp(v.build.p, "b.7", 3), "build");
}

static void test_precedence(void)
{
	/* Ascending, each strictly above the one before. */
	static const char *const chain[] = {
		"0.0.0-0", "0.0.0", "0.0.1", "0.1.0", "1.0.0-0", "1.0.0-1", "1.0.0-9", "1.0.0-10",
		"1.0.0-A", "1.0.0-Z", "1.0.0-a", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
		"1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1",
		"1.9.0", "1.10.0", "2.0.0", "9007199254740991.0.0", "90071992547409910.0.0",
		"100000000000000000000000000000.0.0",
	};
	size_t n = sizeof(chain) / sizeof(*chain);
	int ok = 1;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j;
			if (cmp(chain[i], chain[j]) != want) {
				printf("# compare(%s, %s) = %d, want %d\n", chain[i], chain[j],
					cmp(chain[i], chain[j]), want);
				ok = 0;
			}
		}
	CHECK(ok, "every pair of the chain compares by its position (antisymmetric, transitive)");
	ok = 1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct semver x, y;
			unsigned long long kx, ky;
			semver_parse(&x, chain[i], strlen(chain[i]), 0, NULL);
			semver_parse(&y, chain[j], strlen(chain[j]), 0, NULL);
			kx = semver_key(&x);
			ky = semver_key(&y);
			if (kx != ky && (kx < ky ? -1 : 1) != semver_compare(&x, &y))
				ok = 0;
		}
	CHECK(ok, "sort keys that differ order like the versions");
	CHECK(cmp("2097151.0.0", "2097152.0.0") == -1, "numbers past the key's range still compare");
	CHECK_INT(cmp("1.0.0+a", "1.0.0+b"), 0, "build metadata is ignored");
	CHECK_INT(cmp("1.0.0-x+a", "1.0.0-x"), 0, "build metadata after a prerelease is ignored");
	CHECK_INT(semver_compare_ident("2", 1, "10", 2), -1, "numeric identifiers compare as numbers");
	CHECK_INT(semver_compare_ident("99", 2, "a", 1), -1, "numeric below alphanumeric");
	CHECK_INT(semver_compare_ident("ab", 2, "a", 1), 1, "a longer alphanumeric prefix is higher");
	CHECK_INT(semver_compare_ident("1a", 2, "9", 1), 1, "1a is alphanumeric");
}

static void test_format(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct semver v;

	semver_parse(&v, "v1.2.3-rc.1+b", 13, SEMVER_ALLOW_V, NULL);
	semver_format(&sb, &v, 1);
	CHECK_STR(sb.buf, "1.2.3-rc.1+b", "format drops the v and keeps build");
	strbuf_reset(&sb);
	semver_format(&sb, &v, 0);
	CHECK_STR(sb.buf, "1.2.3-rc.1", "format without build");
	strbuf_release(&sb);
}

static void test_bump(void)
{
	check_bump("1.2.3", "major", NULL, 0, "2.0.0");
	check_bump("1.0.0-rc.1", "major", NULL, 0, "1.0.0");
	check_bump("1.2.0-rc.1", "minor", NULL, 0, "1.2.0");
	check_bump("1.2.3-rc.1", "minor", NULL, 0, "1.3.0");
	check_bump("1.2.3+b", "patch", NULL, 0, "1.2.4");
	check_bump("1.2.3", "preminor", "rc", 1, "1.3.0-rc.1");
	check_bump("1.3.0-rc.1", "prerelease", NULL, 0, "1.3.0-rc.2");
	check_bump("1.3.0-rc.1", "prerelease", "rc", 0, "1.3.0-rc.2");
	check_bump("1.3.0-rc.1", "prerelease", "beta", 0, "1.3.0-beta.0");
	check_bump("1.3.0-rc.2", "release", NULL, 0, "1.3.0");
	check_bump("1.3.0", "release", NULL, 0, NULL);
	check_bump("1.2.3-dev", "prerelease", "dev", SEMVER_BASE_NONE, NULL);
	check_bump("1.2.3", "prerelease", "", SEMVER_BASE_NONE, NULL);
	check_bump("1.2.3", "prerelease", "a/b", 0, NULL);
	check_bump("1.2.3", "prepatch", "dev", SEMVER_BASE_NONE, "1.2.4-dev");
	check_bump("1.2.3-x.9.y", "prerelease", NULL, 0, "1.2.3-x.10.y");
	check_bump("9.99.999", "patch", NULL, 0, "9.99.1000");
	check_bump("99999999999999999999.0.0", "major", NULL, 0, "100000000000000000000.0.0");
	CHECK_INT(semver_level("fake"), -1, "unknown level");
	CHECK_INT(semver_level("prerelease"), SEMVER_PRERELEASE, "known level");
}

static void check_render(const char *s, int docker, const char *want)
{
	struct strbuf why = STRBUF_INIT;
	char *got = render(s, docker, &why);
	char what[160];

	snprintf(what, sizeof(what), "%s %s -> %s", docker ? "docker" : "pep440", s, want ? want : "refused");
	if (want)
		CHECK_STR(got, want, what);
	else
		CHECK(!got && why.len, what);
	free(got);
	strbuf_release(&why);
}

static void test_render(void)
{
	check_render("1.2.3", 0, "1.2.3");
	check_render("1.2.3-alpha.1", 0, "1.2.3a1");
	check_render("1.2.3-b.2", 0, "1.2.3b2");
	check_render("1.2.3-preview.3", 0, "1.2.3rc3");
	check_render("1.2.3-dev.4", 0, "1.2.3.dev4");
	check_render("1.2.3-post.5", 0, "1.2.3.post5");
	check_render("1.2.3-test", 0, NULL);
	check_render("1.2.3-rc", 0, NULL);
	check_render("1.2.3-rc1", 0, NULL);
	check_render("1.2.3-Rc.1", 0, NULL);
	check_render("1.2.3-rc.1.dev.1", 0, NULL);
	check_render("1.2.3+b", 0, NULL);
	check_render("1.2.3", 1, "1.2.3");
	check_render("1.2.3-RC.1+Build.7", 1, "1.2.3-RC.1_Build.7");
}

static int pcmp(const char *a, const char *b)
{
	struct pep440 x, y;

	if (pep440_parse(&x, a, strlen(a), NULL) || pep440_parse(&y, b, strlen(b), NULL))
		return 99;
	return pep440_compare(&x, &y);
}

static char *pep_do(const char *s, int what, int level, enum pep440_label label, int base)
{
	struct strbuf out = STRBUF_INIT;
	struct pep440 v;
	int ret = 0;

	if (pep440_parse(&v, s, strlen(s), NULL))
		return NULL;
	if (what == 'n')
		pep440_format(&out, &v);
	else if (what == 's')
		ret = pep440_semver(&out, &v, NULL);
	else
		ret = pep440_bump(&out, &v, level, label, base, NULL);
	if (ret) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

static void check_pep(const char *s, int what, int level, enum pep440_label label, const char *want)
{
	char *got = pep_do(s, what, level, label, 1);
	char name[160];

	snprintf(name, sizeof(name), "pep440 %c %s level %d label %d -> %s", what, s, level, (int)label,
		want ? want : "refused");
	if (want)
		CHECK_STR(got, want, name);
	else
		CHECK(!got, name);
	free(got);
}

static void test_pep440_order(void)
{
	/* Ascending, each strictly above the one before: packaging's order. */
	static const char *const chain[] = {
		"0.9", "1.0.dev0", "1.0.dev1", "1.0a0.dev1", "1.0a0", "1.0a1", "1.0a1.post0.dev0",
		"1.0a1.post0", "1.0b1", "1.0rc1.dev9", "1.0rc1", "1.0", "1.0+a", "1.0+a.b", "1.0+b",
		"1.0+0", "1.0+1.a", "1.0+1.0", "1.0.post0.dev0", "1.0.post0", "1.0.post1", "1.0.0.1",
		"1.1", "1.10", "99999999999999999999999", "1!0.0.dev0", "2!0",
	};
	size_t n = sizeof(chain) / sizeof(*chain);
	int ok = 1;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (pcmp(chain[i], chain[j]) != (i < j ? -1 : i > j)) {
				printf("# pep440 compare(%s, %s) = %d\n", chain[i], chain[j], pcmp(chain[i], chain[j]));
				ok = 0;
			}
	CHECK(ok, "every pair of the PEP 440 chain compares by its position");
	CHECK_INT(pcmp("1.0", "1.0.0.0"), 0, "trailing zeros do not count");
	CHECK_INT(pcmp("v1.0RC01", "1.0rc1"), 0, "spellings of one version are equal");
	CHECK_INT(pcmp("1.0+AbC.01", "1.0+abc.1"), 0, "local versions compare normalised");
}

static void test_pep440_forms(void)
{
	check_pep("V01!0001.02-ALPHA_03-post.4.DEV-5+Ab-07", 'n', 0, PEP440_NONE, "1!1.2a3.post4.dev5+ab.7");
	check_pep("1.0-1", 'n', 0, PEP440_NONE, "1.0.post1");
	check_pep("1.0a-", 'n', 0, PEP440_NONE, "1.0a0");
	check_pep("1.0ab", 'n', 0, PEP440_NONE, NULL);
	check_pep("1.0_1", 'n', 0, PEP440_NONE, NULL);
	check_pep("1.0+", 'n', 0, PEP440_NONE, NULL);
	check_pep("1..0", 'n', 0, PEP440_NONE, NULL);
	check_pep("vv1", 'n', 0, PEP440_NONE, NULL);
	check_pep("1.0b50", 's', 0, PEP440_NONE, "1.0.0-beta.50");
	check_pep("2.1.post3", 's', 0, PEP440_NONE, "2.1.0-post.3");
	check_pep("0.6.2.dev1", 's', 0, PEP440_NONE, "0.6.2-dev.1");
	check_pep("1.2.3.0.0", 's', 0, PEP440_NONE, "1.2.3");
	check_pep("1!1.0", 's', 0, PEP440_NONE, NULL);
	check_pep("1.2.3.4", 's', 0, PEP440_NONE, NULL);
	check_pep("1.0+x", 's', 0, PEP440_NONE, NULL);
	check_pep("1.0a1.dev1", 's', 0, PEP440_NONE, NULL);
}

static void test_pep440_bump(void)
{
	check_pep("0.6.2.dev1", 'b', SEMVER_PATCH, PEP440_NONE, "0.6.2");
	check_pep("0.6.2.dev1", 'b', SEMVER_MINOR, PEP440_NONE, "0.7.0");
	check_pep("0.6.2.dev1", 'b', SEMVER_PRERELEASE, PEP440_NONE, "0.6.2.dev2");
	check_pep("0.6.2.dev1", 'b', SEMVER_PRERELEASE, PEP440_RC, "0.6.2rc1");
	check_pep("1.0.0b50", 'b', SEMVER_MAJOR, PEP440_NONE, "1.0.0");
	check_pep("1.0.0b50", 'b', SEMVER_PRERELEASE, PEP440_A, NULL);
	check_pep("2.1.post3", 'b', PEP440_POST, PEP440_NONE, "2.1.post4");
	check_pep("2.1.post3", 'b', SEMVER_RELEASE, PEP440_NONE, NULL);
	check_pep("2.1", 'b', PEP440_POST, PEP440_NONE, "2.1.post1");
	check_pep("1!2.0", 'b', SEMVER_MAJOR, PEP440_NONE, "1!3.0.0");
	check_pep("1.0rc1.post2", 'b', SEMVER_PRERELEASE, PEP440_NONE, "1.0rc2");
	check_pep("1.0.post1.dev3", 'b', SEMVER_PRERELEASE, PEP440_RC, "1.0.1rc1");
	check_pep("1.0.post1.dev3", 'b', PEP440_POST, PEP440_NONE, "1.0.post1");
	check_pep("1.0rc1", 'b', SEMVER_PREMAJOR, PEP440_NONE, NULL);
	check_pep("1.0rc1", 'b', SEMVER_PREMAJOR, PEP440_DEV, "2.0.0.dev1");
	check_pep("9.99.999", 'b', SEMVER_PATCH, PEP440_NONE, "9.99.1000");
	check_pep("1.0+local", 'b', SEMVER_MAJOR, PEP440_NONE, "2.0.0");
}

/* Every keyword from every form: greater, or refused. */
static void test_pep440_bump_invariant(void)
{
	static const char *const forms[] = {
		"0", "1.0", "1.2.3", "1.2.3.4", "1.2.3.0", "1.0a1", "1.0b2", "1.0rc3", "1.0.dev1",
		"1.0a1.dev2", "1.0.post1", "1.0.post1.dev1", "1.0rc1.post1", "1.0rc1.post1.dev1",
		"1!1.0", "1.0+x", "0.0.0.dev0", "0a0", "1.0.0.0.1rc1", "99999999999999999999.9.9",
	};
	static const int labels[] = { PEP440_NONE, PEP440_A, PEP440_B, PEP440_RC, PEP440_DEV };
	int ok = 1, bumped = 0;

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++)
		for (int level = SEMVER_MAJOR; level <= PEP440_POST; level++)
			for (size_t l = 0; l < sizeof(labels) / sizeof(*labels); l++)
				for (int base = 0; base <= 1; base++) {
					char *got = pep_do(forms[i], 'b', level, labels[l], base);
					if (got && pcmp(got, forms[i]) != 1) {
						printf("# %s level %d label %d base %d -> %s\n", forms[i], level,
							labels[l], base, got);
						ok = 0;
					}
					bumped += got != NULL;
					free(got);
				}
	CHECK(ok && bumped > 500, "every PEP 440 bump is greater than its input");
}

int main(int argc, char **argv)
{
	(void)argc;
	setup_tool(argv[0]);
	test_grammar();
	test_reasons();
	test_parts();
	test_precedence();
	test_format();
	test_bump();
	test_render();
	test_pep440_order();
	test_pep440_forms();
	test_pep440_bump();
	test_pep440_bump_invariant();
	return test_done();
}
