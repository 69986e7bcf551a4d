/* strbuf and strvec: the buffer invariants every caller relies on. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strvec.h"
#include "util.h"
#include "test.h"

static void test_empty_buffer_is_a_string(void)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK(sb.buf != NULL && sb.buf[0] == '\0' && sb.len == 0, "an empty strbuf is a NUL-terminated empty string");
	strbuf_release(&sb);
	CHECK(sb.buf != NULL && sb.len == 0, "a released strbuf is empty again, never NULL");
	strbuf_reset(&sb);
	CHECK(sb.len == 0, "resetting an unallocated strbuf is harmless");
}

static void test_growth_keeps_content(void)
{
	struct strbuf sb = STRBUF_INIT;
	int ok = 1;

	for (int i = 0; i < 100000; i++)
		strbuf_addch(&sb, 'a' + i % 26);
	for (int i = 0; i < 100000; i++)
		ok &= sb.buf[i] == 'a' + i % 26;
	CHECK(ok && sb.len == 100000 && sb.buf[sb.len] == '\0', "100000 appends keep every byte and the terminator");
	CHECK(sb.alloc > sb.len, "alloc always leaves room for the terminator");
	strbuf_release(&sb);
}

static void test_binary_data(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "a\0b", 3);
	CHECK(sb.len == 3 && !memcmp(sb.buf, "a\0b", 3), "embedded NUL bytes are kept and counted");
	strbuf_release(&sb);
}

static void test_formatting(void)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "%d-%s", 42, "x");
	CHECK_STR(sb.buf, "42-x", "addf formats like printf");
	strbuf_addf(&sb, "%s", big);
	CHECK(sb.len == 4 + 4999, "addf grows for long output");
	strbuf_release(&sb);
}

static void test_splice(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "version = \"1.0.0\"");
	strbuf_splice(&sb, 11, 5, "10.20.30", 8);
	CHECK_STR(sb.buf, "version = \"10.20.30\"", "splice replaces a span with a longer one");
	strbuf_splice(&sb, 11, 8, "2", 1);
	CHECK_STR(sb.buf, "version = \"2\"", "splice replaces a span with a shorter one");
	strbuf_insert(&sb, 0, "# ", 2);
	CHECK_STR(sb.buf, "# version = \"2\"", "insert at the start");
	strbuf_remove(&sb, 0, 2);
	CHECK_STR(sb.buf, "version = \"2\"", "remove undoes insert");
	strbuf_release(&sb);
}

static void test_trim_and_detach(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t len;

	strbuf_addstr(&sb, " \t 1.2.3 \r\n");
	strbuf_trim(&sb);
	CHECK_STR(sb.buf, "1.2.3", "trim removes white space on both ends");
	s = strbuf_detach(&sb, &len);
	CHECK(len == 5 && !strcmp(s, "1.2.3"), "detach hands over the string and its length");
	CHECK(sb.len == 0 && sb.buf[0] == '\0', "a detached strbuf is empty and usable");
	free(s);
	s = strbuf_detach(&sb, NULL);
	CHECK(s && *s == '\0', "detaching an empty strbuf gives an owned empty string");
	free(s);
}

static void test_read_file(void)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK(strbuf_read_file(&sb, "/nonexistent/shipsync") == -1, "reading a missing file fails with -1");
	CHECK(sb.len == 0, "a failed read leaves the buffer empty");
	strbuf_release(&sb);
}

static void test_strvec(void)
{
	struct strvec sv = STRVEC_INIT;

	CHECK(sv.v[0] == NULL && sv.nr == 0, "an empty strvec is a valid empty argv");
	strvec_pushl(&sv, "git", "tag", NULL);
	strvec_pushf(&sv, "v%d.%d.%d", 1, 2, 3);
	CHECK(sv.nr == 3 && sv.v[3] == NULL, "pushes keep the vector NULL-terminated");
	CHECK_STR(sv.v[2], "v1.2.3", "pushf formats");
	strvec_pop(&sv);
	CHECK(sv.nr == 2 && sv.v[2] == NULL, "pop removes the last and keeps the terminator");
	strvec_clear(&sv);
	CHECK(sv.nr == 0 && sv.v[0] == NULL, "clear leaves an empty valid vector");
}

int main(int argc, char **argv)
{
	(void)argc;
	setup_tool(argv[0]);
	test_empty_buffer_is_a_string();
	test_growth_keeps_content();
	test_binary_data();
	test_formatting();
	test_splice();
	test_trim_and_detach();
	test_read_file();
	test_strvec();
	return test_done();
}
