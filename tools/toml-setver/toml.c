/*
 * TOML 1.0 validator and position-keeping tree. Recursive descent over the
 * raw bytes; no tokens are copied except keys and decoded strings.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "strbuf.h"
#include "toml.h"
#include "util.h"

/* Node flags: how a table came to exist decides what may be added later. */
enum {
	F_EXPLICIT = 1 << 0,	/* named by a [header] */
	F_DOTTED   = 1 << 1,	/* created by a dotted key in a key/value pair */
	F_INLINE   = 1 << 2,	/* an inline table: closed once written */
	F_AOT      = 1 << 3,	/* an array made by [[headers]] */
};

struct key {
	char *name;
	size_t len;
	size_t offset;
};

struct parser {
	const char *s;
	size_t n, i;
	struct toml_doc *doc;
	struct toml_node *table;	/* where key/value pairs go */
	struct toml_err *err;
	int depth;
};

static int parse_value(struct parser *p, struct toml_node *parent, const struct key *key);
static int keyval(struct parser *p, struct toml_node *table);

static int fail(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (at > p->n)
		at = p->n;
	p->err->offset = at;
	toml_position(p->s, p->n, at, &p->err->line, &p->err->column);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void toml_position(const char *buf, size_t len, size_t offset, unsigned *line, unsigned *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	for (i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			++*column;
		}
	}
}

const char *toml_type_name(enum toml_type type)
{
	static const char *const names[] = {
		"table", "array", "string", "integer", "float", "boolean", "date-time",
	};
	return names[type];
}

/* "an array", "a table"...: what a node is, for messages. */
static const char *what_is(const struct toml_node *n)
{
	if (n->flags & F_AOT)
		return "an array of tables";
	if (n->flags & F_INLINE)
		return "an inline table";
	switch (n->type) {
	case TOML_ARRAY: return "an array";
	case TOML_INTEGER: return "an integer";
	default: break;
	}
	return n->type == TOML_TABLE ? "a table" : n->type == TOML_STRING ? "a string" :
	       n->type == TOML_FLOAT ? "a float" : n->type == TOML_BOOL ? "a boolean" : "a date-time";
}

/* --- the (parent, key) -> child index --- */

static size_t hash_key(const struct toml_node *parent, const char *key, size_t len)
{
	uint64_t h = 14695981039346656037ull ^ (uint64_t)(uintptr_t)parent;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29));
}

static void hash_put(struct toml_doc *doc, struct toml_node *node)
{
	size_t i, mask;

	if (2 * (doc->hash_used + 1) > doc->hash_size) {
		struct toml_node **old = doc->hash;
		size_t j, old_size = doc->hash_size;

		doc->hash_size = old_size ? 2 * old_size : 64;
		doc->hash = xcalloc(doc->hash_size, sizeof(*doc->hash));
		doc->hash_used = 0;
		for (j = 0; j < old_size; j++)
			if (old[j])
				hash_put(doc, old[j]);
		free(old);
	}
	mask = doc->hash_size - 1;
	i = hash_key(node->parent, node->key, node->keylen) & mask;
	while (doc->hash[i])
		i = (i + 1) & mask;
	doc->hash[i] = node;
	doc->hash_used++;
}

static struct toml_node *find(const struct toml_doc *doc, const struct toml_node *parent,
			      const char *key, size_t len)
{
	size_t i, mask;
	struct toml_node *n;

	if (!doc->hash_size)
		return NULL;
	mask = doc->hash_size - 1;
	for (i = hash_key(parent, key, len) & mask; (n = doc->hash[i]); i = (i + 1) & mask)
		if (n->parent == parent && n->keylen == len && !memcmp(n->key, key, len))
			return n;
	return NULL;
}

struct toml_node *toml_child(const struct toml_doc *doc, const struct toml_node *table,
			     const char *key)
{
	if (!table || table->type != TOML_TABLE)
		return NULL;
	return find(doc, table, key, strlen(key));
}

struct toml_node *toml_lookup(const struct toml_doc *doc, const struct toml_node *table,
			      const char *path)
{
	const char *dot;

	while (table && (dot = strchr(path, '.'))) {
		if (table->type != TOML_TABLE)
			return NULL;
		table = find(doc, table, path, dot - path);
		path = dot + 1;
	}
	return toml_child(doc, table, path);
}

/* A new node, named by a copy of key when there is one. */
static struct toml_node *add_node(struct parser *p, enum toml_type type, struct toml_node *parent,
				  const struct key *key, size_t start)
{
	struct toml_doc *doc = p->doc;
	struct toml_node *node = xcalloc(1, sizeof(*node));

	node->type = type;
	node->parent = parent;
	node->start = node->end = start;
	ALLOC_GROW(doc->nodes, doc->nr + 1, doc->alloc);
	doc->nodes[doc->nr++] = node;
	if (parent) {
		ALLOC_GROW(parent->items, parent->nr + 1, parent->alloc);
		parent->items[parent->nr++] = node;
	}
	if (key) {
		/* keys may hold NUL (from \u0000), so copy by length */
		node->key = xmalloc(key->len + 1);
		memcpy(node->key, key->name, key->len);
		node->key[key->len] = '\0';
		node->keylen = key->len;
		hash_put(doc, node);
	}
	return node;
}

/* --- characters --- */

static int at_end(const struct parser *p)
{
	return p->i >= p->n;
}

static int peek(const struct parser *p, size_t ahead)
{
	return p->i + ahead < p->n ? (unsigned char)p->s[p->i + ahead] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_bare(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

/* Control characters TOML forbids in comments and strings (tab is allowed). */
static int is_control(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static const char *describe(int c)
{
	static char buf[16];

	if (c < 0)
		return "end of file";
	if (c == '\n')
		return "newline";
	if (c == '\r')
		return "carriage return";
	if (c < 0x20 || c >= 0x7f)
		snprintf(buf, sizeof(buf), "byte 0x%02x", c);
	else
		snprintf(buf, sizeof(buf), "'%c'", c);
	return buf;
}

/* Check the whole buffer is UTF-8 with no overlong forms, surrogates or values past U+10FFFF. */
static int check_utf8(struct parser *p)
{
	const unsigned char *s = (const unsigned char *)p->s;
	size_t i = 0, n = p->n, k, need;
	uint32_t cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3; cp = s[i] & 0x07; min = 0x10000;
		} else {
			return fail(p, i, "invalid UTF-8: unexpected byte 0x%02x", s[i]);
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return fail(p, i, "invalid UTF-8: truncated sequence");
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min)
			return fail(p, i, "invalid UTF-8: overlong encoding");
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return fail(p, i, "invalid UTF-8: U+%04X is not a character", (unsigned)cp);
		i += need + 1;
	}
	return 0;
}

static void skip_ws(struct parser *p)
{
	while (!at_end(p) && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
		p->i++;
}

/* At '\n' or "\r\n": consume it and return 1; a bare CR is an error. */
static int newline(struct parser *p)
{
	if (peek(p, 0) == '\n') {
		p->i++;
		return 1;
	}
	if (peek(p, 0) == '\r') {
		if (peek(p, 1) != '\n')
			return fail(p, p->i, "carriage return not followed by a newline");
		p->i += 2;
		return 1;
	}
	return 0;
}

/* At '#': consume the comment up to (not including) the line end. */
static int comment(struct parser *p)
{
	for (p->i++; !at_end(p); p->i++) {
		int c = (unsigned char)p->s[p->i];

		if (c == '\n' || (c == '\r' && peek(p, 1) == '\n'))
			return 0;
		if (is_control(c))
			return fail(p, p->i, "%s in a comment", describe(c));
	}
	return 0;
}

/* Whitespace, newlines and comments, as allowed inside arrays. */
static int skip_blank(struct parser *p)
{
	int r;

	for (;;) {
		skip_ws(p);
		if (peek(p, 0) == '#' && comment(p) < 0)
			return -1;
		if ((r = newline(p)) < 0)
			return -1;
		if (!r)
			return 0;
	}
}

/* After a key/value pair or a header: an optional comment, then the line end. */
static int end_of_line(struct parser *p, const char *what)
{
	int r;

	skip_ws(p);
	if (peek(p, 0) == '#' && comment(p) < 0)
		return -1;
	if (at_end(p))
		return 0;
	if ((r = newline(p)) != 0)
		return r < 0 ? -1 : 0;
	return fail(p, p->i, "unexpected %s after %s; expected a newline", describe(peek(p, 0)), what);
}

/* Whitespace and newlines, no comments: what a line-ending backslash trims. */
static int skip_ws_newlines(struct parser *p)
{
	int r;

	for (;;) {
		skip_ws(p);
		if ((r = newline(p)) <= 0)
			return r;
	}
}

/* --- strings --- */

/* At a backslash in a basic string: decode one escape. */
static int escape(struct parser *p, struct strbuf *out)
{
	size_t at = p->i, digits, k;
	uint32_t cp = 0;
	int c = peek(p, 1);

	p->i += 2;
	switch (c) {
	case 'b': strbuf_addch(out, '\b'); return 0;
	case 't': strbuf_addch(out, '\t'); return 0;
	case 'n': strbuf_addch(out, '\n'); return 0;
	case 'f': strbuf_addch(out, '\f'); return 0;
	case 'r': strbuf_addch(out, '\r'); return 0;
	case '"': strbuf_addch(out, '"'); return 0;
	case '\\': strbuf_addch(out, '\\'); return 0;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default:
		return fail(p, at, "invalid escape \\%s in a string", c < 0 ? "" : describe(c));
	}
	for (k = 0; k < digits; k++) {
		c = peek(p, 0);
		if (!is_hex(c))
			return fail(p, at, "\\%c escape needs %zu hex digits", digits == 4 ? 'u' : 'U', digits);
		cp = cp << 4 | (uint32_t)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
		p->i++;
	}
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return fail(p, at, "escape \\%c%0*X is not a Unicode scalar value",
			    digits == 4 ? 'u' : 'U', (int)digits, (unsigned)cp);
	encode_utf8(out, cp);
	return 0;
}

/* How many of quote q start at the current position. */
static size_t count_quotes(const struct parser *p, int q)
{
	size_t k = 0;

	while (peek(p, k) == q)
		k++;
	return k;
}

/* One-line string, basic or literal, at its opening quote. */
static int line_string(struct parser *p, int q, struct strbuf *out, size_t *cstart, size_t *cend)
{
	size_t open = p->i;

	*cstart = ++p->i;
	for (;;) {
		int c = peek(p, 0);

		if (c == q) {
			*cend = p->i++;
			return 0;
		}
		if (c < 0 || c == '\n' || (c == '\r' && peek(p, 1) == '\n'))
			return fail(p, open, "string not closed on its line");
		if (c == '\\' && q == '"') {
			if (escape(p, out) < 0)
				return -1;
			continue;
		}
		if (is_control(c))
			return fail(p, p->i, "%s in a string", describe(c));
		strbuf_addch(out, c);
		p->i++;
	}
}

/* Multi-line string at its three opening quotes. */
static int ml_string(struct parser *p, int q, struct strbuf *out, size_t *cstart, size_t *cend)
{
	size_t open = p->i, k;
	int r;

	p->i += 3;
	if (newline(p) < 0)
		return -1;
	*cstart = p->i;
	for (;;) {
		int c = peek(p, 0);

		if (c < 0)
			return fail(p, open, "multi-line string never closed");
		if (c == q && (k = count_quotes(p, q)) >= 3) {
			if (k > 5)
				return fail(p, p->i, "too many quotes closing a multi-line string");
			strbuf_add(out, p->s + p->i, k - 3);
			*cend = p->i + k - 3;
			p->i += k;
			return 0;
		}
		if ((r = newline(p)) < 0)
			return -1;
		if (r) {
			strbuf_addch(out, '\n');
			continue;
		}
		if (c == '\\' && q == '"') {
			size_t j = p->i + 1;

			while (j < p->n && (p->s[j] == ' ' || p->s[j] == '\t'))
				j++;
			if (j < p->n && (p->s[j] == '\n' || p->s[j] == '\r')) {
				/* a line-ending backslash trims the line end and all blanks after it */
				p->i = j;
				if (skip_ws_newlines(p) < 0)
					return -1;
				continue;
			}
			if (escape(p, out) < 0)
				return -1;
			continue;
		}
		if (is_control(c))
			return fail(p, p->i, "%s in a multi-line string", describe(c));
		strbuf_addch(out, c);
		p->i++;
	}
}

static int string_value(struct parser *p, struct toml_node *parent, const struct key *key)
{
	struct strbuf sb = STRBUF_INIT;
	struct toml_node *node;
	size_t start = p->i, cstart = 0, cend = 0;
	int q = peek(p, 0), multi = count_quotes(p, q) >= 3;

	if ((multi ? ml_string : line_string)(p, q, &sb, &cstart, &cend) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	node = add_node(p, TOML_STRING, parent, key, start);
	node->end = p->i;
	node->cstart = cstart;
	node->cend = cend;
	if (q == '"')
		node->quote = multi ? TOML_ML_BASIC : TOML_BASIC;
	else
		node->quote = multi ? TOML_ML_LITERAL : TOML_LITERAL;
	node->str = strbuf_detach(&sb, &node->len);
	return 0;
}

/* --- keys --- */

struct keypath {
	struct key *k;
	size_t nr, alloc;
};

static void keypath_release(struct keypath *kp)
{
	size_t i;

	for (i = 0; i < kp->nr; i++)
		free(kp->k[i].name);
	free(kp->k);
}

/* A key for messages: printable ASCII kept, anything else shown as '?'. */
static const char *show_key(const struct key *k)
{
	static char buf[64];
	size_t i, n = k->len < sizeof(buf) - 4 ? k->len : sizeof(buf) - 4;

	for (i = 0; i < n; i++) {
		unsigned char c = k->name[i];
		buf[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	if (n < k->len)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

static int key_part(struct parser *p, struct key *k)
{
	int c = peek(p, 0);
	size_t start = p->i, cstart, cend;

	k->offset = start;
	if (c == '"' || c == '\'') {
		struct strbuf sb = STRBUF_INIT;

		if (count_quotes(p, c) >= 3)
			return fail(p, start, "a key cannot be a multi-line string");
		if (line_string(p, c, &sb, &cstart, &cend) < 0) {
			strbuf_release(&sb);
			return -1;
		}
		k->name = strbuf_detach(&sb, &k->len);
		return 0;
	}
	while (is_bare(peek(p, 0)))
		p->i++;
	if (p->i == start)
		return fail(p, start, "expected a key, found %s", describe(c));
	k->len = p->i - start;
	k->name = xstrndup(p->s + start, k->len);
	return 0;
}

/* A dotted key, with the blanks around it consumed. */
static int key_path(struct parser *p, struct keypath *kp)
{
	for (;;) {
		skip_ws(p);
		ALLOC_GROW(kp->k, kp->nr + 1, kp->alloc);
		kp->k[kp->nr].name = NULL;
		if (key_part(p, &kp->k[kp->nr]) < 0)
			return -1;
		kp->nr++;
		skip_ws(p);
		if (peek(p, 0) != '.')
			return 0;
		p->i++;
	}
}

/* --- numbers and dates --- */

static int is_oct(int c)
{
	return c >= '0' && c <= '7';
}

static int is_bin(int c)
{
	return c == '0' || c == '1';
}

/* One or more digits, single underscores allowed between two of them. */
static int digits(struct parser *p, int (*ok)(int), const char *what)
{
	if (!ok(peek(p, 0)))
		return fail(p, p->i, "expected a digit in %s, found %s", what, describe(peek(p, 0)));
	for (;;) {
		while (ok(peek(p, 0)))
			p->i++;
		if (peek(p, 0) != '_')
			return 0;
		if (!ok(peek(p, 1)))
			return fail(p, p->i, "an underscore in %s must stand between two digits", what);
		p->i++;
	}
}

/* Does the integer in s[from, to) (underscores skipped) fit below limit? */
static int fits(const char *s, size_t from, size_t to, unsigned base, uint64_t limit)
{
	uint64_t v = 0;
	size_t i;

	for (i = from; i < to; i++) {
		int c = (unsigned char)s[i];
		unsigned d;

		if (c == '_')
			continue;
		d = is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		if (v > (limit - d) / base)
			return 0;
		v = v * base + d;
	}
	return 1;
}

static int scalar(struct parser *p, enum toml_type type, struct toml_node *parent,
		  const struct key *key, size_t start)
{
	struct toml_node *node = add_node(p, type, parent, key, start);

	node->end = p->i;
	return 0;
}

static int number(struct parser *p, struct toml_node *parent, const struct key *key)
{
	size_t start = p->i, int_start;
	int sign = 0, c = peek(p, 0), is_float = 0;

	if (c == '+' || c == '-') {
		sign = c;
		p->i++;
	}
	if (p->i + 3 <= p->n && (!memcmp(p->s + p->i, "inf", 3) || !memcmp(p->s + p->i, "nan", 3))) {
		p->i += 3;
		return scalar(p, TOML_FLOAT, parent, key, start);
	}
	if (!sign && peek(p, 0) == '0' && (peek(p, 1) == 'x' || peek(p, 1) == 'o' || peek(p, 1) == 'b')) {
		int kind = peek(p, 1);
		unsigned base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;

		p->i += 2;
		int_start = p->i;
		if (digits(p, kind == 'x' ? is_hex : kind == 'o' ? is_oct : is_bin, "an integer") < 0)
			return -1;
		if (!fits(p->s, int_start, p->i, base, INT64_MAX))
			return fail(p, start, "integer does not fit in 64 bits");
		return scalar(p, TOML_INTEGER, parent, key, start);
	}
	int_start = p->i;
	if (digits(p, is_digit, "a number") < 0)
		return -1;
	if (p->s[int_start] == '0' && p->i - int_start > 1)
		return fail(p, int_start, "leading zeros are not allowed in a number");
	if (peek(p, 0) == '.') {
		p->i++;
		is_float = 1;
		if (digits(p, is_digit, "a fraction") < 0)
			return -1;
	}
	if (peek(p, 0) == 'e' || peek(p, 0) == 'E') {
		p->i++;
		is_float = 1;
		if (peek(p, 0) == '+' || peek(p, 0) == '-')
			p->i++;
		if (digits(p, is_digit, "an exponent") < 0)
			return -1;
	}
	if (is_float)
		return scalar(p, TOML_FLOAT, parent, key, start);
	if (!fits(p->s, int_start, p->i, 10, sign == '-' ? (uint64_t)INT64_MAX + 1 : INT64_MAX))
		return fail(p, start, "integer does not fit in 64 bits");
	return scalar(p, TOML_INTEGER, parent, key, start);
}

/* Exactly n digits as a number, or -1. */
static int fixed(struct parser *p, size_t n)
{
	int v = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		if (!is_digit(peek(p, k)))
			return -1;
		v = v * 10 + peek(p, k) - '0';
	}
	p->i += n;
	return v;
}

static int expect_char(struct parser *p, int c, const char *what)
{
	if (peek(p, 0) != c)
		return fail(p, p->i, "expected '%c' in %s, found %s", c, what, describe(peek(p, 0)));
	p->i++;
	return 0;
}

static int days_in(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

static int date_part(struct parser *p)
{
	size_t at = p->i;
	int y, m, d;

	if ((y = fixed(p, 4)) < 0 || expect_char(p, '-', "a date") < 0 ||
	    (m = fixed(p, 2)) < 0 || expect_char(p, '-', "a date") < 0 || (d = fixed(p, 2)) < 0)
		return fail(p, at, "a date must be written YYYY-MM-DD");
	if (m < 1 || m > 12)
		return fail(p, at, "month %02d does not exist", m);
	if (d < 1 || d > days_in(y, m))
		return fail(p, at, "day %02d does not exist in %04d-%02d", d, y, m);
	return 0;
}

static int time_part(struct parser *p)
{
	size_t at = p->i;
	int h, m, s;

	if ((h = fixed(p, 2)) < 0 || expect_char(p, ':', "a time") < 0 ||
	    (m = fixed(p, 2)) < 0 || expect_char(p, ':', "a time") < 0 || (s = fixed(p, 2)) < 0)
		return fail(p, at, "a time must be written HH:MM:SS");
	if (h > 23 || m > 59 || s > 60)
		return fail(p, at, "time %02d:%02d:%02d does not exist", h, m, s);
	if (peek(p, 0) == '.') {
		p->i++;
		if (!is_digit(peek(p, 0)))
			return fail(p, p->i, "expected digits after the decimal point of a time");
		while (is_digit(peek(p, 0)))
			p->i++;
	}
	return 0;
}

static int offset_part(struct parser *p)
{
	size_t at = p->i;
	int h, m;

	if (peek(p, 0) == 'Z' || peek(p, 0) == 'z') {
		p->i++;
		return 0;
	}
	if (peek(p, 0) != '+' && peek(p, 0) != '-')
		return 0;
	p->i++;
	if ((h = fixed(p, 2)) < 0 || expect_char(p, ':', "a time offset") < 0 || (m = fixed(p, 2)) < 0)
		return fail(p, at, "a time offset must be written +HH:MM or -HH:MM");
	if (h > 23 || m > 59)
		return fail(p, at, "time offset %02d:%02d does not exist", h, m);
	return 0;
}

static int datetime(struct parser *p, struct toml_node *parent, const struct key *key)
{
	size_t start = p->i;
	int c;

	if (peek(p, 2) == ':') {
		if (time_part(p) < 0)
			return -1;
		return scalar(p, TOML_DATETIME, parent, key, start);
	}
	if (date_part(p) < 0)
		return -1;
	c = peek(p, 0);
	if (c == 'T' || c == 't' || (c == ' ' && is_digit(peek(p, 1)) && is_digit(peek(p, 2)) && peek(p, 3) == ':')) {
		p->i++;
		if (time_part(p) < 0 || offset_part(p) < 0)
			return -1;
	}
	return scalar(p, TOML_DATETIME, parent, key, start);
}

static int looks_like_date(const struct parser *p)
{
	if (is_digit(peek(p, 0)) && is_digit(peek(p, 1)) && peek(p, 2) == ':')
		return 1;
	return is_digit(peek(p, 0)) && is_digit(peek(p, 1)) && is_digit(peek(p, 2)) &&
	       is_digit(peek(p, 3)) && peek(p, 4) == '-';
}

/* --- arrays, inline tables, values --- */

static int nest(struct parser *p)
{
	if (++p->depth > TOML_MAX_DEPTH)
		return fail(p, p->i, "arrays or inline tables nested deeper than %d levels", TOML_MAX_DEPTH);
	return 0;
}

static int array(struct parser *p, struct toml_node *parent, const struct key *key)
{
	struct toml_node *node;

	if (nest(p) < 0)
		return -1;
	node = add_node(p, TOML_ARRAY, parent, key, p->i);
	p->i++;
	for (;;) {
		if (skip_blank(p) < 0)
			return -1;
		if (peek(p, 0) == ']')
			break;
		if (parse_value(p, node, NULL) < 0 || skip_blank(p) < 0)
			return -1;
		if (peek(p, 0) == ',') {
			p->i++;
			continue;
		}
		if (peek(p, 0) == ']')
			break;
		return fail(p, p->i, "expected ',' or ']' in an array, found %s", describe(peek(p, 0)));
	}
	node->end = ++p->i;
	p->depth--;
	return 0;
}

static int inline_table(struct parser *p, struct toml_node *parent, const struct key *key)
{
	struct toml_node *node;

	if (nest(p) < 0)
		return -1;
	node = add_node(p, TOML_TABLE, parent, key, p->i);
	node->flags = F_INLINE;
	p->i++;
	skip_ws(p);
	while (peek(p, 0) != '}') {
		if (keyval(p, node) < 0)
			return -1;
		skip_ws(p);
		if (peek(p, 0) == '}')
			break;
		if (peek(p, 0) != ',')
			return fail(p, p->i, "expected ',' or '}' in an inline table, found %s",
				    describe(peek(p, 0)));
		p->i++;
		skip_ws(p);
		if (peek(p, 0) == '}')
			return fail(p, p->i, "an inline table cannot end with a comma in TOML 1.0");
	}
	node->end = ++p->i;
	p->depth--;
	return 0;
}

static int parse_value(struct parser *p, struct toml_node *parent, const struct key *key)
{
	int c = peek(p, 0);
	size_t start = p->i;

	switch (c) {
	case '"':
	case '\'':
		return string_value(p, parent, key);
	case '[':
		return array(p, parent, key);
	case '{':
		return inline_table(p, parent, key);
	case 't':
	case 'f':
		if (p->i + 4 <= p->n && !memcmp(p->s + p->i, "true", 4))
			p->i += 4;
		else if (p->i + 5 <= p->n && !memcmp(p->s + p->i, "false", 5))
			p->i += 5;
		else
			break;
		return scalar(p, TOML_BOOL, parent, key, start);
	default:
		if (looks_like_date(p))
			return datetime(p, parent, key);
		if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
			return number(p, parent, key);
	}
	return fail(p, start, "expected a value, found %s", describe(c));
}

/* --- key/value pairs and headers --- */

static int keyval(struct parser *p, struct toml_node *table)
{
	struct keypath kp = { 0 };
	struct toml_node *t = table, *c;
	struct key *last;
	size_t k;
	int r = -1;

	if (key_path(p, &kp) < 0)
		goto out;
	if (peek(p, 0) != '=') {
		fail(p, p->i, "expected '=' after the key, found %s", describe(peek(p, 0)));
		goto out;
	}
	p->i++;
	skip_ws(p);
	for (k = 0; k + 1 < kp.nr; k++) {
		c = find(p->doc, t, kp.k[k].name, kp.k[k].len);
		if (!c) {
			c = add_node(p, TOML_TABLE, t, &kp.k[k], kp.k[k].offset);
			c->flags = F_DOTTED;
		} else if (c->type != TOML_TABLE || !(c->flags & F_DOTTED)) {
			fail(p, kp.k[k].offset, "cannot add to '%s' with a dotted key: it is already %s",
			     show_key(&kp.k[k]), c->type == TOML_TABLE && !(c->flags & F_INLINE) ?
			     "a table defined elsewhere" : what_is(c));
			goto out;
		}
		t = c;
	}
	last = &kp.k[kp.nr - 1];
	if (find(p->doc, t, last->name, last->len)) {
		fail(p, last->offset, "key '%s' is defined twice", show_key(last));
		goto out;
	}
	r = parse_value(p, t, last);
out:
	keypath_release(&kp);
	return r;
}

/* Walk or create the tables a header names, up to its last key. */
static struct toml_node *header_parent(struct parser *p, const struct keypath *kp)
{
	struct toml_node *t = p->doc->root, *c;
	size_t k;

	for (k = 0; k + 1 < kp->nr; k++) {
		c = find(p->doc, t, kp->k[k].name, kp->k[k].len);
		if (!c)
			c = add_node(p, TOML_TABLE, t, &kp->k[k], kp->k[k].offset);
		else if (c->type == TOML_ARRAY && (c->flags & F_AOT))
			c = c->items[c->nr - 1];
		else if (c->type != TOML_TABLE || (c->flags & F_INLINE)) {
			fail(p, kp->k[k].offset, "cannot open a table under '%s': it is already %s",
			     show_key(&kp->k[k]), what_is(c));
			return NULL;
		}
		t = c;
	}
	return t;
}

static int header(struct parser *p)
{
	struct keypath kp = { 0 };
	struct toml_node *t, *c;
	struct key *last;
	size_t at = p->i;
	int aot = peek(p, 1) == '[', r = -1;

	p->i += aot ? 2 : 1;
	if (key_path(p, &kp) < 0)
		goto out;
	if (peek(p, 0) != ']' || (aot && peek(p, 1) != ']')) {
		fail(p, p->i, "expected '%s' closing the table header, found %s", aot ? "]]" : "]",
		     describe(peek(p, 0)));
		goto out;
	}
	p->i += aot ? 2 : 1;
	if (!(t = header_parent(p, &kp)))
		goto out;
	last = &kp.k[kp.nr - 1];
	c = find(p->doc, t, last->name, last->len);
	if (aot) {
		if (!c) {
			c = add_node(p, TOML_ARRAY, t, last, at);
			c->flags = F_AOT;
		} else if (c->type != TOML_ARRAY || !(c->flags & F_AOT)) {
			fail(p, at, "[[%s]] cannot be an array of tables: it is already %s", show_key(last),
			     what_is(c));
			goto out;
		}
		p->table = add_node(p, TOML_TABLE, c, NULL, at);
		p->table->flags = F_EXPLICIT;
	} else {
		if (!c) {
			c = add_node(p, TOML_TABLE, t, last, at);
		} else if (c->type != TOML_TABLE || (c->flags & (F_EXPLICIT | F_DOTTED | F_INLINE))) {
			fail(p, at, "table [%s] is already defined%s", show_key(last),
			     c->flags & F_DOTTED ? " by a dotted key" : "");
			goto out;
		}
		c->flags |= F_EXPLICIT;
		c->start = at;
		p->table = c;
	}
	r = end_of_line(p, "a table header");
out:
	keypath_release(&kp);
	return r;
}

int toml_parse(struct toml_doc *doc, const char *buf, size_t len, struct toml_err *err)
{
	struct parser p = { .s = buf, .n = len, .doc = doc, .err = err };
	int r;

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	doc->buf = buf;
	doc->len = len;
	if (check_utf8(&p) < 0)
		return -1;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.i = doc->body = 3;
	doc->root = add_node(&p, TOML_TABLE, NULL, NULL, 0);
	doc->root->flags = F_EXPLICIT;
	p.table = doc->root;
	for (;;) {
		skip_ws(&p);
		if (at_end(&p))
			return 0;
		if (peek(&p, 0) == '#') {
			if (comment(&p) < 0)
				goto bad;
			continue;
		}
		if ((r = newline(&p)) < 0)
			goto bad;
		if (r)
			continue;
		if (peek(&p, 0) == '[') {
			if (header(&p) < 0)
				goto bad;
			continue;
		}
		if (keyval(&p, p.table) < 0 || end_of_line(&p, "a key/value pair") < 0)
			goto bad;
	}
bad:
	toml_free(doc);
	return -1;
}

void toml_free(struct toml_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->nr; i++) {
		free(doc->nodes[i]->key);
		free(doc->nodes[i]->str);
		free(doc->nodes[i]->items);
		free(doc->nodes[i]);
	}
	free(doc->nodes);
	free(doc->hash);
	memset(doc, 0, sizeof(*doc));
}
