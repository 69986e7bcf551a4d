/*
 * The pure core of healthwait: poll pacing, durations, body excerpts, the
 * JSON field check and the reading of a container's state, plus the probes
 * that make one request (here, or inside a container's network namespace).
 */
#ifndef HEALTH_H
#define HEALTH_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

#define EXCERPT_MAX 200

/* Wait before the next attempt: a hundredth of the time waited, within [min, max]. */
long next_interval(long elapsed_ms, long min_ms, long max_ms);

/* "30", "2.5", "2.5s", "500ms", "1m": 0 and *ms set, or -1 when invalid. */
int parse_duration(const char *s, long *ms);

/* Append at most max bytes of data, control characters and non-ASCII as '.', runs of space as one. */
void add_excerpt(struct strbuf *out, const char *data, size_t len, size_t max);

enum field_verdict {
	FIELD_MATCH,
	FIELD_MISMATCH,		/* *got holds the value found, JSON text for non-strings */
	FIELD_MISSING,
	FIELD_NOT_JSON,
};
/* Does the JSON body hold expect at the dotted path field? */
enum field_verdict check_field(const char *body, size_t len, const char *field,
			       const char *expect, struct strbuf *got);

struct container_state {
	char *status;		/* State.Status: created, running, exited, ... */
	char *health;		/* State.Health.Status, NULL without a HEALTHCHECK */
	char *error;		/* State.Error, NULL when empty */
	char *last_output;	/* output of the last health check, NULL when none */
	char *last_start;	/* when the last health check started, NULL when none */
	long long exit_code;
	long long pid;
	long long check_ms;	/* Config.Healthcheck.Interval; 0 without a HEALTHCHECK */
};
/*
 * Read the Docker Engine's GET /containers/ID/json answer, or what
 * `podman container inspect` prints (an array of one such object, with
 * State.Healthcheck for State.Health before podman 4): 0, or -1 when it is
 * not one.
 */
int parse_container(const char *body, size_t len, struct container_state *st);
void container_state_release(struct container_state *st);

/* A container name or ID as Docker allows them: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 255 bytes. */
int valid_container_name(const char *s);

/*
 * Where the engine listens, from DOCKER_HOST (NULL: the default socket):
 * unix:///path gives *socket and base "http://localhost"; tcp://host:port
 * gives base "http://host:port". 0, or -1 when the scheme is not one of those.
 */
int docker_endpoint(const char *docker_host, char **socket, char **base);

struct probe {
	const char *url;
	const char *ca_file;
	const char *field;	/* NULL: any 2xx will do */
	const char *expect;
	long timeout_ms;
};

struct probe_result {
	int healthy;
	long status;		/* HTTP status, 0 when no answer came */
	struct strbuf why;	/* one line: why it is not healthy */
	struct strbuf body;	/* an excerpt of the last body */
};
#define PROBE_RESULT_INIT { 0, 0, STRBUF_INIT, STRBUF_INIT }
void probe_result_reset(struct probe_result *r);
void probe_result_release(struct probe_result *r);

/* One request from this process; the result says how it went. */
void probe_url(const struct probe *p, struct probe_result *r);

/*
 * The same request from inside the network namespace of process pid: a
 * child enters it and reports through a pipe. 0, or the exit code to use
 * (with the error printed) when the namespace cannot be entered.
 */
int probe_url_in_netns(const struct probe *p, pid_t pid, struct probe_result *r);

#endif
