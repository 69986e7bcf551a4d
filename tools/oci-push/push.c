/*
 * Pushing: blobs in parallel (HEAD first, then a cross-repository mount, then
 * a monolithic or chunked upload hashed while it streams), manifests by
 * digest, tags, and the reads that decide and verify them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "util.h"
#include "oci.h"

static char *path_of(const struct reg *r, const char *kind, const char *ref)
{
	return xstrfmt("/v2/%s/%s/%s", r->repo, kind, ref);
}

/* 1 present, 0 absent, -1 failed. */
static int blob_present(struct reg *r, struct http_client *c, const struct blob *b)
{
	char *path = path_of(r, "blobs", b->digest);
	struct reg_req q = { .method = "HEAD", .url = path };
	struct http_response p = HTTP_RESPONSE_INIT;
	int ret = -1;

	if (reg_do(r, c, &q, &p) == 0) {
		if (p.status == 200)
			ret = 1;
		else if (p.status == 404)
			ret = 0;
		else
			reg_error(r, http_exit_code(p.status), "checking blob %s in '%s' failed: HTTP %ld",
				  b->digest, r->repo, p.status);
	}
	free(path);
	http_response_release(&p);
	return ret;
}

static int cancel_upload(struct reg *r, struct http_client *c, const char *location)
{
	struct reg_req q = { .method = "DELETE", .url = location };
	struct http_response p = HTTP_RESPONSE_INIT;
	int ret = reg_do(r, c, &q, &p);

	http_response_release(&p);
	return ret;
}

/* Open an upload session, mounting from another repository when one has the blob. */
static int start_upload(struct reg *r, struct http_client *c, const struct push_opts *o, struct blob *b,
			char **location)
{
	size_t nr = o->mount_from.nr ? o->mount_from.nr : 1;

	for (size_t i = 0; i < nr; i++) {
		const char *from = o->mount_from.nr ? o->mount_from.v[i] : NULL;
		char *url = from ? xstrfmt("/v2/%s/blobs/uploads/?mount=%s&from=%s", r->repo, b->digest, from)
				 : xstrfmt("/v2/%s/blobs/uploads/", r->repo);
		struct reg_req q = { .method = "POST", .url = url };
		struct http_response p = HTTP_RESPONSE_INIT;
		char *loc = NULL;
		int ret = reg_do(r, c, &q, &p);

		free(url);
		if (ret < 0) {
			http_response_release(&p);
			return -1;
		}
		if (from && p.status == 201) {
			b->mounted_from = from;
			http_response_release(&p);
			return 1;
		}
		if (p.status != 202 || !(loc = http_header(&p, "Location")) ||
		    !(*location = http_url_resolve(p.effective_url, loc))) {
			char *text = p.status == 202 ? xstrdup("no usable Location") : reg_error_text(&p);

			reg_error(r, p.status == 202 ? EXIT_DATA : http_exit_code(p.status),
				  "starting the upload of %s to '%s' failed: %s", b->digest, r->repo, text);
			free(text);
			free(loc);
			http_response_release(&p);
			return -1;
		}
		free(loc);
		http_response_release(&p);
		if (i + 1 < nr) {
			cancel_upload(r, c, *location);
			free(*location);
			*location = NULL;
		}
	}
	return 0;
}

static char *with_digest(const char *location, const char *digest)
{
	return xstrfmt("%s%cdigest=sha256%%3A%s", location, strchr(location, '?') ? '&' : '?', digest + 7);
}

/* Send one request of an upload; the caller owns the retry of the whole blob. */
static int send_part(struct reg *r, struct http_client *c, struct reg_req *q, struct http_response *p,
		     long want, const struct blob *b, struct strbuf *fault)
{
	int ret = reg_do(r, c, q, p);
	char *text;

	if (ret == RETRY) {
		strbuf_addstr(fault, p->status ? "" : p->error.buf);
		if (p->status) {
			text = reg_error_text(p);
			strbuf_addf(fault, "HTTP %ld (%s)", p->status, text);
			free(text);
		}
		return RETRY;
	}
	if (ret < 0 || p->status == want)
		return ret;
	text = reg_error_text(p);
	reg_error(r, http_exit_code(p->status), "uploading %s to '%s' failed: %s", b->digest, r->repo, text);
	free(text);
	return -1;
}

static int send_blob(struct reg *r, struct http_client *c, const struct push_opts *o, struct blob *b,
		     char **location, int fd, struct sha256_run *hash, struct strbuf *fault)
{
	const char *hdrs[3] = { "Content-Type: application/octet-stream", NULL, NULL };
	struct http_response p = HTTP_RESPONSE_INIT;
	long long chunk = o->chunk_size > 0 ? o->chunk_size : b->size;
	long long pos = 0;
	char *url, *range = NULL;
	int ret = 0;

	/* Chunks: PATCH each range, following the Location of every answer. */
	while (o->chunk_size > 0 && pos < b->size && !ret) {
		long long n = b->size - pos < chunk ? b->size - pos : chunk;
		struct reg_req q = { .method = "PATCH", .url = *location, .headers = hdrs,
			.body = b->data ? b->data + pos : NULL, .body_len = n, .fd = b->data ? 0 : fd,
			.offset = b->offset + pos, .hash = b->data ? NULL : hash, .progress = b, .no_retry = 1 };
		char *loc;

		free(range);
		range = xstrfmt("Content-Range: %lld-%lld", pos, pos + n - 1);
		hdrs[1] = range;
		ret = send_part(r, c, &q, &p, 202, b, fault);
		if (!ret && (loc = http_header(&p, "Location"))) {
			char *next = http_url_resolve(p.effective_url, loc);

			free(loc);
			if (!next) {
				ret = reg_error(r, EXIT_DATA, "'%s' answered a chunk of %s with an unusable Location",
						r->host, b->digest);
				break;
			}
			free(*location);
			*location = next;
		}
		pos += n;
	}
	free(range);
	hdrs[1] = NULL;
	if (ret) {
		http_response_release(&p);
		return ret;
	}
	url = with_digest(*location, b->digest);
	{
		int mono = o->chunk_size <= 0;
		struct reg_req q = { .method = "PUT", .url = url, .headers = hdrs,
			.body = mono ? b->data : NULL, .body_len = mono ? b->size : 0,
			.fd = mono && !b->data ? fd : 0, .offset = b->offset,
			.hash = mono && !b->data ? hash : NULL, .progress = mono ? b : NULL, .no_retry = 1 };

		if (!mono && !b->data && hash->upto != b->offset + b->size)
			ret = reg_error(r, EXIT_DATA, "'%s' changed while %s was read", b->path, b->digest);
		else
			ret = send_part(r, c, &q, &p, 201, b, fault);
	}
	free(url);
	http_response_release(&p);
	return ret;
}

/* One try at one blob: 0 done, RETRY, or -1 failed for good. */
static int push_blob_once(struct reg *r, struct http_client *c, const struct push_opts *o, struct blob *b,
			  struct strbuf *fault)
{
	struct sha256_run hash;
	char *location = NULL, hex[SHA256_HEX_LEN + 1];
	int fd = -1, ret;

	ret = blob_present(r, c, b);
	if (ret != 0) {
		if (ret > 0)
			b->state = BLOB_EXISTS;
		return ret > 0 ? 0 : -1;
	}
	ret = start_upload(r, c, o, b, &location);
	if (ret != 0) {
		if (ret > 0)
			b->state = BLOB_MOUNTED;
		return ret > 0 ? 0 : -1;
	}
	if (!b->data && (fd = open(b->path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(location);
		return reg_error(r, EXIT_SYSTEM, "cannot open '%s': %s", b->path, strerror(errno));
	}
	sha256_init(&hash.h);
	hash.upto = b->offset;
	ret = send_blob(r, c, o, b, &location, fd, &hash, fault);
	sha256_final_hex(&hash.h, hex);
	if (!b->data && hash.upto == b->offset + b->size && strcmp(hex, b->digest + 7)) {
		ret = reg_error(r, EXIT_DATA, "a layer of '%s' does not match its digest %s (it hashes to sha256:%s): "
				"the archive is corrupt", b->path, b->digest, hex);
		if (o->chunk_size > 0)
			cancel_upload(r, c, location);
	}
	if (!ret)
		b->state = BLOB_UPLOADED;
	if (fd >= 0)
		close(fd);
	free(location);
	return ret;
}

struct blob_try {
	struct reg *r;
	struct http_client *c;
	const struct push_opts *o;
	struct blob *b;
	int ret;
};

static int try_blob(void *arg, struct strbuf *fault, long *wait_ms)
{
	struct blob_try *bt = arg;

	(void)wait_ms;
	__atomic_store_n(&bt->b->sent, 0, __ATOMIC_RELAXED);
	bt->ret = push_blob_once(bt->r, bt->c, bt->o, bt->b, fault);
	return bt->ret == RETRY;
}

/* One blob, retried as a whole (a new upload session each time) by the one retry policy. */
static int push_blob(struct reg *r, struct http_client *c, const struct push_opts *o, struct blob *b)
{
	struct strbuf fault = STRBUF_INIT, stop = STRBUF_INIT;
	char *what = xstrfmt("uploading %s", b->digest);
	struct blob_try bt = { r, c, o, b, 0 };
	struct http_retry policy;

	http_retry_begin(&policy, what, 0, 0);
	if (http_retry_run(&policy, try_blob, &bt, &fault, &stop) < 0)
		bt.ret = reg_error(r, EXIT_TEMPFAIL, "uploading %s to '%s' failed after %d attempts: %s%s; "
				   "run again later (what was uploaded stays)", b->digest, r->repo,
				   policy.attempts, fault.buf, stop.buf);
	else if (!bt.ret)
		note("%s %s (%lld bytes)", b->state == BLOB_EXISTS ? "exists" :
		     b->state == BLOB_MOUNTED ? "mounted" : "uploaded", b->digest, b->size);
	free(what);
	strbuf_release(&fault);
	strbuf_release(&stop);
	return bt.ret;
}

struct work {
	struct reg *r;
	const struct push_opts *o;
	struct blob **todo;
	size_t nr, next;
	pthread_mutex_t lock;
	int failed;
};

static void *worker(void *arg)
{
	struct work *w = arg;
	struct http_client *c = http_client_share(w->r->client);

	for (;;) {
		struct blob *b = NULL;

		pthread_mutex_lock(&w->lock);
		if (!w->failed && w->next < w->nr)
			b = w->todo[w->next++];
		pthread_mutex_unlock(&w->lock);
		if (!b)
			break;
		if (push_blob(w->r, c, w->o, b) < 0) {
			b->state = BLOB_FAILED;
			pthread_mutex_lock(&w->lock);
			w->failed = 1;
			pthread_mutex_unlock(&w->lock);
		}
	}
	http_client_free(c);
	return NULL;
}

static int by_size_desc(const void *a, const void *b)
{
	const struct blob *x = *(struct blob *const *)a, *y = *(struct blob *const *)b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : strcmp(x->digest, y->digest);
}

/* Every distinct blob of every image, largest first. */
static size_t unique_blobs(struct image_set *set, struct blob ***out)
{
	struct blob **all = NULL;
	size_t nr = 0, alloc = 0, keep = 0;

	for (size_t i = 0; i < set->nr; i++) {
		struct image *img = set->image[i];

		ALLOC_GROW(all, nr + 1 + img->nr_layers, alloc);
		all[nr++] = &img->config;
		for (size_t k = 0; k < img->nr_layers; k++)
			all[nr++] = &img->layer[k];
	}
	if (nr)
		qsort(all, nr, sizeof(*all), by_size_desc);
	for (size_t i = 0; i < nr; i++)
		if (!keep || strcmp(all[keep - 1]->digest, all[i]->digest))
			all[keep++] = all[i];
	*out = all;
	return keep;
}

int push_blobs(struct reg *r, struct image_set *set, const struct push_opts *o)
{
	struct blob **todo;
	size_t nr = unique_blobs(set, &todo);
	struct work w = { r, o, todo, nr, 0, PTHREAD_MUTEX_INITIALIZER, 0 };
	size_t nthreads = (size_t)o->jobs < nr ? (size_t)o->jobs : nr;
	pthread_t *tid = xcalloc(nthreads + 1, sizeof(*tid));
	size_t started = 0;

	if (o->dry_run) {
		for (size_t i = 0; i < nr && !w.failed; i++) {
			int present = blob_present(r, r->client, todo[i]);

			if (present < 0)
				w.failed = 1;
			else
				printf("%s %s %lld\n", present ? "exists" : "upload", todo[i]->digest, todo[i]->size);
		}
		free(tid);
		free(todo);
		return w.failed ? -1 : 0;
	}
	if (o->progress)
		progress_start(todo, nr);
	for (size_t i = 0; i < nthreads; i++) {
		if (pthread_create(&tid[i], NULL, worker, &w)) {
			warn("cannot start upload thread %zu: going on with %zu", i + 1, started);
			break;
		}
		started++;
	}
	if (!started)
		worker(&w);
	for (size_t i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (o->progress)
		progress_stop();
	/* A blob seen twice (same layer in two images) was pushed once. */
	for (size_t i = 0; i < set->nr; i++)
		for (size_t k = 0; k < set->image[i]->nr_layers; k++)
			if (!set->image[i]->layer[k].state)
				set->image[i]->layer[k].state = BLOB_EXISTS;
	pthread_mutex_destroy(&w.lock);
	free(tid);
	free(todo);
	return w.failed ? -1 : 0;
}

/* PUT a manifest under ref (a digest or a tag): 0, or -1. */
static int put_manifest(struct reg *r, const char *ref, const struct blob *m)
{
	char *path = path_of(r, "manifests", ref);
	char *ctype = xstrfmt("Content-Type: %s", m->media_type);
	const char *hdrs[] = { ctype, NULL };
	struct reg_req q = { .method = "PUT", .url = path, .headers = hdrs, .body = m->data, .body_len = m->size };
	struct http_response p = HTTP_RESPONSE_INIT;
	char *got = NULL;
	int ret = reg_do(r, r->client, &q, &p);

	if (!ret && p.status != 201 && p.status != 200) {
		char *text = reg_error_text(&p);

		ret = reg_error(r, http_exit_code(p.status), "putting manifest %s as '%s' in '%s' failed: %s",
				m->digest, ref, r->repo, text);
		free(text);
	} else if (!ret && (got = http_header(&p, "Docker-Content-Digest")) && strcmp(got, m->digest)) {
		ret = reg_error(r, EXIT_DATA, "'%s' stored manifest '%s' as %s, not %s", r->repo, ref, got, m->digest);
	}
	free(got);
	free(ctype);
	free(path);
	http_response_release(&p);
	return ret;
}

int resolve_tag(struct reg *r, const char *tag, char **digest)
{
	char *path = path_of(r, "manifests", tag);
	const char *hdrs[] = { ACCEPT_MANIFESTS, NULL };
	struct reg_req q = { .method = "HEAD", .url = path, .headers = hdrs };
	struct http_response p = HTTP_RESPONSE_INIT;
	int ret = reg_do(r, r->client, &q, &p);

	*digest = NULL;
	if (!ret && p.status == 200 && !(*digest = http_header(&p, "Docker-Content-Digest")))
		ret = reg_error(r, EXIT_DATA, "'%s' answered HEAD of '%s' without Docker-Content-Digest", r->host, tag);
	else if (!ret && p.status == 404)
		ret = 1;
	else if (!ret && p.status != 200)
		ret = reg_error(r, http_exit_code(p.status), "looking up tag '%s' in '%s' failed: HTTP %ld",
				tag, r->repo, p.status);
	free(path);
	http_response_release(&p);
	return ret;
}

int push_manifests(struct reg *r, struct image_set *set, const struct push_opts *o)
{
	for (size_t i = 0; i < set->nr; i++) {
		struct image *img = set->image[i];
		char *plat = image_platform(img), *have = NULL;
		int absent = resolve_tag(r, img->manifest.digest, &have);

		free(have);
		if (absent >= 0 && o->dry_run)
			printf("%s manifest %s %s\n", absent ? "put" : "exists", img->manifest.digest, plat);
		else if (absent > 0 && put_manifest(r, img->manifest.digest, &img->manifest) < 0)
			absent = -1;
		else if (absent >= 0)
			note("manifest %s (%s) %s", img->manifest.digest, plat, absent ? "put" : "exists");
		free(plat);
		if (absent < 0)
			return -1;
	}
	return 0;
}

int push_index(struct reg *r, const struct blob *index, const char *ref)
{
	return put_manifest(r, ref, index);
}

/* One page of the tag list: 0 with *next set (or NULL at the end), or -1. */
static int tags_page(struct reg *r, const char *url, struct strvec *tags, char **next)
{
	struct reg_req q = { .method = "GET", .url = url };
	struct http_response p = HTTP_RESPONSE_INIT;
	struct json j;
	int list, ret = 0;

	*next = NULL;
	if (reg_do(r, r->client, &q, &p) < 0) {
		ret = -1;
	} else if (p.status == 404) {
		;	/* a repository nothing was pushed to yet */
	} else if (p.status != 200 || json_parse(&j, p.body.buf, p.body.len) < 0) {
		ret = reg_error(r, p.status == 200 ? EXIT_DATA : http_exit_code(p.status),
				"listing the tags of '%s' failed: HTTP %ld", r->repo, p.status);
	} else {
		list = json_get(&j, 0, "tags");
		for (int i = 0; list >= 0 && i < j.tok[list].size; i++) {
			char *t = json_string(&j, json_at(&j, list, i));

			if (t)
				strvec_push(tags, t);
			free(t);
		}
		json_release(&j);
		/* Link: </v2/REPO/tags/list?last=x&n=y>; rel="next" */
		*next = http_link_next(&p);
	}
	http_response_release(&p);
	return ret;
}

int list_tags(struct reg *r, struct strvec *tags)
{
	const char *env = getenv("OCI_PUSH_PAGE_SIZE");
	unsigned long page = 1000;
	char *url, *next;
	int ret = 0;

	if (env && (parse_ulong(env, &page) < 0 || !page))
		page = 1000;
	url = xstrfmt("/v2/%s/tags/list?n=%lu", r->repo, page);
	for (int pages = 1; url && !ret; pages++) {
		ret = tags_page(r, url, tags, &next);
		free(url);
		url = next;
		if (!ret && url && pages >= 100000)
			ret = reg_error(r, EXIT_DATA, "'%s' keeps paginating its tag list: giving up", r->host);
	}
	free(url);
	return ret;
}

int delete_tag(struct reg *r, const char *tag, int dry_run)
{
	char *digest = NULL, *path, *text;
	struct reg_req q = { .method = "DELETE" };
	struct http_response p = HTTP_RESPONSE_INIT;
	int ret = resolve_tag(r, tag, &digest);

	if (ret == 1)
		return reg_error(r, EXIT_NOTFOUND, "tag '%s' is not in '%s/%s': nothing to delete", tag, r->host, r->repo);
	if (ret < 0)
		return -1;
	if (dry_run) {
		printf("delete %s %s\n", tag, digest);
		free(digest);
		return 0;
	}
	path = path_of(r, "manifests", digest);
	q.url = path;
	ret = reg_do(r, r->client, &q, &p);
	if (!ret && (p.status == 202 || p.status == 200)) {
		printf("%s\n", digest);
	} else if (!ret && p.status == 405) {
		text = reg_error_text(&p);
		ret = reg_error(r, EXIT_NO, "'%s' does not allow deleting manifests (%s): tag '%s' still points to %s; "
				"push another image under that tag, or delete it in the registry's own interface",
				r->host, text, tag, digest);
		free(text);
	} else if (!ret) {
		text = reg_error_text(&p);
		ret = reg_error(r, http_exit_code(p.status), "deleting '%s' (%s) from '%s' failed: %s",
				tag, digest, r->repo, text);
		free(text);
	}
	free(path);
	free(digest);
	http_response_release(&p);
	return ret;
}
