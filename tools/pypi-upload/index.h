/*
 * Talking to the index: what it already has (index.c), the upload and its
 * answers (upload.c), and trusted publishing's token exchange (oidc.c).
 * Every function returns 0 or an exit code (exitcode.h) with the error
 * printed, unless it says otherwise.
 */
#ifndef INDEX_H
#define INDEX_H

#include <stddef.h>

#include "dist.h"
#include "listing.h"
#include "strbuf.h"
#include "target.h"

/*
 * The files of project name (at version) that the index lists: through the
 * JSON API where it has one, else the simple API, negotiated as pip does
 * (PEP 691 JSON, then PEP 503 HTML). A project the index does not hold,
 * and a simple page that redirects to another origin (an index falling
 * back to a public one), list nothing; such a redirect is not followed.
 */
int index_lookup(const struct target *t, const char *name, const char *version, struct remote_files *out);

/*
 * The file of d that r lists: under its name, or else under a name an index
 * may have normalised it to (project as PEP 503, version as PEP 440, tags),
 * listed with d's sha256. NULL when none.
 */
const struct remote_file *remote_find_dist(const struct remote_files *r, const struct dist *d);

/*
 * Whether listed file f holds the bytes of d: by the listing's sha256, or,
 * without one, by downloading f into a hash, reading no more than d's size.
 * 0 with *same set and the index's sha256 in hex ("" when the file is
 * longer than d), or an exit code with the error printed.
 */
int remote_same_bytes(const struct remote_file *f, const struct dist *d, int *same,
		      char hex[SHA256_HEX_LEN + 1]);

/* What the index answered to an upload. */
enum upload_result {
	UPLOAD_SENT,		/* it took the file */
	UPLOAD_HELD,		/* it holds these very bytes already */
	UPLOAD_UNCONFIRMED,	/* it says the name exists but lists no such file yet */
};

/*
 * Upload d with its form: 0 with *result set, or an exit code with the
 * error printed (a conflict when the index holds other bytes under the name).
 */
int index_upload(const struct target *t, const struct dist *d, const struct form *f,
		 enum upload_result *result);

/* Trusted publishing: exchange the CI provider's OIDC token for an API token. */
int index_mint_token(struct target *t);

/*
 * A short, printable message out of an error response body: the "message"
 * of a JSON error, the title and text of an HTML page, or the first line of
 * plain text; cut to one line of a few hundred bytes.
 */
void response_message(struct strbuf *sb, const char *body, size_t len);

#endif
