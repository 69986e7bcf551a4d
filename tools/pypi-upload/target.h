/*
 * Where uploads go and as whom: the repository URL, the index read back,
 * and the credentials, from the options, the environment and ~/.pypirc.
 */
#ifndef TARGET_H
#define TARGET_H

#include "strbuf.h"

#define PYPI_UPLOAD_URL "https://upload.pypi.org/legacy/"
#define TESTPYPI_UPLOAD_URL "https://test.pypi.org/legacy/"

/* One section of a .pypirc file. */
struct pypirc_repo {
	char *url;		/* "repository", or NULL */
	char *username;
	char *password;
};

/*
 * Find section in a .pypirc text (INI, values taken raw as twine does).
 * 0 when found, 1 when the file has no such section, -1 on a syntax error
 * (printed, with what as the file name).
 */
int pypirc_find(const char *text, const char *what, const char *section, struct pypirc_repo *out);
void pypirc_repo_release(struct pypirc_repo *r);

/* The built-in upload URL of a well-known repository name, or NULL. */
const char *known_repository(const char *name);

/*
 * The root of the index that serves what upload_url receives: PyPI's upload
 * host maps to its web host; otherwise upload_url without a trailing
 * "legacy/" (index servers serve a repository's simple pages under the
 * path it takes uploads at). 0, or -1 when upload_url is not an http(s) URL.
 */
int index_root(struct strbuf *sb, const char *upload_url);

struct target {
	char *upload_url;	/* without user:password, as every message shows it */
	char *index_url;	/* root of /pypi/NAME/VERSION/json and of trusted publishing */
	char *simple_url;	/* root of the simple API: NAME/ under it lists a project */
	char *username;		/* NULL: trusted publishing, or nothing found */
	char *password;
	const char *source;	/* where the credentials came from, for messages */
	int trusted_publishing;	/* the CI provider's OIDC variables are set */
};

struct target_options {
	const char *repository;		/* -r NAME */
	const char *repository_url;	/* --repository-url */
	const char *index_url;		/* --index-url, else PYPI_INDEX_URL */
	const char *config_file;	/* --config-file, else ~/.pypirc */
};

/*
 * Set the read URLs of t from url: an index root, or a simple API root as
 * pip's --index-url takes it (a path ending in /simple): 0, or -1 when url
 * is not http(s). User and password in url are left to the caller.
 */
int read_urls(struct target *t, const char *url);

/*
 * Resolve everything; secrets are registered with secret_add(). 0, or an
 * exit code with the error printed.
 */
int target_resolve(struct target *t, const struct target_options *o);
void target_release(struct target *t);

#endif
