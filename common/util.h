/*
 * Messages, allocation and small I/O helpers every tool uses.
 *
 * Messages go to stderr as "progname: message". Any string registered with
 * secret_add() is replaced by "***" in every message, whatever prints it.
 * Helpers named x* exit on failure so that callers stay straight-line.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

#include "exitcode.h"

extern const char *progname;
extern int verbose;

/* Set progname from argv[0] and make sure fds 0, 1 and 2 are open. */
void setup_tool(const char *argv0);

noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends ": strerror(errno)". */
noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print and return -1, so that "return error(...)" reports and fails at once. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v (verbose > 0). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vreport(const char *prefix, const char *fmt, va_list ap);

/* Never print this string: every message shows "***" instead. Copies s. */
void secret_add(const char *s);
/* Return a malloc'ed copy of s with every registered secret replaced. */
char *secret_redact(const char *s);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array to hold at least n items (git's ALLOC_GROW). */
#define ALLOC_GROW(p, n, alloc) do { \
		if ((n) > (alloc)) { \
			(alloc) = (alloc) * 2 > (n) ? (alloc) * 2 : (n) + 8; \
			(p) = xreallocarray((p), (alloc), sizeof(*(p))); \
		} \
	} while (0)

/* write(2) until done, retrying EINTR; -1 on error with errno set. */
int write_all(int fd, const void *buf, size_t len);
/* Flush stdout and die when anything written to it was lost. */
void finish_stdout(void);

int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* Milliseconds of CLOCK_MONOTONIC. */
long long now_ms(void);
/* Parse a non-negative decimal number with no trailing junk; -1 when invalid. */
int parse_ulong(const char *s, unsigned long *out);

#include "banned.h"

#endif
