/*
 * An index of an uncompressed tar file: every member's name, data offset and
 * size, so that blobs are streamed straight out of the archive, in parallel,
 * without unpacking it. ustar, GNU long names and pax path/size records.
 *
 * Why not libarchive, which the tools link for wheels and sdists: it hands
 * an entry's bytes out through its own sequential reads and does not say
 * where in the file they start (archive_read_header_position() gives the
 * header's offset, and pax or GNU long-name records may sit between that and
 * the data). Streaming layers with pread() from several threads at once needs
 * exactly that offset. The reader below is fuzzed (tests/fuzz/oci-push.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "oci.h"

#define BLOCK 512

/* Where the bytes come from: a file or a buffer. */
struct reader {
	int fd;
	const char *buf;
	size_t len;
};

/* Read exactly n bytes at off: 1, 0 at end of data, -1 on error. */
static int read_at(const struct reader *rd, long long off, void *dst, size_t n)
{
	if (!rd->buf) {
		size_t got = 0;

		while (got < n) {
			ssize_t r = pread(rd->fd, (char *)dst + got, n - got, off + got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				return got ? -1 : 0;
			got += r;
		}
		return 1;
	}
	if (off < 0 || (unsigned long long)off > rd->len)
		return -1;
	if (off == (long long)rd->len)
		return 0;
	if (rd->len - off < n)
		return -1;
	memcpy(dst, rd->buf + off, n);
	return 1;
}

/* An octal field, or base-256 when the top bit is set (GNU, for huge sizes). */
static int parse_number(const unsigned char *f, size_t n, long long *out)
{
	long long v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1;
		for (i = 1; i < n; i++) {
			if (v > (0x7fffffffffffffffLL >> 8))
				return -1;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (0x7fffffffffffffffLL >> 3))
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static int checksum_ok(const unsigned char *h)
{
	long long want;
	unsigned long sum = 0;

	if (parse_number(h + 148, 8, &want) < 0)
		return 0;
	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return (long long)sum == want;
}

static int all_zero(const unsigned char *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

/* Names as written ("./a/b", "a//b") compare as "a/b". */
static char *clean_name(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n && s[i]; ) {
		size_t j = i;

		while (j < n && s[j] && s[j] != '/')
			j++;
		if (j - i == 1 && s[i] == '.')
			;
		else if (j > i) {
			if (sb.len)
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, s + i, j - i);
		}
		i = j < n && s[j] == '/' ? j + 1 : j;
		if (j >= n || !s[j])
			break;
	}
	return strbuf_detach(&sb, NULL);
}

/* pax records "LEN key=value\n": keep path, linkpath and size. */
static int parse_pax(const char *p, size_t n, char **path, char **link, long long *size)
{
	while (n) {
		unsigned long len = 0;
		size_t i = 0;
		const char *rec = p, *eq;

		while (i < n && p[i] >= '0' && p[i] <= '9' && len < 1000000)
			len = len * 10 + (p[i++] - '0');
		if (!i || i >= n || p[i] != ' ' || len > n || len <= i + 1 || p[len - 1] != '\n')
			return -1;
		eq = memchr(rec + i + 1, '=', len - i - 1);
		if (!eq)
			return -1;
		{
			const char *key = rec + i + 1, *val = eq + 1;
			size_t klen = eq - key, vlen = rec + len - 1 - val;

			if (klen == 4 && !memcmp(key, "path", 4)) {
				free(*path);
				*path = xstrndup(val, vlen);
			} else if (klen == 8 && !memcmp(key, "linkpath", 8)) {
				free(*link);
				*link = xstrndup(val, vlen);
			} else if (klen == 4 && !memcmp(key, "size", 4)) {
				char *tmp = xstrndup(val, vlen);
				unsigned long v;

				if (parse_ulong(tmp, &v) < 0) {
					free(tmp);
					return -1;
				}
				*size = (long long)v;
				free(tmp);
			}
		}
		p += len;
		n -= len;
	}
	return 0;
}

/* Read the data of an extension member (long name, pax) into memory. */
static char *read_ext(const struct reader *rd, long long off, long long size)
{
	char *s;

	if (size < 0 || size > (1 << 20))
		return NULL;
	s = xmalloc(size + 1);
	if (read_at(rd, off, s, size) != 1 && size) {
		free(s);
		return NULL;
	}
	s[size] = '\0';
	return s;
}

static int tar_index(struct tar *t, const struct reader *rd, const char *what)
{
	unsigned char h[BLOCK];
	long long off = 0;
	char *next_name = NULL, *next_link = NULL;
	long long next_size = -1;
	int r, ret = -1;

	if (read_at(rd, 0, h, 2) == 1 && h[0] == 0x1f && h[1] == 0x8b)
		return error("'%s' is compressed: decompress it first (gunzip), then push the .tar", what);
	for (;;) {
		long long size;
		char type;
		struct tar_entry *e;

		r = read_at(rd, off, h, BLOCK);
		if (r == 0 || (r == 1 && all_zero(h))) {
			ret = 0;	/* the end: a zero block or plain EOF */
			break;
		}
		if (r < 0) {
			error("'%s' ends in the middle of a tar header: the archive is truncated", what);
			break;
		}
		if (!checksum_ok(h) || parse_number(h + 124, 12, &size) < 0) {
			error("'%s' is not a tar archive (bad header at byte %lld)", what, off);
			break;
		}
		type = h[156] ? (char)h[156] : '0';
		if (next_size >= 0)
			size = next_size;
		off += BLOCK;
		if (size > 0x3fffffffffffffffLL - off) {
			error("'%s' has a member of impossible size", what);
			break;
		}
		if (type == 'L' || type == 'K' || type == 'x') {
			char *data = read_ext(rd, off, size);

			if (!data) {
				error("'%s' has a malformed extended header", what);
				break;
			}
			if (type == 'L') {
				free(next_name);
				next_name = xstrdup(data);
			} else if (type == 'K') {
				free(next_link);
				next_link = xstrdup(data);
			} else if (parse_pax(data, size, &next_name, &next_link, &next_size) < 0) {
				free(data);
				error("'%s' has a malformed pax header", what);
				break;
			}
			free(data);
			off += (size + BLOCK - 1) / BLOCK * BLOCK;
			continue;
		}
		ALLOC_GROW(t->entry, t->nr + 1, t->alloc);
		e = &t->entry[t->nr++];
		memset(e, 0, sizeof(*e));
		if (next_name) {
			e->name = clean_name(next_name, strlen(next_name));
		} else if (!memcmp(h + 257, "ustar", 5) && h[345]) {
			struct strbuf full = STRBUF_INIT;

			strbuf_add(&full, h + 345, strnlen((char *)h + 345, 155));
			strbuf_addch(&full, '/');
			strbuf_add(&full, h, strnlen((char *)h, 100));
			e->name = clean_name(full.buf, full.len);
			strbuf_release(&full);
		} else {
			e->name = clean_name((char *)h, strnlen((char *)h, 100));
		}
		if (next_link)
			e->link = xstrdup(next_link);
		else if (type == '1' || type == '2')
			e->link = xstrndup((char *)h + 157, strnlen((char *)h + 157, 100));
		e->type = type == '7' ? '0' : type;
		e->offset = off;
		e->size = (type == '1' || type == '2' || type == '5') ? 0 : size;
		free(next_name);
		free(next_link);
		next_name = next_link = NULL;
		next_size = -1;
		off += (size + BLOCK - 1) / BLOCK * BLOCK;
	}
	free(next_name);
	free(next_link);
	return ret;
}

int tar_index_fd(struct tar *t, int fd, const char *what)
{
	struct reader rd = { fd, NULL, 0 };

	return tar_index(t, &rd, what);
}

int tar_index_buf(struct tar *t, const char *buf, size_t len, const char *what)
{
	struct reader rd = { -1, buf, len };

	return tar_index(t, &rd, what);
}

static const struct tar_entry *lookup(const struct tar *t, const char *name)
{
	/* The last member of a name wins, as tar extracts them. */
	for (size_t i = t->nr; i-- > 0; )
		if (!strcmp(t->entry[i].name, name))
			return &t->entry[i];
	return NULL;
}

/* A symlink target relative to the link's directory, cleaned; NULL if it escapes. */
static char *link_target(const struct tar_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	char *slash, *clean, *out;
	struct strvec parts = STRVEC_INIT;
	struct strbuf res = STRBUF_INIT;

	if (e->type == '2' && e->link[0] != '/') {
		slash = strrchr(e->name, '/');
		if (slash)
			strbuf_add(&sb, e->name, slash - e->name + 1);
	}
	strbuf_addstr(&sb, e->link);
	clean = clean_name(sb.buf, sb.len);
	strbuf_release(&sb);
	for (char *p = clean, *q; p && *p; p = q) {
		q = strchr(p, '/');
		if (q)
			*q++ = '\0';
		if (!strcmp(p, "..")) {
			if (!parts.nr) {
				strvec_clear(&parts);
				free(clean);
				return NULL;
			}
			strvec_pop(&parts);
		} else {
			strvec_push(&parts, p);
		}
	}
	for (size_t i = 0; i < parts.nr; i++) {
		if (i)
			strbuf_addch(&res, '/');
		strbuf_addstr(&res, parts.v[i]);
	}
	strvec_clear(&parts);
	free(clean);
	out = strbuf_detach(&res, NULL);
	return out;
}

const struct tar_entry *tar_find(const struct tar *t, const char *name)
{
	char *want = clean_name(name, strlen(name));
	const struct tar_entry *e = lookup(t, want);

	for (int hops = 0; e && e->link && hops < 16; hops++) {
		char *target = link_target(e);

		e = target ? lookup(t, target) : NULL;
		free(target);
	}
	free(want);
	if (!e || e->link || e->type != '0')
		return NULL;
	return e;
}

void tar_release(struct tar *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->entry[i].name);
		free(t->entry[i].link);
	}
	free(t->entry);
	t->entry = NULL;
	t->nr = t->alloc = 0;
}
