/*
 * Reading compose files well enough to find their image values, and
 * nothing more: block mappings and sequences by indentation, flow
 * collections (also across lines), quoted and plain scalars, comments,
 * anchors and aliases, tags, block scalars and document markers.
 * What it cannot read safely it refuses, with the line, so that
 * compose-retag never edits a file it misunderstood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "scan.h"
#include "util.h"

enum { MAX_PATH = 64, MAX_FLOW_DEPTH = 64 };

/* An open block collection: a mapping or a sequence at some indentation. */
struct frame {
	int indent;
	char kind;	/* 'm' mapping, 's' sequence, 'r' a document that is one node */
	int pending;	/* the last key or item has its value on the next lines */
	char *key;	/* mappings: the last key */
};

struct scalar {
	size_t start, end;	/* raw range, quotes included */
	char style;		/* 0 plain, '\'' or '"' */
};

struct anchor {
	char *name;
	int is_scalar;
	struct scalar sc;
};

/* The keys from the document root to a node; NULL stands for a sequence item. */
struct path {
	const char *key[MAX_PATH];
	int nr;
};

struct scanner {
	const char *buf;
	size_t len;
	size_t *lines;		/* offset of the start of each line */
	size_t nlines;
	struct frame *st;
	size_t nr, alloc;
	int cont_indent;	/* lines more indented continue the last scalar; -1 none */
	int cont_is_image;
	int block_indent;	/* in a block scalar: lines more indented belong to it; -1 none */
	struct anchor *anchors;
	size_t nanchors, aalloc;
	struct image_refs *refs;
	struct image_refs *builds;	/* NULL: build sections are not read */
	struct scan_error *err;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int is_flow_indicator(char c)
{
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

/* The byte at i, or NUL past the end. */
static char at(const struct scanner *s, size_t i)
{
	return i < s->len ? s->buf[i] : '\0';
}

/* A blank, a line break or the end of the input after an indicator. */
static int ends_token(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t line_of(const struct scanner *s, size_t pos)
{
	size_t lo = 0, hi = s->nlines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->lines[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

static int fail(struct scanner *s, size_t pos, const char *msg)
{
	if (s->err->msg[0])
		return -1;
	s->err->line = line_of(s, pos);
	snprintf(s->err->msg, sizeof(s->err->msg), "%s", msg);
	return -1;
}

/* End of the line holding pos, without its "\r\n" or "\n". */
static size_t line_end(const struct scanner *s, size_t pos)
{
	const char *nl = memchr(s->buf + pos, '\n', s->len - pos);
	size_t e = nl ? (size_t)(nl - s->buf) : s->len;

	if (e > pos && s->buf[e - 1] == '\r')
		e--;
	return e;
}

static size_t next_line(const struct scanner *s, size_t pos)
{
	const char *nl = memchr(s->buf + pos, '\n', s->len - pos);

	return nl ? (size_t)(nl - s->buf) + 1 : s->len;
}

static size_t skip_ws(const struct scanner *s, size_t p, size_t e)
{
	while (p < e && is_ws(s->buf[p]))
		p++;
	return p;
}

/* Nothing but blanks and maybe a comment from p to e. */
static int rest_is_empty(const struct scanner *s, size_t p, size_t e)
{
	p = skip_ws(s, p, e);
	return p == e || s->buf[p] == '#';
}

/*
 * Characters YAML reads differently from this scanner (other line breaks,
 * control characters) are refused before anything else.
 */
static int check_bytes(struct scanner *s)
{
	const unsigned char *b = (const unsigned char *)s->buf;
	size_t i;

	for (i = 0; i < s->len; i++) {
		if (b[i] == 0)
			return fail(s, i, "the file contains a NUL byte");
		if (b[i] == '\r' && i + 1 < s->len && b[i + 1] != '\n')
			return fail(s, i, "a carriage return not followed by a line feed");
		if ((b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r') || b[i] == 0x7f)
			return fail(s, i, "a control character");
		if (b[i] == 0xc2 && i + 1 < s->len && b[i + 1] == 0x85)
			return fail(s, i, "a next-line character (U+0085), which YAML reads as a line break");
		if (b[i] == 0xe2 && i + 2 < s->len && b[i + 1] == 0x80 &&
		    (b[i + 2] == 0xa8 || b[i + 2] == 0xa9))
			return fail(s, i, "a Unicode line or paragraph separator");
	}
	return 0;
}

static void index_lines(struct scanner *s)
{
	size_t i, alloc = 0;

	ALLOC_GROW(s->lines, 1, alloc);
	s->lines[s->nlines++] = 0;
	for (i = 0; i < s->len; i++) {
		if (s->buf[i] != '\n' || i + 1 == s->len)
			continue;
		ALLOC_GROW(s->lines, s->nlines + 1, alloc);
		s->lines[s->nlines++] = i + 1;
	}
}

/* Quoted scalar at p: the offset after its closing quote, or NOPOS. */
static size_t quoted_end(const struct scanner *s, size_t p, size_t limit)
{
	char q = s->buf[p];
	size_t i;

	for (i = p + 1; i < limit; i++) {
		if (q == '"' && s->buf[i] == '\\') {
			i++;
			continue;
		}
		if (s->buf[i] != q)
			continue;
		if (q == '\'' && i + 1 < limit && s->buf[i + 1] == '\'') {
			i++;
			continue;
		}
		return i + 1;
	}
	return NOPOS;
}

/* The character a double-quoted escape stands for, or -1; *width gets hex digits to read. */
static long simple_escape(char c, int *width)
{
	static const char from[] = "0abtnvfre \"/\\N_LP\t";
	static const unsigned long to[] = {
		0, 7, 8, 9, 10, 11, 12, 13, 27, ' ', '"', '/', '\\',
		0x85, 0xa0, 0x2028, 0x2029, '\t',
	};
	const char *hit;

	*width = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	if (*width)
		return 0;
	hit = c ? strchr(from, c) : NULL;
	return hit ? (long)to[hit - from] : -1;
}

/*
 * Decode a one-line scalar into sb; off gets each byte's file offset, or
 * NOPOS for bytes that escapes produced. -1 on a bad escape.
 */
static int decode_scalar(const struct scanner *s, const struct scalar *sc,
			 struct strbuf *sb, size_t **off, size_t *alloc)
{
	size_t i = sc->start, end = sc->end;

	if (sc->style) {
		i++;
		end--;
	}
	while (i < end) {
		char c = s->buf[i];
		size_t before = sb->len, src = i, k;
		int width;
		long v;

		if (sc->style == '\'' && c == '\'') {
			strbuf_addch(sb, '\'');
			src = NOPOS;
			i += 2;
		} else if (sc->style == '"' && c == '\\') {
			v = simple_escape(s->buf[i + 1], &width);
			if (v < 0 || i + 2 + (size_t)width > end)
				return -1;
			for (k = 0; k < (size_t)width; k++) {
				int h = hex_value(s->buf[i + 2 + k]);
				if (h < 0)
					return -1;
				v = v * 16 + h;
			}
			if (v > 0x10ffff)
				return -1;
			encode_utf8(sb, (unsigned long)v);
			src = NOPOS;
			i += 2 + (size_t)width;
		} else {
			strbuf_addch(sb, c);
			i++;
		}
		ALLOC_GROW(*off, sb->len, *alloc);
		for (k = before; k < sb->len; k++)
			(*off)[k] = src;
	}
	return 0;
}

static char *decode_key(const struct scanner *s, const struct scalar *sc)
{
	struct strbuf sb = STRBUF_INIT;
	size_t *off = NULL, alloc = 0;

	if (decode_scalar(s, sc, &sb, &off, &alloc) < 0)
		strbuf_reset(&sb);
	free(off);
	return strbuf_detach(&sb, NULL);
}

static int scalar_spans_lines(const struct scanner *s, const struct scalar *sc)
{
	return memchr(s->buf + sc->start, '\n', sc->end - sc->start) != NULL;
}

static int add_ref(struct scanner *s, struct image_refs *to, const struct scalar *sc,
		   const struct path *p, enum ref_kind kind)
{
	struct image_ref *r;
	struct strbuf sb = STRBUF_INIT;
	size_t alloc = 0;

	if (scalar_spans_lines(s, sc))
		return fail(s, sc->start, kind == REF_IMAGE ? "an image value that spans lines is not supported" :
			    "a build value that spans lines is not supported");
	ALLOC_GROW(to->v, to->nr + 1, to->alloc);
	r = &to->v[to->nr];
	memset(r, 0, sizeof(*r));
	if (decode_scalar(s, sc, &sb, &r->off, &alloc) < 0) {
		strbuf_release(&sb);
		free(r->off);
		return fail(s, sc->start, kind == REF_IMAGE ? "an invalid escape in a double-quoted image value" :
			    "an invalid escape in a double-quoted build value");
	}
	r->kind = kind;
	if (p && p->nr >= 2 && p->key[0] && !strcmp(p->key[0], "services") && p->key[1])
		r->service = xstrdup(p->key[1]);
	if (kind == REF_ARG && p->nr == 5 && p->key[4])
		r->key = xstrdup(p->key[4]);
	r->line = line_of(s, sc->start);
	r->start = sc->start;
	r->value = strbuf_detach(&sb, &r->len);
	to->nr++;
	return 0;
}

/* services.NAME.image, or an image anywhere under a top-level x-* key. */
static int is_image_path(const struct path *p)
{
	if (p->nr < 2 || !p->key[p->nr - 1] || strcmp(p->key[p->nr - 1], "image"))
		return 0;
	if (!p->key[0])
		return 0;
	if (!strcmp(p->key[0], "services"))
		return p->nr == 3 && p->key[1];
	return starts_with(p->key[0], "x-");
}

/* services.NAME.build and the keys of it that say how an image is built; 0 for others. */
static int build_kind(const struct scanner *s, const struct path *p)
{
	if (!s->builds || p->nr < 3 || p->nr > 5 || !p->key[0] || !p->key[1] || !p->key[2] ||
	    strcmp(p->key[0], "services") || strcmp(p->key[2], "build"))
		return 0;
	if (p->nr == 3)
		return REF_CONTEXT;
	if (!p->key[3])
		return 0;
	if (!strcmp(p->key[3], "<<") || (p->nr == 5 && p->key[4] && !strcmp(p->key[4], "<<")))
		return REF_UNREADABLE;
	if (p->nr == 4)
		return !strcmp(p->key[3], "context") ? REF_CONTEXT :
		       !strcmp(p->key[3], "dockerfile") ? REF_DOCKERFILE :
		       !strcmp(p->key[3], "target") ? REF_TARGET : 0;
	return !strcmp(p->key[3], "args") ? REF_ARG : 0;
}

/* A build value this reader cannot follow, kept so that only the build of an image asked for fails. */
static int add_unreadable(struct scanner *s, size_t pos, const struct path *p, const char *why)
{
	struct image_ref *r;

	ALLOC_GROW(s->builds->v, s->builds->nr + 1, s->builds->alloc);
	r = &s->builds->v[s->builds->nr++];
	memset(r, 0, sizeof(*r));
	r->kind = REF_UNREADABLE;
	r->service = xstrdup(p->key[1]);
	r->line = line_of(s, pos);
	r->start = pos;
	r->value = xstrdup(why);
	r->len = strlen(why);
	return 0;
}

/* Record the scalar sc found at path p: an image value, a build value, or neither. */
static int found_scalar(struct scanner *s, const struct scalar *sc, const struct path *p,
			int image, int build)
{
	if (image)
		return add_ref(s, s->refs, sc, p, REF_IMAGE);
	if (build == REF_UNREADABLE)
		return add_unreadable(s, sc->start, p, "uses a merge key (<<)");
	if (build)
		return add_ref(s, s->builds, sc, p, (enum ref_kind)build);
	return 0;
}

static void path_push(struct path *p, const char *key)
{
	/* Deeper than any compose key: the extra levels cannot be an image path. */
	if (p->nr < MAX_PATH)
		p->key[p->nr] = key;
	p->nr++;
}

static void block_path(const struct scanner *s, struct path *p)
{
	size_t i;

	p->nr = 0;
	for (i = 0; i < s->nr; i++)
		if (s->st[i].kind != 'r')
			path_push(p, s->st[i].kind == 'm' ? s->st[i].key : NULL);
}

static void add_anchor(struct scanner *s, const char *name, size_t len, const struct scalar *sc)
{
	struct anchor *a;

	ALLOC_GROW(s->anchors, s->nanchors + 1, s->aalloc);
	a = &s->anchors[s->nanchors++];
	a->name = xstrndup(name, len);
	a->is_scalar = sc != NULL;
	if (sc)
		a->sc = *sc;
}

static const struct anchor *find_anchor(const struct scanner *s, const char *name, size_t len)
{
	size_t i;

	for (i = s->nanchors; i-- > 0;)
		if (strlen(s->anchors[i].name) == len && !memcmp(s->anchors[i].name, name, len))
			return &s->anchors[i];
	return NULL;
}

static int use_alias(struct scanner *s, size_t p, size_t nlen, const struct path *path,
		     int image, int build)
{
	const struct anchor *a;
	size_t i;

	if (build)
		return add_unreadable(s, p, path, build == REF_UNREADABLE ? "uses a merge key (<<)" : "has an alias");
	if (!image)
		return 0;
	a = find_anchor(s, s->buf + p + 1, nlen);
	if (!a || !a->is_scalar)
		return fail(s, p, "an image alias that names no scalar anchor before it");
	for (i = 0; i < s->refs->nr; i++)
		if (s->refs->v[i].start == a->sc.start)
			return 0;	/* the same scalar is already an image */
	return add_ref(s, s->refs, &a->sc, path, REF_IMAGE);
}

/* Node properties (&anchor, !tag) at p; the anchor's name is kept for the node. */
struct props {
	size_t anchor, anchor_len;	/* anchor == NOPOS: none */
};

static size_t skip_props(const struct scanner *s, size_t p, size_t e, int flow, struct props *pr)
{
	pr->anchor = NOPOS;
	pr->anchor_len = 0;
	while (p < e && (s->buf[p] == '&' || s->buf[p] == '!')) {
		size_t q = p + 1;
		while (q < e && !is_ws(s->buf[q]) && s->buf[q] != '\n' && s->buf[q] != '\r' &&
		       !(flow && is_flow_indicator(s->buf[q])))
			q++;
		if (s->buf[p] == '&') {
			pr->anchor = p + 1;
			pr->anchor_len = q - p - 1;
		}
		p = q;
		while (p < e && is_ws(s->buf[p]))
			p++;
	}
	return p;
}

static void record_anchor(struct scanner *s, const struct props *pr, const struct scalar *sc)
{
	if (pr->anchor != NOPOS)
		add_anchor(s, s->buf + pr->anchor, pr->anchor_len, sc);
}

/* ---- flow collections: { } and [ ], possibly across lines ---- */

static size_t flow_ws(const struct scanner *s, size_t p)
{
	while (p < s->len) {
		char c = s->buf[p];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			p++;
		} else if (c == '#' && p > 0 && (is_ws(s->buf[p - 1]) || s->buf[p - 1] == '\n')) {
			const char *nl = memchr(s->buf + p, '\n', s->len - p);
			p = nl ? (size_t)(nl - s->buf) : s->len;
		} else {
			break;
		}
	}
	return p;
}

/* End of a plain scalar in a flow collection; it may go on over lines. */
static size_t flow_plain_end(const struct scanner *s, size_t p)
{
	size_t last = p;	/* after the last non-blank byte */

	while (p < s->len) {
		char c = s->buf[p];
		if (is_flow_indicator(c))
			break;
		if (c == ':' && (is_flow_indicator(at(s, p + 1)) || ends_token(at(s, p + 1))))
			break;
		if (c == '#' && p > 0 && ends_token(s->buf[p - 1]))
			break;
		if (!ends_token(c))
			last = p + 1;
		p++;
	}
	return last;
}

static size_t flow_node(struct scanner *s, size_t p, struct path *path, int depth);

static size_t flow_scalar(struct scanner *s, size_t p, struct scalar *sc)
{
	char c = s->buf[p];

	sc->start = p;
	if (c == '"' || c == '\'') {
		sc->style = c;
		sc->end = quoted_end(s, p, s->len);
		if (sc->end == NOPOS)
			return fail(s, p, "an unterminated quoted scalar"), NOPOS;
		return sc->end;
	}
	if (strchr("|>@`%", c) || (c == '-' && ends_token(at(s, p + 1))))
		return fail(s, p, "unexpected character in a flow collection"), NOPOS;
	sc->style = 0;
	sc->end = flow_plain_end(s, p);
	return sc->end;
}

/* A key of a flow mapping at p: its name in *name (NULL when not a scalar). */
static size_t flow_key(struct scanner *s, size_t p, char **name)
{
	struct props pr;
	struct scalar key;
	size_t q = skip_props(s, p, s->len, 1, &pr);

	*name = NULL;
	if (q >= s->len || is_flow_indicator(s->buf[q]) || s->buf[q] == ':')
		return q;	/* an empty key */
	if (s->buf[q] == '?' && ends_token(at(s, q + 1)))
		return fail(s, q, "complex mapping keys are not supported"), NOPOS;
	if (s->buf[q] == '*') {
		while (q < s->len && !strchr(" \t\r\n,[]{}", s->buf[q]))
			q++;
		return q;
	}
	if (flow_scalar(s, q, &key) == NOPOS)
		return NOPOS;
	record_anchor(s, &pr, &key);
	*name = decode_key(s, &key);
	return key.end;
}

/* One entry of a flow mapping or sequence at p: where it ends. */
static size_t flow_entry(struct scanner *s, size_t p, struct path *path, int is_map, int depth)
{
	char *name = NULL;
	size_t q;

	if (is_map) {
		q = flow_key(s, p, &name);
	} else {
		path_push(path, NULL);
		q = flow_node(s, p, path, depth + 1);
		path->nr--;
	}
	if (q != NOPOS)
		q = flow_ws(s, q);
	if (q != NOPOS && q < s->len && s->buf[q] == ':') {
		/* a value; in a sequence, of a one-pair mapping that is no compose key */
		path_push(path, is_map ? name : NULL);
		q = flow_ws(s, q + 1);
		if (q < s->len && !strchr(",]}", s->buf[q]))
			q = flow_node(s, q, path, depth + 1);
		path->nr--;
	}
	free(name);
	return q;
}

static size_t flow_collection(struct scanner *s, size_t p, struct path *path, int depth)
{
	char close = s->buf[p] == '{' ? '}' : ']';

	if (depth > MAX_FLOW_DEPTH)
		return fail(s, p, "flow collections nested too deep"), NOPOS;
	p = flow_ws(s, p + 1);
	while (p < s->len && s->buf[p] != close) {
		size_t q = flow_entry(s, p, path, close == '}', depth);

		if (q == NOPOS)
			return NOPOS;
		q = flow_ws(s, q);
		if (q < s->len && s->buf[q] == ',')
			q = flow_ws(s, q + 1);
		else if (q < s->len && s->buf[q] != close)
			return fail(s, q, close == '}' ? "expected ',' or '}' in a flow mapping" :
				    "expected ',' or ']' in a flow sequence"), NOPOS;
		if (q <= p)
			return fail(s, q, "cannot read this flow collection"), NOPOS;
		p = q;
	}
	if (p >= s->len)
		return fail(s, s->len - 1, "an unterminated flow collection"), NOPOS;
	return p + 1;
}

/* A node inside a flow collection; path ends with its key (NULL in sequences). */
static size_t flow_node(struct scanner *s, size_t p, struct path *path, int depth)
{
	struct props pr;
	struct scalar sc;
	int image = path->nr <= MAX_PATH && is_image_path(path);
	int build = path->nr <= MAX_PATH ? build_kind(s, path) : 0;

	p = skip_props(s, p, s->len, 1, &pr);
	p = flow_ws(s, p);
	if (p >= s->len)
		return fail(s, s->len ? s->len - 1 : 0, "an unterminated flow collection"), NOPOS;
	if (s->buf[p] == '{' || s->buf[p] == '[') {
		if (image)
			return fail(s, p, "an image value that is a collection"), NOPOS;
		record_anchor(s, &pr, NULL);
		return flow_collection(s, p, path, depth);
	}
	if (s->buf[p] == '*') {
		size_t q = p + 1;
		while (q < s->len && !strchr(" \t\r\n,[]{}", s->buf[q]))
			q++;
		return use_alias(s, p, q - p - 1, path, image, build) < 0 ? NOPOS : q;
	}
	if (is_flow_indicator(s->buf[p]))
		return p;	/* an empty node */
	if (flow_scalar(s, p, &sc) == NOPOS)
		return NOPOS;
	record_anchor(s, &pr, &sc);
	if (found_scalar(s, &sc, path, image, build) < 0)
		return NOPOS;
	return sc.end;
}

/* ---- block structure ---- */

static struct frame *top(struct scanner *s)
{
	return s->nr ? &s->st[s->nr - 1] : NULL;
}

static void pop(struct scanner *s)
{
	s->nr--;
	free(s->st[s->nr].key);
}

static void push(struct scanner *s, int indent, char kind)
{
	ALLOC_GROW(s->st, s->nr + 1, s->alloc);
	s->st[s->nr].indent = indent;
	s->st[s->nr].kind = kind;
	s->st[s->nr].pending = 0;
	s->st[s->nr].key = NULL;
	s->nr++;
}

static void reset_document(struct scanner *s)
{
	size_t i;

	while (s->nr)
		pop(s);
	for (i = 0; i < s->nanchors; i++)
		free(s->anchors[i].name);
	s->nanchors = 0;
	s->cont_indent = -1;
	s->block_indent = -1;
}

/* A plain scalar on one line from p: its end without trailing blanks and comment. */
static size_t plain_end(const struct scanner *s, size_t p, size_t e)
{
	size_t last = p;

	for (; p < e; p++) {
		if (s->buf[p] == '#' && p > 0 && is_ws(s->buf[p - 1]))
			break;
		if (!is_ws(s->buf[p]))
			last = p + 1;
	}
	return last;
}

/*
 * The value of a block node from p to the end of its line e (or further for
 * quoted scalars and flow collections). owner is the column of the key or
 * '-' that owns it. Returns where the next line to read starts, or NOPOS.
 */
static size_t block_value(struct scanner *s, size_t p, size_t e, struct frame *f, int owner)
{
	struct path path;
	struct props pr;
	struct scalar sc;
	int image, build;
	size_t q;

	block_path(s, &path);
	image = path.nr <= MAX_PATH && is_image_path(&path);
	build = path.nr <= MAX_PATH ? build_kind(s, &path) : 0;
	p = skip_props(s, p, e, 0, &pr);
	if (p == e || s->buf[p] == '#') {
		record_anchor(s, &pr, NULL);
		f->pending = 1;
		return next_line(s, e);
	}
	if (s->buf[p] == '|' || s->buf[p] == '>') {
		for (q = p + 1; q < e && strchr("123456789+-", s->buf[q]); q++)
			;
		if (!rest_is_empty(s, q, e) || (q < e && s->buf[q] == '#' && !is_ws(s->buf[q - 1])))
			return fail(s, p, "a bad block scalar header"), NOPOS;
		if (image)
			return fail(s, p, "an image value that is a block scalar is not supported"), NOPOS;
		if (build)
			add_unreadable(s, p, &path, "has a block scalar");
		record_anchor(s, &pr, NULL);
		s->block_indent = owner;
		return next_line(s, e);
	}
	if (s->buf[p] == '*') {
		for (q = p + 1; q < e && !is_ws(s->buf[q]); q++)
			;
		if (!rest_is_empty(s, q, e))
			return fail(s, q, "unexpected text after an alias"), NOPOS;
		if (use_alias(s, p, q - p - 1, &path, image, build) < 0)
			return NOPOS;
		return next_line(s, e);
	}
	if (s->buf[p] == '{' || s->buf[p] == '[') {
		if (image)
			return fail(s, p, "an image value that is a collection"), NOPOS;
		record_anchor(s, &pr, NULL);
		q = flow_collection(s, p, &path, 0);
		if (q == NOPOS)
			return NOPOS;
		e = line_end(s, q);
		if (!rest_is_empty(s, q, e))
			return fail(s, q, "unexpected text after a flow collection"), NOPOS;
		return next_line(s, e);
	}
	if (s->buf[p] == '"' || s->buf[p] == '\'') {
		sc.start = p;
		sc.style = s->buf[p];
		sc.end = quoted_end(s, p, s->len);
		if (sc.end == NOPOS)
			return fail(s, p, "an unterminated quoted scalar"), NOPOS;
		e = line_end(s, sc.end);
		if (!rest_is_empty(s, sc.end, e))
			return fail(s, sc.end, "unexpected text after a quoted scalar"), NOPOS;
	} else {
		if (strchr("@`%", s->buf[p]))
			return fail(s, p, "a plain scalar cannot start with this character"), NOPOS;
		sc.start = p;
		sc.style = 0;
		sc.end = plain_end(s, p, e);
		for (q = p; q < sc.end; q++)
			if (s->buf[q] == ':' && (q + 1 == sc.end || is_ws(s->buf[q + 1])))
				return fail(s, q, "a mapping value is not allowed here"), NOPOS;
	}
	record_anchor(s, &pr, &sc);
	if (found_scalar(s, &sc, &path, image, build) < 0)
		return NOPOS;
	s->cont_indent = owner;
	s->cont_is_image = image || build;
	return next_line(s, e);
}

/*
 * The key at p on this line, if the line is "key: ..." : fills key and
 * returns the offset after the ':'; NOPOS when the line holds no key.
 */
static size_t find_key(const struct scanner *s, size_t p, size_t e, struct scalar *key)
{
	char c = s->buf[p];
	size_t q;

	key->start = p;
	if (c == '"' || c == '\'') {
		key->style = c;
		key->end = quoted_end(s, p, e);
		if (key->end == NOPOS)
			return NOPOS;
		q = skip_ws(s, key->end, e);
		if (q < e && s->buf[q] == ':' && (q + 1 == e || is_ws(s->buf[q + 1])))
			return q + 1;
		return NOPOS;
	}
	if (strchr(",[]{}#&*!|>%@`", c))
		return NOPOS;
	key->style = 0;
	for (q = p; q < e; q++) {
		if (s->buf[q] == '#' && q > p && is_ws(s->buf[q - 1]))
			return NOPOS;
		if (s->buf[q] == ':' && (q + 1 == e || is_ws(s->buf[q + 1]))) {
			key->end = q;
			while (key->end > p && is_ws(s->buf[key->end - 1]))
				key->end--;
			return key->end > p ? q + 1 : NOPOS;
		}
	}
	return NOPOS;
}

static int is_seq_entry(const struct scanner *s, size_t p, size_t e)
{
	return s->buf[p] == '-' && (p + 1 == e || is_ws(s->buf[p + 1]));
}

static size_t block_content(struct scanner *s, int col, size_t p, size_t e);

static size_t seq_entry(struct scanner *s, int col, size_t p, size_t e)
{
	struct frame *t = top(s);
	size_t q;

	if (t && t->kind == 's' && t->indent == col) {
		t->pending = 0;
	} else if (!t || (t->pending && (t->indent < col || (t->kind == 'm' && t->indent == col)))) {
		if (t)
			t->pending = 0;
		push(s, col, 's');
	} else {
		return fail(s, p, "a sequence entry at a bad indentation"), NOPOS;
	}
	t = top(s);
	q = skip_ws(s, p + 1, e);
	if (q == e || s->buf[q] == '#') {
		t->pending = 1;
		return next_line(s, e);
	}
	if (s->buf[q - 1] == '\t')
		return fail(s, q, "a tab after '-' is not supported"), NOPOS;
	t->pending = 1;
	return block_content(s, col + (int)(q - p), q, e);
}

static size_t map_entry(struct scanner *s, int col, size_t p, size_t e,
			const struct scalar *key, size_t after)
{
	struct frame *t = top(s);

	if (t && t->kind == 'm' && t->indent == col) {
		free(t->key);
		t->key = NULL;
	} else if (!t || (t->pending && t->indent < col)) {
		if (t)
			t->pending = 0;
		push(s, col, 'm');
		t = top(s);
	} else {
		return fail(s, p, "a mapping key at a bad indentation"), NOPOS;
	}
	t->key = decode_key(s, key);
	t->pending = 0;
	return block_value(s, skip_ws(s, after, e), e, t, col);
}

/* The content of a line from p (at column col) to e. */
static size_t block_content(struct scanner *s, int col, size_t p, size_t e)
{
	struct frame *t;
	struct scalar key;
	struct props pr;
	size_t after, q;

	while ((t = top(s)) && t->indent > col)
		pop(s);
	/* a sequence at the indentation of its key ends where another key starts */
	if (t && t->kind == 's' && t->indent == col && !is_seq_entry(s, p, e) && s->nr > 1 &&
	    s->st[s->nr - 2].kind == 'm' && s->st[s->nr - 2].indent == col)
		pop(s);
	if (is_seq_entry(s, p, e))
		return seq_entry(s, col, p, e);
	if (s->buf[p] == '?' && (p + 1 == e || is_ws(s->buf[p + 1])))
		return fail(s, p, "complex mapping keys are not supported"), NOPOS;
	q = skip_props(s, p, e, 0, &pr);
	if (q == e || s->buf[q] == '#') {
		/* properties of a node that starts on the next line */
		record_anchor(s, &pr, NULL);
		return next_line(s, e);
	}
	after = find_key(s, q, e, &key);
	if (after != NOPOS) {
		record_anchor(s, &pr, NULL);
		return map_entry(s, col + (int)(q - p), q, e, &key, after);
	}
	t = top(s);
	if (t && t->pending && t->indent < col) {
		t->pending = 0;
		return block_value(s, p, e, t, t->indent);
	}
	if (!t) {
		/* a document that is one node */
		push(s, -1, 'r');
		return block_value(s, p, e, top(s), -1);
	}
	return fail(s, p, "cannot read this line: expected 'key: value' or '- item'"), NOPOS;
}

static int is_marker(const struct scanner *s, size_t p, size_t e, const char *m)
{
	return e - p >= 3 && !memcmp(s->buf + p, m, 3) && (e - p == 3 || is_ws(s->buf[p + 3]));
}

static size_t scan_line(struct scanner *s, size_t pos)
{
	size_t e = line_end(s, pos), p = pos, c;
	int indent;

	if (pos == 0 && s->len >= 3 && !memcmp(s->buf, "\xef\xbb\xbf", 3))
		p = pos = 3;
	while (p < e && s->buf[p] == ' ')
		p++;
	indent = (int)(p - pos);
	c = skip_ws(s, p, e);
	if (s->block_indent >= 0) {
		if (c == e || indent > s->block_indent)
			return next_line(s, e);
		s->block_indent = -1;
	}
	if (c == e || s->buf[c] == '#')
		return next_line(s, e);
	if (c != p)
		return fail(s, p, "a tab character in the indentation"), NOPOS;
	if (s->cont_indent >= 0 && indent > s->cont_indent) {
		if (s->cont_is_image)
			return fail(s, p, "an image or build value that spans lines is not supported"), NOPOS;
		return next_line(s, e);
	}
	s->cont_indent = -1;
	if (indent == 0 && (is_marker(s, p, e, "---") || is_marker(s, p, e, "..."))) {
		reset_document(s);
		if (!rest_is_empty(s, p + 3, e))
			return fail(s, p, "content on a document marker line is not supported"), NOPOS;
		return next_line(s, e);
	}
	if (indent == 0 && s->buf[p] == '%')
		return next_line(s, e);	/* a directive */
	if (indent > 100000)
		return fail(s, p, "indentation too deep"), NOPOS;
	return block_content(s, indent, p, e);
}

static int by_position(const void *a, const void *b)
{
	const struct image_ref *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int scan_compose(const char *buf, size_t len, struct image_refs *refs, struct scan_error *err)
{
	return scan_compose_builds(buf, len, refs, NULL, err);
}

int scan_compose_builds(const char *buf, size_t len, struct image_refs *refs,
			struct image_refs *builds, struct scan_error *err)
{
	struct scanner s;
	size_t pos = 0;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.len = len;
	s.refs = refs;
	s.builds = builds;
	s.err = err;
	s.cont_indent = -1;
	s.block_indent = -1;
	err->line = 0;
	err->msg[0] = '\0';
	index_lines(&s);
	if (check_bytes(&s) < 0)
		ret = -1;
	while (!ret && pos < len) {
		pos = scan_line(&s, pos);
		if (pos == NOPOS)
			ret = -1;
	}
	reset_document(&s);
	/* aliases add their anchor's scalar late: report in file order */
	if (refs->nr)
		qsort(refs->v, refs->nr, sizeof(*refs->v), by_position);
	if (ret < 0 && builds)
		image_refs_clear(builds);
	free(s.anchors);
	free(s.st);
	free(s.lines);
	if (ret < 0)
		image_refs_clear(refs);
	return ret;
}

void image_refs_clear(struct image_refs *refs)
{
	size_t i;

	for (i = 0; i < refs->nr; i++) {
		free(refs->v[i].value);
		free(refs->v[i].off);
		free(refs->v[i].service);
		free(refs->v[i].key);
	}
	free(refs->v);
	refs->v = NULL;
	refs->nr = refs->alloc = 0;
}
