/*
 * A TOML 1.0 validator that keeps byte positions: it checks the whole
 * document (encoding, keys, strings and escapes, numbers, dates, arrays,
 * inline tables, table headers, keys or tables defined twice) and builds a
 * tree whose values remember where their bytes are, so that a caller can
 * replace one value and leave every other byte alone.
 */
#ifndef TOML_H
#define TOML_H

#include <stddef.h>

#define TOML_MAX_DEPTH 128	/* arrays and inline tables nested deeper are refused */

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,	/* offset or local date-time, local date, local time */
};

/* How a string was quoted. */
enum toml_quote {
	TOML_BASIC = 1,		/* "..." */
	TOML_LITERAL,		/* '...' */
	TOML_ML_BASIC,		/* """...""" */
	TOML_ML_LITERAL,	/* '''...''' */
};

struct toml_node {
	enum toml_type type;
	unsigned flags;			/* private to the parser */
	struct toml_node *parent;
	char *key;			/* decoded; NULL for array items and the root */
	size_t keylen;
	struct toml_node **items;	/* tables and arrays, in document order */
	size_t nr, alloc;
	size_t start, end;		/* the value's bytes, delimiters included */
	size_t cstart, cend;		/* strings: the bytes between the delimiters */
	char *str;			/* strings: the decoded value, NUL-terminated */
	size_t len;
	enum toml_quote quote;
};

struct toml_doc {
	const char *buf;		/* not owned */
	size_t len;
	size_t body;			/* 3 when the document starts with a UTF-8 BOM */
	struct toml_node *root;
	struct toml_node **nodes;	/* every node, for freeing */
	size_t nr, alloc;
	struct toml_node **hash;	/* (parent, key) -> child */
	size_t hash_size, hash_used;
};

struct toml_err {
	size_t offset;
	unsigned line, column;		/* 1-based; column counts characters */
	char msg[200];
};

/* Validate and index buf: 0, or -1 with err filled in and doc empty. */
int toml_parse(struct toml_doc *doc, const char *buf, size_t len, struct toml_err *err);
void toml_free(struct toml_doc *doc);

/* The child of a table named by one key, or NULL. */
struct toml_node *toml_child(const struct toml_doc *doc, const struct toml_node *table,
			     const char *key);
/* Follow a path of keys separated by dots (each key plain, no quoting), or NULL. */
struct toml_node *toml_lookup(const struct toml_doc *doc, const struct toml_node *table,
			      const char *path);
/* 1-based line and character column of a byte offset. */
void toml_position(const char *buf, size_t len, size_t offset, unsigned *line, unsigned *column);
const char *toml_type_name(enum toml_type type);

#endif
