/*
 * Reading JSON with jsmn (strict mode) and writing the JSON we send.
 *
 * Tokens are addressed by index into j->tok; index 0 is the root. Functions
 * that look something up return a token index, or -1 when it is absent or
 * of the wrong type.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#ifndef JSMN_STRICT
#define JSMN_STRICT
#endif
#define JSMN_HEADER
#include <jsmn.h>

struct strbuf;

struct json {
	const char *text;	/* not owned; must outlive the struct */
	size_t len;
	jsmntok_t *tok;
	int ntok;
};

/* Deeper nesting of arrays and objects is refused as not JSON we read. */
#define JSON_MAX_DEPTH 64

/* Parse text (not necessarily NUL-terminated): 0, or -1 when it is not valid JSON. */
int json_parse(struct json *j, const char *text, size_t len);
void json_release(struct json *j);

/* The token after tok and all its children. */
int json_skip(const struct json *j, int tok);
/* Value of key in object obj. */
int json_get(const struct json *j, int obj, const char *key);
/* Element n (from 0) of array arr. */
int json_at(const struct json *j, int arr, int n);
/* Follow a dotted path from tok: "a.b.2.c" (numbers index arrays). */
int json_path(const struct json *j, int tok, const char *path);

int json_is_string(const struct json *j, int tok);
int json_is_true(const struct json *j, int tok);
int json_is_null(const struct json *j, int tok);
/* The raw bytes of a token (strings without their quotes, escapes kept). */
const char *json_raw(const struct json *j, int tok, size_t *len);

/* Unescaped, malloc'ed value of a string token; NULL when not a string or a bad escape. */
char *json_string(const struct json *j, int tok);
/* 1 when tok is a string equal to s after unescaping, else 0. */
int json_streq(const struct json *j, int tok, const char *s);
/* An integer primitive: 0, or -1 when absent, not an integer, or out of range. */
int json_int(const struct json *j, int tok, long long *out);

/* Append s as a quoted, escaped JSON string (control characters as \u00XX). */
void json_add_string(struct strbuf *sb, const char *s);
void json_add_stringn(struct strbuf *sb, const char *s, size_t len);

#endif
