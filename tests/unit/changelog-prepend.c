/* The changelog scanner, SemVer and date checks, and the prepend and extract edits. */
#include <stdlib.h>
#include <string.h>

#include "../../tools/changelog-prepend/changelog.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static char *prepend(const char *text, const char *version, const char *entries, int *code)
{
	struct prepend_opts o = { version, "2026-01-02", "v", entries, entries ? strlen(entries) : 0 };
	struct strbuf out = STRBUF_INIT;
	struct changelog cl;

	if (changelog_scan(&cl, text, strlen(text))) {
		*code = -1;
		return NULL;
	}
	*code = changelog_prepend(&cl, &o, &out);
	changelog_release(&cl);
	return strbuf_detach(&out, NULL);
}

static char *extract(const char *text, const char *version, int *code)
{
	struct strbuf out = STRBUF_INIT;
	struct changelog cl;

	changelog_scan(&cl, text, strlen(text));
	*code = changelog_extract(&cl, version, &out);
	changelog_release(&cl);
	return strbuf_detach(&out, NULL);
}

static void check_prepend(const char *text, const char *version, const char *entries,
			  const char *want, const char *what)
{
	int code;
	char *got = prepend(text, version, entries, &code);

	CHECK_INT(code, 0, what);
	CHECK_STR(got, want, what);
	free(got);
}

static void check_extract(const char *text, const char *version, const char *want, const char *what)
{
	int code;
	char *got = extract(text, version, &code);

	CHECK_INT(code, 0, what);
	CHECK_STR(got, want, what);
	free(got);
}

static void test_semver(void)
{
	static const char *const good[] = {
		"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
		"1.0.0-x.7.z.92", "1.0.0-alpha+001", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
		"1.0.0+21AF26D3----117B344092BD", "1.0.0-alpha-a.b-c", "999999999999999999999.0.0",
	};
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3+", "1.2.3-01",
		"1.2.3-a..b", "1.2.3+a..b", "v1.2.3", "1.2.3 ", " 1.2.3", "1.2.3-a_b", "a.b.c", "-1.2.3",
		"1.2.3-+", "1.2.-3",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CHECK(semver_valid(good[i], strlen(good[i])), good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(!semver_valid(bad[i], strlen(bad[i])), bad[i]);
	CHECK(semver_valid("1.2.3xyz", 5), "only len bytes are judged");
}

static void test_dates(void)
{
	CHECK(date_valid("2024-02-29"), "a leap day");
	CHECK(date_valid("2000-02-29"), "a leap day in a year divisible by 400");
	CHECK(!date_valid("1900-02-29"), "1900 was no leap year");
	CHECK(!date_valid("2025-02-29"), "2025 is no leap year");
	CHECK(!date_valid("2025-04-31"), "April has 30 days");
	CHECK(!date_valid("2025-00-10"), "month 0");
	CHECK(!date_valid("2025-1-10"), "one-digit month");
	CHECK(!date_valid("2025-01-10x"), "trailing junk");
	CHECK(date_valid("2025-12-31"), "the last day of the year");
}

static void test_scan(void)
{
	const char *text =
		"# Changelog\r\n"
		"##   [ unreleased ]  \r\n"
		"```\r\n"
		"## [9.9.9] - 2020-01-01\r\n"
		"```\r\n"
		"## v1.0.0 - 2020-01-01\r\n"
		"## Notes\r\n"
		"[1.0.0]:\r\n"
		"   https://example.com/x\r\n"
		"---";
	struct changelog cl;

	CHECK_INT(changelog_scan(&cl, text, strlen(text)), 0, "a CRLF text scans");
	CHECK_STR(cl.eol, "\r\n", "the first line end decides the style");
	CHECK_INT(cl.nr, 10, "ten lines");
	CHECK_INT(cl.line[1].kind, CL_UNRELEASED, "[Unreleased] in odd case and spacing");
	CHECK_INT(cl.line[3].kind, CL_TEXT, "a heading in a fence is text");
	CHECK(cl.line[3].fenced, "and marked fenced");
	CHECK_INT(cl.line[5].kind, CL_VERSION, "a bare v-prefixed version heading");
	CHECK(cl.line[5].a_len == 5 && !memcmp(text + cl.line[5].a_off, "1.0.0", 5), "its version without the v");
	CHECK_INT(cl.line[6].kind, CL_HEADING, "another level-2 heading");
	CHECK_INT(cl.line[7].kind, CL_LINKDEF, "a link reference");
	CHECK_INT(cl.line[7].b_len, 0, "with its url on the next line");
	CHECK_INT(cl.line[8].kind, CL_LINKCONT, "the url line");
	CHECK_INT(cl.line[9].kind, CL_RULE, "a rule without a final newline");
	CHECK_INT(changelog_find_version(&cl, "9.9.9"), -1, "9.9.9 is not a version here");
	CHECK_INT(changelog_find_version(&cl, "1.0.0"), 5, "1.0.0 is");
	changelog_release(&cl);

	CHECK_INT(changelog_scan(&cl, "a\0b", 3), -1, "a NUL byte is refused");
	changelog_release(&cl);
	CHECK_INT(changelog_scan(&cl, "", 0), 0, "an empty text scans");
	CHECK_INT(cl.nr, 0, "to no lines");
	changelog_release(&cl);
}

static void test_prepend(void)
{
	int code;
	char *got;

	check_prepend("# C\n\n## [Unreleased]\n\n- a\n\n## [1.0.0] - 2025-01-01\n\n- b\n", "1.1.0", NULL,
		      "# C\n\n## [Unreleased]\n\n## [1.1.0] - 2026-01-02\n\n- a\n\n## [1.0.0] - 2025-01-01\n\n- b\n",
		      "the [Unreleased] notes move under the new version");
	check_prepend("# C\n\n## [1.0.0] - 2025-01-01\n", "2.0.0", "### Added\n- x\n",
		      "# C\n\n## [2.0.0] - 2026-01-02\n\n### Added\n- x\n\n## [1.0.0] - 2025-01-01\n",
		      "entries go before the newest version when there is no [Unreleased]");
	check_prepend("# C\n", "0.1.0", NULL,
		      "# C\n\n## [0.1.0] - 2026-01-02\n\n### Added\n\n### Changed\n\n### Fixed\n",
		      "an empty changelog gets the template at its end");
	check_prepend("# C", "0.1.0", "- x", "# C\n\n## [0.1.0] - 2026-01-02\n\n- x\n",
		      "no final newline");
	check_prepend("# C\r\n\r\n## [Unreleased]\r\n- a\r\n", "1.0.0", "### Fixed\n- b\n",
		      "# C\r\n\r\n## [Unreleased]\r\n\r\n## [1.0.0] - 2026-01-02\r\n\r\n- a\r\n\r\n### Fixed\r\n\r\n- b\r\n",
		      "CRLF kept, entries merged after the [Unreleased] text");
	check_prepend("## [Unreleased]\n### Added\n- a\n### Fixed\n- f\n", "1.0.0", "### added\n- b\n### Security\n- s\n",
		      "## [Unreleased]\n\n## [1.0.0] - 2026-01-02\n\n### Added\n\n- a\n- b\n\n### Fixed\n\n- f\n\n### Security\n\n- s\n",
		      "groups merge case-insensitively, new groups come last");
	check_prepend("## [Unreleased]\n\n[Unreleased]: https://h/o/r/compare/v1.0.0...HEAD\n", "1.1.0", NULL,
		      "## [Unreleased]\n\n## [1.1.0] - 2026-01-02\n\n### Added\n\n### Changed\n\n### Fixed\n\n"
		      "[Unreleased]: https://h/o/r/compare/v1.1.0...HEAD\n[1.1.0]: https://h/o/r/compare/v1.0.0...v1.1.0\n",
		      "the last section stops at the link references; both links are right");
	check_prepend("## [Unreleased]\n\n[Unreleased]: https://h/o/r/compare/v1.0.0...HEAD", "1.1.0", "- x",
		      "## [Unreleased]\n\n## [1.1.0] - 2026-01-02\n\n- x\n\n"
		      "[Unreleased]: https://h/o/r/compare/v1.1.0...HEAD\n[1.1.0]: https://h/o/r/compare/v1.0.0...v1.1.0",
		      "a last link line without a newline");
	check_prepend("## [Unreleased]\n\n[unreleased]: https://example.com/commits/main\n", "1.0.0", "- x",
		      "## [Unreleased]\n\n## [1.0.0] - 2026-01-02\n\n- x\n\n[unreleased]: https://example.com/commits/main\n",
		      "a link that is no compare link is left alone");

	got = prepend("## [1.0.0] - 2025-01-01\n", "1.0.0", NULL, &code);
	CHECK_INT(code, EXIT_CONFLICT, "a version already there is a conflict");
	free(got);
	got = prepend("## [1.0.0] - 2025-01-01\n", "1.0", NULL, &code);
	CHECK_INT(code, EXIT_DATA, "a version that is not SemVer is bad data");
	free(got);
	got = prepend("# C\n", "1.0.0", "## [2.0.0]\n", &code);
	CHECK_INT(code, EXIT_DATA, "entries may not hold a version heading");
	free(got);
	got = prepend("# C\n", "1.0.0", "```\n## [2.0.0]\n```\n", &code);
	CHECK_INT(code, 0, "unless it sits in a fenced block");
	free(got);
}

static void test_extract(void)
{
	const char *text =
		"# C\n\n## [Unreleased]\n\n\n## [1.1.0] - 2025-02-01\n\n\n- b\n\n- c\n\n"
		"## [1.0.0] - 2025-01-01\n- a\n\n[1.0.0]: https://x/compare/a...b\n\n---\nfooter\n";
	int code;
	char *got;

	check_extract(text, "1.1.0", "- b\n\n- c\n", "blank lines around are trimmed, inside kept");
	check_extract(text, "v1.0.0", "- a\n", "the last section stops at the links");
	check_extract(text, "unreleased", "", "an empty [Unreleased]");
	got = extract(text, "3.0.0", &code);
	CHECK_INT(code, EXIT_NOTFOUND, "an absent version");
	free(got);
	check_extract("## 1.0.0\r\n- a\r\n- b", "1.0.0", "- a\r\n- b\r\n", "CRLF kept, a final line end added");
}

static void check_url(const char *url, const char *old, const char *version, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	int r = changelog_next_url(&out, url, old, version);

	if (want)
		CHECK_STR(r ? NULL : out.buf, want, url);
	else
		CHECK(r < 0, url);
	strbuf_release(&out);
}

static void test_styles(void)
{
	static const char *const cases[][2] = {
		{ "## [1.2.1] \xe2\x80\x94 2026-08-18", "## [2.0.0] \xe2\x80\x94 2026-01-02" },
		{ "## [v0.1.0] - 2026-01-02", "## [v2.0.0] - 2026-01-02" },
		{ "## 2026.2.0 (2026-04-24)", "## 2.0.0 (2026-01-02)" },
		{ "## 1.0rc1 - 3 April 2025 [YANKED]", "## 2.0.0 - 2 January 2026" },
		{ "### [1.0.0] not a level-2 heading", "## [2.0.0] - 2026-01-02" },
		{ "## [1.0.0]", "## [2.0.0]" },
		{ "## [1.0.0] released on the 3rd of May", "## [2.0.0] - 2026-01-02" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int code;
		char *got = prepend(cases[i][0], "2.0.0", NULL, &code), *line, *eol;
		/* the new heading: the line that names the new version */
		line = got ? strstr(got, "2.0.0") : NULL;
		while (line && line > got && line[-1] != '\n')
			line--;
		if (line && (eol = strchr(line, '\n')))
			*eol = '\0';
		CHECK_STR(line, cases[i][1], cases[i][0]);
		free(got);
	}
	check_url("https://g/o/r/compare/v0.6.1...v0.6.2", "0.6.2", "0.7.0", "https://g/o/r/compare/v0.6.2...v0.7.0");
	check_url("https://g/o/r/-/compare/rel-1.0...rel-1.1", "1.1", "1.2.0", "https://g/o/r/-/compare/rel-1.1...rel-1.2.0");
	check_url("https://g/o/r/tree/v0.16.2", "0.16.2", "0.17.0", "https://g/o/r/tree/v0.17.0");
	check_url("https://g/o/r/releases/tag/1.0.0/x/1.0.0", "1.0.0", "2.0.0", "https://g/o/r/releases/tag/1.0.0/x/2.0.0");
	check_url("https://g/o/r/releases/latest", "1.0.0", "2.0.0", NULL);
	check_url("https://g/o/r/compare/main...develop", "1.0.0", "2.0.0", NULL);
}

static void test_cr_only(void)
{
	struct changelog cl;
	const char *text = "# C\r\r## [1.0.0] - 2025-01-01\r- a\r";

	CHECK(!changelog_scan(&cl, text, strlen(text)), "a CR-only text scans");
	CHECK_INT((long long)cl.nr, 4, "CR alone ends a line");
	CHECK_STR(cl.eol, "\r", "and is the line end written back");
	CHECK_INT(changelog_find_version(&cl, "1.0.0"), 2, "its headings are found");
	changelog_release(&cl);
	check_prepend(text, "1.1.0", NULL, "# C\r\r## [1.1.0] - 2026-01-02\r\r### Added\r\r### Changed\r\r"
		"### Fixed\r\r## [1.0.0] - 2025-01-01\r- a\r", "a section in a CR-only file ends its lines in CR");
}

int main(void)
{
	test_semver();
	test_dates();
	test_scan();
	test_prepend();
	test_extract();
	test_styles();
	test_cr_only();
	return test_done();
}
