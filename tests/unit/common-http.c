/*
 * http: retries, Retry-After, the deadline, redirects that must not leak
 * credentials, redaction, bodies in and out, TLS verification; all against
 * tests/lib/faultserver.py on 127.0.0.1, which fails on purpose.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "encode.h"
#include "http.h"
#include "run.h"
#include "sha256.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

#define AUTH_TOKEN "sentinel-token-4f1c9a"
#define URL_PASSWORD "sentinel-password-77d2e0"
#define OTHER_SECRET "sentinel-registered-b83e51"

static const char *plan_json =
	"{\n"
	" \"/flaky\": [503, {\"body\": \"ok\"}],\n"
	" \"/flaky-once\": [503, 200],\n"
	" \"/throttled\": [{\"status\": 429, \"headers\": {\"Retry-After\": \"1\"}}, {\"body\": \"ok\"}],\n"
	" \"/reset\": [{\"action\": \"reset\"}, {\"body\": \"after reset\"}],\n"
	" \"/close\": [{\"action\": \"close\"}, {\"body\": \"after close\"}],\n"
	" \"/partial\": [{\"action\": \"partial\"}, {\"body\": \"whole\"}],\n"
	" \"/broken\": [{\"status\": 500, \"body\": \"broken\"}],\n"
	" \"/missing\": [{\"status\": 404, \"body\": \"not here\"}],\n"
	" \"/slow\": [{\"sleep\": 5, \"body\": \"late\"}],\n"
	" \"/echo\": [{\"action\": \"echo\"}],\n"
	" \"/flaky-echo\": [503, {\"action\": \"echo\"}],\n"
	" \"/flaky-form\": [503, {\"action\": \"echo\"}],\n"
	" \"/cross\": [{\"status\": 302, \"location\": \"http://127.0.0.1:{port1}/echo\"}],\n"
	" \"/same\": [{\"status\": 302, \"location\": \"/echo\"}],\n"
	" \"/fallback\": [{\"status\": 303, \"location\": \"http://u:pw@127.0.0.1:{port1}/fallback-target/\"}],\n"
	" \"/hop-then-away\": [{\"status\": 301, \"location\": \"/fallback\"}],\n"
	" \"/same-307\": [{\"status\": 307, \"location\": \"http://127.0.0.1:{port0}/echo\"}],\n"
	" \"/see-other\": [{\"status\": 303, \"location\": \"/echo\"}],\n"
	" \"/to-file\": [{\"status\": 302, \"location\": \"file:///etc/passwd\"}],\n"
	" \"/download\": [{\"repeat\": [\"0123456789abcdef\", 65536]}],\n"
	" \"/download-cut\": [{\"action\": \"partial\"}, {\"repeat\": [\"0123456789abcdef\", 65536]}],\n"
	" \"/hash-cut\": [{\"action\": \"partial\"}, {\"repeat\": [\"0123456789abcdef\", 65536]}],\n"
	" \"/download-moved\": [{\"status\": 302, \"location\": \"http://127.0.0.1:{port1}/download\","
	"   \"body\": \"moved\"}],\n"
	" \"/dated\": [{\"status\": 503, \"headers\": {\"Retry-After\": \"{httpdate+2}\"}}, {\"body\": \"ok\"}],\n"
	" \"/too-late\": [{\"status\": 503, \"headers\": {\"Retry-After\": \"100\"}}, 200],\n"
	" \"/flaky-default\": [503, 200],\n"
	" \"/flaky-env\": [503, 200],\n"
	" \"/download-shrink\": [{\"action\": \"partial\"}, {\"body\": \"short\"}],\n"
	" \"/flaky-pipe\": [503, {\"action\": \"echo\"}],\n"
	" \"/bye\": [{\"headers\": {\"Connection\": \"close\"}}],\n"
	" \"/headers\": [{\"headers\": {\"X-Thing\": \"first\", \"x-thing\": \" second \"}}]\n"
	"}\n";

static char workdir[256];

static char *work_path(const char *name)
{
	return xstrfmt("%s/%s", workdir, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die_errno("cannot write '%s'", path);
}

/*
 * Start the fault server with extra arguments; its first stdout line names
 * the ports. A long-running child, so not through run_command().
 */
static pid_t start_server(const char *const *extra, int ports[2])
{
	const char *top = getenv("SHIPSYNC_TOP");
	char *script = xstrfmt("%s/tests/lib/faultserver.py", top ? top : ".");
	char *plan = work_path("plan.json");
	const char *argv[16] = { "python3", script, "--plan", plan, "--ports", "2" };
	char line[128];
	size_t len = 0, n = 6;
	int fds[2];
	pid_t pid;

	for (; extra && *extra && n < 15; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	if (pipe(fds))
		die_errno("pipe");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(line) - 1) {
		ssize_t got = read(fds[0], line + len, 1);

		if (got <= 0 || line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	close(fds[0]);
	free(script);
	free(plan);
	if (sscanf(line, "%d %d", &ports[0], &ports[1]) != 2) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		die("the fault server did not start (first line: '%s')", line);
	}
	return pid;
}

static void stop_server(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* stderr goes to a temp file between capture_begin() and capture_end(). */
static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void)
{
	fflush(stderr);
	captured = tmpfile();
	saved_stderr = dup(2);
	if (!captured || saved_stderr < 0 || dup2(fileno(captured), 2) < 0)
		die_errno("cannot capture stderr");
}

static void capture_end(struct strbuf *out)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	strbuf_reset(out);
	lseek(fileno(captured), 0, SEEK_SET);
	strbuf_read_fd(out, fileno(captured));
	fclose(captured);
}

static int count(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A port on 127.0.0.1 that nothing listens on. */
static int dead_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		die_errno("cannot find a free port");
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static int port0, port1;

static char *url(const char *path)
{
	return xstrfmt("http://127.0.0.1:%d%s", port0, path);
}

/*
 * libcurl itself retries once when a reused connection turns out dead; a
 * fault on a fresh connection is what exercises the retries under test.
 */
static void fresh_connection(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *u = url("/bye");
	struct http_request req = { .url = u };

	if (http_request(&req, &resp) || resp.status != 200)
		die("the fault server does not answer /bye");
	free(u);
	http_response_release(&resp);
}

static void test_retries(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/flaky");
	struct http_request req = { .url = u, .max_retries = 3, .retry_delay_ms = 100 };
	long long start;
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK_INT(rc, 0, "503 then 200: success");
	CHECK_INT(resp.status, 200, "503 then 200: the final status is 200");
	CHECK_INT(resp.attempts, 2, "503 then 200: two attempts");
	CHECK_STR(resp.body.buf, "ok", "503 then 200: the body of the answer that counted");
	CHECK_INT(count(err.buf, "\n"), 1, "503 then 200: exactly one warning line");
	CHECK(strstr(err.buf, "GET ") && strstr(err.buf, "/flaky: HTTP 503, retrying in ") &&
	      strstr(err.buf, "(attempt 2 of 4)"), "the warning names method, URL, status and attempt");
	free(u);

	u = url("/throttled");
	req.url = u;
	start = now_ms();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.status == 200 && resp.attempts == 2, "429 then 200: success on the second attempt");
	CHECK(now_ms() - start >= 900, "429 with Retry-After: 1 waits about a second, not the 100 ms backoff");
	CHECK(strstr(err.buf, "429, retrying in 1.0 s") != NULL, "the warning shows the Retry-After wait");
	free(u);

	u = url("/reset");
	req.url = u;
	fresh_connection();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2, "a connection reset is retried");
	CHECK_STR(resp.body.buf, "after reset", "the retry after a reset gets the answer");
	free(u);

	u = url("/close");
	req.url = u;
	fresh_connection();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2 && !strcmp(resp.body.buf, "after close"),
	      "a connection closed without an answer is retried");
	free(u);

	u = url("/partial");
	req.url = u;
	fresh_connection();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2 && !strcmp(resp.body.buf, "whole"),
	      "a response cut short is retried and the partial body discarded");
	free(u);

	u = url("/broken");
	req = (struct http_request){ .url = u, .max_retries = 2, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK_INT(rc, -1, "a persistent 500 fails");
	CHECK_INT(resp.status, 500, "a persistent 500 leaves status 500");
	CHECK_INT(resp.attempts, 3, "a persistent 500 is tried max_retries + 1 times");
	CHECK_INT(count(err.buf, "retrying in"), 2, "one warning per retry");
	CHECK(strstr(err.buf, "500 after 3 attempts") != NULL, "the final error says the status and the attempts");
	CHECK_INT(http_exit_code(resp.status), EXIT_TEMPFAIL, "a 500 maps to EXIT_TEMPFAIL");
	free(u);

	u = url("/flaky-once");
	req = (struct http_request){ .url = u, .no_retry = 1, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 1 && resp.status == 503, "no_retry makes one attempt only");
	CHECK_INT(count(err.buf, "retrying"), 0, "no_retry prints no retry warning");
	free(u);

	u = url("/missing");
	req = (struct http_request){ .url = u, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK_INT(rc, 0, "a 404 is a final answer: 0");
	CHECK(resp.status == 404 && resp.attempts == 1, "a 404 has status 404 and is not retried");
	CHECK_STR(resp.body.buf, "not here", "a 404 keeps its body");
	CHECK_STR(err.buf, "", "a 404 prints nothing: the caller judges it");
	free(u);

	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_deadline(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/slow");
	struct http_request req = { .url = u, .deadline_ms = 1500, .retry_delay_ms = 100 };
	long long start = now_ms();
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK_INT(rc, -1, "a server slower than the deadline fails");
	CHECK(now_ms() - start < 4000, "the deadline bounds the whole request (1.5 s asked, under 4 s)");
	CHECK(strstr(err.buf, "deadline") != NULL, "the error mentions the deadline");
	CHECK_INT(resp.status, 0, "no response: status 0");

	setenv("SHIPSYNC_HTTP_DEADLINE_MS", "1000", 1);
	req.deadline_ms = 0;
	start = now_ms();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	unsetenv("SHIPSYNC_HTTP_DEADLINE_MS");
	CHECK(rc == -1 && now_ms() - start < 4000, "SHIPSYNC_HTTP_DEADLINE_MS replaces the default deadline");

	free(u);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_retry_after(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/dated");
	struct http_request req = { .url = u, .retry_delay_ms = 50 };
	long long start = now_ms();
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2 && resp.status == 200, "Retry-After as an HTTP date: retried");
	CHECK(now_ms() - start >= 900, "Retry-After as an HTTP date two seconds ahead waits at least a second");
	free(u);

	u = url("/too-late");
	req = (struct http_request){ .url = u, .deadline_ms = 3000, .retry_delay_ms = 50 };
	start = now_ms();
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 1 && resp.status == 503,
	      "a Retry-After past the deadline gives up at once instead of retrying");
	CHECK(now_ms() - start < 2500, "giving up on a Retry-After past the deadline does not wait for it");
	CHECK(strstr(err.buf, "would run past the deadline of 3.0 s") != NULL,
	      "the error says the deadline leaves no time to retry");
	free(u);

	u = url("/flaky-default");
	req = (struct http_request){ .url = u, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && strstr(err.buf, "(attempt 2 of 6)"), "max_retries 0 means 5 retries, 6 attempts");
	free(u);

	u = url("/flaky-env");
	req = (struct http_request){ .url = u };
	setenv("SHIPSYNC_HTTP_RETRY_DELAY_MS", "20", 1);
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	unsetenv("SHIPSYNC_HTTP_RETRY_DELAY_MS");
	CHECK(rc == 0 && strstr(err.buf, "retrying in 0.0 s"), "SHIPSYNC_HTTP_RETRY_DELAY_MS sets the first wait");
	free(u);

	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_refusals(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *evil[] = { "X-Evil: a\r\nX-Injected: b", NULL };

	char *u = url("/echo");
	struct http_request req = { .url = u, .headers = evil };
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 0, "a header with a line break is refused before sending");
	CHECK(strstr(err.buf, "'X-Evil'") && !strstr(err.buf, "X-Injected"), "the error names the header only");

	capture_begin();
	rc = http_client_auth(http_default_client(), u, "Bearer x\r\nX-Injected: b");
	capture_end(&err);
	CHECK(rc == -1 && strstr(err.buf, "line break"), "a credential with a line break is refused");
	evil[0] = "Authorization: Bearer smuggled-by-hand";
	req = (struct http_request){ .url = u, .headers = evil };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 0 && resp.exit_code == EXIT_USAGE,
	      "an Authorization header given by hand is refused: credentials come from the client");
	free(u);

	u = url("/bad path\x01");
	req = (struct http_request){ .url = u, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 0 && resp.exit_code == EXIT_USAGE, "a malformed URL is refused before anything is sent");
	CHECK(err.len > 0, "a malformed URL is reported");

	req.quiet = 1;
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && err.len == 0, "quiet prints nothing, even on failure");
	free(u);

	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_attempt_timeout(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/slow");
	struct http_request req = { .url = u, .timeout_ms = 300, .max_retries = 1, .retry_delay_ms = 50 };
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 2, "an attempt that outlasts timeout_ms is retried, then fails");
	CHECK(strstr(err.buf, "timed out") && !strstr(err.buf, "deadline"),
	      "the error says the attempt timed out, not the deadline");
	free(u);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_unreadable_body(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/flaky-pipe");
	int fds[2];
	struct http_request req = { .url = u, .body_len = 5, .retry_delay_ms = 50 };
	int rc;

	if (pipe(fds) || write(fds[1], "hello", 5) != 5)
		die_errno("pipe");
	close(fds[1]);
	req.body_fd = fds[0];
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.attempts == 1 && resp.exit_code == EXIT_SYSTEM,
	      "a body that cannot be read by offset (a pipe) fails at once: it could not be sent twice");
	CHECK(strstr(err.buf, "reading the request body failed") != NULL, "the error says why");
	close(fds[0]);
	free(u);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_dead_server(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = xstrfmt("http://127.0.0.1:%d/nothing", dead_port());
	struct http_request req = { .url = u, .max_retries = 2, .retry_delay_ms = 50 };
	int rc;

	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK_INT(rc, -1, "a dead server fails");
	CHECK(resp.status == 0 && resp.attempts == 3, "a dead server: status 0 after max_retries + 1 attempts");
	CHECK_INT(count(err.buf, "retrying in"), 2, "a refused connection is retried with a warning each time");
	CHECK(strstr(err.buf, "after 3 attempts") && strstr(err.buf, "try again later"),
	      "the final error says how many attempts and what to do");
	CHECK_INT(http_exit_code(resp.status), EXIT_TEMPFAIL, "no response maps to EXIT_TEMPFAIL");
	free(u);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_redirects(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	const char *headers[] = { "Cookie: session=" AUTH_TOKEN "-cookie", "X-Kept: yes", NULL };
	char *u = url("/cross"), *other = xstrfmt("\"port\": %d", port1);
	struct http_client *c = http_client_new();
	struct http_request req = { .client = c, .url = u, .headers = headers,
				    .follow_redirects = 1, .retry_delay_ms = 50 };
	int rc;

	http_client_auth(c, u, "Bearer " AUTH_TOKEN);
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200, "a redirect to another port is followed");
	CHECK(strstr(resp.body.buf, other) != NULL, "the redirect reached the other port");
	CHECK(!strstr(resp.body.buf, "authorization") && !strstr(resp.body.buf, AUTH_TOKEN),
	      "Authorization is not sent to another port after a redirect");
	CHECK(!strstr(resp.body.buf, "\"cookie\""), "a Cookie header is not sent to another port either");
	CHECK(strstr(resp.body.buf, "\"x-kept\": \"yes\"") != NULL, "other headers still go along");
	CHECK(resp.effective_url && strstr(resp.effective_url, other + 8), "effective_url is the target");
	free(u);
	free(other);

	u = url("/same");
	req.url = u;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200, "a relative redirect is followed");
	CHECK(strstr(resp.body.buf, "\"authorization\": \"Bearer " AUTH_TOKEN "\"") != NULL,
	      "Authorization is kept on a same-origin redirect");
	free(u);

	u = url("/cross");
	req.follow_redirects = 0;
	req.url = u;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 302, "without follow_redirects a 3xx is the answer");
	free(u);

	u = url("/to-file");
	req.follow_redirects = 1;
	req.url = u;
	req.quiet = 1;
	rc = http_request(&req, &resp);
	CHECK(rc == -1 && resp.attempts == 1, "a redirect to a file: URL is refused, not retried");
	free(u);
	http_client_free(c);
	http_response_release(&resp);
}

/* How many requests the fault server saw for a path (on any port). */
static int requests_seen(const char *path)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *u = url("/_log"), *needle = xstrfmt("\"path\": \"%s\"", path);
	struct http_request req = { .url = u };
	int n;

	if (http_request(&req, &resp) || resp.status != 200)
		die("the fault server does not answer /_log");
	n = count(resp.body.buf, needle);
	free(needle);
	free(u);
	http_response_release(&resp);
	return n;
}

static void test_same_origin(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_client *c = http_client_new();
	char *u = url("/fallback"), *loc, *want = xstrfmt("http://127.0.0.1:%d/fallback-target/", port1);
	struct http_request req = { .client = c, .url = u, .follow_redirects = 1, .same_origin = 1 };
	int rc;

	http_client_auth(c, u, "Bearer " AUTH_TOKEN);
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 303, "same_origin: a redirect to another port is the answer");
	CHECK_INT(requests_seen("/fallback-target/"), 0, "same_origin: the other origin is not asked at all");
	loc = http_location(&resp);
	CHECK_STR(loc, want, "http_location: the target, resolved, without the userinfo the server wrote");
	free(loc);
	free(u);

	u = url("/hop-then-away");
	req.url = u;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 303, "same_origin: a same-origin hop is followed up to the cross-origin one");
	CHECK(resp.effective_url && ends_with(resp.effective_url, "/fallback"),
	      "same_origin: effective_url is the URL that redirected away");
	CHECK_INT(requests_seen("/fallback-target/"), 0, "same_origin: still nothing sent to the other origin");
	free(u);

	u = url("/same");
	req.url = u;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200 && strstr(resp.body.buf, "\"authorization\": \"Bearer " AUTH_TOKEN "\""),
	      "same_origin: a same-origin redirect is followed with the origin's credential");
	loc = http_location(&resp);
	CHECK(loc == NULL, "http_location: no Location, no target");
	free(u);

	u = url("/fallback");
	req.same_origin = 0;
	req.url = u;
	req.quiet = 1;
	rc = http_request(&req, &resp);
	CHECK(resp.status == 404 && requests_seen("/fallback-target/") == 1,
	      "without same_origin the other origin is asked (and answers 404)");
	free(u);
	free(want);
	http_client_free(c);
	http_response_release(&resp);
}

static void test_redaction(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	/* The URLs carry every secret, so that a message showing the URL would leak them. */
	char *u = xstrfmt("http://user:" URL_PASSWORD "@127.0.0.1:%d/broken?key=" OTHER_SECRET
			  "&token=" AUTH_TOKEN, port0);
	char *dead = xstrfmt("http://user:" URL_PASSWORD "@127.0.0.1:%d/x?key=" OTHER_SECRET
			     "&token=" AUTH_TOKEN, dead_port());
	struct http_client *c = http_client_new();
	struct http_request req = { .client = c, .url = u, .max_retries = 1, .retry_delay_ms = 20 };

	secret_add(OTHER_SECRET);
	http_client_auth(c, u, "Bearer " AUTH_TOKEN);
	http_client_auth(c, dead, "token " AUTH_TOKEN);
	capture_begin();
	http_request(&req, &resp);
	req.url = dead;
	http_request(&req, &resp);
	http_request(&req, &resp);
	capture_end(&err);
	CHECK(count(err.buf, "retrying") == 3 && count(err.buf, "\n") == 6, "failures were reported");
	CHECK(!strstr(err.buf, AUTH_TOKEN), "the Authorization token never appears on stderr");
	CHECK(!strstr(err.buf, URL_PASSWORD) && !strstr(err.buf, "user:"),
	      "the user:password of a URL never appears on stderr");
	CHECK(!strstr(err.buf, OTHER_SECRET), "a registered secret never appears on stderr");
	CHECK(strstr(err.buf, "http://127.0.0.1:") != NULL, "the URL is shown without its userinfo");
	free(u);
	free(dead);

	/* "dXNlcjpiYXNpYy1wYXNzd29yZC05OTFh" is base64 of "user:basic-password-991a". */
	dead = xstrfmt("http://127.0.0.1:%d/x?echo=basic-password-991a", dead_port());
	http_client_auth(c, dead, "Basic dXNlcjpiYXNpYy1wYXNzd29yZC05OTFh");
	req = (struct http_request){ .client = c, .url = dead, .no_retry = 1 };
	capture_begin();
	http_request(&req, &resp);
	capture_end(&err);
	CHECK(err.len > 0 && !strstr(err.buf, "basic-password-991a") && !strstr(err.buf, "dXNlcjpi"),
	      "the password inside a Basic Authorization value is redacted too");
	free(dead);
	http_client_free(c);
	http_response_release(&resp);
	strbuf_release(&err);
}

static char *make_body(size_t len)
{
	char *body = xmalloc(len);

	for (size_t i = 0; i < len; i++)
		body[i] = (char)((i * 7919 + i / 251) & 0xff);
	return body;
}

static int echoed_sha(const struct http_response *resp, const void *data, size_t len)
{
	char hex[SHA256_HEX_LEN + 1], *want;
	int ok;

	sha256_hex(data, len, hex);
	want = xstrfmt("\"body_len\": %zu, \"body_sha256\": \"%s\"", len, hex);
	ok = strstr(resp->body.buf, want) != NULL;
	free(want);
	return ok;
}

/* A one-field form; arg counts how many were made. */
static curl_mime *make_form(CURL *curl, void *arg)
{
	curl_mime *mime = curl_mime_init(curl);
	curl_mimepart *part = curl_mime_addpart(mime);

	curl_mime_name(part, "content");
	curl_mime_data(part, "form-value", CURL_ZERO_TERMINATED);
	++*(int *)arg;
	return mime;
}

static void test_bodies(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	size_t len = 300000;
	char *body = make_body(len), *u = url("/echo"), *path = work_path("body.bin");
	const char *json_type[] = { "Content-Type: application/octet-stream", NULL };
	struct http_request req = { .url = u, .body = body, .body_len = len, .headers = json_type };
	FILE *f;
	int rc, forms = 0;

	rc = http_request(&req, &resp);
	CHECK(rc == 0 && strstr(resp.body.buf, "\"method\": \"POST\""), "a body makes the method POST");
	CHECK(echoed_sha(&resp, body, len), "a body from memory (with NUL bytes) arrives intact");

	req.method = "PUT";
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && strstr(resp.body.buf, "\"method\": \"PUT\"") && echoed_sha(&resp, body, len),
	      "PUT sends the body too");
	free(u);

	write_file(path, "skip", 4);
	f = fopen(path, "a+");
	if (!f || fwrite(body, 1, len, f) != len || fflush(f) || fseek(f, 4, SEEK_SET))
		die_errno("cannot prepare '%s'", path);
	u = url("/flaky-echo");
	req = (struct http_request){ .url = u, .body_fd = fileno(f), .body_offset = 4, .body_len = len,
				     .retry_delay_ms = 50, .headers = json_type };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2, "a body from a file survives a 503 and a retry");
	CHECK(echoed_sha(&resp, body, len), "the retried file body is rewound and arrives intact");
	free(u);

	u = url("/same-307");
	req.url = u;
	req.follow_redirects = 1;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && strstr(resp.body.buf, "\"method\": \"POST\"") && echoed_sha(&resp, body, len),
	      "a 307 redirect repeats the POST with the whole file body");
	fclose(f);
	free(u);

	u = url("/see-other");
	req = (struct http_request){ .url = u, .body = body, .body_len = len, .follow_redirects = 1 };
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && strstr(resp.body.buf, "\"method\": \"GET\"") && echoed_sha(&resp, "", 0),
	      "a 303 redirect turns a POST into a GET without body");
	free(u);

	u = url("/flaky-form");
	req = (struct http_request){ .url = u, .form = make_form, .form_arg = &forms, .retry_delay_ms = 50 };
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2 && strstr(resp.body.buf, "multipart/form-data; boundary="),
	      "a form survives a 503: it is sent as multipart/form-data again");
	CHECK_INT(forms, 2, "the form is made afresh for each attempt (a resent one could go out truncated)");
	CHECK(!strstr(resp.body.buf, "\"body_len\": 0,"), "the retried form arrives with its body");
	free(u);

	unlink(path);
	free(path);
	free(body);
	http_response_release(&resp);
	strbuf_release(&err);
}

static int file_is_pattern(FILE *f, size_t copies)
{
	struct strbuf sb = STRBUF_INIT;
	int ok;

	fflush(f);
	lseek(fileno(f), 0, SEEK_SET);
	strbuf_read_fd(&sb, fileno(f));
	ok = sb.len == copies * 16;
	for (size_t i = 0; ok && i < sb.len; i += 16)
		ok = !memcmp(sb.buf + i, "0123456789abcdef", 16);
	strbuf_release(&sb);
	return ok;
}

/* The sha256 of the 1 MiB that /download serves. */
static void pattern_sha256(char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 h;

	sha256_init(&h);
	for (int i = 0; i < 65536; i++)
		sha256_update(&h, "0123456789abcdef", 16);
	sha256_final_hex(&h, hex);
}

static void test_hashed_downloads(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	struct sha256 h;
	char want[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
	char *u = url("/download");
	struct http_request req = { .url = u, .download_hash = &h, .max_download = 1 << 20,
				    .retry_delay_ms = 50 };
	int rc;

	pattern_sha256(want);
	sha256_init(&h);
	rc = http_request(&req, &resp);
	sha256_final_hex(&h, got);
	CHECK(rc == 0 && resp.status == 200 && resp.body.len == 0, "a hashed download keeps no body");
	CHECK_STR(got, want, "a hashed download hashes every byte, up to a bound equal to its size");
	free(u);

	u = url("/hash-cut");
	req.url = u;
	fresh_connection();
	sha256_init(&h);
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	sha256_final_hex(&h, got);
	CHECK(rc == 0 && resp.attempts == 2, "a hashed download cut short is retried");
	CHECK_STR(got, want, "the retried hash starts afresh: the cut bytes are not in it");
	free(u);

	u = url("/download");
	req.url = u;
	req.max_download = (1 << 20) - 1;
	req.quiet = 1;
	sha256_init(&h);
	rc = http_request(&req, &resp);
	sha256_final_hex(&h, got);
	CHECK(rc == -1 && resp.too_long && resp.attempts == 1, "a download over its bound fails at once, too_long");
	CHECK(strstr(resp.error.buf, "longer than 1048575 bytes") != NULL, "and says what the bound was");
	CHECK_INT(resp.exit_code, EXIT_DATA, "a download over its bound is EXIT_DATA");
	free(u);

	u = url("/missing");
	req.url = u;
	sha256_init(&h);
	rc = http_request(&req, &resp);
	sha256_final_hex(&h, got);
	CHECK(rc == 0 && resp.status == 404 && !strcmp(resp.body.buf, "not here") && !resp.too_long,
	      "an error answer to a hashed download keeps its body and hashes nothing");
	free(u);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_downloads(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *u = url("/download"), *path = work_path("download.bin"), *len;
	FILE *f = fopen(path, "w+");
	struct http_request req = { .url = u, .download = f, .retry_delay_ms = 50,
				    .progress_label = "download" };
	int rc;

	if (!f)
		die_errno("cannot create '%s'", path);
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.status == 200, "a download succeeds");
	CHECK(file_is_pattern(f, 65536), "a 1 MiB download lands in the file, byte for byte");
	CHECK_INT(resp.body.len, 0, "a download leaves resp->body empty");
	CHECK_STR(err.buf, "", "no progress bar when stderr is not a terminal");
	free(u);

	fclose(f);
	f = fopen(path, "w+");
	u = url("/download-cut");
	req.url = u;
	req.download = f;
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == 0 && resp.attempts == 2, "a download cut short is retried");
	CHECK(file_is_pattern(f, 65536), "the retried download holds no leftovers of the cut one");
	free(u);

	fclose(f);
	f = fopen(path, "w+");
	u = url("/download-shrink");
	req.url = u;
	req.download = f;
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	if (rc == 0) {
		struct strbuf got = STRBUF_INIT;

		fflush(f);
		lseek(fileno(f), 0, SEEK_SET);
		strbuf_read_fd(&got, fileno(f));
		CHECK_STR(got.buf, "short", "a retried download shorter than the cut one is not padded by it");
		strbuf_release(&got);
	} else {
		CHECK(0, "a retried download shorter than the cut one is not padded by it");
	}
	free(u);

	fclose(f);
	f = fopen(path, "w+");
	u = url("/download-moved");
	req.url = u;
	req.download = f;
	req.follow_redirects = 1;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && file_is_pattern(f, 65536), "the body of a redirect does not end up in the download");
	free(u);

	fclose(f);
	f = fopen(path, "w+");
	u = url("/missing");
	req.url = u;
	req.download = f;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 404 && !strcmp(resp.body.buf, "not here") && file_is_pattern(f, 0),
	      "an error body goes to resp->body, not into the download");
	fclose(f);
	free(u);

	test_hashed_downloads();

	u = url("/download");
	req = (struct http_request){ .url = u, .method = "HEAD" };
	rc = http_request(&req, &resp);
	len = http_header(&resp, "content-length");
	CHECK(rc == 0 && resp.status == 200 && resp.body.len == 0, "HEAD gets the status and no body");
	CHECK_STR(len, "1048576", "HEAD gets the headers");
	free(len);
	free(u);

	unlink(path);
	free(path);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_unix_socket(const char *sock)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { .url = "http://localhost/echo", .unix_socket = sock };
	int rc;

	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200 && strstr(resp.body.buf, "\"port\": 0"),
	      "unix_socket sends the request through a unix socket");
	CHECK(strstr(resp.body.buf, "\"host\": \"localhost\"") != NULL, "the URL's host is the Host header");
	http_response_release(&resp);
}

/* With stderr on a terminal, a progress bar shows; the pty plays the terminal. */
static void test_progress_on_terminal(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf shown = STRBUF_INIT;
	char *u = url("/download"), *path = work_path("progress.bin"), buf[4096];
	FILE *f = fopen(path, "w+");
	struct http_request req = { .url = u, .download = f, .progress_label = "fetching-blob" };
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave = -1, saved = dup(2), rc;
	ssize_t n;

	if (!f || master < 0 || grantpt(master) || unlockpt(master) ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		CHECK(0, "a pseudo-terminal is available");
		goto out;
	}
	fflush(stderr);
	dup2(slave, 2);
	rc = http_request(&req, &resp);
	fflush(stderr);
	dup2(saved, 2);
	close(slave);
	fcntl(master, F_SETFL, O_NONBLOCK);
	while ((n = read(master, buf, sizeof(buf))) > 0)
		strbuf_add(&shown, buf, n);
	CHECK(rc == 0 && resp.status == 200, "a download with a progress bar succeeds");
	CHECK(strstr(shown.buf, "fetching-blob [") && strstr(shown.buf, "100% 1.0 MiB of 1.0 MiB"),
	      "the progress bar is drawn on a terminal and ends at 100%");
	CHECK(file_is_pattern(f, 65536), "the progress bar does not disturb the download");
out:
	if (f)
		fclose(f);
	if (master >= 0)
		close(master);
	close(saved);
	unlink(path);
	free(path);
	free(u);
	strbuf_release(&shown);
	http_response_release(&resp);
}

static void test_headers(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *u = url("/headers"), *v;
	struct http_request req = { .url = u };

	CHECK(http_request(&req, &resp) == 0, "a plain GET succeeds");
	v = http_header(&resp, "X-THING");
	CHECK_STR(v, "second", "http_header is case-insensitive, takes the last one and trims it");
	free(v);
	v = http_header(&resp, "content-length");
	CHECK_STR(v, "0", "http_header finds a standard header");
	free(v);
	CHECK(http_header(&resp, "X-Absent") == NULL, "http_header gives NULL for a missing header");
	CHECK(http_header(&resp, "X-Thin") == NULL, "http_header does not match a prefix of a name");
	free(u);
	http_response_release(&resp);
}

static void test_tls(void)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct strbuf err = STRBUF_INIT;
	char *cert = work_path("cert.pem"), *key = work_path("key.pem"), *u;
	const char *openssl[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
				  "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
				  "-addext", "subjectAltName=IP:127.0.0.1", NULL };
	const char *extra[] = { "--tls", cert, key, NULL };
	struct run_cmd cmd = { .argv = openssl, .err = &err };
	struct http_request req = { .retry_delay_ms = 50, .max_retries = 2 };
	int ports[2], rc;
	pid_t pid;

	if (run_command(&cmd) != 0) {
		CHECK(0, "openssl makes a self-signed certificate");
		printf("# %s\n", err.buf);
		goto out;
	}
	pid = start_server(extra, ports);
	u = xstrfmt("https://127.0.0.1:%d/echo", ports[0]);
	req.url = u;
	unsetenv("CURL_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	capture_begin();
	rc = http_request(&req, &resp);
	capture_end(&err);
	CHECK(rc == -1 && resp.status == 0, "a self-signed certificate is refused without ca_file");
	CHECK_INT(resp.attempts, 1, "a certificate failure is not retried");
	CHECK(strstr(err.buf, "certificate") != NULL, "the error says it is about the certificate");

	req.ca_file = cert;
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200, "the same server is trusted with ca_file");

	req.ca_file = NULL;
	setenv("CURL_CA_BUNDLE", cert, 1);
	rc = http_request(&req, &resp);
	unsetenv("CURL_CA_BUNDLE");
	CHECK(rc == 0 && resp.status == 200, "CURL_CA_BUNDLE names the CA bundle");

	setenv("SSL_CERT_FILE", cert, 1);
	rc = http_request(&req, &resp);
	unsetenv("SSL_CERT_FILE");
	CHECK(rc == 0 && resp.status == 200, "SSL_CERT_FILE names the CA bundle");

	req.client = http_client_new();
	http_client_ca_file(req.client, cert);
	rc = http_request(&req, &resp);
	CHECK(rc == 0 && resp.status == 200, "a client's CA file serves each of its requests");
	http_client_ca_file(req.client, NULL);
	req.quiet = 1;
	rc = http_request(&req, &resp);
	CHECK(rc == -1 && resp.exit_code == EXIT_AUTH, "without it the certificate is refused again (EXIT_AUTH)");
	http_client_free(req.client);

	stop_server(pid);
	free(u);
out:
	unlink(cert);
	unlink(key);
	free(cert);
	free(key);
	http_response_release(&resp);
	strbuf_release(&err);
}

static void test_pure(void)
{
	struct strbuf sb = STRBUF_INIT;

	encode_percent(&sb, "a b/c~d_e.f-g+h\xc3\xbc%");
	CHECK_STR(sb.buf, "a%20b%2Fc~d_e.f-g%2Bh%C3%BC%25", "encode_percent keeps only the unreserved characters");
	strbuf_release(&sb);

	CHECK_INT(http_exit_code(200), EXIT_OK, "2xx -> EXIT_OK");
	CHECK_INT(http_exit_code(401), EXIT_AUTH, "401 -> EXIT_AUTH");
	CHECK_INT(http_exit_code(403), EXIT_AUTH, "403 -> EXIT_AUTH");
	CHECK_INT(http_exit_code(404), EXIT_NOTFOUND, "404 -> EXIT_NOTFOUND");
	CHECK_INT(http_exit_code(409), EXIT_CONFLICT, "409 -> EXIT_CONFLICT");
	CHECK_INT(http_exit_code(408), EXIT_TEMPFAIL, "408 -> EXIT_TEMPFAIL");
	CHECK_INT(http_exit_code(429), EXIT_TEMPFAIL, "429 -> EXIT_TEMPFAIL");
	CHECK_INT(http_exit_code(503), EXIT_TEMPFAIL, "503 -> EXIT_TEMPFAIL");
	CHECK_INT(http_exit_code(0), EXIT_TEMPFAIL, "no response -> EXIT_TEMPFAIL");
	CHECK_INT(http_exit_code(400), EXIT_DATA, "400 -> EXIT_DATA: the server refused what was sent");
	CHECK_INT(http_exit_code(422), EXIT_DATA, "other 4xx -> EXIT_DATA");
	CHECK_INT(http_exit_code(302), EXIT_NO, "a 3xx not followed -> EXIT_NO");
}

/* A response that answered from base with these header lines. */
static char *link_of(const char *base, const char *headers)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *next;

	strbuf_addstr(&resp.headers, headers);
	resp.effective_url = xstrdup(base);
	next = http_link_next(&resp);
	http_response_release(&resp);
	return next;
}

static void check_next(const char *headers, const char *want, const char *what)
{
	char *got = link_of("https://api.example/r?page=1", headers);

	if (want)
		CHECK_STR(got, want, what);
	else
		CHECK(!got, what);
	free(got);
}

static void test_links(void)
{
	check_next("Link: <https://api.example/r?page=2>; rel=\"next\", <https://api.example/r?page=5>; rel=\"last\"\r\n",
		   "https://api.example/r?page=2", "next first");
	check_next("Link: <https://a/r?page=1>; rel=\"prev\", <https://a/r?page=3>; rel=\"next\"\r\n",
		   "https://a/r?page=3", "next after prev");
	check_next("Link: <https://a/r?page=1>; rel=\"first\", <https://a/r?page=1>; rel=\"prev\"\r\n", NULL,
		   "the last page has no next");
	check_next("", NULL, "no Link header");
	check_next("Link: <https://a/r?page=2; rel=\"next\"\r\n", NULL, "an unterminated URL");
	check_next("Link: garbage rel=\"next\"\r\n", NULL, "no URL at all");
	check_next("Link: </v2/app/tags/list?last=b&n=2>; rel=\"next\"\r\n",
		   "https://api.example/v2/app/tags/list?last=b&n=2", "a relative target resolves against the answering URL");
	check_next("Link: <?page=2>; rel=next\r\n", "https://api.example/r?page=2", "an unquoted rel, a query-only target");
	check_next("Link: <https://a/x>; rel=\"prev next\"\r\n", "https://a/x", "rel with several types");
	check_next("Link: <https://a/x>; REL=\"NEXT\"\r\n", "https://a/x", "rel is case-insensitive");
	check_next("Link: <https://a/x>; title=\"rel=next, really\"; rel=\"last\"\r\n", NULL,
		   "rel=next inside another parameter's quoted value is not a rel");
	check_next("Link: <https://a/x>; rel=\"nextish\"\r\n", NULL, "nextish is not next");
	check_next("Link: <https://a/1>; rel=\"last\"\r\nLink: <https://a/2>; rel=\"next\"\r\n",
		   "https://a/2", "a second Link header is read too");
	check_next("Link: <file:///etc/passwd>; rel=\"next\"\r\n", NULL, "a target that is not http(s) is no next page");
}

static void test_urls(void)
{
	char *s;

	CHECK(http_host_is_loopback("localhost") && http_host_is_loopback("LOCALHOST"), "localhost is loopback");
	CHECK(http_host_is_loopback("127.0.0.1") && http_host_is_loopback("127.200.3.4"), "127.0.0.0/8 is loopback");
	CHECK(http_host_is_loopback("::1") && http_host_is_loopback("[::1]"), "::1 is loopback");
	CHECK(!http_host_is_loopback("localhost-registry.example"), "a name starting with localhost is not");
	CHECK(!http_host_is_loopback("127.reg.example"), "a name starting with 127. is not");
	CHECK(!http_host_is_loopback("128.0.0.1") && !http_host_is_loopback("[::2]"), "other addresses are not");
	CHECK(!http_host_is_loopback("localhost.") && !http_host_is_loopback(""), "look-alikes are not");

	s = http_url_origin("HTTPS://Example.COM/a?b");
	CHECK_STR(s, "https://example.com:443", "an origin is lowercase with the port spelled out");
	free(s);
	CHECK(http_same_origin("http://a:80/x", "http://a/y"), "the default port is the same origin");
	CHECK(!http_same_origin("https://a/x", "http://a/x"), "another scheme is another origin");
	CHECK(!http_same_origin("http://a:81/x", "http://a/x"), "another port is another origin");
	s = http_url_display("https://user:pw@h.example/p?q");
	CHECK_STR(s, "https://h.example/p?q", "a URL is shown without userinfo");
	free(s);
	s = http_url_resolve("https://h.example/a/b?c", "../d");
	CHECK_STR(s, "https://h.example/d", "a relative reference resolves");
	free(s);
	CHECK(!http_url_resolve("https://h.example/", "javascript:alert(1)"), "a non-http scheme does not resolve");
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *extra[3] = { "--unix", NULL, NULL };
	char *plan, *sock;
	int ports[2];
	pid_t pid;

	(void)argc;
	setup_tool(argv[0]);
	for (const char *const *v = (const char *const[]){ "http_proxy", "https_proxy", "HTTP_PROXY",
			"HTTPS_PROXY", "ALL_PROXY", "all_proxy", NULL }; *v; v++)
		unsetenv(*v);
	unsetenv("SHIPSYNC_HTTP_DEADLINE_MS");
	unsetenv("SHIPSYNC_HTTP_RETRY_DELAY_MS");
	snprintf(workdir, sizeof(workdir), "%s/common-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(workdir))
		die_errno("mkdtemp");
	plan = work_path("plan.json");
	write_file(plan, plan_json, strlen(plan_json));

	test_pure();
	test_links();
	test_urls();
	sock = work_path("http.sock");
	extra[1] = sock;
	pid = start_server(extra, ports);
	port0 = ports[0];
	port1 = ports[1];
	test_retries();
	test_deadline();
	test_retry_after();
	test_refusals();
	test_attempt_timeout();
	test_unreadable_body();
	test_dead_server();
	test_redirects();
	test_same_origin();
	test_redaction();
	test_bodies();
	test_downloads();
	test_headers();
	test_unix_socket(sock);
	test_progress_on_terminal();
	stop_server(pid);
	unlink(sock);
	free(sock);
	test_tls();

	unlink(plan);
	free(plan);
	rmdir(workdir);
	return test_done();
}
