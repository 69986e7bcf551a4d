/*
 * What an index lists for a project: the JSON API (/pypi/NAME/VERSION/json),
 * the simple API as PEP 691 JSON or as PEP 503 HTML. Parsers only; no I/O.
 */
#ifndef LISTING_H
#define LISTING_H

#include <stddef.h>

#include "strbuf.h"

/* One file the index lists. */
struct remote_file {
	char *filename;
	char *url;		/* absolute, without its fragment */
	char *sha256;		/* lowercase hex, or NULL when the listing gave none */
	char *requires_python;	/* or NULL */
	char *yanked;		/* NULL when not yanked; else the reason, "" when none was given */
	int core_metadata;	/* the index serves the file's metadata on its own (PEP 658, PEP 714) */
};

struct remote_files {
	struct remote_file *v;
	size_t nr, alloc;
};

/*
 * Parse a JSON API answer ("urls" with "digests") or a PEP 691 one
 * ("files" with "hashes") onto out; base resolves relative URLs. 0, or -1
 * when it is neither.
 */
int parse_json_listing(const char *text, size_t len, const char *base, struct remote_files *out);

/*
 * Parse a PEP 503 page: every anchor with an http(s) href (resolved against
 * base, or the page's <base href>), the file name from the URL's last path
 * segment as pip takes it, a #sha256= fragment, data-requires-python,
 * data-yanked and data-core-metadata (or data-dist-info-metadata), entities
 * decoded. Always 0: a page without anchors lists nothing.
 */
int parse_html_listing(const char *text, size_t len, const char *base, struct remote_files *out);

/*
 * Append text[0, len) with its HTML character references decoded (named
 * ones of the common kind, decimal and hex). in_attribute applies HTML's
 * rule for attribute values: "&lt=1" is kept as written there.
 */
void html_decode(struct strbuf *sb, const char *text, size_t len, int in_attribute);

/* The first case-insensitive occurrence of needle in [p, end), or NULL. */
const char *find_nocase(const char *p, const char *end, const char *needle);

const struct remote_file *remote_find(const struct remote_files *r, const char *filename);
void remote_files_release(struct remote_files *r);

#endif
