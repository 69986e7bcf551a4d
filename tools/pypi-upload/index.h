/*
 * Talking to the index: what it already has, the upload itself, and the
 * trusted-publishing token exchange. Every function returns 0 or an exit
 * code (exitcode.h) with the error printed.
 */
#ifndef INDEX_H
#define INDEX_H

#include <stddef.h>

#include "dist.h"
#include "target.h"

/* One file the index lists. */
struct remote_file {
	char *filename;
	char *sha256;	/* lowercase hex, or NULL when the index gave none */
	char *url;
};

struct remote_files {
	struct remote_file *v;
	size_t nr, alloc;
	int known;	/* 0: the index answered in no form we can read */
};

/* The files of project name (at version) that the index lists. */
int index_lookup(const struct target *t, const char *name, const char *version, struct remote_files *out);
const struct remote_file *remote_find(const struct remote_files *r, const char *filename);
void remote_files_release(struct remote_files *r);

/*
 * Parse a JSON API answer (/pypi/NAME/VERSION/json: "urls" with "digests")
 * or a PEP 691 one (/simple/NAME/: "files" with "hashes") onto out; base
 * resolves relative URLs. 0, or -1 when it is neither.
 */
int parse_listing(const char *text, size_t len, const char *base, struct remote_files *out);

/* Upload d with its form: 0 when the index holds it (sent now or before). */
int index_upload(const struct target *t, const struct dist *d, const struct form *f);

/* Trusted publishing: exchange the CI provider's OIDC token for an API token. */
int index_mint_token(struct target *t);

/* A short, printable message out of an error response body. */
void response_message(struct strbuf *sb, const char *body, size_t len);

#endif
