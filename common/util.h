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

struct strbuf;

extern const char *progname;
extern int verbose;

/* Set progname from argv[0] and make sure fds 0, 1 and 2 are open. */
void setup_tool(const char *argv0);

noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends ": strerror(errno)". */
noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Two conventions, one each: a function that reports and fails returns -1
 * ("return error(...)"); one whose caller needs to know which failure it was
 * returns an exit code of exitcode.h ("return error_code(EXIT_DATA, ...)").
 */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v (verbose > 0). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Every message goes through here: secrets are redacted and control bytes
 * shown as '?', so that text from a file or a server cannot drive the
 * terminal. Safe to call from several threads.
 */
void vreport(const char *prefix, const char *fmt, va_list ap);
/* Run fn (under the message lock) before each message: to erase progress bars. */
void set_report_hook(void (*fn)(void));
/* The message lock, for drawing on stderr between messages (trylock: 0 when taken). */
void report_lock(void);
int report_trylock(void);
void report_unlock(void);

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
/*
 * Append untrusted p[0, len) to a message, quoted: '...', with control and
 * non-ASCII bytes, quotes and backslashes as \xNN, cut after a few dozen
 * bytes ("'...") so that a huge input stays readable.
 */
void quote_untrusted(struct strbuf *out, const char *p, size_t len);
/* A copy of s[0, n) with control bytes as '?' (n is cut to max when max > 0): data shown as is. */
char *xprintable(const char *s, size_t n, size_t max);
/*
 * Untrusted text s[0, len) (a server's error body) for a message, at most
 * max bytes and "..." when cut: redacted before it is cut, so that a secret
 * the text echoes shows no part of it wherever the cut falls. NUL bytes
 * become '?'; other control bytes are the messages' business (vreport).
 */
char *xexcerpt(const char *s, size_t len, size_t max);

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
/* -V, --version in every tool: "progname (shipsync) VERSION" on stdout, flushed; exit 0. */
noreturn void print_version(void);

int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* Milliseconds of CLOCK_MONOTONIC. */
long long now_ms(void);
/* Sleep ms milliseconds in all: a signal handled meanwhile does not cut it short. */
void sleep_ms(long ms);
/* Parse a non-negative decimal number with no trailing junk; -1 when invalid. */
int parse_ulong(const char *s, unsigned long *out);

#include "banned.h"

#endif
