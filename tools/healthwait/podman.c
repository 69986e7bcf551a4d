/*
 * healthwait and podman. Podman answers the Docker Engine API on its own
 * socket when its service runs; otherwise its command line answers. Podman
 * schedules health checks with systemd timers only: without systemd (most
 * CI containers) a container with a HEALTHCHECK stays "starting" forever.
 * So when no check has started for a whole interval of the image's own,
 * healthwait runs one, and the result means what Docker's would.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "podman.h"
#include "run.h"
#include "util.h"

#define PING_MS 1000

char *podman_socket(const char *container_host, const char *runtime_dir, uid_t uid, int *explicit)
{
	*explicit = container_host && *container_host;
	if (*explicit)
		return starts_with(container_host, "unix://") && container_host[7] ?
			xstrdup(container_host + 7) : NULL;
	if (!uid)
		return xstrdup("/run/podman/podman.sock");
	if (runtime_dir && *runtime_dir)
		return xstrfmt("%s/podman/podman.sock", runtime_dir);
	return xstrfmt("/run/user/%lu/podman/podman.sock", (unsigned long)uid);
}

/* Does a podman service answer on this socket? */
static int answers(const char *socket)
{
	struct http_request req = {
		.url = "http://localhost/_ping", .unix_socket = socket, .no_retry = 1,
		.max_retries = -1, .timeout_ms = PING_MS, .deadline_ms = PING_MS, .quiet = 1,
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	int ok;

	if (access(socket, F_OK) < 0)
		return 0;
	ok = http_request(&req, &resp) == 0 && resp.status == 200;
	http_response_release(&resp);
	return ok;
}

int podman_open(struct podman *pm, const char *command, char **socket, char **base)
{
	int explicit;
	char *path = podman_socket(getenv("CONTAINER_HOST"), getenv("XDG_RUNTIME_DIR"), geteuid(), &explicit);

	pm->command = command;
	if (!path)
		return -1;
	if (!explicit && !answers(path)) {
		free(path);
		note("no podman service answers on its socket: asking '%s' instead", command);
		return 0;
	}
	pm->api = 1;
	*socket = path;
	*base = xstrdup("http://localhost");
	return 0;
}

void podman_notice_answer(struct podman *pm, const struct http_response *resp)
{
	char *version = http_header(resp, "Libpod-Api-Version");

	if (version)
		pm->api = 1;
	free(version);
}

/* The first line of a command's complaint, printable. */
static void add_complaint(struct strbuf *out, const struct strbuf *err)
{
	size_t n = strcspn(err->buf, "\n");

	add_excerpt(out, err->buf, n, EXCERPT_MAX);
	if (!out->len)
		strbuf_addstr(out, "(no message)");
}

int podman_inspect(struct podman *pm, const char *container, long limit_ms, struct container_state *st)
{
	const char *argv[] = { pm->command, "container", "inspect", "--", container, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, why = STRBUF_INIT;
	struct run_cmd cmd = { .argv = argv, .out = &out, .err = &err };
	struct container_state fresh;
	int rc = run_command_within(&cmd, limit_ms > 0 ? limit_ms : 1);

	if (rc == RUN_TIMED_OUT) {
		rc = -1;
	} else if (rc < 0) {
		rc = EXIT_SYSTEM;	/* run_command said why */
	} else if (rc && strstr(err.buf, "no such container")) {
		error("no such container '%s'", container);
		rc = EXIT_NOTFOUND;
	} else if (rc) {
		add_complaint(&why, &err);
		error("'%s container inspect %s' failed (exit %d): %s", pm->command, container, rc, why.buf);
		rc = EXIT_SYSTEM;
	} else if (parse_container(out.buf, out.len, &fresh) < 0) {
		error("what '%s container inspect' says about container '%s' makes no sense", pm->command, container);
		rc = EXIT_SYSTEM;
	} else {
		container_state_release(st);
		*st = fresh;
	}
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&why);
	return rc;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int podman_check_due(struct podman *pm, const struct container_state *st, long long now)
{
	if (!pm->command && !pm->api)
		return 0;	/* Docker runs its checks itself */
	if (!st->check_ms || !st->health || !st->status || strcmp(st->status, "running"))
		return 0;
	if (!pm->clock_ms || !same(pm->last_start, st->last_start)) {
		/* First sight, or a check ran that we did not start: count from now. */
		pm->clock_ms = now;
		free(pm->last_start);
		pm->last_start = st->last_start ? xstrdup(st->last_start) : NULL;
		return 0;
	}
	return now - pm->clock_ms >= st->check_ms;
}

/* `podman healthcheck run`: 0, -1 when it did not end in time, or an exit code. */
static int check_cli(const char *command, const char *container, long limit_ms, struct strbuf *why)
{
	const char *argv[] = { command, "healthcheck", "run", "--", container, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct run_cmd cmd = { .argv = argv, .out = &out, .err = &err };
	int rc = run_command_within(&cmd, limit_ms);

	/* 0 healthy, 1 unhealthy: either way the engine has recorded it. */
	if (rc > 1)
		add_complaint(why, &err);
	strbuf_release(&out);
	strbuf_release(&err);
	if (rc == RUN_TIMED_OUT)
		return -1;
	return rc < 0 ? EXIT_SYSTEM : 0;
}

/* The API's GET /libpod/containers/NAME/healthcheck, which runs one check. */
static int check_api(const char *container, const char *socket, const char *base, long limit_ms,
		     struct strbuf *why)
{
	struct strbuf url = STRBUF_INIT;
	struct http_request req = {
		.unix_socket = socket, .no_retry = 1, .max_retries = -1, .quiet = 1,
		.timeout_ms = limit_ms, .deadline_ms = limit_ms,
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	int rc = 0;

	strbuf_addf(&url, "%s/v1.0.0/libpod/containers/", base);
	encode_percent(&url, container);
	strbuf_addstr(&url, "/healthcheck");
	req.url = url.buf;
	if (http_request(&req, &resp) < 0 && !resp.status) {
		rc = -1;
	} else if (resp.status != 200 && resp.status != 404 && resp.status != 409) {
		/* 404 and 409 (gone, stopped, no check): the next inspect says so. */
		strbuf_addf(why, "HTTP %ld: ", resp.status);
		add_excerpt(why, resp.body.buf, resp.body.len, EXCERPT_MAX);
	}
	http_response_release(&resp);
	strbuf_release(&url);
	return rc;
}

int podman_run_check(struct podman *pm, const char *container, const char *socket, const char *base,
		     long limit_ms)
{
	struct strbuf why = STRBUF_INIT;
	int rc;

	if (limit_ms <= 0)
		return -1;
	note("no health check ran for an interval: running one in container '%s'", container);
	rc = pm->api ? check_api(container, socket, base, limit_ms, &why) :
		check_cli(pm->command, container, limit_ms, &why);
	/* The next one is due an interval after this one ended, as with Docker. */
	pm->clock_ms = now_ms();
	if (why.len && !pm->warned) {
		warn("the health check of container '%s' did not run: %s", container, why.buf);
		pm->warned = 1;
	}
	strbuf_release(&why);
	return rc;
}

void podman_release(struct podman *pm)
{
	free(pm->last_start);
	pm->last_start = NULL;
}
