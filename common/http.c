/*
 * HTTP over libcurl: clients with origin-bound credentials, one retry
 * policy, redirects followed here so that a credential never reaches an
 * origin it was not given for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "encode.h"
#include "http.h"
#include "strbuf.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS	30000L
#define DEFAULT_DEADLINE_MS	120000L
#define DEFAULT_RETRIES		5
#define DEFAULT_RETRY_DELAY_MS	1000L
#define DEFAULT_MAX_BODY	(16UL << 20)
#define MAX_BACKOFF_MS		30000L
/* A server may ask for a long pause; more than this is not worth waiting for. */
#define MAX_RETRY_AFTER_MS	300000L
#define CONNECT_TIMEOUT_MS	10000L
#define MAX_REDIRECTS		10
#define PROGRESS_EVERY_MS	200
#define UPLOAD_BUFFER		(1L << 20)

/* ---- clients and their credentials ---- */

struct credential {
	char *origin;		/* "scheme://host:port" */
	char *value;		/* the Authorization value */
};

/* Shared by the clients of one tool's threads. */
struct credentials {
	pthread_mutex_t lock;
	int refs;
	struct credential *v;
	size_t nr, alloc;
};

struct http_client {
	CURL *curl;
	struct credentials *creds;
	char *ca_file;		/* trusted instead of the system's CAs, or NULL */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static struct http_client *default_client;

static void global_cleanup(void)
{
	http_client_free(default_client);
	default_client = NULL;
	curl_global_cleanup();
}

static void global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		die_code(EXIT_SYSTEM, "cannot initialise libcurl");
	atexit(global_cleanup);
}

static struct http_client *client_over(struct credentials *creds)
{
	struct http_client *c = xcalloc(1, sizeof(*c));

	pthread_once(&global_once, global_init);
	if (!(c->curl = curl_easy_init()))
		die_code(EXIT_SYSTEM, "cannot create a libcurl handle");
	c->creds = creds;
	pthread_mutex_lock(&creds->lock);
	creds->refs++;
	pthread_mutex_unlock(&creds->lock);
	return c;
}

struct http_client *http_client_new(void)
{
	struct credentials *creds = xcalloc(1, sizeof(*creds));

	pthread_mutex_init(&creds->lock, NULL);
	return client_over(creds);
}

struct http_client *http_client_share(struct http_client *c)
{
	struct http_client *copy = client_over(c->creds);

	copy->ca_file = c->ca_file ? xstrdup(c->ca_file) : NULL;
	return copy;
}

void http_client_ca_file(struct http_client *c, const char *path)
{
	free(c->ca_file);
	c->ca_file = path ? xstrdup(path) : NULL;
}

static void forget(struct credential *cr)
{
	if (cr->value)
		memset(cr->value, 0, strlen(cr->value));
	free(cr->value);
	free(cr->origin);
}

void http_client_free(struct http_client *c)
{
	struct credentials *creds;
	int last;

	if (!c)
		return;
	creds = c->creds;
	curl_easy_cleanup(c->curl);
	free(c->ca_file);
	free(c);
	pthread_mutex_lock(&creds->lock);
	last = --creds->refs == 0;
	pthread_mutex_unlock(&creds->lock);
	if (!last)
		return;
	for (size_t i = 0; i < creds->nr; i++)
		forget(&creds->v[i]);
	free(creds->v);
	pthread_mutex_destroy(&creds->lock);
	free(creds);
}

struct http_client *http_default_client(void)
{
	if (!default_client)
		default_client = http_client_new();
	return default_client;
}

/* "Basic" carries base64 of user:password: the decoded password is a secret too. */
static void register_basic_password(const char *token)
{
	struct strbuf plain = STRBUF_INIT;
	char *colon;

	if (!decode_base64(&plain, token, strlen(token)) &&
	    (colon = memchr(plain.buf, ':', plain.len)))
		secret_add(colon + 1);
	memset(plain.buf, 0, plain.len);
	strbuf_release(&plain);
}

static void register_credential(const char *value)
{
	const char *token = strchr(value, ' ');

	secret_add(value);
	if (!token)
		return;
	token += strspn(token, " ");
	secret_add(token);
	if (!strncasecmp(value, "Basic ", 6))
		register_basic_password(token);
}

int http_client_auth(struct http_client *c, const char *url, const char *value)
{
	struct credentials *creds = c->creds;
	char *origin = http_url_origin(url);
	size_t i;

	if (!origin)
		return error("'%s' is not an http(s) URL: no credentials can be bound to it", url);
	if (value && strpbrk(value, "\r\n")) {
		error("a credential for '%s' holds a line break; refusing it", origin);
		free(origin);
		return -1;
	}
	if (value)
		register_credential(value);
	pthread_mutex_lock(&creds->lock);
	for (i = 0; i < creds->nr && strcmp(creds->v[i].origin, origin); i++)
		;
	if (i < creds->nr) {
		forget(&creds->v[i]);
		creds->v[i] = creds->v[--creds->nr];
	}
	if (value) {
		ALLOC_GROW(creds->v, creds->nr + 1, creds->alloc);
		creds->v[creds->nr].origin = origin;
		creds->v[creds->nr++].value = xstrdup(value);
		origin = NULL;
	}
	pthread_mutex_unlock(&creds->lock);
	free(origin);
	return 0;
}

static char *basic_value(const char *user, const char *password)
{
	struct strbuf pair = STRBUF_INIT, value = STRBUF_INIT;

	strbuf_addf(&pair, "%s:%s", user, password);
	strbuf_addstr(&value, "Basic ");
	encode_base64(&value, pair.buf, pair.len);
	memset(pair.buf, 0, pair.len);
	strbuf_release(&pair);
	return strbuf_detach(&value, NULL);
}

int http_client_basic(struct http_client *c, const char *url, const char *user, const char *password)
{
	char *value = basic_value(user, password);
	int ret;

	secret_add(password);
	ret = http_client_auth(c, url, value);
	memset(value, 0, strlen(value));
	free(value);
	return ret;
}

/* The credential for origin, malloc'ed, or NULL. */
static char *credential_for(struct credentials *creds, const char *origin)
{
	char *value = NULL;

	pthread_mutex_lock(&creds->lock);
	for (size_t i = 0; i < creds->nr; i++)
		if (!strcmp(creds->v[i].origin, origin))
			value = xstrdup(creds->v[i].value);
	pthread_mutex_unlock(&creds->lock);
	return value;
}

/* ---- URLs ---- */

static CURLU *parse_url(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int ok;

	if (!u)
		die_code(EXIT_SYSTEM, "out of memory parsing a URL");
	ok = !curl_url_set(u, CURLUPART_URL, url, 0) &&
	     !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	     (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
	curl_free(scheme);
	if (!ok) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

char *http_url_resolve(const char *base, const char *ref)
{
	CURLU *u = parse_url(base);
	char *joined = NULL, *scheme = NULL, *res = NULL;

	if (!u)
		return NULL;
	if (!curl_url_set(u, CURLUPART_URL, ref, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    (!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
	    !curl_url_get(u, CURLUPART_URL, &joined, 0))
		res = xstrdup(joined);
	curl_free(joined);
	curl_free(scheme);
	curl_url_cleanup(u);
	return res;
}

char *http_url_origin(const char *url)
{
	CURLU *u = parse_url(url);
	char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;

	if (!u)
		return NULL;
	if (!curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0) &&
	    !curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT)) {
		res = xstrfmt("%s://%s:%s", scheme, host, port);
		for (char *p = res; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 'a' - 'A';
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return res;
}

int http_same_origin(const char *a, const char *b)
{
	char *oa = http_url_origin(a), *ob = http_url_origin(b);
	int same = oa && ob && !strcmp(oa, ob);

	free(oa);
	free(ob);
	return same;
}

/* Where the user:password part of a URL starts and how long it is (with the '@'). */
static size_t userinfo_span(const char *url, size_t *start)
{
	const char *auth = strstr(url, "://");
	size_t end, at = 0;

	if (!auth)
		return 0;
	auth += 3;
	end = strcspn(auth, "/?#");
	for (size_t i = 0; i < end; i++)
		if (auth[i] == '@')
			at = i + 1;
	*start = auth - url;
	return at;
}

char *http_url_display(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	size_t start = 0, len = userinfo_span(url, &start);

	strbuf_addstr(&sb, url);
	if (len)
		strbuf_remove(&sb, start, len);
	return strbuf_detach(&sb, NULL);
}

char *http_url_split_userinfo(const char *url, char **user, char **password)
{
	CURLU *u = parse_url(url);
	char *name = NULL, *secret = NULL, *clean = NULL, *res = NULL;

	if (user)
		*user = NULL;
	if (password)
		*password = NULL;
	if (!u)
		return NULL;
	curl_url_get(u, CURLUPART_USER, &name, CURLU_URLDECODE);
	curl_url_get(u, CURLUPART_PASSWORD, &secret, CURLU_URLDECODE);
	if (secret)
		secret_add(secret);
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
	if (!curl_url_get(u, CURLUPART_URL, &clean, 0))
		res = xstrdup(clean);
	if (user && name)
		*user = xstrdup(name);
	if (password && secret)
		*password = xstrdup(secret);
	curl_free(clean);
	curl_free(name);
	curl_free(secret);
	curl_url_cleanup(u);
	return res;
}

/* url without user:password; the Basic value they make goes to *basic (or NULL). */
static char *split_userinfo(const char *url, char **basic)
{
	char *user, *password, *clean = http_url_split_userinfo(url, &user, &password);

	*basic = user || password ? basic_value(user ? user : "", password ? password : "") : NULL;
	free(user);
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	return clean;
}

int http_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char *bare = NULL;
	int yes;

	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (host[0] == '[' && host[strlen(host) - 1] == ']')
		host = bare = xstrndup(host + 1, strlen(host) - 2);
	yes = inet_pton(AF_INET6, host, &a6) == 1 && !memcmp(&a6, &in6addr_loopback, sizeof(a6));
	free(bare);
	return yes;
}

/* ---- one transfer ---- */

/* Everything one call of http_request() tracks across attempts and redirects. */
struct transfer {
	const struct http_request *req;
	struct http_response *resp;
	struct http_client *client;
	const char *method;	/* of the current hop: a redirect may turn POST into GET */
	int send_body;		/* the current hop carries the request body */
	long status;		/* of the response being received */
	char *url_basic;	/* Basic credentials from the request URL's userinfo */
	char *url_origin;	/* the origin they belong to */

	curl_off_t body_sent;
	int downloading;	/* a 2xx body goes to req->download or req->download_hash */
	off_t download_start;	/* offset of download when the request began, or -1 */
	curl_off_t downloaded;
	int download_errno;
	int download_too_long;
	int body_read_failed;
	int body_too_long;
	size_t max_body;

	int progress;		/* draw the bar: a label and stderr is a terminal */
	long long progress_ms;
	int progress_drawn;
	curl_off_t progress_now, progress_total;

	char errbuf[CURL_ERROR_SIZE];
};

enum outcome {
	DONE,		/* a final response: the caller judges its status */
	RETRY,		/* a fault or status worth another attempt */
	FAIL,		/* no point in trying again; the message is in why */
	DEADLINE,	/* the overall deadline passed during the attempt */
};

static long env_ms(const char *name, long fallback)
{
	const char *v = getenv(name);
	unsigned long n;

	if (!v || !*v || parse_ulong(v, &n) || n == 0 || n > 86400000UL)
		return fallback;
	return (long)n;
}

static long deadline_of(long deadline_ms)
{
	return deadline_ms > 0 ? deadline_ms : env_ms("SHIPSYNC_HTTP_DEADLINE_MS", DEFAULT_DEADLINE_MS);
}

static const char *initial_method(const struct http_request *req)
{
	if (req->method)
		return req->method;
	return req->body || req->body_fd > 0 || req->form ? "POST" : "GET";
}

/* "METHOD url" as messages show it. */
static char *label_of(const struct http_request *req)
{
	char *url = http_url_display(req->url);
	char *label = xstrfmt("%s %s", initial_method(req), url);

	free(url);
	return label;
}

/* A header with a line break would smuggle more headers into the request. */
static int check_headers(const struct http_request *req, struct strbuf *why)
{
	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		size_t name = strcspn(req->headers[i], ":\r\n");

		if (strpbrk(req->headers[i], "\r\n")) {
			strbuf_addf(why, "header '%.*s' holds a line break; refusing to send it",
				    (int)name, req->headers[i]);
			return -1;
		}
		if (!strncasecmp(req->headers[i], "Authorization:", 14)) {
			strbuf_addstr(why, "an Authorization header was given with the request; "
				      "credentials are bound to their origin through the client");
			return -1;
		}
	}
	return 0;
}

/* What libcurl says went wrong, as a lowercase phrase. */
static void describe_failure(struct strbuf *why, CURLcode res, const char *errbuf)
{
	strbuf_reset(why);
	strbuf_addstr(why, *errbuf ? errbuf : curl_easy_strerror(res));
	strbuf_rtrim(why);
	if (why->len && why->buf[0] >= 'A' && why->buf[0] <= 'Z' &&
	    !(why->len > 1 && why->buf[1] >= 'A' && why->buf[1] <= 'Z'))
		why->buf[0] += 'a' - 'A';
}

/* Connection faults worth another attempt (curl's "transient" errors and more). */
static int transient(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

int http_status_retryable(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

static int is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (len > 5 && !memcmp(data, "HTTP/", 5)) {
		/* A new response (after 100 Continue, say): keep only its headers. */
		const char *sp = memchr(data, ' ', len);

		strbuf_reset(&t->resp->headers);
		t->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return len;
	}
	if (len && data[0] != '\r' && data[0] != '\n')
		strbuf_add(&t->resp->headers, data, len);
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (t->downloading && t->status >= 200 && t->status <= 299) {
		if (t->req->max_download > 0 && t->downloaded + (curl_off_t)len > t->req->max_download) {
			t->download_too_long = 1;
			return 0;
		}
		if (t->req->download_hash) {
			sha256_update(t->req->download_hash, data, len);
		} else if (fwrite(data, 1, len, t->req->download) != len) {
			t->download_errno = errno ? errno : EIO;
			return 0;
		}
		t->downloaded += len;
		return len;
	}
	if (t->resp->body.len + len > t->max_body) {
		t->body_too_long = 1;
		return 0;
	}
	strbuf_add(&t->resp->body, data, len);
	return len;
}

/* Bytes of the file body, by offset: the same file may feed several threads. */
static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	const struct http_request *req = t->req;
	size_t want = size * n;
	curl_off_t left = (curl_off_t)req->body_len - t->body_sent;
	off_t at = req->body_offset + (off_t)t->body_sent;
	ssize_t got;

	if ((curl_off_t)want > left)
		want = (size_t)left;
	if (!want)
		return 0;
	do
		got = pread(req->body_fd, buf, want, at);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		/* Shorter than body_len, or unreadable: curl must not send a short body. */
		t->body_read_failed = 1;
		return CURL_READFUNC_ABORT;
	}
	if (req->body_hash && at <= req->body_hash->upto && at + got > req->body_hash->upto) {
		off_t skip = req->body_hash->upto - at;

		sha256_update(&req->body_hash->h, buf + skip, (size_t)(got - skip));
		req->body_hash->upto = at + got;
	}
	t->body_sent += got;
	if (req->on_progress)
		req->on_progress(req->progress_arg, t->body_sent);
	return (size_t)got;
}

static int on_seek(void *arg, curl_off_t offset, int origin)
{
	struct transfer *t = arg;

	if (origin != SEEK_SET || offset < 0 || offset > (curl_off_t)t->req->body_len)
		return CURL_SEEKFUNC_CANTSEEK;
	t->body_sent = offset;
	return CURL_SEEKFUNC_OK;
}

static void human_size(char *buf, size_t len, curl_off_t n)
{
	if (n >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)n / (1024 * 1024));
	else if (n >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)n / 1024);
	else
		snprintf(buf, len, "%ld B", (long)n);
}

static void draw_progress(const struct transfer *t)
{
	curl_off_t now = t->progress_now, total = t->progress_total;
	char done[32], all[32], bar[31];
	int width = 30, filled;

	human_size(done, sizeof(done), now);
	if (total <= 0) {
		fprintf(stderr, "\r%s %s\033[K", t->req->progress_label, done);
		return;
	}
	filled = now >= total ? width : (int)(now * width / total);
	memset(bar, '#', filled);
	memset(bar + filled, ' ', width - filled);
	bar[width] = '\0';
	human_size(all, sizeof(all), total);
	fprintf(stderr, "\r%s [%s] %3d%% %s of %s\033[K", t->req->progress_label, bar,
		now >= total ? 100 : (int)(now * 100 / total), done, all);
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = arg;
	int upload = t->send_body && ultotal > 0;
	long long ms = now_ms();

	t->progress_now = upload ? ulnow : dlnow;
	t->progress_total = upload ? ultotal : dltotal;
	if (ms - t->progress_ms < PROGRESS_EVERY_MS || (!t->progress_now && !t->progress_total))
		return 0;
	t->progress_ms = ms;
	draw_progress(t);
	t->progress_drawn = 1;
	return 0;
}

/* Leave the bar as the transfer ended, on a line of its own. */
static void end_progress(struct transfer *t)
{
	if (t->progress_drawn) {
		draw_progress(t);
		fputc('\n', stderr);
	}
	t->progress_drawn = 0;
	t->progress_ms = 0;
}

static struct curl_slist *append_header(struct curl_slist *list, const char *line)
{
	struct curl_slist *grown = curl_slist_append(list, line);

	if (!grown)
		die_code(EXIT_SYSTEM, "out of memory building request headers");
	return grown;
}

/* The caller's headers, and the credential of this hop's origin when it has one. */
static struct curl_slist *build_headers(const struct transfer *t, const char *url, int same_origin)
{
	const struct http_request *req = t->req;
	struct curl_slist *list = NULL;
	char *origin = http_url_origin(url), *value = NULL;

	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		/* A cookie is a credential too: it stays on the request's own origin. */
		if (!same_origin && !strncasecmp(req->headers[i], "Cookie:", 7))
			continue;
		list = append_header(list, req->headers[i]);
	}
	if (origin && t->url_basic && !strcmp(origin, t->url_origin))
		value = xstrdup(t->url_basic);
	else if (origin)
		value = credential_for(t->client->creds, origin);
	if (value) {
		char *line = xstrfmt("Authorization: %s", value);

		list = append_header(list, line);
		memset(line, 0, strlen(line));
		memset(value, 0, strlen(value));
		free(line);
	}
	free(value);
	free(origin);
	/* No "Expect: 100-continue" round trip: servers answer early anyway. */
	return append_header(list, "Expect:");
}

static curl_mime *set_body(CURL *curl, struct transfer *t)
{
	const struct http_request *req = t->req;
	const char *m = t->method;
	curl_mime *form = NULL;

	if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (t->send_body && req->form) {
		form = req->form(curl, req->form_arg);
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
	} else if (t->send_body && req->body_fd > 0) {
		t->body_sent = 0;
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, t);
		curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(curl, CURLOPT_SEEKDATA, t);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, UPLOAD_BUFFER);
	} else if ((t->send_body && req->body) || !strcmp(m, "POST") ||
		   !strcmp(m, "PUT") || !strcmp(m, "PATCH")) {
		/* An empty body still says Content-Length: 0, as servers expect. */
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, t->send_body && req->body ? req->body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(t->send_body && req->body ? req->body_len : 0));
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	if (strcmp(m, "GET") && strcmp(m, "POST"))
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m);
	return form;
}

static void set_tls(CURL *curl, const struct http_request *req, const struct http_client *c)
{
	const char *ca = req->ca_file ? req->ca_file : c->ca_file, *capath = getenv("SSL_CERT_DIR");

	if (!ca && (ca = getenv("CURL_CA_BUNDLE")) && !*ca)
		ca = NULL;
	if (!ca && (ca = getenv("SSL_CERT_FILE")) && !*ca)
		ca = NULL;
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	if (capath && *capath && !req->ca_file && !c->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAPATH, capath);
}

/* Time limits of one exchange: a whole-attempt limit, or a stall limit for big transfers. */
static void set_limits(CURL *curl, const struct http_request *req, long limit_ms)
{
	if (req->stall_ms > 0) {
		long secs = req->stall_ms < 1000 ? 1 : req->stall_ms / 1000;

		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, secs);
		limit_ms = req->stall_ms;
	} else {
		curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, limit_ms);
	}
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 limit_ms < CONNECT_TIMEOUT_MS ? limit_ms : CONNECT_TIMEOUT_MS);
}

/* One HTTP exchange with url, no redirects followed: libcurl's verdict. */
static CURLcode exchange(struct transfer *t, const char *url, int same_origin, long limit_ms)
{
	const struct http_request *req = t->req;
	CURL *curl = t->client->curl;
	struct curl_slist *headers = build_headers(t, url, same_origin);
	curl_mime *form;
	CURLcode res;

	curl_easy_reset(curl);
	t->status = 0;
	t->errbuf[0] = '\0';
	strbuf_reset(&t->resp->body);
	strbuf_reset(&t->resp->headers);

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	set_tls(curl, req, t->client);
	if (req->unix_socket)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
	set_limits(curl, req, limit_ms);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "shipsync/" SHIPSYNC_VERSION);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
	if (t->progress) {
		curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(curl, CURLOPT_XFERINFODATA, t);
	}
	form = set_body(curl, t);

	res = curl_easy_perform(curl);
	end_progress(t);
	/* The handle outlives this call: it must not keep pointers into it. */
	curl_easy_reset(curl);
	curl_mime_free(form);
	curl_slist_free_all(headers);
	return res;
}

/* Put the download back where it was, for another go: -1 if impossible. */
static int rewind_download(struct transfer *t)
{
	FILE *f = t->req->download;

	if (!t->downloading || !t->downloaded)
		return 0;
	if (t->req->download_hash) {
		unsigned char discard[SHA256_LEN];

		sha256_final(t->req->download_hash, discard);
		sha256_init(t->req->download_hash);
		t->downloaded = 0;
		return 0;
	}
	if (t->download_start < 0 || fflush(f) || fseeko(f, t->download_start, SEEK_SET) ||
	    ftruncate(fileno(f), t->download_start))
		return -1;
	t->downloaded = 0;
	return 0;
}

static enum outcome failed_exchange(struct transfer *t, CURLcode res, int cut_by_deadline,
				    struct strbuf *why)
{
	describe_failure(why, res, t->errbuf);
	t->resp->exit_code = EXIT_TEMPFAIL;
	if (t->body_too_long || t->download_too_long) {
		strbuf_reset(why);
		if (t->download_too_long)
			strbuf_addf(why, "the download is longer than %lld bytes; refusing to read more",
				    (long long)t->req->max_download);
		else
			strbuf_addf(why, "the answer is longer than %zu bytes; refusing to read more", t->max_body);
		t->resp->exit_code = EXIT_DATA;
		t->resp->too_long = 1;
		return FAIL;
	}
	if (t->download_errno) {
		strbuf_addf(why, " (writing the download: %s)", strerror(t->download_errno));
		t->resp->exit_code = EXIT_SYSTEM;
	} else if (t->body_read_failed) {
		strbuf_addstr(why, " (reading the request body failed or it ended early)");
		t->resp->exit_code = EXIT_SYSTEM;
	}
	if (res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE) {
		strbuf_addstr(why, "; a server with a private CA needs its bundle in CURL_CA_BUNDLE");
		t->resp->exit_code = EXIT_AUTH;
	}
	if (res == CURLE_OPERATION_TIMEDOUT && cut_by_deadline)
		return DEADLINE;
	return transient(res) ? RETRY : FAIL;
}

/* The next hop after a redirect, or NULL (why says why) when it cannot be followed. */
static char *next_hop(struct transfer *t, const char *url, int hops, struct strbuf *why)
{
	char *location = http_header(t->resp, "Location"), *next, *clean, *ignored;

	next = location ? http_url_resolve(url, location) : NULL;
	free(location);
	t->resp->exit_code = EXIT_DATA;
	if (!next) {
		strbuf_addf(why, "redirected with %ld to a location that is not an http(s) URL", t->status);
		return NULL;
	}
	if (hops >= MAX_REDIRECTS) {
		strbuf_addf(why, "more than %d redirects", MAX_REDIRECTS);
		free(next);
		return NULL;
	}
	t->resp->exit_code = 0;
	/* Credentials a server writes into a Location are never used. */
	clean = split_userinfo(next, &ignored);
	free(ignored);
	free(next);
	if (t->status == 303 && strcmp(t->method, "HEAD")) {
		t->method = "GET";
		t->send_body = 0;
	} else if ((t->status == 301 || t->status == 302) && !strcmp(t->method, "POST")) {
		t->method = "GET";
		t->send_body = 0;
	}
	return clean;
}

/*
 * One attempt: the request and the redirects it leads to. Each hop carries
 * the credential of its own origin, if the client has one, and no other.
 */
static enum outcome attempt(struct transfer *t, const char *first_url, long long deadline,
			    struct strbuf *why)
{
	const struct http_request *req = t->req;
	char *url = xstrdup(first_url);
	enum outcome out = DONE;

	t->method = initial_method(req);
	t->send_body = 1;
	for (int hops = 0;; hops++) {
		long long left = deadline - now_ms();
		long limit = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
		int cut_by_deadline = req->stall_ms <= 0 && left <= limit;
		char *next;
		CURLcode res;

		if (left <= 0) {
			strbuf_addstr(why, "no response before the deadline");
			out = DEADLINE;
			break;
		}
		if (cut_by_deadline)
			limit = (long)left;
		res = exchange(t, url, http_same_origin(url, first_url), limit);
		free(t->resp->effective_url);
		t->resp->effective_url = xstrdup(url);
		t->resp->status = res == CURLE_OK ? t->status : 0;
		if (res != CURLE_OK) {
			out = failed_exchange(t, res, cut_by_deadline, why);
			break;
		}
		if (!req->follow_redirects || !is_redirect(t->status))
			break;
		if (!(next = next_hop(t, url, hops, why))) {
			out = FAIL;
			break;
		}
		if (req->same_origin && !http_same_origin(next, first_url)) {
			/* Not even asked anonymously: the caller reads this 3xx as the answer. */
			free(next);
			break;
		}
		free(url);
		url = next;
	}
	free(url);
	return out;
}

/* A final response the usual rules, or the service's own, want retried. */
static enum outcome judge_final(const struct http_request *req, const struct http_response *resp,
				long *wait_ms, struct strbuf *why)
{
	enum http_verdict v = HTTP_AS_USUAL;

	*wait_ms = -1;
	if (req->classify)
		v = req->classify(resp, wait_ms, why, req->classify_arg);
	if (v == HTTP_FINAL || (v == HTTP_AS_USUAL && !http_status_retryable(resp->status)))
		return DONE;
	if (!why->len)
		strbuf_addf(why, "HTTP %ld", resp->status);
	return RETRY;
}

long http_retry_after_ms(const struct http_response *resp)
{
	char *v = http_header(resp, "Retry-After");
	unsigned long secs;
	long ms = -1;

	if (!v)
		return -1;
	if (!parse_ulong(v, &secs)) {
		ms = secs > MAX_RETRY_AFTER_MS / 1000 ? MAX_RETRY_AFTER_MS : (long)secs * 1000;
	} else {
		time_t when = curl_getdate(v, NULL);

		time_t now = time(NULL);

		/* A date centuries ahead must not overflow on its way to the cap. */
		if (when != -1 && when - now > MAX_RETRY_AFTER_MS / 1000)
			ms = MAX_RETRY_AFTER_MS;
		else if (when != -1)
			ms = when <= now ? 0 : (long)(when - now) * 1000;
	}
	free(v);
	return ms > MAX_RETRY_AFTER_MS ? MAX_RETRY_AFTER_MS : ms;
}

/* ---- the retry policy ---- */

/* The doubling wait before retry n (1-based), with jitter: half of it is random. */
static long backoff_ms(long first, int n)
{
	static unsigned long long seed;
	static pthread_mutex_t seed_lock = PTHREAD_MUTEX_INITIALIZER;
	long delay = first;
	unsigned long long x;

	for (int i = 1; i < n && delay < MAX_BACKOFF_MS; i++)
		delay *= 2;
	if (delay > MAX_BACKOFF_MS)
		delay = MAX_BACKOFF_MS;
	pthread_mutex_lock(&seed_lock);
	if (!seed)
		seed = ((unsigned long long)now_ms() << 16) ^ (unsigned long long)getpid() ^ 0x9e3779b97f4a7c15ULL;
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	x = seed;
	pthread_mutex_unlock(&seed_lock);
	return delay / 2 + (long)(x % (unsigned long long)(delay / 2 + 1));
}

void http_retry_begin(struct http_retry *r, const char *what, long deadline_ms, int max_retries)
{
	memset(r, 0, sizeof(*r));
	r->what = what;
	r->start = now_ms();
	r->deadline_ms = deadline_of(deadline_ms);
	r->deadline = r->start + r->deadline_ms;
	r->max_retries = max_retries < 0 ? 0 : max_retries ? max_retries : DEFAULT_RETRIES;
	r->first_delay_ms = env_ms("SHIPSYNC_HTTP_RETRY_DELAY_MS", DEFAULT_RETRY_DELAY_MS);
}

/* Whether one more attempt fits: then warn and wait for it. */
static int wait_to_retry(struct http_retry *r, long wait, const char *why, struct strbuf *stop)
{
	if (r->attempts > r->max_retries)
		return 0;
	if (wait < 0)
		wait = backoff_ms(r->first_delay_ms, r->attempts);
	if (wait > MAX_RETRY_AFTER_MS)
		wait = MAX_RETRY_AFTER_MS;
	if (now_ms() + wait >= r->deadline) {
		if (stop)
			strbuf_addf(stop, "; waiting %.1f s more would run past the deadline of %.1f s",
				    wait / 1000.0, r->deadline_ms / 1000.0);
		return 0;
	}
	if (!r->quiet)
		warn("%s: %s, retrying in %.1f s (attempt %d of %d)", r->what, why, wait / 1000.0,
		     r->attempts + 1, r->max_retries + 1);
	sleep_ms(wait);
	return 1;
}

int http_retry_run(struct http_retry *r, int (*try_once)(void *arg, struct strbuf *why, long *wait_ms),
		   void *arg, struct strbuf *why, struct strbuf *stop)
{
	for (;;) {
		long wait = -1;

		strbuf_reset(why);
		r->attempts++;
		if (!try_once(arg, why, &wait))
			return 0;
		if (!wait_to_retry(r, wait, why->buf, stop))
			return -1;
	}
}

/* ---- the request ---- */

static void reset_response(struct http_response *resp)
{
	strbuf_reset(&resp->body);
	strbuf_reset(&resp->headers);
	strbuf_reset(&resp->error);
	free(resp->effective_url);
	resp->effective_url = NULL;
	resp->status = 0;
	resp->attempts = 0;
	resp->exit_code = 0;
	resp->too_long = 0;
}

/* The failure, printed (unless quiet) and kept in resp->error. */
static int report_failure(const struct http_request *req, struct http_response *resp,
			  const char *label, const char *why)
{
	strbuf_reset(&resp->error);
	strbuf_addf(&resp->error, "%s: %s", label, why);
	if (!req->quiet)
		error("%s", resp->error.buf);
	return -1;
}

static void add_ending(struct strbuf *why, enum outcome out, const struct http_retry *policy,
		       const struct http_response *resp, const struct strbuf *stop)
{
	if (out == DEADLINE)
		strbuf_addf(why, " (deadline of %.1f s reached)", policy->deadline_ms / 1000.0);
	if (resp->attempts > 1)
		strbuf_addf(why, " after %d attempts in %.1f s", resp->attempts,
			    (now_ms() - policy->start) / 1000.0);
	strbuf_addbuf(why, stop);
	if (out == RETRY || out == DEADLINE)
		strbuf_addstr(why, "; try again later");
}

static void transfer_init(struct transfer *t, const struct http_request *req, struct http_response *resp)
{
	memset(t, 0, sizeof(*t));
	t->req = req;
	t->resp = resp;
	t->client = req->client ? req->client : http_default_client();
	t->downloading = req->download || req->download_hash;
	t->download_start = req->download ? ftello(req->download) : -1;
	t->max_body = req->max_body ? req->max_body : DEFAULT_MAX_BODY;
	t->progress = req->progress_label && isatty(STDERR_FILENO);
}

/* One attempt of a request, for the retry loop: 1 when it is worth another. */
struct request_try {
	struct transfer *t;
	const char *url;
	long long deadline;
	enum outcome out;
};

static int try_request(void *arg, struct strbuf *why, long *wait_ms)
{
	struct request_try *rt = arg;
	struct transfer *t = rt->t;

	t->resp->attempts++;
	if (rewind_download(t)) {
		strbuf_addstr(why, "the download cannot be rewound to receive it again");
		t->resp->exit_code = EXIT_SYSTEM;
		rt->out = FAIL;
		return 0;
	}
	rt->out = attempt(t, rt->url, rt->deadline, why);
	if (rt->out == DONE)
		rt->out = judge_final(t->req, t->resp, wait_ms, why);
	if (rt->out == RETRY && *wait_ms < 0 && http_status_retryable(t->resp->status))
		*wait_ms = http_retry_after_ms(t->resp);
	return rt->out == RETRY;
}

int http_request(const struct http_request *req, struct http_response *resp)
{
	struct transfer t;
	struct http_retry policy;
	struct strbuf why = STRBUF_INIT, stop = STRBUF_INIT;
	char *label = label_of(req), *url;
	struct request_try rt = { &t, NULL, 0, FAIL };
	int ret = -1;

	reset_response(resp);
	transfer_init(&t, req, resp);
	http_retry_begin(&policy, label, req->deadline_ms, req->no_retry ? -1 : req->max_retries);
	policy.quiet = req->quiet;
	if (req->retry_delay_ms > 0)
		policy.first_delay_ms = req->retry_delay_ms;
	url = split_userinfo(req->url, &t.url_basic);
	if (!url)
		strbuf_addstr(&why, "not an http(s) URL");
	else if (t.url_basic)
		t.url_origin = http_url_origin(url);
	rt.url = url;
	rt.deadline = policy.deadline;
	if (url && !check_headers(req, &why))
		http_retry_run(&policy, try_request, &rt, &why, &stop);
	if (rt.out == DONE) {
		ret = 0;
		resp->exit_code = 0;
	} else {
		add_ending(&why, rt.out, &policy, resp, &stop);
		report_failure(req, resp, label, why.buf);
		if (rt.out != FAIL || !resp->exit_code)
			resp->exit_code = rt.out == FAIL ? EXIT_USAGE : EXIT_TEMPFAIL;
	}
	if (t.url_basic)
		memset(t.url_basic, 0, strlen(t.url_basic));
	free(t.url_basic);
	free(t.url_origin);
	free(url);
	free(label);
	strbuf_release(&why);
	strbuf_release(&stop);
	return ret;
}

void http_response_release(struct http_response *resp)
{
	strbuf_release(&resp->body);
	strbuf_release(&resp->headers);
	strbuf_release(&resp->error);
	free(resp->effective_url);
	resp->effective_url = NULL;
	resp->status = 0;
	resp->attempts = 0;
}

/* Call fn on the value of every header called name, in order; stop when it returns non-zero. */
static int each_header(const struct http_response *resp, const char *name,
		       int (*fn)(const char *value, size_t len, void *arg), void *arg)
{
	size_t name_len = strlen(name);
	const char *line = resp->headers.buf;

	while (*line) {
		size_t len = strcspn(line, "\r\n");

		if (len > name_len && line[name_len] == ':' && !strncasecmp(line, name, name_len)) {
			const char *v = line + name_len + 1;
			size_t vlen = len - name_len - 1;

			while (vlen && (*v == ' ' || *v == '\t'))
				v++, vlen--;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (fn(v, vlen, arg))
				return 1;
		}
		line += len;
		line += strspn(line, "\r\n");
	}
	return 0;
}

static int keep_value(const char *value, size_t len, void *arg)
{
	char **out = arg;

	free(*out);
	*out = xstrndup(value, len);
	return 0;
}

char *http_header(const struct http_response *resp, const char *name)
{
	char *found = NULL;

	each_header(resp, name, keep_value, &found);
	return found;
}

char *http_location(const struct http_response *resp)
{
	char *location = http_header(resp, "Location"), *target = NULL, *clean = NULL;

	if (location && resp->effective_url)
		target = http_url_resolve(resp->effective_url, location);
	if (target)
		clean = http_url_split_userinfo(target, NULL, NULL);
	free(location);
	free(target);
	return clean;
}

/* Whether the params of one link-value (after '>') say rel="next" (RFC 8288). */
static int rel_is_next(const char *p, const char *end)
{
	while (p < end) {
		const char *key, *val;
		size_t klen, vlen;

		p += strspn(p, " \t;");
		key = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		klen = p - key;
		while (klen && (key[klen - 1] == ' ' || key[klen - 1] == '\t'))
			klen--;
		if (p >= end || *p != '=')
			continue;
		p += 1 + strspn(p + 1, " \t");
		if (*p == '"') {
			val = ++p;
			while (p < end && *p != '"')
				p++;
			vlen = p - val;
			p += p < end;
		} else {
			val = p;
			while (p < end && *p != ';')
				p++;
			vlen = p - val;
			while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
				vlen--;
		}
		if (klen != 3 || strncasecmp(key, "rel", 3))
			continue;
		/* rel may hold several space-separated relation types. */
		for (size_t i = 0; i < vlen;) {
			size_t w = strcspn(val + i, " \t");

			if (w > vlen - i)
				w = vlen - i;
			if (w == 4 && !strncasecmp(val + i, "next", 4))
				return 1;
			i += w ? w : 1;
		}
	}
	return 0;
}

struct link_search {
	char *target;
};

/* One Link header value: link-values separated by commas outside <> and quotes. */
static int find_next(const char *value, size_t len, void *arg)
{
	struct link_search *s = arg;
	const char *p = value, *end = value + len;

	while (p < end) {
		const char *lt, *gt, *params_end;
		int quoted = 0;

		p += strspn(p, " \t,");
		if (p >= end || *p != '<')
			return 0;	/* not a Link value we can read: ignore the rest */
		lt = p;
		if (!(gt = memchr(lt, '>', end - lt)))
			return 0;
		for (params_end = gt + 1; params_end < end; params_end++) {
			if (*params_end == '"')
				quoted = !quoted;
			else if (*params_end == ',' && !quoted)
				break;
		}
		if (rel_is_next(gt + 1, params_end)) {
			s->target = xstrndup(lt + 1, gt - lt - 1);
			return 1;
		}
		p = params_end;
	}
	return 0;
}

char *http_link_next(const struct http_response *resp)
{
	struct link_search s = { NULL };
	char *url;

	if (!each_header(resp, "Link", find_next, &s))
		return NULL;
	url = resp->effective_url ? http_url_resolve(resp->effective_url, s.target) : NULL;
	free(s.target);
	return url;
}

int http_exit_code(long status)
{
	if (status >= 200 && status <= 299)
		return EXIT_OK;
	if (status == 401 || status == 403)
		return EXIT_AUTH;
	if (status == 404 || status == 410)
		return EXIT_NOTFOUND;
	if (status == 409)
		return EXIT_CONFLICT;
	if (status == 0 || http_status_retryable(status))
		return EXIT_TEMPFAIL;
	if (status >= 400 && status <= 499)
		return EXIT_DATA;
	return EXIT_NO;
}
