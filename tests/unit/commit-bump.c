/*
 * Conventional Commits as the reference parser reads them (every row of the
 * conformance data, deviations listed), the bump and group rules, and the
 * next version (node-semver bumps, the 0.x rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/commit-bump/conventional.h"
#include "../../tools/commit-bump/history.h"
#include "json.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static int null_or_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int lower_eq(const char *ours, const char *ref)
{
	char buf[64];
	size_t i;

	if (!ours || !ref || strlen(ref) >= sizeof(buf))
		return 0;
	for (i = 0; ref[i]; i++)
		buf[i] = ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] + 32 : ref[i];
	buf[i] = '\0';
	return !strcmp(ours, buf) && strcmp(ref, buf);
}

/* Each row: the message, and the reference parser's type, scope, breaking, revert header. */
static void test_conformance(void)
{
	const char *dir = test_vectors("conventional-commits");
	struct strbuf text = STRBUF_INIT;
	size_t rows = 0, deviations = 0;
	char *path, *line, *save = NULL;

	if (!dir)
		return;
	path = xstrfmt("%s/parsed.jsonl", dir);
	if (!CHECK(!strbuf_read_file(&text, path), "the conformance data can be read")) {
		free(path);
		return;
	}
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json j;
		struct cc_commit c;
		char *msg, *type, *scope, *revert, what[160];
		int breaking, ok;

		if (json_parse(&j, line, strlen(line))) {
			CHECK(0, "a conformance row is JSON");
			continue;
		}
		rows++;
		msg = json_string(&j, json_get(&j, 0, "message"));
		type = json_string(&j, json_get(&j, 0, "type"));
		scope = json_string(&j, json_get(&j, 0, "scope"));
		revert = json_string(&j, json_path(&j, 0, "revert.header"));
		breaking = json_is_true(&j, json_get(&j, 0, "breaking"));
		cc_parse(&c, msg, strlen(msg));
		snprintf(what, sizeof(what), "row %zu: %.100s", rows, msg);
		for (char *p = what; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		ok = null_or_eq(c.type, type);
		if (!ok && lower_eq(c.type, type)) {
			/* The one deliberate deviation: types are case-insensitive. */
			deviations++;
			ok = 1;
		}
		CHECK(ok, what);
		if (!ok)
			printf("#   type: ours '%s', reference '%s'\n", c.type ? c.type : "null", type ? type : "null");
		CHECK(null_or_eq(c.scope, scope), what);
		CHECK_INT(c.breaking, breaking, what);
		CHECK(null_or_eq(c.reverted, revert), what);
		cc_release(&c);
		free(msg);
		free(type);
		free(scope);
		free(revert);
		json_release(&j);
	}
	CHECK_INT(rows, 26, "every conformance row was read");
	CHECK_INT(deviations, 1, "one deviation: the upper-case type");
	strbuf_release(&text);
	free(path);
}

/* The parser's own fixture logs: commits separated by "===" lines. */
static void test_upstream_fixtures(void)
{
	static const struct {
		const char *file;
		int index;
		const char *type, *scope;
		int breaking;
	} want[] = {
		{ "log1.txt", 0, "feat", "ngMessages", 1 },
		{ "log2.txt", 0, "docs", "ngMessageExp", 0 },
		{ "log2.txt", 1, "fix", "$animate", 0 },
		{ "log3.txt", 0, "category", "fix:subcategory", 0 },
		{ "bad_commit.txt", 0, NULL, NULL, 0 },
	};
	const char *dir = test_vectors("conventional-commits");

	if (!dir)
		return;
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		char *path = xstrfmt("%s/upstream-fixtures/%s", dir, want[i].file);
		struct strbuf text = STRBUF_INIT;
		const char *start;
		struct cc_commit c;
		char what[128];

		snprintf(what, sizeof(what), "%s commit %d", want[i].file, want[i].index);
		if (!CHECK(!strbuf_read_file(&text, path), what)) {
			free(path);
			continue;
		}
		start = text.buf;
		for (int n = 0; n < want[i].index; n++) {
			const char *sep = strstr(start, "\n===\n");
			start = sep ? sep + 5 : text.buf + text.len;
		}
		{
			const char *sep = strstr(start, "\n===\n");
			cc_parse(&c, start, sep ? (size_t)(sep - start) : strlen(start));
		}
		CHECK(null_or_eq(c.type, want[i].type), what);
		CHECK(null_or_eq(c.scope, want[i].scope), what);
		CHECK_INT(c.breaking, want[i].breaking, what);
		cc_release(&c);
		strbuf_release(&text);
		free(path);
	}
}

static void parse(struct cc_commit *c, const char *msg)
{
	cc_parse(c, msg, strlen(msg));
}

static void check_commit(const char *msg, enum bump bump, int group, const char *entry)
{
	struct strbuf sb = STRBUF_INIT;
	struct cc_commit c;
	char what[96];

	snprintf(what, sizeof(what), "%s", msg);
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	parse(&c, msg);
	CHECK_STR(bump_name(cc_bump(&c)), bump_name(bump), what);
	CHECK_INT(cc_group(&c), group, what);
	cc_entry(&sb, &c);
	CHECK_STR(sb.buf, entry, what);
	strbuf_release(&sb);
	cc_release(&c);
}

static void test_rules(void)
{
	check_commit("feat: add a thing", BUMP_MINOR, GROUP_ADDED, "- add a thing\n");
	check_commit("FEAT(Api): upper case", BUMP_MINOR, GROUP_ADDED, "- **Api:** upper case\n");
	check_commit("fix(parser): crlf\r\n\r\nBREAKING-CHANGE: gone", BUMP_MAJOR, GROUP_FIXED,
		     "- **Breaking:** **parser:** crlf\n");
	check_commit("perf: faster", BUMP_PATCH, GROUP_CHANGED, "- faster\n");
	check_commit("refactor!: drop the old API", BUMP_MAJOR, GROUP_CHANGED, "- **Breaking:** drop the old API\n");
	check_commit("deprecate: the v1 endpoint", BUMP_PATCH, GROUP_DEPRECATED, "- the v1 endpoint\n");
	check_commit("security: CVE-2026-1 fixed", BUMP_PATCH, GROUP_SECURITY, "- CVE-2026-1 fixed\n");
	check_commit("Revert \"feat: add thing\"\n\nThis reverts commit 1234567.", BUMP_PATCH, GROUP_REMOVED,
		     "- Revert \"feat: add thing\"\n");
	check_commit("Revert \"fix: a bug\"", BUMP_PATCH, GROUP_CHANGED, "- Revert \"fix: a bug\"\n");
	check_commit("revert: feat(x): add thing", BUMP_PATCH, GROUP_REMOVED, "- feat(x): add thing\n");
	check_commit("revert: let us never speak of it", BUMP_PATCH, GROUP_CHANGED, "- let us never speak of it\n");
	check_commit("docs: spelling", BUMP_NONE, GROUP_HIDDEN, "- spelling\n");
	check_commit("chore!: drop Node 6", BUMP_MAJOR, GROUP_CHANGED, "- **Breaking:** drop Node 6\n");
	check_commit("Update README", BUMP_NONE, GROUP_HIDDEN, "- Update README\n");
	check_commit("Update README\n\nBREAKING CHANGE: moved", BUMP_MAJOR, GROUP_CHANGED, "- **Breaking:** Update README\n");
	check_commit("feat: ctrl\tchars\x1b[31m", BUMP_MINOR, GROUP_ADDED, "- ctrl chars [31m\n");
	check_commit("feat: ", BUMP_MINOR, GROUP_ADDED, "- (no description)\n");
	check_commit("fix: x\n\nbreaking change: lower case note", BUMP_MAJOR, GROUP_FIXED, "- **Breaking:** x\n");
	check_commit("fix: x\n\nBREAKING CHANGES: not the keyword", BUMP_PATCH, GROUP_FIXED, "- x\n");
	check_commit("\n\n\nfix: after blank lines", BUMP_PATCH, GROUP_FIXED, "- after blank lines\n");
	check_commit("gpg: Signature made\nfeat: signed", BUMP_MINOR, GROUP_ADDED, "- signed\n");
	check_commit("", BUMP_NONE, GROUP_HIDDEN, "- (no description)\n");
	check_commit("(scope): no type", BUMP_NONE, GROUP_HIDDEN, "- (scope): no type\n");
	check_commit("feat(x: unclosed", BUMP_NONE, GROUP_HIDDEN, "- feat(x: unclosed\n");
	check_commit("feat!: x", BUMP_MAJOR, GROUP_ADDED, "- **Breaking:** x\n");
	check_commit("feat(a): b(c)!: d", BUMP_MAJOR, GROUP_ADDED, "- **Breaking:** **a): b(c:** d\n");
}

static void check_bump(const char *from, enum bump b, int zero, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	struct history h;
	char what[96];
	int r;

	snprintf(what, sizeof(what), "%s + %s%s = %s", from, bump_name(b), zero ? " (0.x rule)" : "", want);
	memset(&h, 0, sizeof(h));
	if (!CHECK(!semver_parse(&h.current, from, strlen(from), 0, NULL), what))
		return;
	h.bump = b;
	r = history_next(&h, zero, &sb);
	if (want)
		CHECK_STR(sb.buf, want, what);
	else
		CHECK(r == -1 && !sb.len, what);
	strbuf_release(&sb);
}

static void test_next(void)
{
	struct history h;

	check_bump("1.2.3", BUMP_MAJOR, 0, "2.0.0");
	check_bump("1.2.3", BUMP_MINOR, 0, "1.3.0");
	check_bump("1.2.3", BUMP_PATCH, 0, "1.2.4");
	check_bump("1.2.3", BUMP_NONE, 0, NULL);
	check_bump("0.0.0", BUMP_MINOR, 0, "0.1.0");
	check_bump("0.4.1", BUMP_MAJOR, 1, "0.5.0");
	check_bump("0.4.1", BUMP_MINOR, 1, "0.4.2");
	check_bump("0.4.1", BUMP_PATCH, 1, "0.4.2");
	check_bump("1.4.1", BUMP_MAJOR, 1, "2.0.0");
	check_bump("2.0.0-rc.1", BUMP_MAJOR, 0, "2.0.0");
	check_bump("2.1.0-rc.1", BUMP_MAJOR, 0, "3.0.0");
	check_bump("2.1.0-rc.1", BUMP_MINOR, 0, "2.1.0");
	check_bump("2.1.1-rc.1", BUMP_MINOR, 0, "2.2.0");
	check_bump("2.1.1-rc.1", BUMP_PATCH, 0, "2.1.1");
	check_bump("1.0.0+build", BUMP_PATCH, 0, "1.0.1");
	check_bump("99999999999999999999999.0.0", BUMP_MAJOR, 0, "100000000000000000000000.0.0");

	memset(&h, 0, sizeof(h));
	semver_parse(&h.current, "0.9.0", 5, 0, NULL);
	h.bump = BUMP_MAJOR;
	CHECK_STR(bump_name(history_bump(&h, 1)), "minor", "the 0.x rule lowers the bump word too");
	CHECK_STR(bump_name(history_bump(&h, 0)), "major", "not without it");
}

int main(void)
{
	test_conformance();
	test_upstream_fixtures();
	test_rules();
	test_next();
	return test_done();
}
