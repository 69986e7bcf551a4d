/* One health request, from here or from inside a container's network namespace. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "health.h"
#include "http.h"
#include "util.h"

void probe_result_reset(struct probe_result *r)
{
	r->healthy = 0;
	r->status = 0;
	strbuf_reset(&r->why);
	strbuf_reset(&r->body);
}

void probe_result_release(struct probe_result *r)
{
	strbuf_release(&r->why);
	strbuf_release(&r->body);
}

static void judge_body(const struct probe *p, const struct http_response *resp, struct probe_result *r)
{
	struct strbuf got = STRBUF_INIT;

	switch (check_field(resp->body.buf, resp->body.len, p->field, p->expect, &got)) {
	case FIELD_MATCH:
		r->healthy = 1;
		break;
	case FIELD_MISMATCH:
		strbuf_addf(&r->why, "HTTP %ld, field '%s' is %s, not \"%s\"", resp->status, p->field, got.buf, p->expect);
		break;
	case FIELD_MISSING:
		strbuf_addf(&r->why, "HTTP %ld, the JSON body has no field '%s'", resp->status, p->field);
		break;
	case FIELD_NOT_JSON:
		strbuf_addf(&r->why, "HTTP %ld, the body is not JSON", resp->status);
		break;
	}
	strbuf_release(&got);
}

void probe_url(const struct probe *p, struct probe_result *r)
{
	static const char *const json_accept[] = { "Accept: application/json", NULL };
	struct http_request req = {
		.url = p->url,
		.headers = p->field ? json_accept : NULL,
		.follow_redirects = 1,
		.no_retry = 1,
		.max_retries = -1,
		.timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 1,
		.deadline_ms = p->timeout_ms > 0 ? p->timeout_ms : 1,
		.ca_file = p->ca_file,
		/* healthwait polls: a failed attempt is kept for the report, not printed. */
		.quiet = 1,
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	int rc = http_request(&req, &resp);

	probe_result_reset(r);
	r->status = resp.status;
	add_excerpt(&r->body, resp.body.buf, resp.body.len, EXCERPT_MAX);
	if (rc < 0 && !resp.status)
		add_excerpt(&r->why, resp.error.len ? resp.error.buf : "no answer", resp.error.len ? resp.error.len : 9,
			    EXCERPT_MAX);
	else if (resp.status >= 300 && resp.status <= 399)
		strbuf_addf(&r->why, "HTTP %ld, a redirect that leads nowhere healthy", resp.status);
	else if (resp.status < 200 || resp.status > 299)
		strbuf_addf(&r->why, "HTTP %ld", resp.status);
	else if (p->field)
		judge_body(p, &resp, r);
	else
		r->healthy = 1;
	http_response_release(&resp);
}

/*
 * Enter the network namespace. Rootless podman's belongs to a user namespace
 * that its owner may enter, and then the network namespace too.
 */
static int enter_netns(int ns, int userns)
{
	int err;

	if (!setns(ns, CLONE_NEWNET))
		return 0;
	err = errno;
	if (err == EPERM && userns >= 0 && !setns(userns, CLONE_NEWUSER) && !setns(ns, CLONE_NEWNET))
		return 0;
	errno = err;
	return -1;
}

/* The child's report: "R healthy status whylen bodylen\n" why body, or "E errno\n". */
static noreturn void netns_child(const struct probe *p, int ns, int userns, int out)
{
	struct probe_result r = PROBE_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;

	if (enter_netns(ns, userns) < 0) {
		strbuf_addf(&msg, "E %d\n", errno);
		write_all(out, msg.buf, msg.len);
		_exit(1);
	}
	probe_url(p, &r);
	strbuf_addf(&msg, "R %d %ld %zu %zu\n", r.healthy, r.status, r.why.len, r.body.len);
	strbuf_addbuf(&msg, &r.why);
	strbuf_addbuf(&msg, &r.body);
	_exit(write_all(out, msg.buf, msg.len) < 0);
}

/* Read the child's whole report, giving up (and killing it) after limit_ms. */
static int read_report(int fd, pid_t child, long limit_ms, struct strbuf *report)
{
	long long until = now_ms() + limit_ms;
	char buf[4096];

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long long left = until - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			kill(child, SIGKILL);
			return -1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		strbuf_add(report, buf, n);
	}
}

static int parse_report(const struct strbuf *report, struct probe_result *r)
{
	int healthy, used = 0;
	size_t why_len, body_len;
	long status;

	if (sscanf(report->buf, "R %d %ld %zu %zu\n%n", &healthy, &status, &why_len, &body_len, &used) != 4 ||
	    !used || used + why_len + body_len != report->len)
		return -1;
	r->healthy = healthy == 1;
	r->status = status;
	strbuf_add(&r->why, report->buf + used, why_len);
	strbuf_add(&r->body, report->buf + used + why_len, body_len);
	return 0;
}

static int setns_failed(pid_t pid, int err)
{
	error("cannot enter the network namespace of the container (process %ld): %s", (long)pid, strerror(err));
	if (err != EPERM && err != EACCES)
		return EXIT_SYSTEM;
	error("entering it needs CAP_SYS_ADMIN (run as root); or publish the port "
	      "(docker run -p 127.0.0.1:PORT:PORT) and wait for the published URL without --netns");
	return EXIT_AUTH;
}

int probe_url_in_netns(const struct probe *p, pid_t pid, struct probe_result *r)
{
	struct strbuf report = STRBUF_INIT;
	char path[64];
	int ns, userns, fds[2], err, status, rc = 0;
	pid_t child;

	probe_result_reset(r);
	snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 && errno == ENOENT) {
		strbuf_addstr(&r->why, "the container's process is gone");
		return 0;
	}
	if (ns < 0)
		return setns_failed(pid, errno);
	snprintf(path, sizeof(path), "/proc/%ld/ns/user", (long)pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		close(ns);
		if (userns >= 0)
			close(userns);
		error_errno("cannot make a pipe");
		return EXIT_SYSTEM;
	}
	fflush(NULL);
	child = fork();
	if (child == 0) {
		close(fds[0]);
		netns_child(p, ns, userns, fds[1]);
	}
	err = errno;
	close(ns);
	if (userns >= 0)
		close(userns);
	close(fds[1]);
	if (child < 0) {
		close(fds[0]);
		error("cannot start the probe process: %s", strerror(err));
		return EXIT_SYSTEM;
	}
	if (read_report(fds[0], child, p->timeout_ms + 1000, &report) < 0)
		strbuf_reset(&report);
	close(fds[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (sscanf(report.buf, "E %d", &err) == 1)
		rc = setns_failed(pid, err);
	else if (parse_report(&report, r) < 0)
		strbuf_addstr(&r->why, "the probe inside the container's namespace gave no answer");
	strbuf_release(&report);
	return rc;
}
