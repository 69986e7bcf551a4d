/*
 * Distribution files (sdists and wheels): their file names, their core
 * metadata, their digests, and the upload form built from them.
 */
#ifndef DIST_H
#define DIST_H

#include <stddef.h>

#include "sha256.h"
#include "strbuf.h"

enum dist_type { DIST_SDIST, DIST_WHEEL };

/* What a file name says. */
struct dist_name {
	enum dist_type type;
	char *name;		/* as written in the file name */
	char *version;
	char *pyversion;	/* wheel: python tag; sdist: "source" */
};

/* One "key: value" of the core metadata, in file order. */
struct meta_field {
	char *key;		/* as written: "Requires-Dist" */
	char *value;
};

struct metadata {
	struct meta_field *fields;
	size_t nr, alloc;
	char *description;	/* the body after the headers, or NULL */
};

/* A form field of the legacy upload API, in the order sent. */
struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *fields;
	size_t nr, alloc;
};

struct dist {
	char *path;
	const char *filename;	/* points into path */
	struct dist_name fn;
	struct metadata md;
	const char *name;	/* Name, Version, Metadata-Version of md */
	const char *version;
	const char *metadata_version;
	long long size;
	char sha256[SHA256_HEX_LEN + 1];
	char md5[33];
	char blake2_256[65];	/* empty when libcrypto cannot make BLAKE2b-256 */
};


/* Parse a distribution file name: 0, or -1 with the error printed. */
int dist_parse_filename(const char *filename, struct dist_name *out);
void dist_name_release(struct dist_name *dn);

/* Parse core metadata (RFC 822 style headers, then the description body). */
int metadata_parse(const char *text, size_t len, struct metadata *md);
/* The first value of key (case-insensitive), or NULL. */
const char *metadata_get(const struct metadata *md, const char *key);
void metadata_release(struct metadata *md);

/* PEP 503 normalised project name onto sb. */
void normalize_name(struct strbuf *sb, const char *name);
/*
 * PEP 440 normal form of version onto sb, with trailing ".0" of the release
 * dropped so that equal versions compare equal: 0, or -1 when it is not a
 * valid version.
 */
int canonical_version(struct strbuf *sb, const char *version);
/* 1 when a and b name the same PEP 440 version, 0 when not or invalid. */
int same_version(const char *a, const char *b);

/*
 * Read the metadata out of a distribution archive (wheel: NAME-VERSION.dist-info/METADATA;
 * sdist: NAME-VERSION/PKG-INFO), check that it agrees with the file name, and compute
 * the digests. 0, or -1 with the error printed: all of these are bad input.
 */
int dist_load(struct dist *d, const char *path);
/* The same from a metadata text already in memory (no digests): for tests. */
int dist_check(struct dist *d);
void dist_release(struct dist *d);

/* The form name of a metadata key ("Home-page" -> "home_page", "Classifier" -> "classifiers"). */
void form_key(struct strbuf *sb, const char *key);
/* Every form field of the upload of d except the file itself. */
void dist_form(const struct dist *d, struct form *f);
void form_release(struct form *f);

#endif
