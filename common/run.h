/*
 * Run a program from an argv vector (never through a shell), feed it
 * input and capture its output without deadlocking on full pipes.
 */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

struct strbuf;

struct run_cmd {
	const char *const *argv;	/* argv[0] is looked up in PATH */
	const char *const *env;		/* extra "NAME=value" entries, NULL-terminated, or NULL */
	const char *dir;		/* working directory, or NULL */
	const char *in;			/* bytes for stdin, or NULL for /dev/null */
	size_t in_len;
	struct strbuf *out;		/* captures stdout, or NULL to inherit it */
	struct strbuf *err;		/* captures stderr, or NULL to inherit it */
};

/*
 * The exit status (0-255), 128+N when killed by signal N, or -1 (error
 * printed) when the program could not be started at all.
 */
int run_command(const struct run_cmd *cmd);

/* run_command_within()'s result for a program killed at its timeout. */
#define RUN_TIMED_OUT (-2)

/*
 * run_command(), but a program still running after timeout_ms is killed
 * (SIGKILL) and RUN_TIMED_OUT returned, nothing printed; the output it gave
 * before is kept. A grandchild holding the output pipes open does not hold
 * the caller past the timeout.
 */
int run_command_within(const struct run_cmd *cmd, long timeout_ms);

/* Shorthand: run argv, capture stdout into out (may be NULL), inherit stderr. */
int run_capture(const char *const *argv, struct strbuf *out);

#endif
