/*
 * A service's build section as compose reads it: interpolation from the
 * environment and the paths it names.
 */
#ifndef COMPOSE_BUILD_H
#define COMPOSE_BUILD_H

#include <stddef.h>

#include "strbuf.h"

/* The value of a variable, or NULL when it is not set. */
typedef const char *build_lookup_fn(const char *name, void *ctx);

/*
 * Compose's interpolation of value into out: $$, $NAME, ${NAME},
 * ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, ${NAME:?msg},
 * ${NAME?msg}; an unset variable without a default is empty. 0, or -1 with
 * msg filled (bad syntax, a required variable not set).
 */
int build_interpolate(const char *value, size_t len, build_lookup_fn *lookup, void *ctx,
		      struct strbuf *out, char *msg, size_t msgsz);

struct build {
	char *context, *dockerfile, *target;	/* NULL: not given */
	char **args;	/* KEY=VALUE, each name once */
	size_t nargs, alloc;
};

/* Set KEY=VALUE, replacing an earlier value of KEY. */
void build_set_arg(struct build *b, const char *arg);

/*
 * The context (default ".") against project_dir and the Dockerfile
 * (default "Dockerfile") against the context. 0, or -1 with msg filled
 * when the context is not a directory (a URL).
 */
int build_resolve(struct build *b, const char *project_dir, char *msg, size_t msgsz);
void build_clear(struct build *b);

#endif
