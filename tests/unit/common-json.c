/* json: strict parsing, lookups, unescaping (with surrogates) and the escaping writer. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static int parses(const char *s)
{
	struct json j;
	int ok = json_parse(&j, s, strlen(s)) == 0;

	json_release(&j);
	return ok;
}

static void test_lookup(void)
{
	const char *doc = "{\"info\": {\"version\": \"1.2.3\", \"n\": 42, \"yes\": true, \"none\": null},"
			  " \"urls\": [{\"filename\": \"a.whl\"}, {\"filename\": \"b.tar.gz\", \"digests\": {\"sha256\": \"ab\"}}],"
			  " \"k\\u0065y\": \"esc\"}";
	struct json j;
	long long n;
	char *s;

	CHECK(json_parse(&j, doc, strlen(doc)) == 0, "parses a nested document");
	CHECK(json_streq(&j, json_path(&j, 0, "info.version"), "1.2.3"), "dotted path reaches a nested string");
	CHECK(json_int(&j, json_path(&j, 0, "info.n"), &n) == 0 && n == 42, "reads an integer");
	CHECK(json_is_true(&j, json_path(&j, 0, "info.yes")), "reads true");
	CHECK(json_is_null(&j, json_path(&j, 0, "info.none")), "reads null");
	CHECK(json_streq(&j, json_path(&j, 0, "urls.1.filename"), "b.tar.gz"), "array index in a path");
	CHECK(json_streq(&j, json_path(&j, 0, "urls.1.digests.sha256"), "ab"), "path after an array element with children");
	CHECK(json_path(&j, 0, "urls.2") == -1, "an index past the end is absent");
	CHECK(json_path(&j, 0, "info.missing") == -1, "a missing key is absent");
	CHECK(json_get(&j, json_path(&j, 0, "info.version"), "x") == -1, "a lookup in a non-object is absent");
	CHECK(json_streq(&j, json_get(&j, 0, "key"), "esc"), "keys are compared after unescaping");
	s = json_string(&j, json_path(&j, 0, "info.n"));
	CHECK(s == NULL, "json_string refuses a number");
	json_release(&j);
}

static void test_unescape(void)
{
	const char *doc = "[\"a\\\"b\\\\c\\/d\\n\", \"\\u00e9\\ud83d\\ude00\", \"\\ud83d\", \"\\u0000x\"]";
	struct json j;
	char *s;

	CHECK(json_parse(&j, doc, strlen(doc)) == 0, "parses escapes");
	s = json_string(&j, json_at(&j, 0, 0));
	CHECK_STR(s, "a\"b\\c/d\n", "simple escapes");
	free(s);
	s = json_string(&j, json_at(&j, 0, 1));
	CHECK_STR(s, "\xc3\xa9\xf0\x9f\x98\x80", "\\u escapes become UTF-8, surrogate pairs joined");
	free(s);
	CHECK(json_string(&j, json_at(&j, 0, 2)) == NULL, "a lone high surrogate is refused");
	s = json_string(&j, json_at(&j, 0, 3));
	CHECK(s != NULL && s[0] == '\0', "an escaped NUL ends the C string (callers see an empty value)");
	free(s);
	json_release(&j);
}

static void test_strictness(void)
{
	CHECK(!parses(""), "empty input is not JSON");
	CHECK(!parses("{\"a\": 1} trailing"), "trailing junk is refused");
	CHECK(!parses("\"a\" \"b\""), "a second value after a string is refused");
	{
		struct json j;
		CHECK(json_parse(&j, "{}\0", 3) == -1, "a NUL byte after the value is refused");
		json_release(&j);
	}
	CHECK(!parses("{a: 1}"), "unquoted keys are refused");
	CHECK(!parses("[1, 2"), "an unterminated array is refused");
	CHECK(!parses("\"\x01\""), "a raw control character in a string is refused");
	CHECK(!parses("[tru]") && !parses("[01]") && !parses("[1.]") && !parses("[-]") && !parses("[1e]"),
	      "malformed literals and numbers are refused");
	CHECK(!parses("{\",^^^,\"}") && !parses("{\"a\": 1, \"b\"}"), "a key without a value is refused");
	CHECK(parses("[0, -0.5, 1E+9, 12e-3]"), "well-formed numbers are accepted");
	CHECK(parses("  {\"a\": [1, 2.5, -3e2, true, false, null]}\n"), "all value kinds with surrounding white space");
}

static void test_writer(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct json j;
	char *back;
	const char hostile[] = "quote\" back\\ nl\n tab\t bell\x07 del\x7f \xc3\xa9";

	json_add_string(&sb, hostile);
	CHECK(memchr(sb.buf, '\n', sb.len) == NULL && memchr(sb.buf, '\x07', sb.len) == NULL, "control characters are escaped");
	CHECK(json_parse(&j, sb.buf, sb.len) == 0, "the writer's output parses");
	back = json_string(&j, 0);
	CHECK_STR(back, hostile, "writing then reading gives the original string");
	free(back);
	json_release(&j);
	strbuf_release(&sb);
}

int main(int argc, char **argv)
{
	(void)argc;
	setup_tool(argv[0]);
	test_lookup();
	test_unescape();
	test_strictness();
	test_writer();
	return test_done();
}
