/*
 * The REST client: GitHub's headers, its error bodies made readable, rate
 * limits waited out, pages followed through Link headers, dry runs printed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "encode.h"
#include "github.h"
#include "util.h"

#define API_VERSION "2022-11-28"
#define SECONDARY_BACKOFF_MS 60000L
#define GITHUB_API "https://api.github.com"
#define GITHUB_UPLOADS "https://uploads.github.com"

static int valid_name(const char *s, size_t len, int is_repo)
{
	if (!len || len > 100 || (len <= 2 && !strncmp(s, "..", len)))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || (is_repo && (c == '.' || c == '_'))))
			return 0;
	}
	return 1;
}

int parse_repository(const char *s, char **owner, char **repo)
{
	const char *slash = strchr(s, '/');

	if (!slash || !valid_name(s, slash - s, 0) || !valid_name(slash + 1, strlen(slash + 1), 1))
		return -1;
	*owner = xstrndup(s, slash - s);
	*repo = xstrdup(slash + 1);
	return 0;
}

/*
 * https://host/owner/repo(.git), ssh://git@host(:port)/owner/repo(.git),
 * git@host:owner/repo(.git): the last two path components count.
 */
int parse_remote(const char *url, char **owner, char **repo)
{
	const char *path, *scheme = strstr(url, "://");
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (scheme) {
		path = strchr(scheme + 3, '/');
	} else {
		path = strchr(url, ':');
		if (path && strchr(url, '/') && strchr(url, '/') < path)
			path = NULL;
		if (path)
			path++;
	}
	if (!path)
		return -1;
	while (*path == '/')
		path++;
	strbuf_addstr(&sb, path);
	while (sb.len && sb.buf[sb.len - 1] == '/')
		strbuf_setlen(&sb, sb.len - 1);
	if (ends_with(sb.buf, ".git"))
		strbuf_setlen(&sb, sb.len - 4);
	/* GitHub paths are exactly owner/repo (Enterprise too). */
	ret = strchr(sb.buf, '/') == strrchr(sb.buf, '/') ? parse_repository(sb.buf, owner, repo) : -1;
	strbuf_release(&sb);
	return ret;
}

char *upload_target(const char *upload_url, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const char *brace = strchr(upload_url, '{');

	strbuf_add(&sb, upload_url, brace ? (size_t)(brace - upload_url) : strlen(upload_url));
	strbuf_addstr(&sb, strchr(sb.buf, '?') ? "&name=" : "?name=");
	encode_percent(&sb, name);
	return strbuf_detach(&sb, NULL);
}

/*
 * Primary limits: x-ratelimit-remaining 0 until x-ratelimit-reset. Secondary
 * limits: 403 or 429 whose message says so, with or without Retry-After;
 * without it GitHub asks for at least a minute, doubled each time.
 */
long rate_limit_wait_ms(long status, const char *retry_after, const char *remaining,
			const char *reset, const char *body, long now_s, int attempt)
{
	unsigned long v;

	if (status != 403 && status != 429)
		return -1;
	if (retry_after && !parse_ulong(retry_after, &v))
		return v > 3600 ? 3600 * 1000L : (long)v * 1000 + 200;
	if (remaining && !strcmp(remaining, "0") && reset && !parse_ulong(reset, &v))
		return (long)v > now_s ? ((long)v - now_s) * 1000 + 500 : 1000;
	if (body && strcasestr(body, "secondary rate limit"))
		return SECONDARY_BACKOFF_MS << (attempt < 4 ? attempt : 4);
	if (status == 429)
		return 1000L << (attempt < 6 ? attempt : 6);
	return -1;
}

static char *full_url(const struct gh *g, const char *url)
{
	if (starts_with(url, "http://") || starts_with(url, "https://"))
		return xstrdup(url);
	return xstrfmt("%s%s", g->api, url);
}

/* GitHub's error body: "message (field code, ...)", or the raw start of it. */
static void describe_error(struct strbuf *out, const struct http_response *resp)
{
	struct json j;
	int errs, t;

	if (json_parse(&j, resp->body.buf, resp->body.len) || j.tok[0].type != JSMN_OBJECT) {
		char *shown = xexcerpt(resp->body.buf, resp->body.len, 200);

		strbuf_addstr(out, shown);
		strbuf_trim(out);
		if (!resp->body.len)
			strbuf_addstr(out, "no message");
		free(shown);
		return;
	}
	if ((t = json_get(&j, 0, "message")) >= 0) {
		char *m = json_string(&j, t);

		strbuf_addstr(out, m ? m : "?");
		free(m);
	}
	errs = json_get(&j, 0, "errors");
	for (int i = 0; errs >= 0 && (t = json_at(&j, errs, i)) >= 0; i++) {
		static const char *const keys[] = { "resource", "field", "code", "message" };

		strbuf_addstr(out, i ? "; " : ": ");
		if (json_is_string(&j, t)) {
			char *m = json_string(&j, t);

			strbuf_addstr(out, m ? m : "?");
			free(m);
			continue;
		}
		for (size_t k = 0, n = 0; k < sizeof(keys) / sizeof(*keys); k++) {
			char *v = json_string(&j, json_get(&j, t, keys[k]));

			if (v)
				strbuf_addf(out, "%s%s=%s", n++ ? " " : "", keys[k], v);
			free(v);
		}
	}
	json_release(&j);
}

static int report_status(const struct gh_call *call, const char *url, const struct http_response *resp)
{
	struct strbuf why = STRBUF_INIT;
	const char *method = call->method ? call->method : "GET";
	int code = http_exit_code(resp->status);

	describe_error(&why, resp);
	if (resp->status == 401)
		error("%s %s: 401 %s: the token in GITHUB_TOKEN (or GH_TOKEN) was refused; set a valid one",
		      method, url, why.buf);
	else if (resp->status == 403)
		error("%s %s: 403 %s: the token lacks a permission this needs (contents: write for releases, "
		      "actions: read for CI runs)", method, url, why.buf);
	else
		error("%s %s: %ld %s", method, url, resp->status, why.buf);
	strbuf_release(&why);
	return resp->status == 422 ? EXIT_DATA : code;
}

/* What a dry run prints for a write: the request line and a short body. */
static void print_dry_run(const struct gh_call *call, const char *url)
{
	struct strbuf line = STRBUF_INIT;
	char *clean;

	strbuf_addf(&line, "%s %s", call->method, url);
	if (call->json) {
		strbuf_addch(&line, ' ');
		strbuf_add(&line, call->json, strlen(call->json) > 160 ? 160 : strlen(call->json));
		if (strlen(call->json) > 160)
			strbuf_addstr(&line, "...");
	} else if (call->file > 0) {
		strbuf_addf(&line, " (%zu bytes, application/octet-stream)", call->file_len);
	}
	clean = secret_redact(line.buf);
	printf("%s\n", clean);
	free(clean);
	strbuf_release(&line);
}

/* GitHub's rate limits, for the one retry policy of common/http. */
static enum http_verdict rate_limited(const struct http_response *resp, long *wait_ms,
				      struct strbuf *why, void *arg)
{
	char *after = http_header(resp, "Retry-After");
	char *remaining = http_header(resp, "x-ratelimit-remaining");
	char *reset = http_header(resp, "x-ratelimit-reset");
	long ms = rate_limit_wait_ms(resp->status, after, remaining, reset, resp->body.buf,
				     (long)time(NULL), resp->attempts - 1);

	(void)arg;
	free(after);
	free(remaining);
	free(reset);
	if (ms < 0)
		return HTTP_AS_USUAL;
	*wait_ms = ms;
	strbuf_addf(why, "rate limited by GitHub (%ld)", resp->status);
	return HTTP_TRY_AGAIN;
}

int gh_authorize(struct gh *g, const char *token)
{
	const char *uploads = getenv("GITHUB_UPLOADS_URL");
	char *value = xstrfmt("Bearer %s", token);
	int ret = http_client_auth(http_default_client(), g->api, value);

	/* GitHub itself takes release assets on another host than its API. */
	if ((!uploads || !*uploads) && !strcmp(g->api, GITHUB_API))
		uploads = GITHUB_UPLOADS;
	if (!ret && uploads && *uploads)
		ret = http_client_auth(http_default_client(), uploads, value);
	free(value);
	return ret ? EXIT_USAGE : 0;
}

int gh_send(struct gh *g, const struct gh_call *call, struct http_response *resp)
{
	const char *method = call->method ? call->method : "GET";
	char *url = full_url(g, call->url);
	const char *headers[5];
	struct http_request req = { 0 };
	long left = (long)(g->deadline - now_ms());
	int n = 0, ret;

	if (g->dry_run && strcmp(method, "GET")) {
		print_dry_run(call, url);
		free(url);
		http_response_release(resp);
		return EXIT_OK;
	}
	if (left <= 0) {
		ret = error_code(EXIT_TEMPFAIL, "%s %s: the deadline passed; run again later", method, url);
		free(url);
		return ret;
	}
	/*
	 * GitHub's own media type first; plain JSON too, since several
	 * operations list other types (diff, patch, sha) beside application/json
	 * and a validating proxy must not pick one of those for us.
	 */
	headers[n++] = call->accept ? call->accept : "Accept: application/vnd.github+json, application/json";
	headers[n++] = "X-GitHub-Api-Version: " API_VERSION;
	if (call->json)
		headers[n++] = "Content-Type: application/json";
	else if (call->file > 0)
		headers[n++] = "Content-Type: application/octet-stream";
	headers[n] = NULL;
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.body = call->json;
	req.body_len = call->json ? strlen(call->json) : 0;
	if (call->file > 0) {
		req.body_fd = call->file;
		req.body_len = call->file_len;
		req.stall_ms = 60000;
		/* A failed upload leaves a "starter" asset that a blind retry would collide with. */
		req.no_retry = 1;
		req.progress_label = "uploading";
	}
	req.download = call->download;
	req.follow_redirects = call->download != NULL;
	if (call->download) {
		/* An artifact runs to gigabytes: only a transfer that stops moving fails. */
		req.stall_ms = 60000;
		req.progress_label = "downloading";
	}
	req.deadline_ms = left;
	req.classify = rate_limited;
	note("%s %s", method, url);
	if (http_request(&req, resp))
		ret = resp->exit_code;
	else if (resp->status >= 200 && resp->status < 300)
		ret = EXIT_OK;
	else if (resp->status == call->quiet_status)
		ret = http_exit_code(resp->status);
	else
		ret = report_status(call, url, resp);
	free(url);
	return ret;
}

static char *with_per_page(const struct gh *g, const char *url)
{
	return xstrfmt("%s%cper_page=%u", url, strchr(url, '?') ? '&' : '?', g->per_page);
}

int gh_get_all(struct gh *g, const char *url, const char *key, gh_item_fn fn, void *arg)
{
	char *next = with_per_page(g, url);
	int ret = 0;

	for (int page = 0; next && !ret; page++) {
		struct gh_call call = { .url = next };
		struct http_response resp = HTTP_RESPONSE_INIT;
		struct json j;
		int arr, t;

		if (page >= 1000) {
			ret = error_code(EXIT_DATA, "'%s': more than 1000 pages; giving up", url);
			break;
		}
		ret = gh_send(g, &call, &resp);
		free(next);
		next = NULL;
		if (ret) {
			http_response_release(&resp);
			break;
		}
		if (json_parse(&j, resp.body.buf, resp.body.len)) {
			http_response_release(&resp);
			ret = error_code(EXIT_DATA, "'%s' answered something that is not JSON", url);
			break;
		}
		arr = key ? json_get(&j, 0, key) : 0;
		if (arr < 0 || j.tok[arr].type != JSMN_ARRAY)
			ret = error_code(EXIT_DATA, "'%s' answered JSON without the expected list", url);
		for (int i = 0; !ret && (t = json_at(&j, arr, i)) >= 0; i++)
			ret = fn(&j, t, arg);
		if (!ret)
			next = http_link_next(&resp);
		json_release(&j);
		http_response_release(&resp);
	}
	free(next);
	return ret;
}
