/*
 * Growable byte buffers with git's rules: buf is never NULL, always
 * NUL-terminated, and strbuf_detach() hands ownership to the caller.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* Replace len bytes at pos with data (either length may be 0). */
void strbuf_splice(struct strbuf *sb, size_t pos, size_t len, const void *data, size_t dlen);
void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len);
void strbuf_remove(struct strbuf *sb, size_t pos, size_t len);

void strbuf_rtrim(struct strbuf *sb);
void strbuf_ltrim(struct strbuf *sb);
void strbuf_trim(struct strbuf *sb);

/* Append everything from fd, or from a file ("-" is stdin): -1 with errno on error. */
int strbuf_read_fd(struct strbuf *sb, int fd);
int strbuf_read_file(struct strbuf *sb, const char *path);

#endif
