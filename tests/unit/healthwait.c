/*
 * Unit tests of healthwait's core: pacing, durations, excerpts, the field
 * check, container state, and podman's socket choice and check schedule.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tools/healthwait/health.h"
#include "../../tools/healthwait/podman.h"
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

static void test_podman_container(void)
{
	struct container_state st;
	const char *cli = "[{\"Id\":\"f7\",\"State\":{\"Status\":\"running\",\"Pid\":77,"
		"\"Health\":{\"Status\":\"unhealthy\",\"FailingStreak\":2,\"Log\":["
		"{\"Start\":\"2026-12-02T13:03:06.57Z\",\"ExitCode\":1,\"Output\":\"\"},"
		"{\"Start\":\"2026-12-02T13:03:07.12Z\",\"ExitCode\":1,\"Output\":\"refused\"}]}},"
		"\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"wget\"],\"Interval\":1500000000}}}]";
	const char *podman3 = "[{\"State\":{\"Status\":\"running\",\"Healthcheck\":{\"Status\":\"healthy\"}},"
		"\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]}}}]";
	const char *unreported = "{\"State\":{\"Status\":\"running\",\"Health\":{\"Status\":\"\",\"Log\":null}},"
		"\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":0}}}";
	const char *disabled = "{\"State\":{\"Status\":\"running\"},\"Config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}";
	const char *unchecked = "{\"State\":{\"Status\":\"running\",\"Health\":{\"Status\":\"\"}},\"Config\":{}}";
	const char *two = "[{\"State\":{\"Status\":\"running\"}},{\"State\":{\"Status\":\"running\"}}]";

	CHECK_INT(parse_container(cli, strlen(cli), &st), 0, "reads podman's inspect: an array of one container");
	CHECK_STR(st.health, "unhealthy", "its health");
	CHECK_INT(st.pid, 77, "its pid");
	CHECK_STR(st.last_output, "refused", "the newest check's output");
	CHECK_STR(st.last_start, "2026-12-02T13:03:07.12Z", "the newest check's start");
	CHECK_INT(st.check_ms, 1500, "the image's check interval, from nanoseconds");
	container_state_release(&st);

	CHECK_INT(parse_container(podman3, strlen(podman3), &st), 0, "reads podman 3's State.Healthcheck");
	CHECK_STR(st.health, "healthy", "its health");
	CHECK_INT(st.check_ms, 30000, "no interval is Docker's default of 30 s");
	CHECK(st.last_start == NULL, "no log, no last check");
	container_state_release(&st);

	CHECK_INT(parse_container(unreported, strlen(unreported), &st), 0, "reads a check podman never ran");
	CHECK_STR(st.health, "starting", "a HEALTHCHECK with no status yet is starting");
	container_state_release(&st);

	CHECK_INT(parse_container(disabled, strlen(disabled), &st), 0, "reads a disabled HEALTHCHECK");
	CHECK(st.health == NULL && st.check_ms == 0, "NONE is no check");
	container_state_release(&st);

	CHECK_INT(parse_container(unchecked, strlen(unchecked), &st), 0, "reads a container without HEALTHCHECK");
	CHECK(st.health == NULL && st.check_ms == 0, "an empty status without a check is none");
	container_state_release(&st);

	CHECK_INT(parse_container(two, strlen(two), &st), -1, "refuses an answer about two containers");
	CHECK_INT(parse_container("[]", 2, &st), -1, "refuses an answer about none");
}

static void test_podman_socket(void)
{
	int explicit = -1;
	char *path;

	path = podman_socket("unix:///tmp/p.sock", "/run/user/1000", 1000, &explicit);
	CHECK_STR(path, "/tmp/p.sock", "CONTAINER_HOST names the socket");
	CHECK_INT(explicit, 1, "and says so");
	free(path);
	CHECK(podman_socket("ssh://core@host/run/podman.sock", NULL, 0, &explicit) == NULL, "refuses ssh://");
	CHECK(podman_socket("unix://", NULL, 0, &explicit) == NULL, "refuses an empty path");
	path = podman_socket("", NULL, 0, &explicit);
	CHECK_STR(path, "/run/podman/podman.sock", "root's default socket");
	CHECK_INT(explicit, 0, "an empty CONTAINER_HOST is none");
	free(path);
	path = podman_socket(NULL, "/run/user/1000", 1000, &explicit);
	CHECK_STR(path, "/run/user/1000/podman/podman.sock", "a user's socket under XDG_RUNTIME_DIR");
	free(path);
	path = podman_socket(NULL, NULL, 1001, &explicit);
	CHECK_STR(path, "/run/user/1001/podman/podman.sock", "or under /run/user/UID");
	free(path);
}

static void test_podman_due(void)
{
	struct podman pm = { .command = "podman" };
	struct container_state st = { .status = "running", .health = "starting", .check_ms = 1000 };

	CHECK(!podman_check_due(&pm, &st, 5000), "not at first sight: the interval starts");
	CHECK(!podman_check_due(&pm, &st, 5999), "not before an interval");
	CHECK(podman_check_due(&pm, &st, 6000), "due after an interval without a check");
	st.last_start = "13:03:07";
	CHECK(!podman_check_due(&pm, &st, 6100), "a check that something else ran restarts the interval");
	CHECK(!podman_check_due(&pm, &st, 7000), "so the next is not due yet");
	CHECK(podman_check_due(&pm, &st, 7100), "but an interval after it");
	st.status = "exited";
	CHECK(!podman_check_due(&pm, &st, 9000), "never for a container that is not running");
	st.status = "running";
	st.check_ms = 0;
	CHECK(!podman_check_due(&pm, &st, 9000), "never without a HEALTHCHECK");
	podman_release(&pm);

	pm = (struct podman){ 0 };
	st.check_ms = 1000;
	CHECK(!podman_check_due(&pm, &st, 5000) && !podman_check_due(&pm, &st, 60000),
	      "never for Docker, which runs its own checks");
	pm.api = 1;
	podman_check_due(&pm, &st, 60000);
	CHECK(podman_check_due(&pm, &st, 61000), "but for podman behind DOCKER_HOST");
	podman_release(&pm);
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
	test_podman_container();
	test_podman_socket();
	test_podman_due();
	return test_done();
}
