/*
 * healthwait's podman side: where to ask about a container (podman's API
 * socket, or its command line), and the health checks that podman leaves to
 * systemd timers, run here when no timer runs them.
 */
#ifndef PODMAN_H
#define PODMAN_H

#include <sys/types.h>

#include "health.h"
#include "http.h"

struct podman {
	const char *command;	/* the podman program; NULL: not asked for */
	int api;		/* ask the API socket (podman's, or podman behind DOCKER_HOST) */
	long long clock_ms;	/* when the last check started, or watching began; 0: not yet */
	char *last_start;	/* the start of the newest check the engine reported */
	int warned;		/* a failed check run was reported */
};

/*
 * The API socket podman listens on: CONTAINER_HOST's unix:// path, else the
 * default one, root's (/run/podman/podman.sock) or the user's (under
 * XDG_RUNTIME_DIR, or /run/user/UID). *explicit tells which. Malloc'ed, or
 * NULL when CONTAINER_HOST is not unix://.
 */
char *podman_socket(const char *container_host, const char *runtime_dir, uid_t uid, int *explicit);

/*
 * Choose how to reach podman: the socket of CONTAINER_HOST; else the default
 * socket when it answers; else the command line. With a socket, *socket and
 * *base are set for the Engine API requests. 0, or -1 when CONTAINER_HOST
 * names no unix socket.
 */
int podman_open(struct podman *pm, const char *command, char **socket, char **base);

/* Is this answer from podman's Docker-compatible API? Then checks go through it. */
void podman_notice_answer(struct podman *pm, const struct http_response *resp);

/*
 * `podman container inspect`: 0 with *st replaced, -1 when it did not answer
 * within limit_ms (*st kept), or an exit code with the error printed.
 */
int podman_inspect(struct podman *pm, const char *container, long limit_ms, struct container_state *st);

/*
 * Should healthwait run the container's health check now? Yes when podman
 * is asked, the container runs and has a HEALTHCHECK, and no check started
 * for a whole interval of its own: nothing else runs them. Also notes the
 * checks the engine reports, so that a timer's check counts as one.
 */
int podman_check_due(struct podman *pm, const struct container_state *st, long long now);

/*
 * Run one health check (`podman healthcheck run`, or the API's equivalent),
 * at most limit_ms: 0 (whatever the check said: the next inspect tells),
 * -1 when it did not end in time, or an exit code with the error printed.
 */
int podman_run_check(struct podman *pm, const char *container, const char *socket, const char *base,
		     long limit_ms);

void podman_release(struct podman *pm);

#endif
