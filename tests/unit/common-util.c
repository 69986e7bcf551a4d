/* util: redaction of secrets in every message, parsing helpers, banned calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"
#include "test.h"

/* Run fn with stderr sent to a temp file and return what it printed. */
static char *capture_stderr(void (*fn)(void))
{
	struct strbuf sb = STRBUF_INIT;
	char path[] = "stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);

	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	strbuf_read_fd(&sb, fd);
	close(fd);
	unlink(path);
	return strbuf_detach(&sb, NULL);
}

static void print_secret_messages(void)
{
	error("token '%s' was refused", "s3cr3t-token-value");
	warn("url https://user:%s@example.invalid/", "s3cr3t-token-value");
	verbose = 1;
	note("sent %s twice: %s%s", "s3cr3t-token-value", "s3cr3t-token-value", "s3cr3t-token-value");
	verbose = 0;
}

static void test_redaction(void)
{
	char *out;

	secret_add("s3cr3t-token-value");
	secret_add("abc"); /* too short to be a secret; must not redact ordinary words */
	out = capture_stderr(print_secret_messages);
	CHECK(strstr(out, "s3cr3t") == NULL, "a registered secret never reaches stderr");
	CHECK(strstr(out, "test-common-util") || strstr(out, "common-util:"), "messages carry the program name");
	CHECK(strstr(out, "token '***' was refused") != NULL, "the secret is replaced by ***");
	CHECK(strstr(out, "warning: ") != NULL, "warn says warning");
	CHECK(strstr(out, "sent *** twice: ******") != NULL, "every occurrence is redacted, also adjacent ones");
	free(out);
	out = secret_redact("abc and abcd");
	CHECK_STR(out, "abc and abcd", "strings shorter than 4 bytes are never treated as secrets");
	free(out);
}

static void test_error_returns_minus_one(void)
{
	char *out;

	CHECK(error("x") == -1, "error() returns -1 so callers can return it");
	out = capture_stderr(print_secret_messages);
	CHECK(out[strlen(out) - 1] == '\n', "each message ends with one newline");
	free(out);
}

static void test_parse_ulong(void)
{
	unsigned long v;

	CHECK(parse_ulong("42", &v) == 0 && v == 42, "parse_ulong reads a number");
	CHECK(parse_ulong("", &v) == -1, "parse_ulong refuses an empty string");
	CHECK(parse_ulong("-1", &v) == -1, "parse_ulong refuses a sign");
	CHECK(parse_ulong("12x", &v) == -1, "parse_ulong refuses trailing junk");
	CHECK(parse_ulong("99999999999999999999999", &v) == -1, "parse_ulong refuses overflow");
	CHECK(starts_with("v1.2.3", "v") && !starts_with("1.2.3", "v"), "starts_with");
	CHECK(ends_with("a.whl", ".whl") && !ends_with("whl", ".whl"), "ends_with");
}

static void test_xstrfmt(void)
{
	char *s = xstrfmt("%s:%d", "127.0.0.1", 5000);

	CHECK_STR(s, "127.0.0.1:5000", "xstrfmt formats into a new string");
	free(s);
}

int main(int argc, char **argv)
{
	(void)argc;
	setup_tool(argv[0]);
	test_redaction();
	test_error_returns_minus_one();
	test_parse_ulong();
	test_xstrfmt();
	return test_done();
}
