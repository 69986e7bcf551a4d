/*
 * Reading the index: the JSON API as a fast path, then the simple API
 * negotiated as pip does; redirects followed only on the index's own
 * origin; files without a listed sha256 hashed by downloading them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encode.h"
#include "http.h"
#include "index.h"
#include "util.h"

/* pip's preference: PEP 691 JSON, then PEP 503 HTML under either name. */
#define ACCEPT_SIMPLE "Accept: application/vnd.pypi.simple.v1+json, " \
	"application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
#define ACCEPT_JSON "Accept: application/json"

/* What one read of the index said. */
enum answer {
	LISTED,		/* a listing, parsed onto out */
	ABSENT,		/* 404 or 410: no such project or release */
	ELSEWHERE,	/* a redirect to another origin: not on this index */
	OTHER,		/* any other final answer */
};

/*
 * JSON or HTML by the media type the index names, or by the first byte when
 * it names neither. The JSON API answers JSON only: a page there is no
 * listing (a web interface answering every path, say).
 */
static int parse_answer(const struct http_response *resp, const char *url, int json_only,
			struct remote_files *out)
{
	char *type = http_header(resp, "Content-Type");
	const char *base = resp->effective_url ? resp->effective_url : url;
	size_t skip = strspn(resp->body.buf, " \t\r\n");
	int json = json_only || resp->body.buf[skip] == '{', ret;

	if (!json_only && type && (strcasestr(type, "json") || strcasestr(type, "html")))
		json = strcasestr(type, "json") != NULL;
	if (json)
		ret = parse_json_listing(resp->body.buf, resp->body.len, base, out);
	else
		ret = parse_html_listing(resp->body.buf, resp->body.len, base, out);
	free(type);
	return ret;
}

/*
 * GET url on the index's own origin. 0 with *answer set (and *status), or
 * an exit code when no final answer came.
 */
static int read_index(const char *url, const char *accept, struct remote_files *out,
		      enum answer *answer, long *status)
{
	const char *headers[] = { accept, NULL };
	int json_only = !strcmp(accept, ACCEPT_JSON);
	struct http_request req = { .url = url, .headers = headers, .follow_redirects = 1, .same_origin = 1 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *where;

	if (http_request(&req, &resp)) {
		int ret = resp.exit_code;

		http_response_release(&resp);
		return ret;
	}
	*status = resp.status;
	*answer = OTHER;
	if (resp.status >= 300 && resp.status < 400) {
		where = http_location(&resp);
		note("'%s' redirects to another origin%s%s%s: not followed; the project is taken as not on this index",
		     url, where ? " ('" : "", where ? where : "", where ? "')" : "");
		free(where);
		*answer = ELSEWHERE;
	} else if (resp.status == 404 || resp.status == 410) {
		*answer = ABSENT;
	} else if (resp.status == 200 && !parse_answer(&resp, url, json_only, out)) {
		*answer = LISTED;
	} else if (resp.status == 200) {
		note("'%s' answered with nothing readable as a file listing", url);
	}
	http_response_release(&resp);
	return 0;
}

int index_lookup(const struct target *t, const char *name, const char *version, struct remote_files *out)
{
	struct strbuf url = STRBUF_INIT, norm = STRBUF_INIT;
	enum answer answer;
	long status = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	/* The JSON API, where there is one, lists exactly the release. */
	strbuf_addf(&url, "%s/pypi/%s/", t->index_url, name);
	encode_percent(&url, version);
	strbuf_addstr(&url, "/json");
	ret = read_index(url.buf, ACCEPT_JSON, out, &answer, &status);
	if (!ret && answer != LISTED) {
		normalize_name(&norm, name);
		strbuf_reset(&url);
		strbuf_addf(&url, "%s/%s/", t->simple_url, norm.buf);
		ret = read_index(url.buf, ACCEPT_SIMPLE, out, &answer, &status);
	}
	if (!ret && answer == OTHER && status == 200)
		ret = error_code(EXIT_NO, "'%s' answered with nothing readable as a file listing", url.buf);
	else if (!ret && answer == OTHER)
		ret = error_code(http_exit_code(status), "looking up files at '%s' failed with HTTP %ld",
				 url.buf, status);
	strbuf_release(&url);
	strbuf_release(&norm);
	return ret;
}

/*
 * The sha256 of the file at url, read into a hash and no further than max
 * bytes (*too_long set when it is longer). Files may live on another origin
 * (a file host, object storage): redirects are followed, and credentials
 * stay with their own origin.
 */
static int download_sha256(const char *url, long long max, char hex[SHA256_HEX_LEN + 1], int *too_long)
{
	struct sha256 h;
	struct http_request req = { .url = url, .download_hash = &h, .max_download = max,
				    .follow_redirects = 1, .stall_ms = 60000, .quiet = 1 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *shown = http_url_display(url);
	int rc, ret = 0;

	*too_long = 0;
	note("'%s' is listed without a sha256: downloading it to hash it", shown);
	sha256_init(&h);
	rc = http_request(&req, &resp);
	sha256_final_hex(&h, hex);
	if (rc && resp.too_long)
		*too_long = 1;
	else if (rc)
		ret = error_code(resp.exit_code, "%s", resp.error.buf);
	else if (resp.status != 200)
		ret = error_code(http_exit_code(resp.status) ? http_exit_code(resp.status) : EXIT_NO,
				 "downloading '%s' to check its sha256 failed with HTTP %ld", shown, resp.status);
	http_response_release(&resp);
	free(shown);
	return ret;
}

int remote_same_bytes(const struct remote_file *f, const struct dist *d, int *same,
		      char hex[SHA256_HEX_LEN + 1])
{
	int too_long = 0, ret;

	*same = 0;
	if (f->sha256) {
		memcpy(hex, f->sha256, SHA256_HEX_LEN + 1);
		*same = !strcmp(f->sha256, d->sha256);
		return 0;
	}
	if (!f->url)
		return error_code(EXIT_NO, "the index lists '%s' with neither a sha256 nor a URL: "
				  "its content cannot be checked", d->filename);
	if ((ret = download_sha256(f->url, d->size, hex, &too_long)))
		return ret;
	if (too_long)
		*hex = '\0';
	*same = !too_long && !strcmp(hex, d->sha256);
	return 0;
}

/* A distribution file name in parts, to compare as PEP 503 and PEP 440 do. */
struct name_parts {
	struct strbuf project;	/* normalised */
	char *version;
	const char *rest;	/* a wheel's tags and the extension */
};

static int name_parts(const char *filename, struct name_parts *p)
{
	const char *dash = NULL, *end = NULL;
	char *project;

	strbuf_init(&p->project, 0);
	p->version = NULL;
	if (ends_with(filename, ".whl")) {
		dash = strchr(filename, '-');
		end = dash ? strchr(dash + 1, '-') : NULL;
	} else if (ends_with(filename, ".tar.gz")) {
		end = filename + strlen(filename) - 7;
		for (dash = end; dash > filename && dash[-1] != '-'; dash--)
			;
		dash = dash > filename ? dash - 1 : NULL;
	}
	if (!dash || !end || dash == filename)
		return -1;
	project = xstrndup(filename, dash - filename);
	normalize_name(&p->project, project);
	free(project);
	p->version = xstrndup(dash + 1, end - dash - 1);
	p->rest = end;
	return 0;
}

/* Whether listed is filename as an index may have renamed it: same project, version and tags. */
static int same_dist_name(const char *filename, const char *listed)
{
	struct name_parts a, b;
	int parsed_a = !name_parts(filename, &a), parsed_b = !name_parts(listed, &b);
	int same = parsed_a && parsed_b && !strcmp(a.project.buf, b.project.buf) &&
		   same_version(a.version, b.version) && !strcasecmp(a.rest, b.rest);

	strbuf_release(&a.project);
	strbuf_release(&b.project);
	free(a.version);
	free(b.version);
	return same;
}

const struct remote_file *remote_find_dist(const struct remote_files *r, const struct dist *d)
{
	const struct remote_file *f = remote_find(r, d->filename);

	for (size_t i = 0; !f && i < r->nr; i++)
		if (r->v[i].sha256 && !strcmp(r->v[i].sha256, d->sha256) &&
		    same_dist_name(d->filename, r->v[i].filename))
			f = &r->v[i];
	return f;
}
