/*
 * The index over HTTP: lookups through the JSON API or PEP 691, the legacy
 * upload form, and trusted publishing's token exchange.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "encode.h"
#include "http.h"
#include "index.h"
#include "json.h"
#include "util.h"

#define SIMPLE_JSON "application/vnd.pypi.simple.v1+json"
#define MESSAGE_MAX 300

static void add_remote(struct remote_files *r, char *filename, char *sha256, char *url)
{
	ALLOC_GROW(r->v, r->nr + 1, r->alloc);
	r->v[r->nr].filename = filename;
	r->v[r->nr].sha256 = sha256;
	r->v[r->nr].url = url;
	r->nr++;
}

/* An absolute URL for href as found at base. */
static char *resolve_url(const char *base, const char *href)
{
	const char *host, *path;

	if (starts_with(href, "http://") || starts_with(href, "https://"))
		return xstrdup(href);
	host = strstr(base, "://");
	host = host ? host + 3 : base;
	path = host + strcspn(host, "/");
	if (*href == '/')
		return xstrfmt("%.*s%s", (int)(path - base), base, href);
	/* Relative to the page: replace what follows its last '/'. */
	path = strrchr(path, '/') ? strrchr(path, '/') + 1 : path + strlen(path);
	return xstrfmt("%.*s%s%s", (int)(path - base), base, path[-1] == '/' ? "" : "/", href);
}

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = tolower((unsigned char)*s);
}

int parse_listing(const char *text, size_t len, const char *base, struct remote_files *out)
{
	struct json j;
	int arr, digests_key = 0, i, el;

	if (json_parse(&j, text, len))
		return -1;
	if ((arr = json_get(&j, 0, "urls")) >= 0 && j.tok[arr].type == JSMN_ARRAY) {
		digests_key = 1;
	} else if ((arr = json_get(&j, 0, "files")) < 0 || j.tok[arr].type != JSMN_ARRAY) {
		json_release(&j);
		return -1;
	}
	for (i = 0; (el = json_at(&j, arr, i)) >= 0; i++) {
		char *filename = json_string(&j, json_get(&j, el, "filename"));
		char *url = json_string(&j, json_get(&j, el, "url"));
		int h = json_get(&j, el, digests_key ? "digests" : "hashes");
		char *sha = h >= 0 ? json_string(&j, json_get(&j, h, "sha256")) : NULL;

		if (!filename) {
			free(url);
			free(sha);
			continue;
		}
		lower(sha);
		add_remote(out, filename, sha, url ? resolve_url(base, url) : NULL);
		free(url);
	}
	out->known = 1;
	json_release(&j);
	return 0;
}

const struct remote_file *remote_find(const struct remote_files *r, const char *filename)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].filename, filename))
			return &r->v[i];
	return NULL;
}

void remote_files_release(struct remote_files *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->v[i].filename);
		free(r->v[i].sha256);
		free(r->v[i].url);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void response_message(struct strbuf *sb, const char *raw, size_t raw_len)
{
	/* Redacted whole before it is cut: an echoed secret must show no part of it. */
	char *clean = xexcerpt(raw, raw_len, (size_t)-1);
	const char *body = clean, *title = NULL, *end;
	size_t start = sb->len, len = strlen(clean);

	/* Warehouse answers errors as a page whose title is "400 The reason". */
	if (len && (title = strstr(body, "<title>")) && (end = strstr(title, "</title>")))
		body = title + 7, len = end - body;
	while (len && isspace((unsigned char)*body))
		body++, len--;
	for (size_t i = 0; i < len && sb->len - start < MESSAGE_MAX; i++) {
		unsigned char c = body[i];

		if (c == '\n' && !title)
			break;
		strbuf_addch(sb, c < 0x20 || c == 0x7f ? ' ' : c);
	}
	strbuf_rtrim(sb);
	free(clean);
}

static int get_listing(const char *url, const char *accept, struct remote_files *out, int *status)
{
	const char *headers[] = { accept, NULL };
	struct http_request req = { .url = url, .headers = headers, .follow_redirects = 1 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	int ret = 0;

	if (http_request(&req, &resp)) {
		*status = (int)resp.status;
		ret = resp.exit_code;
		http_response_release(&resp);
		return ret;
	}
	*status = (int)resp.status;
	if (resp.status == 200 && parse_listing(resp.body.buf, resp.body.len,
						resp.effective_url ? resp.effective_url : url, out))
		note("'%s' answered with nothing readable as a file listing", url);
	else if (resp.status != 200 && resp.status != 404 && resp.status != 410)
		ret = error_code(http_exit_code(resp.status), "looking up files at '%s' failed with HTTP %ld",
				 url, resp.status);
	http_response_release(&resp);
	return ret;
}

int index_lookup(const struct target *t, const char *name, const char *version, struct remote_files *out)
{
	struct strbuf url = STRBUF_INIT, norm = STRBUF_INIT;
	int status = 0, ret;

	memset(out, 0, sizeof(*out));
	strbuf_addf(&url, "%s/pypi/%s/", t->index_url, name);
	encode_percent(&url, version);
	strbuf_addstr(&url, "/json");
	ret = get_listing(url.buf, "Accept: application/json", out, &status);
	if (!ret && !out->known) {
		/* No such release, or no JSON API: PEP 691 lists every file of the project. */
		normalize_name(&norm, name);
		strbuf_reset(&url);
		strbuf_addf(&url, "%s/simple/%s/", t->index_url, norm.buf);
		ret = get_listing(url.buf, "Accept: " SIMPLE_JSON, out, &status);
		if (!ret && (status == 404 || status == 410))
			out->known = 1;	/* the project does not exist yet */
	}
	strbuf_release(&url);
	strbuf_release(&norm);
	return ret;
}

static curl_mime *build_mime(CURL *curl, const struct dist *d, const struct form *f)
{
	curl_mime *mime = curl_mime_init(curl);
	curl_mimepart *part;

	if (!mime)
		die_code(EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < f->nr; i++) {
		part = curl_mime_addpart(mime);
		if (!part || curl_mime_name(part, f->fields[i].name) ||
		    curl_mime_data(part, f->fields[i].value, CURL_ZERO_TERMINATED))
			die_code(EXIT_SYSTEM, "out of memory");
	}
	part = curl_mime_addpart(mime);
	if (!part || curl_mime_name(part, "content") || curl_mime_filedata(part, d->path) ||
	    curl_mime_filename(part, d->filename) || curl_mime_type(part, "application/octet-stream"))
		die_code(EXIT_SYSTEM, "cannot attach '%s' to the upload form", d->path);
	return mime;
}

/* The index says the file exists: fine when it holds these very bytes. */
static int confirm_existing(const struct target *t, const struct dist *d, const char *why)
{
	struct remote_files r;
	const struct remote_file *f;
	int ret = index_lookup(t, d->name, d->version, &r);

	if (ret) {
		remote_files_release(&r);
		return ret;
	}
	f = remote_find(&r, d->filename);
	if (f && f->sha256 && !strcmp(f->sha256, d->sha256)) {
		note("'%s' is already on the index with the same sha256", d->filename);
	} else {
		ret = EXIT_CONFLICT;
		error("'%s' already exists on the index with different content (%s); "
		      "a file name can be used only once: release a new version", d->filename, why);
	}
	remote_files_release(&r);
	return ret;
}

static int judge_upload(const struct target *t, const struct dist *d, const struct http_response *resp)
{
	struct strbuf msg = STRBUF_INIT;
	int ret = 0;

	response_message(&msg, resp->body.buf, resp->body.len);
	if (resp->status >= 200 && resp->status < 300) {
		ret = 0;
	} else if (resp->status == 409 || (resp->status == 400 && strcasestr(msg.buf, "already exists"))) {
		ret = confirm_existing(t, d, msg.len ? msg.buf : "HTTP 409");
	} else if (resp->status == 400 && (strcasestr(msg.buf, "already been used") ||
					   strcasestr(msg.buf, "file-name-reuse"))) {
		ret = EXIT_CONFLICT;
		error("the index refuses '%s': the file name was used before and deleted; "
		      "release a new version (%s)", d->filename, msg.buf);
	} else if (resp->status == 401 || resp->status == 403) {
		ret = EXIT_AUTH;
		error("the index at '%s' refused the credentials from %s (HTTP %ld): %s",
		      t->upload_url, t->source, resp->status, msg.len ? msg.buf : "no reason given");
	} else if (resp->status >= 300 && resp->status < 400) {
		ret = EXIT_NO;
		error("the index redirected the upload of '%s' (HTTP %ld): check the repository URL '%s' "
		      "(PyPI's ends in /legacy/)", d->filename, resp->status, t->upload_url);
	} else {
		ret = resp->status == 400 ? EXIT_DATA : http_exit_code(resp->status);
		error("the index refused '%s' (HTTP %ld): %s", d->filename, resp->status,
		      msg.len ? msg.buf : "no reason given");
	}
	strbuf_release(&msg);
	return ret;
}

struct upload_form {
	const struct dist *d;
	const struct form *f;
};

/* The form is made afresh for each attempt: a resent multipart body can go out truncated. */
static curl_mime *make_form(CURL *curl, void *arg)
{
	const struct upload_form *u = arg;

	return build_mime(curl, u->d, u->f);
}

/*
 * One request, retried by the one policy of common/http. A repeat is
 * harmless: the index answers a byte-identical file as "already there".
 */
int index_upload(const struct target *t, const struct dist *d, const struct form *f)
{
	struct upload_form u = { d, f };
	struct http_request req = {
		.url = t->upload_url,
		.form = make_form,
		.form_arg = &u,
		.progress_label = d->filename,
		.stall_ms = 60000,
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	int ret;

	note("uploading '%s' (%lld bytes) to '%s'", d->filename, d->size, t->upload_url);
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
		error("'%s' was not uploaded; run again later (files already sent are not sent again)",
		      d->filename);
	} else {
		ret = judge_upload(t, d, &resp);
	}
	http_response_release(&resp);
	return ret;
}

/* Step one: the audience the index wants in the OIDC token. */
static int oidc_audience(const struct target *t, char **audience)
{
	char *url = xstrfmt("%s/_/oidc/audience", t->index_url);
	struct http_request req = { .url = url };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0;

	*audience = NULL;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
	} else if (resp.status != 200 || json_parse(&j, resp.body.buf, resp.body.len)) {
		ret = EXIT_AUTH;
		error("'%s' answered HTTP %ld: this index does not offer trusted publishing; "
		      "set PYPI_TOKEN instead", url, resp.status);
	} else {
		if (!(*audience = json_string(&j, json_get(&j, 0, "audience"))))
			ret = error_code(EXIT_AUTH, "'%s' did not name an audience", url);
		json_release(&j);
	}
	http_response_release(&resp);
	free(url);
	return ret;
}

/* Step two: the CI provider's signed statement of who is running. */
static int oidc_id_token(const char *audience, char **token)
{
	const char *request_url = getenv("ACTIONS_ID_TOKEN_REQUEST_URL");
	char *auth = xstrfmt("Bearer %s", getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
	struct strbuf url = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0;

	*token = NULL;
	if (http_client_auth(http_default_client(), request_url, auth)) {
		free(auth);
		return EXIT_USAGE;
	}
	strbuf_addf(&url, "%s%saudience=", request_url, strchr(request_url, '?') ? "&" : "?");
	encode_percent(&url, audience);
	req.url = url.buf;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
	} else if (resp.status != 200 || json_parse(&j, resp.body.buf, resp.body.len)) {
		ret = EXIT_AUTH;
		error("the CI provider refused an OIDC token (HTTP %ld): does the job have "
		      "'permissions: id-token: write'?", resp.status);
	} else {
		if (!(*token = json_string(&j, json_get(&j, 0, "value"))))
			ret = error_code(EXIT_AUTH, "the CI provider's OIDC answer has no token");
		else
			secret_add(*token);
		json_release(&j);
	}
	http_response_release(&resp);
	strbuf_release(&url);
	free(auth);
	return ret;
}

/* Step three: the index trades the OIDC token for a short-lived API token. */
static int oidc_mint(struct target *t, const char *id_token)
{
	char *url = xstrfmt("%s/_/oidc/mint-token", t->index_url);
	const char *headers[] = { "Content-Type: application/json", NULL };
	struct strbuf body = STRBUF_INIT, msg = STRBUF_INIT;
	struct http_request req = { .url = url, .headers = headers };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0, ok;

	strbuf_addstr(&body, "{\"token\": ");
	json_add_string(&body, id_token);
	strbuf_addch(&body, '}');
	req.body = body.buf;
	req.body_len = body.len;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
		goto out;
	}
	ok = !json_parse(&j, resp.body.buf, resp.body.len);
	if (ok && resp.status == 200 && (t->password = json_string(&j, json_get(&j, 0, "token")))) {
		secret_add(t->password);
		t->username = xstrdup("__token__");
		if (http_client_basic(http_default_client(), t->upload_url, t->username, t->password))
			ret = EXIT_USAGE;
	} else {
		char *why = ok ? json_string(&j, json_path(&j, 0, "errors.0.description")) : NULL;

		if (!why && ok)
			why = json_string(&j, json_get(&j, 0, "message"));
		response_message(&msg, why ? why : resp.body.buf, why ? strlen(why) : resp.body.len);
		ret = EXIT_AUTH;
		error("'%s' refused to mint a token (HTTP %ld): %s; is this repository and workflow "
		      "registered as a trusted publisher of the project?", url, resp.status,
		      msg.len ? msg.buf : "no reason given");
		free(why);
	}
	if (ok)
		json_release(&j);
out:
	http_response_release(&resp);
	strbuf_release(&body);
	strbuf_release(&msg);
	free(url);
	return ret;
}

int index_mint_token(struct target *t)
{
	char *audience, *id_token = NULL;
	int ret = oidc_audience(t, &audience);

	if (!ret)
		ret = oidc_id_token(audience, &id_token);
	if (!ret)
		ret = oidc_mint(t, id_token);
	free(audience);
	free(id_token);
	if (!ret) {
		/* Let the CI log mask the token wherever it might show. */
		printf("::add-mask::%s\n", t->password);
		fflush(stdout);
	}
	return ret;
}
