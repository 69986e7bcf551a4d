/*
 * oci-push internals: images read from archives, the registry client,
 * credentials, tag rules and the upload machinery.
 */
#ifndef OCI_H
#define OCI_H

#include <pthread.h>
#include <stddef.h>
#include "http.h"
#include "semver.h"
#include "sha256.h"
#include "strbuf.h"
#include "strvec.h"

#define MT_OCI_INDEX	"application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG	"application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER	"application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZ	"application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_DOCKER_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ACCEPT_MANIFESTS "Accept: " MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " \
	MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

/* Blob contents above this size are never read into memory. */
#define SMALL_BLOB_MAX (64L << 20)

/* ---- tar.c: an index of an uncompressed tar file ---- */

struct tar_entry {
	char *name;
	char *link;		/* symlink or hard link target, or NULL */
	long long offset;	/* of the data */
	long long size;
	char type;		/* '0' file, '1' hard link, '2' symlink, '5' directory */
};

struct tar {
	struct tar_entry *entry;
	size_t nr, alloc;
};

/* Index the tar held in buf/len-sized reads of fd: 0, or -1 with the error printed. */
int tar_index_fd(struct tar *t, int fd, const char *what);
/* The same over bytes in memory (unit tests and fuzzing). */
int tar_index_buf(struct tar *t, const char *buf, size_t len, const char *what);
/* The regular file called name, links followed; NULL when absent. */
const struct tar_entry *tar_find(const struct tar *t, const char *name);
void tar_release(struct tar *t);

/* ---- image.c: images read from docker-archive and OCI layouts ---- */

struct blob {
	char *digest;		/* "sha256:<hex>" */
	long long size;
	char *media_type;
	char *path;		/* the bytes live in this file from offset, */
	long long offset;
	char *data;		/* or in memory */
	/* Filled while pushing. */
	int state;		/* BLOB_* */
	long long sent;
	const char *mounted_from;
};

enum { BLOB_TODO, BLOB_EXISTS, BLOB_MOUNTED, BLOB_UPLOADED, BLOB_FAILED };

struct image {
	char *source;		/* the argument it came from */
	char *os, *arch, *variant;
	struct blob config;
	struct blob *layer;
	size_t nr_layers;
	struct blob manifest;	/* data holds the manifest pushed, verbatim */
};

struct image_set {
	struct image **image;
	size_t nr, alloc;
};

/*
 * Read every image of the archive or layout at path into set. platform
 * ("os/arch[/variant]") keeps only the images of that platform and must
 * agree with their configs. 0, or an exit code with the error printed.
 */
int image_load(struct image_set *set, const char *path, const char *platform);
void image_set_release(struct image_set *set);
/* "os/arch" or "os/arch/variant", malloc'ed. */
char *image_platform(const struct image *img);
/* Build the OCI image index over the images (deterministic bytes). */
void image_index(const struct image_set *set, struct strbuf *out);
/* Parse "os/arch[/variant]": 0, or -1 when malformed. Parts malloc'ed. */
int parse_platform(const char *s, char **os, char **arch, char **variant);

/* ---- tags.c: which tags may move (SemVer itself is common/semver.h) ---- */

/* Parse a version, "v" prefix allowed: 0, or -1. s must outlive v. */
int version_parse(const char *s, struct semver *v);

enum tag_kind { TAG_PLAIN, TAG_VERSION, TAG_MINOR, TAG_MAJOR, TAG_LATEST };

/* What kind of tag this is; for TAG_MINOR/TAG_MAJOR the numbers go to v. */
enum tag_kind tag_kind(const char *tag, struct semver *v);
/* A valid tag of the distribution spec: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
int tag_valid(const char *tag);
/*
 * Whether moving tag (latest, X, X.Y) may point at version given the
 * registry's existing tags: 1 yes, 0 no (*why says why), -1 when the tag
 * cannot name this version at all (*why says why).
 */
int tag_may_move(const char *tag, const struct semver *version,
		 const char *const *existing, size_t nr, const char **why);

/* ---- auth.c: credentials and challenges ---- */

struct creds {
	char *user;
	char *pass;
	char *from;		/* where they came from, for messages */
};

/*
 * Credentials for registry host ("host[:port]"): OCI_USERNAME/OCI_PASSWORD,
 * then the docker config (credHelpers, credsStore, auths). 0 with c filled or
 * left empty when none are configured; an exit code with the error printed.
 */
int creds_lookup(const char *host, struct creds *c);
/* The same, from the docker config only (the host of a token service). */
int creds_lookup_config(const char *host, struct creds *c);
void creds_release(struct creds *c);
/* Parse a docker config.json for host; run_helper 0 never starts a credential helper. */
int creds_from_docker_config(const char *json, size_t len, const char *host,
			     struct creds *c, const char *path, int run_helper);

struct challenge {
	char *scheme;		/* "basic" or "bearer", lowercase */
	char *realm, *service, *scope, *error;
};

/* Parse a WWW-Authenticate value: 0, or -1 when it is not one. */
int challenge_parse(const char *value, struct challenge *ch);
void challenge_release(struct challenge *ch);

/* ---- registry.c: the distribution API client ---- */

struct reg {
	char *scheme;		/* "https" or "http" */
	char *host;		/* host[:port] as written by the user */
	char *api_host;		/* host[:port] actually contacted */
	char *base;		/* scheme://api_host */
	char *repo;
	long stall_ms;		/* a transfer that moves nothing for this long fails */
	struct creds creds;
	/* The main thread's client; upload threads share its credentials. */
	struct http_client *client;

	pthread_mutex_t lock;	/* guards the authentication state below */
	struct http_client *token_client;	/* asks the token service, with its own credentials */
	int auth_basic;		/* the registry holds the Basic credentials */
	unsigned auth_gen;
	char *realm, *service;
	char *token_user;	/* who asked the token service, for messages */
	struct strvec scopes;

	pthread_mutex_t fail_lock;
	int exit_code;		/* the worst failure so far */
};

struct reg_req {
	const char *method;	/* GET, HEAD, PUT, POST, PATCH, DELETE */
	const char *url;	/* absolute, or a path on the registry */
	const char *const *headers;
	const char *body;	/* body in memory, */
	size_t body_len;
	int fd;			/* or body_len bytes of fd from offset (fd > 0) */
	off_t offset;
	struct sha256_run *hash;/* hash the file body while it streams */
	struct blob *progress;	/* count bytes sent here */
	int no_retry;		/* uploads retry at the blob level instead */
};

#define RETRY (-2)

/* Parse REGISTRY/REPOSITORY (the registry host written out): 0, or -1 with the error printed. */
int reg_init(struct reg *r, const char *reference);
void reg_release(struct reg *r);
/*
 * 0 when a final response arrived (any status); -1 with the error printed.
 * With q->no_retry, RETRY when the attempt failed in a way worth another
 * (resp->error or resp->status says why), printing nothing.
 */
int reg_do(struct reg *r, struct http_client *c, const struct reg_req *q, struct http_response *resp);
/* Remember the worst exit code (thread-safe). */
void reg_fail(struct reg *r, int code);
/* Print the error, remember code, return -1. */
int reg_error(struct reg *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ask for a token covering this scope too (before the first request). */
void reg_add_scope(struct reg *r, const char *scope);
/* A short text of the registry's error body ("MANIFEST_INVALID: ..."), malloc'ed. */
char *reg_error_text(const struct http_response *p);

/* ---- push.c: blobs, manifests, tags ---- */

struct push_opts {
	int jobs;
	long long chunk_size;	/* 0: monolithic uploads */
	int dry_run;
	int force;
	int list_tags;		/* print where each tag stands after the digest */
	int progress;
	struct strvec mount_from;
	struct strvec tags;
};

/* Upload every blob the registry lacks: 0, or -1 (r->exit_code says why). */
int push_blobs(struct reg *r, struct image_set *set, const struct push_opts *o);
int push_manifests(struct reg *r, struct image_set *set, const struct push_opts *o);
/* PUT the index under ref (its digest or a tag): 0, or -1. */
int push_index(struct reg *r, const struct blob *index, const char *ref);
/* The registry's tags, every page: 0, or -1. */
int list_tags(struct reg *r, struct strvec *tags);
/* Digest of a manifest by tag (HEAD): 0 found, 1 absent, -1 failed. */
int resolve_tag(struct reg *r, const char *tag, char **digest);
int delete_tag(struct reg *r, const char *tag, int dry_run);

/* progress.c: bars drawn under the message lock of util.h */
void progress_start(struct blob **blobs, size_t nr);
void progress_tick(void);
/* Erase the bars before a message (the report hook: the message lock is held). */
void progress_clear(void);
void progress_stop(void);

#endif
