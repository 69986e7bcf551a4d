/*
 * The core of compose-retag: a line and indentation based reader of the
 * YAML that compose files use, which finds the image values, and the
 * reading of an image reference (interpolation defaults, repository,
 * tag, the version inside the tag) that decides how to retag it.
 */
#ifndef COMPOSE_SCAN_H
#define COMPOSE_SCAN_H

#include <stddef.h>

#include "strbuf.h"

#define NOPOS ((size_t)-1)

/* What a value found in a compose file is. */
enum ref_kind {
	REF_IMAGE,		/* services.NAME.image, or an image under x-* */
	REF_CONTEXT,		/* services.NAME.build as a string, or build.context */
	REF_DOCKERFILE,		/* build.dockerfile */
	REF_TARGET,		/* build.target */
	REF_ARG,		/* build.args.KEY (key set), or an item KEY=VALUE of a list */
	REF_UNREADABLE,		/* a build value this reader cannot follow; value says why */
};

/* One value: the scalar as YAML reads it, and where each byte came from. */
struct image_ref {
	enum ref_kind kind;
	char *service;	/* the service it belongs to; NULL under x-* */
	char *key;	/* REF_ARG of a mapping: the argument's name */
	size_t line;	/* 1-based line of the scalar */
	size_t start;	/* offset of the scalar in the file, quotes included */
	char *value;	/* the scalar's content, NUL-terminated */
	size_t len;
	size_t *off;	/* for each byte of value: its offset in the file, or NOPOS (escapes) */
};

struct image_refs {
	struct image_ref *v;
	size_t nr, alloc;
};

struct scan_error {
	size_t line;
	char msg[160];
};

/*
 * Find every image value of a compose file: services.NAME.image and any
 * image key inside a top-level x-* extension (anchors merge them into
 * services). 0, or -1 with err filled when the file cannot be read safely.
 */
int scan_compose(const char *buf, size_t len, struct image_refs *refs, struct scan_error *err);
/*
 * The same, and when builds is not NULL the values of every service's
 * build section too (context, dockerfile, target, args), in file order.
 * An alias, a merge key or a block scalar there is a REF_UNREADABLE entry,
 * not an error: only a build that is asked for needs reading.
 */
int scan_compose_builds(const char *buf, size_t len, struct image_refs *refs,
			struct image_refs *builds, struct scan_error *err);
void image_refs_clear(struct image_refs *refs);

/* An image value once interpolation defaults are applied. */
struct image {
	struct strbuf text;	/* resolved value; a variable without default is "\1" */
	size_t *off;		/* for each byte of text: its offset in the file, or NOPOS */
	size_t alloc;
	size_t repo_end;	/* the repository is text[0, repo_end) */
	size_t tag_start, tag_end;	/* the tag without its ':', when has_tag */
	size_t ver_start, ver_end;	/* the version inside the tag; empty when none */
	int has_tag, has_digest;
	char *repo;		/* normalised repository; NULL when unknown or invalid */
};

/* 0, or -1 with msg filled (bad interpolation syntax). */
int image_parse(const struct image_ref *ref, struct image *img, char *msg, size_t msgsz);
void image_clear(struct image *img);
/* True when the resolved value has no variable without a default. */
int image_is_known(const struct image *img);

/*
 * A version that can stand in a Docker tag and that a tag reads back whole:
 * numbers and dots, then at most one pre- or post-release (-rc.1, -dev.2).
 */
int version_is_valid(const char *version);

struct edit {
	size_t start, end;	/* file range to replace */
	char *text;
};

enum retag_result {
	RETAG_OK,		/* edit filled (maybe a no-op) */
	RETAG_PINNED,		/* pinned by digest: retagging would break the pin */
	RETAG_UNKNOWN_TAG,	/* the tag comes from a variable without a default */
	RETAG_SPLIT,		/* the part to change is not one piece of the file */
	RETAG_AMBIGUOUS,	/* the rest of the tag would read as part of the version */
};

/* How to give img the version: fills ed (text malloc'ed) on RETAG_OK. */
enum retag_result image_retag(const struct image *img, const char *version, struct edit *ed);
/* True when img is tagged with version (any v prefix or -suffix kept aside). */
int image_at_version(const struct image *img, const char *version);

/*
 * Apply edits (sorted by start, not overlapping) to buf into out.
 * -1 when they overlap.
 */
int apply_edits(const char *buf, size_t len, struct edit *edits, size_t nr, struct strbuf *out);

#endif
