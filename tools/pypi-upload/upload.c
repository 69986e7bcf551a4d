/*
 * The legacy upload API and what real index servers answer it: success,
 * "already exists" in each server's words, refusals with an HTML or JSON
 * body, a size limit, a redirect.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "index.h"
#include "json.h"
#include "util.h"

#define MESSAGE_MAX 300

/* ---- messages out of error bodies ---- */

/* The message of a JSON error body (the keys index servers use), onto sb: 0, or -1. */
static int json_message(struct strbuf *sb, const char *body, size_t len)
{
	static const char *const keys[] = { "message", "detail", "error", "errors.0.message",
					    "errors.0.description", "errors.0.detail", NULL };
	struct json j;
	char *msg = NULL;

	if (json_parse(&j, body, len))
		return -1;
	for (const char *const *k = keys; *k && !msg; k++)
		msg = json_string(&j, json_path(&j, 0, *k));
	json_release(&j);
	if (!msg)
		return -1;
	strbuf_addstr(sb, msg);
	free(msg);
	return 0;
}

/* Past the end tag of the element that starts at p (its name given), or end. */
static const char *skip_element(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (p++; p + n + 2 <= end; p++) {
		if (p[0] == '<' && p[1] == '/' && !strncasecmp(p + 2, name, n)) {
			p = memchr(p, '>', end - p);
			return p ? p + 1 : end;
		}
	}
	return end;
}

/* The text of HTML between p and end: tags as spaces, head, script and style dropped. */
static void html_text(struct strbuf *sb, const char *p, const char *end)
{
	static const char *const hidden[] = { "head", "title", "script", "style", NULL };

	while (p < end) {
		const char *lt = memchr(p, '<', end - p), *gt;

		html_decode(sb, p, (lt ? lt : end) - p, 0);
		if (!lt)
			break;
		strbuf_addch(sb, ' ');
		p = lt;
		for (const char *const *h = hidden; *h; h++) {
			size_t n = strlen(*h);

			if ((size_t)(end - p) > n + 1 && !strncasecmp(p + 1, *h, n) &&
			    (p[n + 1] == '>' || isspace((unsigned char)p[n + 1]))) {
				p = skip_element(p, end, *h) - 1;
				break;
			}
		}
		gt = p < end ? memchr(p, '>', end - p) : NULL;
		p = gt ? gt + 1 : end;
	}
}

/* An HTML page: "title: text", with the text's repeat of the title (an h1) left out. */
static void html_message(struct strbuf *sb, const char *body, size_t len)
{
	const char *end = body + len, *title = find_nocase(body, end, "<title"), *close;
	struct strbuf head = STRBUF_INIT, text = STRBUF_INIT;

	if (title && (title = memchr(title, '>', end - title)) && (close = find_nocase(title, end, "</title")))
		html_decode(&head, title + 1, close - title - 1, 0);
	strbuf_trim(&head);
	html_text(&text, body, end);
	strbuf_trim(&text);
	if (head.len && !strncmp(text.buf, head.buf, head.len))
		strbuf_remove(&text, 0, head.len);
	strbuf_ltrim(&text);
	strbuf_addbuf(sb, &head);
	if (head.len && text.len)
		strbuf_addstr(sb, ": ");
	strbuf_addbuf(sb, &text);
	strbuf_release(&head);
	strbuf_release(&text);
}

void response_message(struct strbuf *sb, const char *raw_body, size_t raw_len)
{
	/* Redacted whole before it is cut: an echoed secret must show no part of it. */
	char *clean = xexcerpt(raw_body, strnlen(raw_body, raw_len), (size_t)-1);
	const char *body = clean;
	struct strbuf raw = STRBUF_INIT;
	size_t start = sb->len, len = strlen(clean);
	int one_line = 0, space = 1;

	while (len && isspace((unsigned char)*body))
		body++, len--;
	if (len && *body == '<') {
		html_message(&raw, body, len);
	} else if (!len || *body != '{' || json_message(&raw, body, len)) {
		strbuf_add(&raw, body, len);
		one_line = 1;
	}
	/* One line, control bytes blanked, blanks run together. */
	for (size_t i = 0; i < raw.len && sb->len - start < MESSAGE_MAX; i++) {
		unsigned char c = raw.buf[i];

		if (c == '\n' && one_line)
			break;
		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!space)
				strbuf_addch(sb, ' ');
			space = 1;
			continue;
		}
		strbuf_addch(sb, c);
		space = 0;
	}
	strbuf_rtrim(sb);
	strbuf_release(&raw);
	free(clean);
}

/* ---- the upload ---- */

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
 * How index servers say "this file name is taken": pypiserver's 409,
 * PyPI's (and Artifact Registry's) 400 "already exists", Nexus's 400 about
 * updating an asset, Artifactory's 403 about overwriting an artifact,
 * GitLab's 400 "has already been taken".
 */
static int says_exists(long status, const char *body)
{
	return status == 409 ||
	       (status == 400 && (strcasestr(body, "already exist") || strcasestr(body, "updating asset") ||
				  strcasestr(body, "already been taken"))) ||
	       (status == 403 && strcasestr(body, "overwrite artifact"));
}

/*
 * PyPI answers a byte-identical re-upload with 200, and other bytes under a
 * taken name with "File already exists ('NAME', with blake2_256 hash
 * 'HEX')". 1 when that hash is d's, 0 when it is another (or cannot be
 * compared here: PyPI said so for other bytes), -1 when the message is not
 * PyPI's.
 */
static int message_names_blake2(const char *msg, const struct dist *d)
{
	const char *p = strstr(msg, "blake2_256 hash '");
	size_t n;

	if (!p)
		return -1;
	p += strlen("blake2_256 hash '");
	n = strspn(p, "0123456789abcdefABCDEF");
	if (n != 64 || p[n] != '\'')
		return -1;
	return *d->blake2_256 && !strncasecmp(p, d->blake2_256, 64);
}

static int conflict(const struct dist *d, const char *remote, const char *why)
{
	return error_code(EXIT_CONFLICT, "'%s' already exists on the index with different content (%s%s%s); "
			  "a file name can be used only once: release a new version", d->filename,
			  remote && *remote ? "sha256 " : "", remote && *remote ? remote : "", why);
}

/* The index says the name is taken: success when it holds these very bytes. */
static int confirm_existing(const struct target *t, const struct dist *d, const char *msg,
			    enum upload_result *result)
{
	struct remote_files r;
	const struct remote_file *f;
	char hex[SHA256_HEX_LEN + 1] = "";
	int named = message_names_blake2(msg, d), same = 0, ret;

	if (named >= 0) {
		*result = UPLOAD_HELD;
		return named ? 0 : conflict(d, NULL, msg);
	}
	if ((ret = index_lookup(t, d->name, d->version, &r)))
		goto out;
	if (!(f = remote_find_dist(&r, d))) {
		note("the index says '%s' exists (%s) but does not list it yet", d->filename, msg);
		*result = UPLOAD_UNCONFIRMED;
	} else if (!(ret = remote_same_bytes(f, d, &same, hex)) && !same) {
		ret = conflict(d, hex, *hex ? "" : "a longer file");
	} else if (!ret) {
		note("'%s' is already on the index with the same sha256", d->filename);
		*result = UPLOAD_HELD;
	}
out:
	remote_files_release(&r);
	return ret;
}

static int refused(const struct target *t, const struct dist *d, const struct http_response *resp,
		   const char *msg)
{
	char *where;
	int ret;

	if (resp->status == 401 || resp->status == 403)
		return error_code(EXIT_AUTH, "the index at '%s' refused the credentials from %s (HTTP %ld): %s",
				  t->upload_url, t->source, resp->status, msg);
	if (resp->status == 413)
		return error_code(EXIT_DATA, "the index refuses '%s' as too large (%lld bytes, HTTP 413): %s; "
				  "its administrator can raise the limit", d->filename, d->size, msg);
	if (resp->status >= 300 && resp->status < 400) {
		where = http_location(resp);
		ret = error_code(EXIT_NO, "the index redirected the upload of '%s' (HTTP %ld) to '%s'; nothing "
				 "was sent there: if that is where uploads go, make it the repository URL",
				 d->filename, resp->status, where ? where : "nowhere");
		free(where);
		return ret;
	}
	return error_code(resp->status == 400 ? EXIT_DATA : http_exit_code(resp->status),
			  "the index refused '%s' (HTTP %ld): %s", d->filename, resp->status, msg);
}

static int judge_upload(const struct target *t, const struct dist *d, const struct http_response *resp,
			enum upload_result *result)
{
	struct strbuf msg = STRBUF_INIT;
	int ret = 0;

	response_message(&msg, resp->body.buf, resp->body.len);
	if (!msg.len)
		strbuf_addf(&msg, "HTTP %ld, no reason given", resp->status);
	*result = UPLOAD_SENT;
	if (resp->status >= 200 && resp->status < 300)
		ret = 0;
	else if (says_exists(resp->status, resp->body.buf))
		ret = confirm_existing(t, d, msg.buf, result);
	else if (resp->status == 400 && (strcasestr(msg.buf, "already been used") ||
					 strcasestr(msg.buf, "file-name-reuse")))
		ret = error_code(EXIT_CONFLICT, "the index refuses '%s': the file name was used before and "
				 "deleted; release a new version (%s)", d->filename, msg.buf);
	else
		ret = refused(t, d, resp, msg.buf);
	strbuf_release(&msg);
	return ret;
}

/*
 * One request, retried by the one policy of common/http. A repeat is
 * harmless: the index answers a file it holds as "already there", and
 * that answer is checked by hash.
 */
int index_upload(const struct target *t, const struct dist *d, const struct form *f,
		 enum upload_result *result)
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
		ret = judge_upload(t, d, &resp, result);
	}
	http_response_release(&resp);
	return ret;
}
