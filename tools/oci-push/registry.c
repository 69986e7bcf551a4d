/*
 * The distribution API client: one request at a time per curl handle, safe
 * to use from several threads sharing one struct reg. Authentication follows
 * the registry's challenge (Basic, or a Bearer token from its realm, fetched
 * again when it expires); retries on 408, 429, 5xx and connection faults with
 * doubling backoff, jitter and Retry-After, within a deadline; redirects are
 * followed by hand so that Authorization never reaches another origin.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "util.h"
#include "oci.h"

#define MAX_BODY (16L << 20)
#define MAX_HOPS 5

static void vmessage(struct reg *r, const char *prefix, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&r->msg_lock);
	progress_clear();
	vreport(prefix, fmt, ap);
	pthread_mutex_unlock(&r->msg_lock);
}

int reg_error(struct reg *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(r, "", fmt, ap);
	va_end(ap);
	return -1;
}

void reg_warn(struct reg *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(r, "warning: ", fmt, ap);
	va_end(ap);
}

void reg_note(struct reg *r, const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmessage(r, "", fmt, ap);
	va_end(ap);
}

static void reg_secret(struct reg *r, const char *s)
{
	pthread_mutex_lock(&r->msg_lock);
	secret_add(s);
	pthread_mutex_unlock(&r->msg_lock);
}

void reg_fail(struct reg *r, int code)
{
	pthread_mutex_lock(&r->msg_lock);
	/* Auth and data problems say more than the network faults they cause. */
	if (!r->exit_code || code == EXIT_AUTH || code == EXIT_DATA)
		r->exit_code = code;
	pthread_mutex_unlock(&r->msg_lock);
}

int status_exit_code(long status)
{
	if (status == 401 || status == 403)
		return EXIT_AUTH;
	if (status == 404)
		return EXIT_NOTFOUND;
	if (status == 409)
		return EXIT_CONFLICT;
	if (status == 0 || status == 408 || status == 429 || status >= 500)
		return EXIT_TEMPFAIL;
	if (status == 405)
		return EXIT_NO;
	return EXIT_DATA;
}

/* ---- URLs ---- */

/* Length of "scheme://authority" at the start of url, 0 when none. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return 0;
	p += 3;
	return p - url + strcspn(p, "/?#");
}

static int same_origin(const char *a, const char *b)
{
	size_t n = origin_len(a);

	return n && n == origin_len(b) && !strncasecmp(a, b, n);
}

char *url_resolve(const char *base, const char *ref)
{
	size_t n = origin_len(base);
	const char *q;

	if (strstr(ref, "://") && strcspn(ref, "/?") > (size_t)(strstr(ref, "://") - ref))
		return xstrdup(ref);
	if (ref[0] == '/' && ref[1] == '/')
		return xstrfmt("%.*s%s", (int)(strstr(base, "://") - base + 1), base, ref);
	if (ref[0] == '/')
		return xstrfmt("%.*s%s", (int)n, base, ref);
	/* relative to the base's directory */
	q = base + n + strcspn(base + n, "?#");
	while (q > base + n && q[-1] != '/')
		q--;
	if (q == base + n)
		return xstrfmt("%.*s/%s", (int)n, base, ref);
	return xstrfmt("%.*s%s", (int)(q - base), base, ref);
}

/* ---- one attempt ---- */

struct xfer {
	const struct reg_req *q;
	struct reg_resp *p;
	long long pos;		/* next offset to read: file offset or index into body */
	long long end;
	int overflow;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	const struct reg_req *q = x->q;
	size_t want = size * nmemb;
	ssize_t n;

	if ((long long)want > x->end - x->pos)
		want = x->end - x->pos;
	if (!want)
		return 0;
	if (q->fd <= 0) {
		memcpy(buf, q->body + x->pos, want);
		x->pos += want;
		return want;
	}
	do
		n = pread(q->fd, buf, want, x->pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return CURL_READFUNC_ABORT;	/* the file shrank or failed under us */
	if (q->hash && x->pos <= q->hash->upto && x->pos + n > q->hash->upto) {
		long long skip = q->hash->upto - x->pos;

		sha256_update(&q->hash->h, buf + skip, n - skip);
		q->hash->upto = x->pos + n;
	}
	x->pos += n;
	if (q->progress) {
		__atomic_store_n(&q->progress->sent, x->pos - q->progress->offset, __ATOMIC_RELAXED);
		progress_tick();
	}
	return n;
}

static int seek_cb(void *arg, curl_off_t off, int origin)
{
	struct xfer *x = arg;
	long long start = x->q->fd > 0 ? x->q->offset : 0;

	if (origin != SEEK_SET || off < 0 || start + off > x->end)
		return CURL_SEEKFUNC_CANTSEEK;
	x->pos = start + off;
	return CURL_SEEKFUNC_OK;
}

static size_t header_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	/* Keep only the last response's headers (not those of a 100 Continue). */
	if (n >= 5 && !memcmp(buf, "HTTP/", 5))
		strbuf_reset(&x->p->headers);
	strbuf_add(&x->p->headers, buf, n);
	return n;
}

static size_t body_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->p->body.len + n > MAX_BODY) {
		x->overflow = 1;
		return 0;
	}
	strbuf_add(&x->p->body, buf, n);
	return n;
}

static CURLcode perform(struct reg *r, CURL *curl, const char *url, const char *auth,
			const struct reg_req *q, struct reg_resp *p)
{
	struct curl_slist *hdrs = NULL;
	struct xfer x = { q, p, 0, 0, 0 };
	char *ua = xstrfmt("oci-push (shipsync) %s", SHIPSYNC_VERSION);
	char *authz = NULL;
	CURLcode rc;
	long stall_s = r->timeout_ms < 1000 ? 1 : r->timeout_ms / 1000;

	curl_easy_reset(curl);
	strbuf_reset(&p->body);
	strbuf_reset(&p->headers);
	p->status = 0;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, stall_s);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (r->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, r->ca_file);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (const char *const *h = q->headers; h && *h; h++)
		hdrs = curl_slist_append(hdrs, *h);
	if (auth && *auth) {
		authz = xstrfmt("Authorization: %s", auth);
		hdrs = curl_slist_append(hdrs, authz);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);

	if (!strcmp(q->method, "HEAD")) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(q->method, "PUT") || !strcmp(q->method, "POST") ||
		   !strcmp(q->method, "PATCH")) {
		x.pos = q->fd > 0 ? q->offset : 0;
		x.end = x.pos + (long long)q->body_len;
		curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024);
		curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->body_len);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(curl, CURLOPT_READDATA, &x);
		curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_cb);
		curl_easy_setopt(curl, CURLOPT_SEEKDATA, &x);
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, q->method);
	} else if (strcmp(q->method, "GET")) {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, q->method);
	}
	rc = curl_easy_perform(curl);
	if (rc == CURLE_WRITE_ERROR && x.overflow)
		rc = CURLE_FILESIZE_EXCEEDED;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &p->status);
	curl_slist_free_all(hdrs);
	free(authz);
	free(ua);
	return rc;
}

/* ---- responses ---- */

char *resp_header(const struct reg_resp *p, const char *name)
{
	size_t n = strlen(name);
	char *found = NULL;

	for (const char *line = p->headers.buf; *line; ) {
		size_t len = strcspn(line, "\r\n");

		if (len > n && !strncasecmp(line, name, n) && line[n] == ':') {
			const char *v = line + n + 1;
			size_t vlen = len - n - 1;

			while (vlen && (*v == ' ' || *v == '\t'))
				v++, vlen--;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			free(found);
			found = xstrndup(v, vlen);
		}
		line += len;
		line += strspn(line, "\r\n");
	}
	return found;
}

char *reg_error_text(const struct reg_resp *p)
{
	struct json j;
	struct strbuf sb = STRBUF_INIT;
	int errs;

	if (!json_parse(&j, p->body.buf, p->body.len)) {
		errs = json_get(&j, 0, "errors");
		for (int i = 0; errs >= 0 && i < j.tok[errs].size && i < 3; i++) {
			int e = json_at(&j, errs, i);
			char *code = json_string(&j, json_get(&j, e, "code"));
			char *msg = json_string(&j, json_get(&j, e, "message"));

			if (sb.len)
				strbuf_addstr(&sb, "; ");
			strbuf_addf(&sb, "%s%s%s", code ? code : "", code && msg ? ": " : "", msg ? msg : "");
			free(code);
			free(msg);
		}
		json_release(&j);
	}
	if (!sb.len)
		strbuf_addf(&sb, "HTTP %ld", p->status);
	for (size_t i = 0; i < sb.len; i++)
		if ((unsigned char)sb.buf[i] < 0x20 || sb.buf[i] == 0x7f)
			sb.buf[i] = '?';	/* the registry's text goes to a terminal */
	return strbuf_detach(&sb, NULL);
}

void reg_resp_release(struct reg_resp *p)
{
	strbuf_release(&p->body);
	strbuf_release(&p->headers);
	free(p->url);
	free(p->fault);
	p->url = p->fault = NULL;
}

/* ---- authentication ---- */

void reg_add_scope(struct reg *r, const char *scope)
{
	for (size_t i = 0; i < r->scopes.nr; i++)
		if (!strcmp(r->scopes.v[i], scope))
			return;
	strvec_push(&r->scopes, scope);
}

static void add_urlencoded(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c))
			strbuf_addch(sb, c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

static char *basic_value(struct reg *r)
{
	struct strbuf pair = STRBUF_INIT, sb = STRBUF_INIT;

	strbuf_addf(&pair, "%s:%s", r->creds.user, r->creds.pass);
	strbuf_addstr(&sb, "Basic ");
	base64_encode(&sb, pair.buf, pair.len);
	reg_secret(r, sb.buf + 6);
	strbuf_release(&pair);
	return strbuf_detach(&sb, NULL);
}

/* Ask the realm for a token covering every scope: 0, or -1 (error printed). */
static int fetch_token(struct reg *r, CURL *curl)
{
	struct strbuf url = STRBUF_INIT;
	struct reg_resp p = REG_RESP_INIT;
	struct reg_req q = { .method = "GET" };
	char *basic = r->creds.user ? basic_value(r) : NULL;
	struct json j;
	char *token = NULL;
	int ret = -1;

	strbuf_addstr(&url, r->realm);
	strbuf_addch(&url, strchr(r->realm, '?') ? '&' : '?');
	if (r->service) {
		strbuf_addstr(&url, "service=");
		add_urlencoded(&url, r->service);
	}
	for (size_t i = 0; i < r->scopes.nr; i++) {
		strbuf_addstr(&url, "&scope=");
		add_urlencoded(&url, r->scopes.v[i]);
	}
	q.url = url.buf;
	q.fixed_auth = basic ? basic : "";
	if (reg_do(r, curl, &q, &p) < 0)
		goto out;
	if (p.status == 401 || p.status == 403) {
		if (r->creds.user)
			reg_error(r, "the token service '%s' refused user '%s' (from %s): check the password",
				  r->realm, r->creds.user, r->creds.from);
		else
			reg_error(r, "the token service '%s' refused an anonymous token: set OCI_USERNAME and OCI_PASSWORD, or docker login %s",
				  r->realm, r->host);
		reg_fail(r, EXIT_AUTH);
		goto out;
	}
	if (p.status != 200 || json_parse(&j, p.body.buf, p.body.len) < 0) {
		reg_error(r, "the token service '%s' answered HTTP %ld without a token", r->realm, p.status);
		reg_fail(r, status_exit_code(p.status == 200 ? 502 : p.status));
		goto out;
	}
	token = json_string(&j, json_get(&j, 0, "token"));
	if (!token || !*token) {
		free(token);
		token = json_string(&j, json_get(&j, 0, "access_token"));
	}
	json_release(&j);
	if (!token || !*token) {
		reg_error(r, "the token service '%s' answered without a token", r->realm);
		reg_fail(r, EXIT_AUTH);
		goto out;
	}
	reg_secret(r, token);
	free(r->auth);
	r->auth = xstrfmt("Bearer %s", token);
	r->auth_basic = 0;
	ret = 0;
out:
	free(token);
	free(basic);
	strbuf_release(&url);
	reg_resp_release(&p);
	return ret;
}

/* Answer a 401: new credentials or token, unless another thread already did. */
static int reauth(struct reg *r, CURL *curl, const struct reg_resp *p, unsigned gen)
{
	char *value = resp_header(p, "WWW-Authenticate");
	struct challenge ch;
	int ret = -1;

	pthread_mutex_lock(&r->lock);
	if (r->auth_gen != gen) {
		ret = 0;
		goto out;
	}
	if (!value || challenge_parse(value, &ch) < 0) {
		reg_error(r, "'%s' answered 401 without a usable WWW-Authenticate challenge", r->host);
		reg_fail(r, EXIT_AUTH);
		goto out;
	}
	if (!strcmp(ch.scheme, "basic")) {
		if (!r->creds.user)
			reg_error(r, "'%s' needs credentials: set OCI_USERNAME and OCI_PASSWORD, or docker login %s",
				  r->host, r->host);
		else if (r->auth_basic)
			reg_error(r, "'%s' refused user '%s' (from %s): check the password", r->host,
				  r->creds.user, r->creds.from);
		else {
			free(r->auth);
			r->auth = basic_value(r);
			r->auth_basic = 1;
			ret = 0;
		}
	} else if (!strcmp(ch.scheme, "bearer") && ch.realm) {
		free(r->realm);
		free(r->service);
		r->realm = xstrdup(ch.realm);
		r->service = ch.service ? xstrdup(ch.service) : NULL;
		for (char *s = ch.scope, *next; s && *s; s = next) {
			next = strchr(s, ' ');
			if (next)
				*next++ = '\0';
			if (*s)
				reg_add_scope(r, s);
		}
		ret = fetch_token(r, curl);
	} else {
		reg_error(r, "'%s' asks for '%s' authentication, which is not supported", r->host, ch.scheme);
	}
	if (ret < 0)
		reg_fail(r, EXIT_AUTH);
	else
		r->auth_gen++;
	challenge_release(&ch);
out:
	pthread_mutex_unlock(&r->lock);
	free(value);
	return ret;
}

/* ---- requests with retries ---- */

static int retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT: case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT: case CURLE_SEND_ERROR: case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE: case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM: case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* Milliseconds to wait before attempt n (from 1): doubling, jitter, Retry-After. */
static long backoff_ms(int n, const struct reg_resp *p)
{
	char *ra = resp_header(p, "Retry-After");
	long ms = 500L << (n - 1 < 6 ? n - 1 : 6);
	unsigned long secs;

	ms += rand() % (ms / 2 + 1);
	if (ra && !parse_ulong(ra, &secs))
		ms = secs > 600 ? 600000 : (long)secs * 1000;
	free(ra);
	return ms;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int reg_do(struct reg *r, CURL *curl, const struct reg_req *q, struct reg_resp *p)
{
	char *url = q->url[0] == '/' ? xstrfmt("%s%s", r->base, q->url) : xstrdup(q->url);
	long long deadline = now_ms() + r->deadline_ms;
	int attempt = 0, reauths = 0, hops = 0;

	for (;;) {
		char *auth = NULL;
		unsigned gen = 0;
		CURLcode rc;
		char *fault = NULL;

		if (q->fixed_auth) {
			auth = xstrdup(q->fixed_auth);
		} else if (same_origin(url, r->base)) {
			pthread_mutex_lock(&r->lock);
			auth = r->auth ? xstrdup(r->auth) : NULL;
			gen = r->auth_gen;
			pthread_mutex_unlock(&r->lock);
		}
		rc = perform(r, curl, url, auth, q, p);
		free(auth);
		if (rc != CURLE_OK) {
			fault = xstrfmt("%s", curl_easy_strerror(rc));
			if (!retryable_curl(rc)) {
				reg_error(r, "%s %s failed: %s", q->method, url, fault);
				reg_fail(r, rc == CURLE_PEER_FAILED_VERIFICATION ? EXIT_AUTH : EXIT_TEMPFAIL);
				free(fault);
				free(url);
				return -1;
			}
		} else if (p->status == 401 && !q->fixed_auth && same_origin(url, r->base) && reauths < 2) {
			reauths++;
			if (reauth(r, curl, p, gen) < 0) {
				free(url);
				return -1;
			}
			continue;
		} else if (p->status >= 300 && p->status < 400 && p->status != 304 &&
			   (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"))) {
			char *loc = resp_header(p, "Location");

			if (loc && ++hops <= MAX_HOPS) {
				char *next = url_resolve(url, loc);

				free(loc);
				free(url);
				url = next;
				continue;
			}
			free(loc);
		} else if (p->status == 408 || p->status == 429 || p->status >= 500) {
			char *text = reg_error_text(p);

			fault = xstrfmt("HTTP %ld (%s)", p->status, text);
			free(text);
		}
		if (!fault || q->no_retry) {
			if (fault && q->no_retry && rc != CURLE_OK) {
				free(p->fault);
				p->fault = fault;
				free(url);
				return -2;
			}
			free(fault);
			free(p->url);
			p->url = url;
			return 0;
		}
		attempt++;
		long wait = backoff_ms(attempt, p);
		if (attempt > r->max_retries || now_ms() + wait > deadline) {
			reg_error(r, "%s %s failed after %d attempts: %s; try again later", q->method, url,
				  attempt, fault);
			reg_fail(r, EXIT_TEMPFAIL);
			free(fault);
			free(url);
			return -1;
		}
		reg_warn(r, "%s %s: %s; retrying in %.1f s (attempt %d of %d)", q->method, url, fault,
			 wait / 1000.0, attempt + 1, r->max_retries + 1);
		free(fault);
		sleep_ms(wait);
	}
}

/* ---- setup ---- */

static int loopback(const char *host)
{
	return starts_with(host, "localhost") || starts_with(host, "127.") || starts_with(host, "[::1]");
}

int repo_valid(const char *s)
{
	/* lowercase components [a-z0-9]+ joined by ".", "_", "__" or "-"s, separated by "/" */
	if (!*s || strlen(s) > 255)
		return 0;
	for (const char *p = s; *p; p++) {
		int alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');

		if (alnum)
			continue;
		if (!strchr("._-/", *p) || p == s || !p[1])
			return 0;
		if (*p == '/' && (p[-1] == '/' || strchr("._-", p[-1]) || strchr("._-/", p[1])))
			return 0;
		if (*p != '/' && (p[-1] == '/' || p[1] == '/'))
			return 0;
	}
	return 1;
}

int reg_init(struct reg *r, const char *reference)
{
	const char *s = reference, *slash;
	const char *env;
	unsigned long ms;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->msg_lock, NULL);
	strvec_init(&r->scopes);
	r->timeout_ms = 30000;
	r->deadline_ms = 120000;
	r->max_retries = 5;
	if ((env = getenv("SHIPSYNC_HTTP_DEADLINE_MS")) && !parse_ulong(env, &ms) && ms)
		r->deadline_ms = ms;
	if ((env = getenv("SHIPSYNC_HTTP_TIMEOUT_MS")) && !parse_ulong(env, &ms) && ms)
		r->timeout_ms = ms;
	if ((env = getenv("CURL_CA_BUNDLE")) && *env)
		r->ca_file = xstrdup(env);
	else if ((env = getenv("SSL_CERT_FILE")) && *env)
		r->ca_file = xstrdup(env);

	if (starts_with(s, "https://"))
		r->scheme = xstrdup("https"), s += 8;
	else if (starts_with(s, "http://"))
		r->scheme = xstrdup("http"), s += 7;
	slash = strchr(s, '/');
	if (!slash || slash == s)
		return error("'%s' names no registry: write REGISTRY/REPOSITORY, e.g. ghcr.io/acme/app", reference);
	r->host = xstrndup(s, slash - s);
	r->repo = xstrdup(slash + 1);
	if (strpbrk(r->host, "@?# \t") || (!strchr(r->host, '.') && !strchr(r->host, ':') &&
					    strcmp(r->host, "localhost")))
		return error("'%s' is not a registry host: write REGISTRY/REPOSITORY, e.g. docker.io/acme/app", r->host);
	if (strpbrk(r->repo, ":@"))
		return error("'%s': give tags with --tag, not in the repository name", reference);
	if (!repo_valid(r->repo))
		return error("'%s' is not a valid repository name (lowercase letters, digits, separators . _ - /)", r->repo);
	if (!strcmp(r->host, "docker.io") || !strcmp(r->host, "index.docker.io"))
		r->api_host = xstrdup("registry-1.docker.io");
	else
		r->api_host = xstrdup(r->host);
	if (!r->scheme)
		r->scheme = xstrdup(loopback(r->host) ? "http" : "https");
	r->base = xstrfmt("%s://%s", r->scheme, r->api_host);
	{
		char *scope = xstrfmt("repository:%s:pull,push", r->repo);

		reg_add_scope(r, scope);
		free(scope);
	}
	return 0;
}

void reg_release(struct reg *r)
{
	free(r->scheme);
	free(r->host);
	free(r->api_host);
	free(r->base);
	free(r->repo);
	free(r->ca_file);
	free(r->auth);
	free(r->realm);
	free(r->service);
	strvec_clear(&r->scopes);
	creds_release(&r->creds);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->msg_lock);
}
