/* JSON reading over jsmn in strict mode, and an escaping writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The one translation unit that holds jsmn's code, in strict mode. */
#define JSMN_STRICT
#include <jsmn.h>

#include "encode.h"
#include "json.h"
#include "strbuf.h"
#include "util.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int valid_number(const char *s, const char *end)
{
	if (s < end && *s == '-')
		s++;
	if (s < end && *s == '0')
		s++;
	else if (s < end && is_digit(*s))
		while (s < end && is_digit(*s))
			s++;
	else
		return 0;
	if (s < end && *s == '.') {
		if (++s >= end || !is_digit(*s))
			return 0;
		while (s < end && is_digit(*s))
			s++;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		if (++s < end && (*s == '+' || *s == '-'))
			s++;
		if (s >= end || !is_digit(*s))
			return 0;
		while (s < end && is_digit(*s))
			s++;
	}
	return s == end;
}

/* jsmn's strict mode still lets through raw control characters and words like "tru". */
static int valid_token(const char *text, const jsmntok_t *t)
{
	const char *s = text + t->start, *end = text + t->end;
	size_t n = (size_t)(end - s);

	if (t->type == JSMN_STRING) {
		for (; s < end; s++)
			if ((unsigned char)*s < 0x20)
				return 0;
		return 1;
	}
	if (t->type != JSMN_PRIMITIVE)
		return 1;
	if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5)) || (n == 4 && !memcmp(s, "null", 4)))
		return 1;
	return valid_number(s, end);
}

/* jsmn takes {"k"} for an object; every key must be a string followed by one value. */
static int valid_members(const struct json *j, int obj)
{
	int t = obj + 1;

	if (j->tok[obj].type != JSMN_OBJECT)
		return 1;
	for (int i = 0; i < j->tok[obj].size; i++) {
		if (t + 1 >= j->ntok || j->tok[t].type != JSMN_STRING || j->tok[t].size != 1)
			return 0;
		t = json_skip(j, t + 1);
	}
	return 1;
}

/*
 * Whether arrays and objects nest at most JSON_MAX_DEPTH deep. Deeper
 * documents are no data we read, and checking them costs time that grows
 * with depth times size: a hostile server could stall us with one.
 */
static int shallow(const char *text, size_t len)
{
	int depth = 0, in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > JSON_MAX_DEPTH)
				return 0;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 1;
}

int json_parse(struct json *j, const char *text, size_t len)
{
	jsmn_parser p;
	int n;

	j->text = text;
	j->len = len;
	j->tok = NULL;
	j->ntok = 0;
	if (!shallow(text, len))
		return -1;
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, NULL, 0);
	if (n <= 0)
		return -1;
	j->tok = xcalloc((size_t)n, sizeof(*j->tok));
	jsmn_init(&p);
	if (jsmn_parse(&p, text, len, j->tok, (unsigned)n) != n) {
		json_release(j);
		return -1;
	}
	j->ntok = n;
	for (int i = 0; i < n; i++) {
		if (!valid_token(text, &j->tok[i]) || !valid_members(j, i)) {
			json_release(j);
			return -1;
		}
	}
	/* jsmn stops after the first value; anything but white space after it is junk. */
	for (size_t i = (size_t)j->tok[0].end + (j->tok[0].type == JSMN_STRING); i < len; i++) {
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n') {
			json_release(j);
			return -1;
		}
	}
	return 0;
}

void json_release(struct json *j)
{
	free(j->tok);
	j->tok = NULL;
	j->ntok = 0;
}

int json_skip(const struct json *j, int tok)
{
	int end, next = tok + 1;

	if (tok < 0 || tok >= j->ntok)
		return j->ntok;
	end = j->tok[tok].end;

	while (next < j->ntok && j->tok[next].start < end)
		next++;
	return next;
}

static int valid(const struct json *j, int tok, jsmntype_t type)
{
	return tok >= 0 && tok < j->ntok && j->tok[tok].type == type;
}

int json_get(const struct json *j, int obj, const char *key)
{
	int t, n;

	if (!valid(j, obj, JSMN_OBJECT))
		return -1;
	n = j->tok[obj].size;
	t = obj + 1;
	for (int i = 0; i < n; i++) {
		int value = t + 1;
		if (json_streq(j, t, key))
			return value < j->ntok ? value : -1;
		t = json_skip(j, value);
	}
	return -1;
}

int json_at(const struct json *j, int arr, int n)
{
	int t;

	if (!valid(j, arr, JSMN_ARRAY) || n < 0 || n >= j->tok[arr].size)
		return -1;
	t = arr + 1;
	while (n-- > 0)
		t = json_skip(j, t);
	return t;
}

int json_path(const struct json *j, int tok, const char *path)
{
	char *copy = xstrdup(path), *part = copy, *dot;

	while (tok >= 0 && part) {
		unsigned long idx;

		dot = strchr(part, '.');
		if (dot)
			*dot = '\0';
		if (valid(j, tok, JSMN_ARRAY) && !parse_ulong(part, &idx) && idx < (unsigned long)j->tok[tok].size)
			tok = json_at(j, tok, (int)idx);
		else
			tok = json_get(j, tok, part);
		part = dot ? dot + 1 : NULL;
	}
	free(copy);
	return tok;
}

int json_is_string(const struct json *j, int tok)
{
	return valid(j, tok, JSMN_STRING);
}

static int primitive_is(const struct json *j, int tok, const char *word)
{
	size_t n = strlen(word);

	return valid(j, tok, JSMN_PRIMITIVE) && (size_t)(j->tok[tok].end - j->tok[tok].start) == n &&
	       !memcmp(j->text + j->tok[tok].start, word, n);
}

int json_is_true(const struct json *j, int tok)
{
	return primitive_is(j, tok, "true");
}

int json_is_null(const struct json *j, int tok)
{
	return primitive_is(j, tok, "null");
}

const char *json_raw(const struct json *j, int tok, size_t *len)
{
	if (tok < 0 || tok >= j->ntok)
		return NULL;
	*len = (size_t)(j->tok[tok].end - j->tok[tok].start);
	return j->text + j->tok[tok].start;
}

static int hex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		*out = *out << 4 | (unsigned)v;
	}
	return 0;
}

/* A \uXXXX escape at s (pointing after the 'u'), with surrogate pairs; bytes used, or -1. */
static int unescape_u(const char *s, const char *end, struct strbuf *sb)
{
	unsigned hi, lo;

	if (end - s < 4 || hex4(s, &hi) < 0)
		return -1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1;
	if (hi < 0xd800 || hi > 0xdbff) {
		encode_utf8(sb, hi);
		return 4;
	}
	if (end - s < 10 || s[4] != '\\' || s[5] != 'u' || hex4(s + 6, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	encode_utf8(sb, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
	return 10;
}

char *json_string(const struct json *j, int tok)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s, *end;

	if (!json_is_string(j, tok))
		return NULL;
	s = j->text + j->tok[tok].start;
	end = j->text + j->tok[tok].end;
	while (s < end) {
		const char *esc = memchr(s, '\\', (size_t)(end - s));
		int used;

		if (!esc) {
			strbuf_add(&sb, s, (size_t)(end - s));
			break;
		}
		strbuf_add(&sb, s, (size_t)(esc - s));
		if (esc + 1 >= end)
			goto bad;
		switch (esc[1]) {
		case '"': case '\\': case '/': strbuf_addch(&sb, esc[1]); break;
		case 'b': strbuf_addch(&sb, '\b'); break;
		case 'f': strbuf_addch(&sb, '\f'); break;
		case 'n': strbuf_addch(&sb, '\n'); break;
		case 'r': strbuf_addch(&sb, '\r'); break;
		case 't': strbuf_addch(&sb, '\t'); break;
		case 'u':
			used = unescape_u(esc + 2, end, &sb);
			if (used < 0)
				goto bad;
			s = esc + 2 + used;
			continue;
		default:
			goto bad;
		}
		s = esc + 2;
	}
	return strbuf_detach(&sb, NULL);
bad:
	strbuf_release(&sb);
	return NULL;
}

int json_streq(const struct json *j, int tok, const char *s)
{
	size_t len;
	const char *raw;
	char *value;
	int eq;

	if (!json_is_string(j, tok))
		return 0;
	raw = json_raw(j, tok, &len);
	if (!memchr(raw, '\\', len))
		return len == strlen(s) && !memcmp(raw, s, len);
	value = json_string(j, tok);
	eq = value && !strcmp(value, s);
	free(value);
	return eq;
}

int json_int(const struct json *j, int tok, long long *out)
{
	char buf[32], *end;
	size_t len;
	const char *raw;

	if (!valid(j, tok, JSMN_PRIMITIVE))
		return -1;
	raw = json_raw(j, tok, &len);
	if (!len || len >= sizeof(buf) || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')))
		return -1;
	memcpy(buf, raw, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno || *end ? -1 : 0;
}

void json_add_stringn(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(sb, "\\u%04x", c);
			else
				strbuf_addch(sb, c);
		}
	}
	strbuf_addch(sb, '"');
}

void json_add_string(struct strbuf *sb, const char *s)
{
	json_add_stringn(sb, s, strlen(s));
}
