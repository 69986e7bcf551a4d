/*
 * healthwait: wait until a service is healthy, or say why it is not by a
 * hard deadline. It polls an HTTP(S) URL for a 2xx answer (and a JSON field
 * holding an expected value), or a container's health status through the
 * Docker Engine API or podman, or both, with the URL probed from inside the
 * container's network namespace so that the image needs no published port.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "encode.h"
#include "health.h"
#include "http.h"
#include "podman.h"
#include "util.h"

#define ATTEMPT_MAX_MS 10000
/* An attempt with less time than this left only hides the last real answer. */
#define ATTEMPT_MIN_MS 20

struct waiter {
	struct probe probe;	/* probe.url NULL: no URL check */
	const char *container;
	struct strbuf shown_url;	/* the URL as messages show it */
	int netns, running_ok;
	char *socket, *base;	/* the Engine API; NULL base: podman's command line */
	struct podman podman;

	struct container_state st;
	struct probe_result last;
	struct strbuf said;	/* the last state shown with -v */
};

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: healthwait [-v] [-t timeout] [-i interval] [-I max-interval] [-C cafile]\n"
		"                  [-f field [-e value]] url\n"
		"       healthwait [-NRv] [-t timeout] [-i interval] [-I max-interval] [-C cafile]\n"
		"                  [-f field [-e value]] [-P podman] -c container [url]\n");
	exit(code);
}

/*
 * Ask the engine about the container: 0 with w->st updated, -1 when it gave
 * no answer before limit_ms (a busy engine near the deadline; w->st kept),
 * or the exit code to use, with the error printed.
 */
static int inspect(struct waiter *w, long limit_ms)
{
	struct strbuf url = STRBUF_INIT;
	struct http_request req = {
		.no_retry = 1, .max_retries = -1, .unix_socket = w->socket,
		.timeout_ms = limit_ms, .deadline_ms = limit_ms, .quiet = 1,
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct container_state st;
	long long start = now_ms();
	int rc = 0;

	strbuf_addf(&url, "%s/containers/", w->base);
	encode_percent(&url, w->container);
	strbuf_addstr(&url, "/json");
	req.url = url.buf;
	if (http_request(&req, &resp) < 0 && !resp.status) {
		if (now_ms() - start >= limit_ms - ATTEMPT_MIN_MS) {
			rc = -1;
		} else {
			error("cannot ask the %s at '%s' about container '%s' (%s): is it running? (%s)",
			      w->podman.command ? "podman service" : "Docker engine",
			      w->socket ? w->socket : w->base, w->container, resp.error.buf,
			      w->podman.command ? "CONTAINER_HOST" : "DOCKER_HOST");
			rc = EXIT_SYSTEM;
		}
	} else if (resp.status == 404) {
		error("no such container '%s'", w->container);
		rc = EXIT_NOTFOUND;
	} else if (resp.status != 200 || parse_container(resp.body.buf, resp.body.len, &st) < 0) {
		error("the engine's answer about container '%s' makes no sense (HTTP %ld)",
		      w->container, resp.status);
		rc = EXIT_SYSTEM;
	} else {
		podman_notice_answer(&w->podman, &resp);
		container_state_release(&w->st);
		w->st = st;
	}
	http_response_release(&resp);
	strbuf_release(&url);
	return rc;
}

static void explain_container(const struct waiter *w)
{
	if (w->st.error)
		error("container error: %s", w->st.error);
	if (w->st.last_output) {
		struct strbuf out = STRBUF_INIT;

		add_excerpt(&out, w->st.last_output, strlen(w->st.last_output), EXCERPT_MAX);
		error("last health check output: %s", out.buf);
		strbuf_release(&out);
	}
}

/* Ask the engine, through its API or podman's command line: as inspect(). */
static int ask(struct waiter *w, long limit_ms)
{
	return w->base ? inspect(w, limit_ms) : podman_inspect(&w->podman, w->container, limit_ms, &w->st);
}

/* The container's state, after running its health check when nothing else does. */
static int look(struct waiter *w, long limit_ms)
{
	long long until = now_ms() + limit_ms;
	int rc = ask(w, limit_ms);

	if (rc || !podman_check_due(&w->podman, &w->st, now_ms()))
		return rc;
	rc = podman_run_check(&w->podman, w->container, w->socket, w->base, until - now_ms());
	return rc || until - now_ms() < ATTEMPT_MIN_MS ? rc : ask(w, until - now_ms());
}

/* The container's side of one attempt: 1 healthy, 0 not yet, -1 with *code set. */
static int container_healthy(struct waiter *w, long limit_ms, int *code)
{
	const char *status;
	int rc = look(w, limit_ms);

	if (rc < 0)
		return 0;
	if ((*code = rc))
		return -1;
	status = w->st.status;
	if (!strcmp(status, "exited") || !strcmp(status, "dead")) {
		error("container '%s' %s with code %lld before it was healthy",
		      w->container, status, w->st.exit_code);
		explain_container(w);
		*code = EXIT_NO;
		return -1;
	}
	if (w->st.health)
		return !strcmp(w->st.health, "healthy");
	if (strcmp(status, "running"))
		return 0;
	if (!w->running_ok) {
		error("container '%s' has no HEALTHCHECK: add one to the image, "
		      "or use --running-ok (with a URL to check)", w->container);
		*code = EXIT_DATA;
		return -1;
	}
	return 1;
}

static void url_attempt(struct waiter *w, long limit_ms, int *code)
{
	struct probe p = w->probe;
	struct probe_result fresh = PROBE_RESULT_INIT, old;
	long long start = now_ms();

	p.timeout_ms = limit_ms;
	if (!w->netns)
		probe_url(&p, &fresh);
	else if (!w->st.status || strcmp(w->st.status, "running") || w->st.pid <= 0)
		strbuf_addf(&fresh.why, "container is %s, not running", w->st.status ? w->st.status : "unknown");
	else
		*code = probe_url_in_netns(&p, (pid_t)w->st.pid, &fresh);

	/* An attempt the deadline cut short says nothing new: keep the answer before it. */
	if (!fresh.healthy && !fresh.status && limit_ms < ATTEMPT_MAX_MS && w->last.why.len &&
	    now_ms() - start >= limit_ms - ATTEMPT_MIN_MS) {
		probe_result_release(&fresh);
		return;
	}
	old = w->last;
	w->last = fresh;
	probe_result_release(&old);
}

static void say_progress(struct waiter *w)
{
	struct strbuf now = STRBUF_INIT;

	if (w->container)
		strbuf_addf(&now, "container %s, health %s", w->st.status ? w->st.status : "?",
			    w->st.health ? w->st.health : "(none)");
	if (w->probe.url)
		strbuf_addf(&now, "%surl: %s", now.len ? "; " : "",
			    w->last.healthy ? "healthy" : w->last.why.buf);
	if (strcmp(now.buf, w->said.buf))
		note("%s", now.buf);
	strbuf_release(&w->said);
	w->said = now;
}

/* One attempt: EXIT_OK when healthy, -1 when not yet, or the final exit code. */
static int attempt(struct waiter *w, long limit_ms)
{
	int code = 0, ok = 1;

	if (w->container) {
		ok = container_healthy(w, limit_ms, &code);
		if (ok < 0)
			return code;
	}
	if (w->probe.url) {
		url_attempt(w, limit_ms, &code);
		if (code)
			return code;
		ok = ok && w->last.healthy;
	}
	if (verbose)
		say_progress(w);
	return ok ? EXIT_OK : -1;
}

static int timed_out(const struct waiter *w, long long waited)
{
	if (w->container) {
		error("container '%s' is not healthy after %.1f s: state %s, health %s", w->container,
		      waited / 1000.0, w->st.status ? w->st.status : "unknown (the engine did not answer in time)",
		      w->st.health ? w->st.health : w->st.status ? "(no HEALTHCHECK)" : "unknown");
		explain_container(w);
	}
	if (w->probe.url) {
		error("'%s'%s is not healthy after %.1f s: %s", w->shown_url.buf,
		      w->netns ? " (inside the container)" : "", waited / 1000.0, w->last.why.buf);
		if (w->last.body.len)
			error("last body: %s", w->last.body.buf);
	}
	return EXIT_TEMPFAIL;
}

static int wait_healthy(struct waiter *w, long timeout_ms, long min_ms, long max_ms)
{
	long long start = now_ms(), deadline = start + timeout_ms;

	for (;;) {
		long long left = deadline - now_ms();
		long wait;
		int rc;

		rc = attempt(w, left < ATTEMPT_MAX_MS ? (left > 0 ? left : 1) : ATTEMPT_MAX_MS);
		if (rc >= 0)
			return rc;
		left = deadline - now_ms();
		wait = next_interval(now_ms() - start, min_ms, max_ms);
		if (left - wait < ATTEMPT_MIN_MS) {
			if (left > 0)
				sleep_ms(left);
			return timed_out(w, now_ms() - start);
		}
		sleep_ms(wait);
	}
}

static long duration_arg(const char *arg, const char *what)
{
	long ms;

	if (parse_duration(arg, &ms) < 0 || ms <= 0) {
		error("invalid %s '%s': give seconds (2.5, 30s), milliseconds (500ms) or minutes (1m)", what, arg);
		usage(EXIT_USAGE);
	}
	return ms;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cacert",       required_argument, NULL, 'C' },
		{ "container",    required_argument, NULL, 'c' },
		{ "expect",       required_argument, NULL, 'e' },
		{ "json-field",   required_argument, NULL, 'f' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "max-interval", required_argument, NULL, 'I' },
		{ "interval",     required_argument, NULL, 'i' },
		{ "netns",        no_argument,       NULL, 'N' },
		{ "podman",       required_argument, NULL, 'P' },
		{ "running-ok",   no_argument,       NULL, 'R' },
		{ "timeout",      required_argument, NULL, 't' },
		{ "verbose",      no_argument,       NULL, 'v' },
		{ "version",      no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct waiter w = { .shown_url = STRBUF_INIT, .st = { 0 }, .last = PROBE_RESULT_INIT, .said = STRBUF_INIT };
	struct strbuf shown = STRBUF_INIT;
	long timeout_ms = 60000, min_ms = 50, max_ms = 1000;
	int c, rc;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "C:c:e:f:hI:i:NP:Rt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': w.probe.ca_file = optarg; break;
		case 'c': w.container = optarg; break;
		case 'e': w.probe.expect = optarg; break;
		case 'f': w.probe.field = optarg; break;
		case 'h': usage(EXIT_OK);
		case 'I': max_ms = duration_arg(optarg, "maximum interval"); break;
		case 'i': min_ms = duration_arg(optarg, "interval"); break;
		case 'N': w.netns = 1; break;
		case 'P': w.podman.command = optarg; break;
		case 'R': w.running_ok = 1; break;
		case 't': timeout_ms = duration_arg(optarg, "timeout"); break;
		case 'v': verbose++; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc > 1 || (!argc && !w.container)) {
		error(argc ? "give one URL" : "give a URL to poll, or a container with -c");
		usage(EXIT_USAGE);
	}
	w.probe.url = argc ? argv[0] : NULL;
	if (w.probe.expect && !w.probe.field)
		die_code(EXIT_USAGE, "--expect needs --json-field");
	if (w.probe.field && !w.probe.expect)
		w.probe.expect = "healthy";
	if (!w.probe.url && (w.probe.field || w.probe.ca_file || w.netns))
		die_code(EXIT_USAGE, "--json-field, --cacert and --netns need a URL");
	if (!w.container && (w.netns || w.running_ok || w.podman.command))
		die_code(EXIT_USAGE, "--netns, --podman and --running-ok need a container (-c)");
	if (w.probe.url)
		add_excerpt(&w.shown_url, w.probe.url, strlen(w.probe.url), EXCERPT_MAX);
	if (w.probe.url && !starts_with(w.probe.url, "http://") && !starts_with(w.probe.url, "https://"))
		die_code(EXIT_USAGE, "'%s' is not an http:// or https:// URL", w.shown_url.buf);
	if (w.probe.ca_file && access(w.probe.ca_file, R_OK) < 0)
		die_code(EXIT_DATA, "cannot read the CA file '%s': %s", w.probe.ca_file, strerror(errno));
	if (min_ms > max_ms)
		max_ms = min_ms;
	if (w.container && !valid_container_name(w.container)) {
		add_excerpt(&shown, w.container, strlen(w.container), EXCERPT_MAX);
		die_code(EXIT_USAGE, "'%s' is not a container name or ID", shown.buf);
	}
	if (w.podman.command && podman_open(&w.podman, w.podman.command, &w.socket, &w.base) < 0)
		die_code(EXIT_USAGE, "CONTAINER_HOST '%s' is not unix://: healthwait asks a podman on this machine only",
			 getenv("CONTAINER_HOST"));
	if (w.container && !w.podman.command && docker_endpoint(getenv("DOCKER_HOST"), &w.socket, &w.base) < 0)
		die_code(EXIT_USAGE, "DOCKER_HOST '%s' is neither unix:// nor tcp://", getenv("DOCKER_HOST"));

	rc = wait_healthy(&w, timeout_ms, min_ms, max_ms);

	container_state_release(&w.st);
	podman_release(&w.podman);
	probe_result_release(&w.last);
	strbuf_release(&w.said);
	strbuf_release(&w.shown_url);
	free(w.socket);
	free(w.base);
	finish_stdout();
	return rc;
}
