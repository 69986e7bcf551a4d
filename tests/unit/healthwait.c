/* Unit tests of healthwait's core: pacing, durations, excerpts, the field check, container state. */
#include <stdlib.h>
#include <string.h>

#include "../../tools/healthwait/health.h"
#include "test.h"
#include "util.h"

static void test_interval(void)
{
	CHECK_INT(next_interval(0, 50, 1000), 50, "starts at the minimum");
	CHECK_INT(next_interval(4999, 50, 1000), 50, "stays at the minimum for the first seconds");
	CHECK_INT(next_interval(20000, 50, 1000), 200, "grows with the time waited");
	CHECK_INT(next_interval(3600000, 50, 1000), 1000, "never above the maximum");
	CHECK_INT(next_interval(100, 300, 200), 200, "the maximum wins over a larger minimum");
}

static long duration(const char *s)
{
	long ms = -7;

	return parse_duration(s, &ms) < 0 ? -1 : ms;
}

static void test_duration(void)
{
	CHECK_INT(duration("30"), 30000, "bare seconds");
	CHECK_INT(duration("2.5"), 2500, "fractional seconds");
	CHECK_INT(duration("2.5s"), 2500, "seconds with a unit");
	CHECK_INT(duration("500ms"), 500, "milliseconds");
	CHECK_INT(duration("2m"), 120000, "minutes");
	CHECK_INT(duration("0.0015"), 1, "sub-millisecond digits are cut");
	CHECK_INT(duration("0"), 0, "zero parses (the caller refuses it)");
	CHECK_INT(duration(""), -1, "refuses an empty string");
	CHECK_INT(duration("-1"), -1, "refuses a negative number");
	CHECK_INT(duration("1."), -1, "refuses a dot without digits");
	CHECK_INT(duration(".5"), -1, "refuses a missing integer part");
	CHECK_INT(duration("5h"), -1, "refuses an unknown unit");
	CHECK_INT(duration("5 s"), -1, "refuses inner space");
	CHECK_INT(duration("99999999999999999999"), -1, "refuses overflow");
	CHECK_INT(duration("1441m"), -1, "refuses more than a day");
	CHECK_INT(duration(NULL), -1, "refuses NULL");
}

static void test_excerpt(void)
{
	struct strbuf sb = STRBUF_INIT;
	char big[1000];

	add_excerpt(&sb, "  a\r\n\tb \x1b[1m\x7f\xc3\xa9 ", 16, 200);
	CHECK_STR(sb.buf, "a b .[1m...", "whitespace collapses, controls and non-ASCII become dots");
	strbuf_reset(&sb);
	memset(big, 'x', sizeof(big));
	add_excerpt(&sb, big, sizeof(big), 200);
	CHECK_INT(sb.len, 203, "cut at the maximum with an ellipsis");
	CHECK(ends_with(sb.buf, "x..."), "the ellipsis ends it");
	strbuf_reset(&sb);
	add_excerpt(&sb, "a\0b", 3, 200);
	CHECK_STR(sb.buf, "a.b", "a NUL byte is a dot");
	strbuf_reset(&sb);
	add_excerpt(&sb, "", 0, 200);
	CHECK_STR(sb.buf, "", "nothing stays nothing");
	strbuf_release(&sb);
}

static enum field_verdict field(const char *body, const char *path, const char *expect, struct strbuf *got)
{
	strbuf_reset(got);
	return check_field(body, strlen(body), path, expect, got);
}

static void test_field(void)
{
	struct strbuf got = STRBUF_INIT;
	const char *doc = "{\"status\":\"healthy\",\"checks\":[{\"db\":\"ok\"},{\"db\":\"down\"}],"
			  "\"ready\":true,\"n\":3,\"esc\":\"a\\u0041\"}";

	CHECK_INT(field(doc, "status", "healthy", &got), FIELD_MATCH, "a top-level string");
	CHECK_INT(field(doc, "checks.1.db", "down", &got), FIELD_MATCH, "a dotted path into an array");
	CHECK_INT(field(doc, "ready", "true", &got), FIELD_MATCH, "a boolean by its JSON text");
	CHECK_INT(field(doc, "n", "3", &got), FIELD_MATCH, "a number by its JSON text");
	CHECK_INT(field(doc, "esc", "aA", &got), FIELD_MATCH, "a string compares unescaped");
	CHECK_INT(field(doc, "status", "starting", &got), FIELD_MISMATCH, "another string");
	CHECK_STR(got.buf, "\"healthy\"", "the mismatch shows the value quoted");
	CHECK_INT(field(doc, "ready", "\"true\"", &got), FIELD_MISMATCH, "true is not the string \"true\"");
	CHECK_INT(field(doc, "checks", "x", &got), FIELD_MISMATCH, "an array is not a string");
	CHECK_STR(got.buf, "[{\"db\":\"ok\"},{\"db\":\"down\"}]", "the mismatch shows the JSON text");
	CHECK_INT(field(doc, "checks.2.db", "ok", &got), FIELD_MISSING, "an index past the end");
	CHECK_INT(field(doc, "nope", "ok", &got), FIELD_MISSING, "an absent key");
	CHECK_INT(field(doc, "status.deeper", "ok", &got), FIELD_MISSING, "a path through a string");
	CHECK_INT(field("OK", "status", "ok", &got), FIELD_NOT_JSON, "plain text");
	CHECK_INT(field("{\"status\":", "status", "ok", &got), FIELD_NOT_JSON, "truncated JSON");
	CHECK_INT(field("", "status", "ok", &got), FIELD_NOT_JSON, "an empty body");
	CHECK_INT(field("\"healthy\"", "status", "healthy", &got), FIELD_MISSING, "a bare string has no fields");
	strbuf_release(&got);
}

static void test_container(void)
{
	struct container_state st;
	const char *healthy = "{\"Id\":\"abc\",\"State\":{\"Status\":\"running\",\"Running\":true,"
		"\"Pid\":4242,\"ExitCode\":0,\"Error\":\"\",\"Health\":{\"Status\":\"healthy\","
		"\"FailingStreak\":0,\"Log\":[{\"ExitCode\":1,\"Output\":\"first\"},"
		"{\"ExitCode\":0,\"Output\":\"ok\\n\"}]}},\"Config\":{}}";
	const char *exited = "{\"State\":{\"Status\":\"exited\",\"Pid\":0,\"ExitCode\":3,"
		"\"Error\":\"boom\"}}";
	const char *none = "{\"State\":{\"Status\":\"running\",\"Health\":{\"Status\":\"none\"}}}";

	CHECK_INT(parse_container(healthy, strlen(healthy), &st), 0, "reads a healthy container");
	CHECK_STR(st.status, "running", "its status");
	CHECK_STR(st.health, "healthy", "its health");
	CHECK_INT(st.pid, 4242, "its pid");
	CHECK_STR(st.last_output, "ok\n", "the newest health check output");
	CHECK(st.error == NULL, "an empty error is none");
	container_state_release(&st);

	CHECK_INT(parse_container(exited, strlen(exited), &st), 0, "reads an exited container");
	CHECK_INT(st.exit_code, 3, "its exit code");
	CHECK(st.health == NULL, "no HEALTHCHECK, no health");
	CHECK_STR(st.error, "boom", "its error");
	container_state_release(&st);

	CHECK_INT(parse_container(none, strlen(none), &st), 0, "reads a health status of none");
	CHECK(st.health == NULL, "none means no HEALTHCHECK");
	container_state_release(&st);

	CHECK_INT(parse_container("{}", 2, &st), -1, "refuses an answer without State");
	CHECK_INT(parse_container("{\"State\":[]}", 12, &st), -1, "refuses a State that is no object");
	CHECK_INT(parse_container("{\"State\":{}}", 12, &st), -1, "refuses a State without Status");
	CHECK_INT(parse_container("<html>", 6, &st), -1, "refuses what is not JSON");
}

static void test_container_name(void)
{
	CHECK(valid_container_name("web"), "a name");
	CHECK(valid_container_name("my_app.web-1"), "a name with _ . -");
	CHECK(valid_container_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), "an ID");
	CHECK(!valid_container_name(""), "refuses an empty name");
	CHECK(!valid_container_name("../info"), "refuses a path");
	CHECK(!valid_container_name("-rm"), "refuses a leading dash");
	CHECK(!valid_container_name("a?b"), "refuses a query");
	CHECK(!valid_container_name("a b"), "refuses a space");
	CHECK(!valid_container_name("a\nb"), "refuses a newline");
}

static void test_endpoint(void)
{
	char *sock, *base;

	CHECK_INT(docker_endpoint(NULL, &sock, &base), 0, "no DOCKER_HOST");
	CHECK_STR(sock, "/var/run/docker.sock", "the default socket");
	CHECK_STR(base, "http://localhost", "a local base URL");
	free(sock);
	free(base);
	CHECK_INT(docker_endpoint("unix:///run/x.sock", &sock, &base), 0, "a unix socket");
	CHECK_STR(sock, "/run/x.sock", "its path");
	free(sock);
	free(base);
	CHECK_INT(docker_endpoint("tcp://127.0.0.1:2375/", &sock, &base), 0, "a TCP endpoint");
	CHECK(sock == NULL, "no socket for TCP");
	CHECK_STR(base, "http://127.0.0.1:2375", "the base URL without the slash");
	free(base);
	CHECK_INT(docker_endpoint("ssh://host", &sock, &base), -1, "refuses ssh://");
	CHECK_INT(docker_endpoint("unix://", &sock, &base), -1, "refuses an empty path");
}

int main(void)
{
	test_interval();
	test_duration();
	test_excerpt();
	test_field();
	test_container();
	test_container_name();
	test_endpoint();
	return test_done();
}
