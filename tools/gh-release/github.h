/* gh-release: a small client of GitHub's REST API, and the tool's verbs. */
#ifndef GITHUB_H
#define GITHUB_H

#include <stdio.h>

#include "http.h"
#include "json.h"
#include "strbuf.h"

struct gh {
	char *api;		/* API base URL, no trailing slash */
	char *owner, *repo;
	int dry_run;
	unsigned per_page;
	long long deadline;	/* now_ms() after which nothing is waited for */
};

struct gh_call {
	const char *method;	/* NULL: GET */
	const char *url;	/* absolute, or a path below the API base */
	const char *json;	/* a JSON request body, or NULL */
	int file;		/* or an upload body of file_len bytes of this fd (> 0) */
	size_t file_len;
	const char *accept;	/* NULL: GitHub's JSON media type */
	FILE *download;		/* a 2xx body goes here (redirects followed) */
	int quiet_status;	/* this status is the caller's to report */
};

/*
 * Bind the token to the API's origin and to the uploads origin
 * (GITHUB_UPLOADS_URL, or GitHub's own upload host when the API is
 * GitHub's): no other host ever receives it.
 */
int gh_authorize(struct gh *g, const char *token);
/*
 * Send a request, waiting out rate limits within the deadline. EXIT_OK
 * for a 2xx answer; otherwise the exit code that fits, with GitHub's own
 * message printed (unless the status is call->quiet_status). A write in a
 * dry run is printed on stdout instead and answers EXIT_OK with status 0.
 */
int gh_send(struct gh *g, const struct gh_call *call, struct http_response *resp);
/* GET url and every further page it links to; each item of the array
 * (the top level, or the array under key) goes to fn; fn returns non-zero to fail. */
typedef int (*gh_item_fn)(const struct json *j, int item, void *arg);
int gh_get_all(struct gh *g, const char *url, const char *key, gh_item_fn fn, void *arg);

/* Owner and repository from a git remote URL (https, ssh, scp-like): 0 or -1. */
int parse_remote(const char *url, char **owner, char **repo);
/* Whether "owner/repo" is well-formed; splits it when it is: 0 or -1. */
int parse_repository(const char *s, char **owner, char **repo);
/* upload_url without its "{?name,label}" template, plus ?name=NAME encoded. */
char *upload_target(const char *upload_url, const char *name);
/* How long a rate-limited answer asks to wait, in ms, or -1 when it is not one (attempt from 0). */
long rate_limit_wait_ms(long status, const char *retry_after, const char *remaining,
			const char *reset, const char *body, long now_s, int attempt);

/* ci.c */
struct ci_options {
	const char *workflow;	/* a workflow file name, or NULL for every workflow */
	const char *commit;	/* the commit the tag must be on GitHub, or NULL */
	unsigned long wait_s;	/* keep polling while pending, up to this long */
};
int gh_resolve_tag(struct gh *g, const char *tag, char **sha);
/* The tag's commit, which must be expect when that is not NULL (else EXIT_CONFLICT). */
int gh_tag_commit(struct gh *g, const char *tag, const char *expect, char **sha);
/* The id of the newest run of workflow for sha, when it passed; else why not, printed. */
int ci_passed_run(struct gh *g, const char *tag, const char *sha, const char *workflow, long long *run_id);
int ci_status(struct gh *g, const char *tag, const struct ci_options *o);

/* artifact.c */
struct artifact_options {
	const char *workflow;	/* the workflow file whose run kept it */
	const char *commit;	/* the commit the tag must be on GitHub, or NULL */
	const char *name;	/* the artifact's name */
};
int artifact_download(struct gh *g, const char *tag, const struct artifact_options *o, const char *dir);
/*
 * Whether the first len bytes of name are a relative path of plain
 * components: no leading slash, no empty, "." or ".." component, no
 * backslash or control character, at most 1024 bytes.
 */
int artifact_safe_name(const char *name, size_t len);

/* release.c */
struct draft_options {
	const char *name;
	const char *notes;	/* a file, "-" for stdin, or NULL */
	int replace;
};
int release_draft(struct gh *g, const char *tag, const struct draft_options *o, char **files, int nfiles);
int release_publish(struct gh *g, const char *tag);
int release_get(struct gh *g, const char *tag);
int release_list(struct gh *g);
int release_delete(struct gh *g, const char *tag);
int tag_delete(struct gh *g, const char *tag);

#endif
