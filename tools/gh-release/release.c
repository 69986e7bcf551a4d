/*
 * Releases: find the one release of a tag through the list endpoint (the
 * only place drafts show), create it as a draft, bring its assets in line
 * with local files, publish it and read it back. Every step checks what is
 * already there first, so a run that failed anywhere can simply run again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "github.h"
#include "semver.h"
#include "sha256.h"
#include "strvec.h"
#include "util.h"

#define UPLOAD_ATTEMPTS 3

struct asset {
	long long id, size;
	char *name, *state, *digest, *url, *download_url;
};

struct release {
	long long id;
	int draft, prerelease;
	char *tag, *name, *body, *html_url, *upload_url, *raw;
	struct asset *assets;
	size_t nassets, alloc;
};

struct local_file {
	const char *path, *name;
	long long size;
	char sha[SHA256_HEX_LEN + 1];
};

/* What one pass over the release list finds. */
struct scan {
	const char *tag;
	struct release *match;
	size_t nmatch, alloc;
	struct strvec published;	/* tags of every published release */
};

static void asset_release(struct asset *a)
{
	free(a->name);
	free(a->state);
	free(a->digest);
	free(a->url);
	free(a->download_url);
}

static void release_release(struct release *r)
{
	for (size_t i = 0; i < r->nassets; i++)
		asset_release(&r->assets[i]);
	free(r->assets);
	free(r->tag);
	free(r->name);
	free(r->body);
	free(r->html_url);
	free(r->upload_url);
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

static void scan_release(struct scan *s)
{
	for (size_t i = 0; i < s->nmatch; i++)
		release_release(&s->match[i]);
	free(s->match);
	strvec_clear(&s->published);
}

static int parse_asset(const struct json *j, int t, struct asset *a)
{
	memset(a, 0, sizeof(*a));
	if (json_int(j, json_get(j, t, "id"), &a->id) || !(a->name = json_string(j, json_get(j, t, "name"))))
		return error_code(EXIT_DATA, "a release asset came without an id or a name");
	if (json_int(j, json_get(j, t, "size"), &a->size))
		a->size = -1;
	a->state = json_string(j, json_get(j, t, "state"));
	a->digest = json_string(j, json_get(j, t, "digest"));
	a->url = json_string(j, json_get(j, t, "url"));
	a->download_url = json_string(j, json_get(j, t, "browser_download_url"));
	return 0;
}

static int add_asset(const struct json *j, int t, void *arg)
{
	struct release *r = arg;

	ALLOC_GROW(r->assets, r->nassets + 1, r->alloc);
	if (parse_asset(j, t, &r->assets[r->nassets]))
		return EXIT_DATA;
	r->nassets++;
	return 0;
}

static int parse_release(const struct json *j, int t, struct release *r)
{
	int assets = json_get(j, t, "assets"), a;

	memset(r, 0, sizeof(*r));
	r->raw = xstrndup(j->text + j->tok[t].start, j->tok[t].end - j->tok[t].start);
	r->tag = json_string(j, json_get(j, t, "tag_name"));
	r->name = json_string(j, json_get(j, t, "name"));
	r->body = json_string(j, json_get(j, t, "body"));
	r->html_url = json_string(j, json_get(j, t, "html_url"));
	r->upload_url = json_string(j, json_get(j, t, "upload_url"));
	r->draft = json_is_true(j, json_get(j, t, "draft"));
	r->prerelease = json_is_true(j, json_get(j, t, "prerelease"));
	if (json_int(j, json_get(j, t, "id"), &r->id) || !r->tag || !r->upload_url)
		return error_code(EXIT_DATA, "a release came without an id, a tag_name or an upload_url");
	for (int i = 0; assets >= 0 && (a = json_at(j, assets, i)) >= 0; i++)
		if (add_asset(j, a, r))
			return EXIT_DATA;
	return 0;
}

static int scan_item(const struct json *j, int t, void *arg)
{
	struct scan *s = arg;
	char *tag = json_string(j, json_get(j, t, "tag_name"));
	int ret = 0;

	if (tag && !json_is_true(j, json_get(j, t, "draft")))
		strvec_push(&s->published, tag);
	if (tag && !strcmp(tag, s->tag)) {
		ALLOC_GROW(s->match, s->nmatch + 1, s->alloc);
		ret = parse_release(j, t, &s->match[s->nmatch]);
		s->nmatch++;
	}
	free(tag);
	return ret;
}

/* Every release of the repository, drafts included (GET by tag hides drafts). */
static int scan(struct gh *g, const char *tag, struct scan *s)
{
	char *url = xstrfmt("/repos/%s/%s/releases", g->owner, g->repo);
	int ret;

	memset(s, 0, sizeof(*s));
	strvec_init(&s->published);
	s->tag = tag;
	ret = gh_get_all(g, url, NULL, scan_item, s);
	free(url);
	if (!ret && s->nmatch > 1) {
		error("tag '%s' has %zu releases; keep one and delete the others on GitHub:", tag, s->nmatch);
		for (size_t i = 0; i < s->nmatch; i++)
			error("  release %lld (%s): %s", s->match[i].id, s->match[i].draft ? "draft" : "published",
			      s->match[i].html_url ? s->match[i].html_url : "");
		ret = EXIT_CONFLICT;
	}
	return ret;
}

static int tag_version(const char *tag, struct semver *v)
{
	struct strbuf why = STRBUF_INIT;

	if (semver_parse(v, tag, strlen(tag), SEMVER_ALLOW_V, &why)) {
		error("tag '%s' is not a SemVer version (v1.2.3 or 1.2.3-rc.1): %s", tag, why.buf);
		strbuf_release(&why);
		return EXIT_DATA;
	}
	strbuf_release(&why);
	return 0;
}

static int load_file(struct local_file *f, const char *path)
{
	struct stat st;
	const char *slash = strrchr(path, '/');

	f->path = path;
	f->name = slash ? slash + 1 : path;
	if (stat(path, &st))
		return error_errno("cannot read asset '%s'", path), EXIT_DATA;
	if (!S_ISREG(st.st_mode))
		return error_code(EXIT_DATA, "asset '%s' is not a regular file", path);
	if (!*f->name)
		return error_code(EXIT_DATA, "asset '%s' has no file name", path);
	f->size = st.st_size;
	return sha256_file_hex(path, f->sha) ? EXIT_DATA : 0;
}

static int load_files(struct local_file *f, char **paths, int n)
{
	for (int i = 0; i < n; i++) {
		int ret = load_file(&f[i], paths[i]);

		if (ret)
			return ret;
		for (int k = 0; k < i; k++)
			if (!strcmp(f[k].name, f[i].name))
				return error_code(EXIT_USAGE, "two assets are named '%s'", f[i].name);
	}
	return 0;
}

static void add_json_field(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addstr(sb, sb->len > 1 ? "," : "");
	json_add_string(sb, key);
	strbuf_addch(sb, ':');
	json_add_string(sb, value);
}

static int read_release_answer(const struct http_response *resp, struct release *r)
{
	struct json j;
	int ret;

	if (json_parse(&j, resp->body.buf, resp->body.len))
		return error_code(EXIT_DATA, "GitHub answered a release that is not JSON");
	ret = parse_release(&j, 0, r);
	json_release(&j);
	return ret;
}

static int create_draft(struct gh *g, const char *tag, const char *name, const char *notes, int pre,
			struct release *out)
{
	struct strbuf body = STRBUF_INIT;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { .method = "POST" };
	char *url = xstrfmt("/repos/%s/%s/releases", g->owner, g->repo);
	int ret;

	strbuf_addch(&body, '{');
	add_json_field(&body, "tag_name", tag);
	add_json_field(&body, "name", name ? name : tag);
	if (notes)
		add_json_field(&body, "body", notes);
	strbuf_addf(&body, ",\"draft\":true,\"prerelease\":%s}", pre ? "true" : "false");
	call.url = url;
	call.json = body.buf;
	ret = gh_send(g, &call, &resp);
	if (!ret && !g->dry_run)
		ret = read_release_answer(&resp, out);
	http_response_release(&resp);
	strbuf_release(&body);
	free(url);
	return ret;
}

/* A release found again keeps its assets; name and notes follow the options. */
static int update_text(struct gh *g, struct release *r, const char *name, const char *notes)
{
	struct strbuf body = STRBUF_INIT;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { .method = "PATCH" };
	char *url;
	int ret = 0;

	strbuf_addch(&body, '{');
	if (name && (!r->name || strcmp(r->name, name)))
		add_json_field(&body, "name", name);
	if (notes && (!r->body || strcmp(r->body, notes)))
		add_json_field(&body, "body", notes);
	strbuf_addch(&body, '}');
	if (body.len > 2) {
		url = xstrfmt("/repos/%s/%s/releases/%lld", g->owner, g->repo, r->id);
		call.url = url;
		call.json = body.buf;
		ret = gh_send(g, &call, &resp);
		free(url);
	}
	http_response_release(&resp);
	strbuf_release(&body);
	return ret;
}

static int delete_asset(struct gh *g, const struct asset *a)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *url = xstrfmt("/repos/%s/%s/releases/assets/%lld", g->owner, g->repo, a->id);
	struct gh_call call = { .method = "DELETE", .url = url, .quiet_status = 404 };
	int ret = gh_send(g, &call, &resp);

	http_response_release(&resp);
	free(url);
	return ret == EXIT_NOTFOUND ? 0 : ret;
}

/*
 * Hash an asset's content as GitHub serves it (when it shows no digest).
 * The download host is not the API: it gets no token.
 */
static int remote_sha(struct gh *g, const struct asset *a, char hex[SHA256_HEX_LEN + 1])
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { .url = a->download_url, .accept = "Accept: application/octet-stream" };
	FILE *tmp = tmpfile();
	struct sha256 h;
	char buf[65536];
	size_t n;
	int ret;

	if (!tmp)
		return error_errno("cannot make a temporary file"), EXIT_SYSTEM;
	call.download = tmp;
	ret = a->download_url ? gh_send(g, &call, &resp)
			      : error_code(EXIT_DATA, "asset '%s' has no browser_download_url", a->name);
	if (ret)
		error("cannot compare asset '%s' with the local file: it shows no digest and its download failed; "
		      "use --replace to send it again", a->name);
	http_response_release(&resp);
	if (!ret) {
		rewind(tmp);
		sha256_init(&h);
		while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
			sha256_update(&h, buf, n);
		sha256_final_hex(&h, hex);
	}
	fclose(tmp);
	return ret;
}

/* Whether the asset holds exactly the file's bytes: by its digest, else by size, then by a download. */
static int same_content(struct gh *g, const struct asset *a, const struct local_file *f, int *same)
{
	char hex[SHA256_HEX_LEN + 1];
	int ret;

	if (a->digest && starts_with(a->digest, "sha256:")) {
		*same = !strcmp(a->digest + 7, f->sha);
		return 0;
	}
	if (a->size != f->size) {
		*same = 0;
		return 0;
	}
	if ((ret = remote_sha(g, a, hex)))
		return ret;
	*same = !strcmp(hex, f->sha);
	return 0;
}

static struct asset *find_asset(struct release *r, const char *name)
{
	for (size_t i = 0; i < r->nassets; i++)
		if (!strcmp(r->assets[i].name, name))
			return &r->assets[i];
	return NULL;
}

/*
 * Decide per file: 0 send it, 1 it is there already. A name used for other
 * content stops everything before anything is written, unless replacing.
 */
static int plan_assets(struct gh *g, struct release *r, const struct local_file *f, int n, int replace,
		       int *have)
{
	int ret = 0;

	for (int i = 0; i < n && (!ret || ret == EXIT_CONFLICT); i++) {
		struct asset *a = find_asset(r, f[i].name);
		int same = 0, err;

		have[i] = 0;
		if (!a || !a->state || strcmp(a->state, "uploaded"))
			continue;
		if ((err = same_content(g, a, &f[i], &same)))
			return err;
		if (same)
			have[i] = 1;
		else if (!replace)
			ret = error_code(EXIT_CONFLICT, "asset '%s' of release '%s' holds other content than '%s': "
					 "use --replace to send it again", f[i].name, r->tag, f[i].path);
		if (same)
			note("asset '%s' is already there with the same content", f[i].name);
	}
	return ret;
}

static int upload_once(struct gh *g, const struct release *r, const struct local_file *f)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { .method = "POST", .file_len = (size_t)f->size };
	struct asset a;
	struct json j;
	char *url = upload_target(r->upload_url, f->name);
	int ret;

	if ((call.file = open(f->path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(url);
		return error_errno("cannot read asset '%s'", f->path), EXIT_DATA;
	}
	call.url = url;
	ret = gh_send(g, &call, &resp);
	close(call.file);
	if (!ret && !g->dry_run) {
		if (json_parse(&j, resp.body.buf, resp.body.len))
			return free(url), http_response_release(&resp),
			       error_code(EXIT_DATA, "the upload of '%s' was answered with something not JSON", f->name);
		if (!(ret = parse_asset(&j, 0, &a))) {
			if (a.size != f->size || !a.state || strcmp(a.state, "uploaded"))
				ret = error_code(EXIT_TEMPFAIL, "asset '%s' arrived as %lld bytes in state '%s', not %lld "
						 "bytes uploaded", f->name, a.size, a.state ? a.state : "?", f->size);
		}
		asset_release(&a);
		json_release(&j);
	}
	http_response_release(&resp);
	free(url);
	return ret;
}

static int refresh_assets(struct gh *g, struct release *r)
{
	char *url = xstrfmt("/repos/%s/%s/releases/%lld/assets", g->owner, g->repo, r->id);
	int ret;

	for (size_t i = 0; i < r->nassets; i++)
		asset_release(&r->assets[i]);
	r->nassets = 0;
	ret = gh_get_all(g, url, NULL, add_asset, r);
	free(url);
	return ret;
}

/* Clear what an earlier attempt left of this asset: 1 when it holds the file already. */
static int clear_leftover(struct gh *g, struct release *r, const struct local_file *f, int replace,
			  int again, int *done)
{
	struct asset *a = find_asset(r, f->name);
	int same = 0;

	*done = 0;
	if (!a)
		return 0;
	if (again && a->state && !strcmp(a->state, "uploaded") && !same_content(g, a, f, &same) && same) {
		*done = 1;
		return 0;
	}
	if (!replace && !again && a->state && !strcmp(a->state, "uploaded"))
		return 0;
	note("deleting asset '%s' (state %s) before sending it", a->name, a->state ? a->state : "?");
	return delete_asset(g, a);
}

struct upload_try {
	struct gh *g;
	struct release *r;
	const struct local_file *f;
	int replace;
	int ret;
};

static int try_upload(void *arg, struct strbuf *why, long *wait_ms)
{
	struct upload_try *u = arg;
	int again = u->ret == EXIT_TEMPFAIL, done;

	(void)wait_ms;
	if (again && (u->ret = refresh_assets(u->g, u->r)))
		return 0;
	if ((u->ret = clear_leftover(u->g, u->r, u->f, u->replace, again, &done)) || done)
		return 0;
	u->ret = upload_once(u->g, u->r, u->f);
	strbuf_addstr(why, "the upload failed");
	return u->ret == EXIT_TEMPFAIL;
}

/*
 * Send one file, retried as a whole by the one retry policy: a failed upload
 * leaves a "starter" asset, cleared before the next attempt.
 */
static int upload(struct gh *g, struct release *r, const struct local_file *f, int replace)
{
	char *what = xstrfmt("uploading asset '%s'", f->name);
	struct strbuf why = STRBUF_INIT;
	struct upload_try u = { g, r, f, replace, 0 };
	struct http_retry policy;

	http_retry_begin(&policy, what, (long)(g->deadline - now_ms()), UPLOAD_ATTEMPTS - 1);
	http_retry_run(&policy, try_upload, &u, &why, NULL);
	free(what);
	strbuf_release(&why);
	return u.ret ? error_code(u.ret, "asset '%s' was not uploaded: run the same command again to resume",
				  f->name) : 0;
}

static int sync_assets(struct gh *g, struct release *r, const struct local_file *f, int n, int replace)
{
	int *have = xcalloc(n ? n : 1, sizeof(*have));
	int ret = plan_assets(g, r, f, n, replace, have);

	for (int i = 0; !ret && i < n; i++)
		if (!have[i])
			ret = upload(g, r, &f[i], replace);
	free(have);
	return ret;
}

static int read_notes(const char *path, struct strbuf *notes)
{
	if (strbuf_read_file(notes, path) < 0)
		return error_errno("cannot read the notes from '%s'", path), EXIT_DATA;
	if (memchr(notes->buf, '\0', notes->len))
		return error_code(EXIT_DATA, "the notes in '%s' hold a NUL byte", path);
	return 0;
}

/* Find the release of tag, or make it: 0 with *r filled (or a dry run's placeholder). */
static int ensure_release(struct gh *g, const char *tag, const struct draft_options *o, const char *notes,
			  int pre, struct release *r)
{
	struct scan s;
	int ret = scan(g, tag, &s);

	if (!ret && s.nmatch) {
		*r = s.match[0];
		s.nmatch = 0;
		scan_release(&s);
		note("release %lld of '%s' exists (%s)", r->id, tag, r->draft ? "draft" : "published");
		return update_text(g, r, o->name, notes);
	}
	scan_release(&s);
	if (ret)
		return ret;
	ret = create_draft(g, tag, o->name, notes, pre, r);
	if (ret == EXIT_DATA) {
		/* Made meanwhile, or by an attempt whose answer was lost: take that one. */
		ret = scan(g, tag, &s);
		if (!ret && !s.nmatch)
			ret = EXIT_DATA;
		if (!ret) {
			*r = s.match[0];
			s.nmatch = 0;
		}
		scan_release(&s);
	}
	if (!ret && g->dry_run) {
		r->tag = xstrdup(tag);
		r->upload_url = xstrfmt("%s/repos/%s/%s/releases/RELEASE_ID/assets{?name,label}",
					"https://uploads.github.com", g->owner, g->repo);
	}
	return ret;
}

int release_draft(struct gh *g, const char *tag, const struct draft_options *o, char **files, int n)
{
	struct local_file *f = xcalloc(n ? n : 1, sizeof(*f));
	struct strbuf notes = STRBUF_INIT;
	struct release r = { 0 };
	struct semver v;
	char *sha = NULL;
	int ret = tag_version(tag, &v);

	if (!ret)
		ret = load_files(f, files, n);
	if (!ret && o->notes)
		ret = read_notes(o->notes, &notes);
	if (!ret)
		ret = gh_resolve_tag(g, tag, &sha);
	if (!ret)
		ret = ensure_release(g, tag, o, o->notes ? notes.buf : NULL, v.pre.len > 0, &r);
	if (!ret)
		ret = sync_assets(g, &r, f, n, o->replace);
	if (!ret && r.html_url)
		printf("%s\n", r.html_url);
	release_release(&r);
	strbuf_release(&notes);
	free(sha);
	free(f);
	return ret;
}

/* "true" only for the highest stable version among the published releases. */
static int is_latest(const char *tag, const struct semver *v, const struct strvec *published)
{
	if (v->pre.len)
		return 0;
	for (size_t i = 0; i < published->nr; i++) {
		struct semver other;
		const char *t = published->v[i];

		if (!strcmp(t, tag) || semver_parse(&other, t, strlen(t), SEMVER_ALLOW_V, NULL) || other.pre.len)
			continue;
		if (semver_compare(&other, v) > 0)
			return 0;
	}
	return 1;
}

/* Read the release back by tag (as everyone sees it) until it is complete. */
static int verify_published(struct gh *g, const char *tag, size_t nassets)
{
	struct strbuf url = STRBUF_INIT;
	int ret = 0;

	strbuf_addf(&url, "/repos/%s/%s/releases/tags/", g->owner, g->repo);
	encode_percent(&url, tag);
	for (int attempt = 1;; attempt++) {
		struct http_response resp = HTTP_RESPONSE_INIT;
		struct gh_call call = { .url = url.buf, .quiet_status = 404 };
		struct release r = { 0 };
		const char *why = NULL;

		ret = gh_send(g, &call, &resp);
		if (!ret)
			ret = read_release_answer(&resp, &r);
		http_response_release(&resp);
		if (ret == EXIT_NOTFOUND)
			why = "is not visible by its tag";
		else if (!ret && r.draft)
			why = "is still a draft";
		else if (!ret && r.nassets != nassets)
			why = "shows another number of assets";
		for (size_t i = 0; !ret && !why && i < r.nassets; i++)
			if (!r.assets[i].state || strcmp(r.assets[i].state, "uploaded"))
				why = "has an asset not in state uploaded";
		if (!ret && !why)
			printf("%s\n", r.html_url ? r.html_url : "");
		release_release(&r);
		if ((ret && ret != EXIT_NOTFOUND) || !why)
			break;
		if (attempt >= 3) {
			ret = error_code(EXIT_TEMPFAIL, "release '%s' %s after publishing: run again to check", tag, why);
			break;
		}
		sleep_ms(1000L * attempt);
	}
	strbuf_release(&url);
	return ret;
}

static int publish(struct gh *g, const struct release *r, int pre, int latest)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *url = xstrfmt("/repos/%s/%s/releases/%lld", g->owner, g->repo, r->id);
	char *body = xstrfmt("{\"draft\":false,\"prerelease\":%s,\"make_latest\":\"%s\"}",
			     pre ? "true" : "false", latest ? "true" : "false");
	struct gh_call call = { .method = "PATCH", .url = url, .json = body };
	int ret = gh_send(g, &call, &resp);

	http_response_release(&resp);
	free(body);
	free(url);
	return ret;
}

int release_publish(struct gh *g, const char *tag)
{
	struct semver v;
	struct scan s = { 0 };
	struct release *r;
	int ret = tag_version(tag, &v);

	strvec_init(&s.published);
	if (!ret)
		ret = scan(g, tag, &s);
	if (!ret && !s.nmatch)
		ret = error_code(EXIT_NOTFOUND, "no release for tag '%s': make it with gh-release draft first", tag);
	r = ret ? NULL : &s.match[0];
	for (size_t i = 0; r && !ret && i < r->nassets; i++)
		if (!r->assets[i].state || strcmp(r->assets[i].state, "uploaded"))
			ret = error_code(EXIT_DATA, "asset '%s' of '%s' is incomplete (state %s): run gh-release draft "
					 "again with the files", r->assets[i].name, tag, r->assets[i].state);
	if (!ret && r->draft) {
		int latest = is_latest(tag, &v, &s.published);

		note("publishing '%s': prerelease %s, make_latest %s", tag, v.pre.len ? "true" : "false",
		     latest ? "true" : "false");
		ret = publish(g, r, v.pre.len > 0, latest);
	} else if (!ret) {
		note("release '%s' is already published", tag);
	}
	if (!ret && !g->dry_run)
		ret = verify_published(g, tag, r->nassets);
	scan_release(&s);
	return ret;
}

static int find_one(struct gh *g, const char *tag, struct scan *s)
{
	int ret = scan(g, tag, s);

	if (!ret && !s->nmatch)
		ret = error_code(EXIT_NOTFOUND, "no release for tag '%s' in %s/%s", tag, g->owner, g->repo);
	return ret;
}

int release_get(struct gh *g, const char *tag)
{
	struct scan s;
	int ret = find_one(g, tag, &s);

	if (!ret)
		printf("%s\n", s.match[0].raw);
	scan_release(&s);
	return ret;
}

static int print_item(const struct json *j, int t, void *arg)
{
	struct release r;
	int ret = parse_release(j, t, &r);

	(void)arg;
	if (!ret)
		printf("%s\t%s\t%lld\t%s\n", r.tag, r.draft ? "draft" : r.prerelease ? "prerelease" : "published",
		       r.id, r.html_url ? r.html_url : "");
	release_release(&r);
	return ret;
}

int release_list(struct gh *g)
{
	char *url = xstrfmt("/repos/%s/%s/releases", g->owner, g->repo);
	int ret = gh_get_all(g, url, NULL, print_item, NULL);

	free(url);
	return ret;
}

int release_delete(struct gh *g, const char *tag)
{
	struct scan s;
	struct http_response resp = HTTP_RESPONSE_INIT;
	int ret = find_one(g, tag, &s);

	if (!ret) {
		char *url = xstrfmt("/repos/%s/%s/releases/%lld", g->owner, g->repo, s.match[0].id);
		struct gh_call call = { .method = "DELETE", .url = url };

		ret = gh_send(g, &call, &resp);
		free(url);
	}
	http_response_release(&resp);
	scan_release(&s);
	return ret;
}

int tag_delete(struct gh *g, const char *tag)
{
	struct strbuf url = STRBUF_INIT;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { .method = "DELETE", .quiet_status = 422 };
	int ret;

	/* refs/tags/NAME with its slashes encoded: a path parameter holds no slash. */
	strbuf_addf(&url, "/repos/%s/%s/git/refs/", g->owner, g->repo);
	encode_percent(&url, "tags/");
	encode_percent(&url, tag);
	call.url = url.buf;
	ret = gh_send(g, &call, &resp);
	if (resp.status == 422 || ret == EXIT_NOTFOUND)
		ret = error_code(EXIT_NOTFOUND, "tag '%s' is not on GitHub (%s/%s)", tag, g->owner, g->repo);
	http_response_release(&resp);
	strbuf_release(&url);
	return ret;
}
