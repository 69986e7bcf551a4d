/* Messages with redaction, allocation that cannot fail, small I/O helpers. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

const char *progname = "shipsync";
int verbose;

static char **secrets;
static size_t secrets_nr, secrets_alloc;
/* Tools that upload in threads report from several of them at once. */
static pthread_mutex_t secrets_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_secrets(void)
{
	for (size_t i = 0; i < secrets_nr; i++)
		free(secrets[i]);
	free(secrets);
	secrets = NULL;
	secrets_nr = secrets_alloc = 0;
}

void setup_tool(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	int fd;

	if (argv0 && *argv0)
		progname = slash ? slash + 1 : argv0;
	/* A closed 0, 1 or 2 would let the next open() become stdout. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	atexit(free_secrets);
}

void secret_add(const char *s)
{
	/* Short strings would redact ordinary words; no real secret is that short. */
	if (!s || strlen(s) < 4)
		return;
	pthread_mutex_lock(&secrets_lock);
	for (size_t i = 0; i < secrets_nr; i++) {
		if (!strcmp(secrets[i], s)) {
			pthread_mutex_unlock(&secrets_lock);
			return;
		}
	}
	ALLOC_GROW(secrets, secrets_nr + 1, secrets_alloc);
	secrets[secrets_nr++] = xstrdup(s);
	pthread_mutex_unlock(&secrets_lock);
}

char *secret_redact(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, s);
	pthread_mutex_lock(&secrets_lock);
	for (size_t i = 0; i < secrets_nr; i++) {
		size_t n = strlen(secrets[i]);
		char *hit;
		size_t from = 0;

		while ((hit = strstr(sb.buf + from, secrets[i]))) {
			size_t pos = hit - sb.buf;
			strbuf_splice(&sb, pos, n, "***", 3);
			from = pos + 3;
		}
	}
	pthread_mutex_unlock(&secrets_lock);
	return strbuf_detach(&sb, NULL);
}

static pthread_mutex_t message_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*report_hook)(void);

void set_report_hook(void (*fn)(void))
{
	pthread_mutex_lock(&message_lock);
	report_hook = fn;
	pthread_mutex_unlock(&message_lock);
}

void report_lock(void)
{
	pthread_mutex_lock(&message_lock);
}

int report_trylock(void)
{
	return !pthread_mutex_trylock(&message_lock);
}

void report_unlock(void)
{
	pthread_mutex_unlock(&message_lock);
}

void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT;
	char *clean;

	strbuf_addf(&msg, "%s: %s", progname, prefix);
	strbuf_vaddf(&msg, fmt, ap);
	clean = secret_redact(msg.buf);
	for (char *p = clean; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	pthread_mutex_lock(&message_lock);
	if (report_hook)
		report_hook();
	fflush(stdout);
	fprintf(stderr, "%s\n", clean);
	pthread_mutex_unlock(&message_lock);
	free(clean);
	strbuf_release(&msg);
}

static noreturn void vdie(int code, const char *fmt, va_list ap)
{
	vreport("", fmt, ap);
	exit(code);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(EXIT_NO, fmt, ap);
}

void die_code(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(code, fmt, ap);
}

static void report_errno(int err, const char *fmt, va_list ap)
{
	struct strbuf f = STRBUF_INIT;

	strbuf_addf(&f, "%s: %s", fmt, strerror(err));
	/* The format is ours plus strerror(), which holds no conversions. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vreport("", f.buf, ap);
#pragma GCC diagnostic pop
	strbuf_release(&f);
}

void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	report_errno(err, fmt, ap);
	va_end(ap);
	exit(EXIT_SYSTEM);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return -1;
}

int error_code(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return code;
}

int error_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	report_errno(err, fmt, ap);
	va_end(ap);
	return -1;
}

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

static void *nonnull(void *p)
{
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(EXIT_SYSTEM);
	}
	return p;
}

void *xmalloc(size_t n)
{
	return nonnull(malloc(n ? n : 1));
}

void *xcalloc(size_t nmemb, size_t size)
{
	return nonnull(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return nonnull(realloc(p, n ? n : 1));
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size)
		nonnull(NULL);
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	return nonnull(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return nonnull(strndup(s, n));
}

char *xstrfmt(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

#define QUOTE_MAX 48

void quote_untrusted(struct strbuf *out, const char *p, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;

	strbuf_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, c);
	}
	strbuf_addstr(out, len > n ? "'..." : "'");
}

char *xprintable(const char *s, size_t n, size_t max)
{
	char *p;

	if (max && n > max)
		n = max;
	p = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	p[n] = '\0';
	return p;
}

char *xexcerpt(const char *s, size_t len, size_t max)
{
	char *plain = xmalloc(len + 1), *clean, *out;
	size_t n;

	/* NUL bytes would hide what follows them from the redaction. */
	for (size_t i = 0; i < len; i++)
		plain[i] = s[i] ? s[i] : '?';
	plain[len] = '\0';
	clean = secret_redact(plain);
	n = strlen(clean);
	free(plain);
	if (n <= max)
		return clean;
	/* Cut at a character boundary: never inside a UTF-8 sequence. */
	while (n > max || (n && ((unsigned char)clean[n] & 0xc0) == 0x80))
		n--;
	out = xstrfmt("%.*s...", (int)n, clean);
	free(clean);
	return out;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

void finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout))
		die_code(EXIT_SYSTEM, "write error on standard output: %s", strerror(errno));
}

void print_version(void)
{
	printf("%s (shipsync) %s\n", progname, SHIPSYNC_VERSION);
	finish_stdout();
	exit(EXIT_OK);
}

int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
	long long until = now_ms() + ms, left;

	while ((left = until - now_ms()) > 0) {
		struct timespec ts = { left / 1000, (left % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
}

int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end ? -1 : 0;
}
