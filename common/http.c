/*
 * HTTP over libcurl: one request, retried by curl's rules, redirects followed
 * here so that credentials never leave the origin they were meant for.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "strbuf.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS	30000L
#define DEFAULT_DEADLINE_MS	120000L
#define DEFAULT_RETRIES		5
#define DEFAULT_RETRY_DELAY_MS	1000L
#define MAX_BACKOFF_MS		30000L
/* A server may ask for a long pause; more than this is not worth waiting for. */
#define MAX_RETRY_AFTER_MS	300000L
#define CONNECT_TIMEOUT_MS	10000L
#define MAX_REDIRECTS		10
#define PROGRESS_EVERY_MS	200

/* Everything one call of http_request() tracks across attempts and redirects. */
struct transfer {
	const struct http_request *req;
	struct http_response *resp;
	const char *method;	/* of the current hop: a redirect may turn POST into GET */
	int send_body;		/* the current hop carries the request body */
	long status;		/* of the response being received */

	off_t body_start;	/* offset of body_file when the request began, or -1 */
	curl_off_t body_sent;
	off_t download_start;	/* offset of download when the request began, or -1 */
	curl_off_t downloaded;
	int download_errno;
	int body_read_failed;

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

static CURL *shared_curl;

static void http_cleanup(void)
{
	if (shared_curl)
		curl_easy_cleanup(shared_curl);
	shared_curl = NULL;
	curl_global_cleanup();
}

/* One handle for the whole process, so that connections are reused. */
static CURL *http_handle(void)
{
	static int initialised;

	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			die_code(EXIT_SYSTEM, "cannot initialise libcurl");
		initialised = 1;
		atexit(http_cleanup);
	}
	if (!shared_curl && !(shared_curl = curl_easy_init()))
		die_code(EXIT_SYSTEM, "cannot create a libcurl handle");
	return shared_curl;
}

static long env_ms(const char *name, long fallback)
{
	const char *v = getenv(name);
	unsigned long n;

	if (!v || !*v || parse_ulong(v, &n) || n == 0 || n > 86400000UL)
		return fallback;
	return (long)n;
}

static long deadline_of(const struct http_request *req)
{
	if (req->deadline_ms > 0)
		return req->deadline_ms;
	return env_ms("SHIPSYNC_HTTP_DEADLINE_MS", DEFAULT_DEADLINE_MS);
}

static long retry_delay_of(const struct http_request *req)
{
	if (req->retry_delay_ms > 0)
		return req->retry_delay_ms;
	return env_ms("SHIPSYNC_HTTP_RETRY_DELAY_MS", DEFAULT_RETRY_DELAY_MS);
}

static int retries_of(const struct http_request *req)
{
	if (req->no_retry || req->mime || req->max_retries < 0)
		return 0;
	return req->max_retries ? req->max_retries : DEFAULT_RETRIES;
}

static const char *initial_method(const struct http_request *req)
{
	if (req->method)
		return req->method;
	return req->body || req->body_file || req->mime ? "POST" : "GET";
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

/* The URL as messages show it: without user:password. Free it. */
static char *display_url(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	size_t start = 0, len = userinfo_span(url, &start);

	strbuf_addstr(&sb, url);
	if (len)
		strbuf_remove(&sb, start, len);
	return strbuf_detach(&sb, NULL);
}

/* "Basic" carries base64 of user:password: the decoded password is a secret too. */
static void register_basic_password(const char *token)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf plain = STRBUF_INIT;
	unsigned int bits = 0;
	int nbits = 0;
	char *colon;

	for (const char *p = token; *p && *p != '='; p++) {
		const char *c = strchr(alphabet, *p);

		if (!c)
			break;
		bits = bits << 6 | (unsigned int)(c - alphabet);
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			strbuf_addch(&plain, (char)((bits >> nbits) & 0xff));
		}
	}
	if ((colon = memchr(plain.buf, ':', plain.len)))
		secret_add(colon + 1);
	memset(plain.buf, 0, plain.len);
	strbuf_release(&plain);
}

/* Register every credential the request carries, so that no message shows one. */
static void register_secrets(const struct http_request *req)
{
	size_t start = 0, len = userinfo_span(req->url, &start);

	if (req->auth) {
		const char *token = strchr(req->auth, ' ');

		secret_add(req->auth);
		if (token) {
			token += strspn(token, " ");
			secret_add(token);
			if (!strncasecmp(req->auth, "Basic ", 6))
				register_basic_password(token);
		}
	}
	if (len > 1) {
		char *userinfo = xstrndup(req->url + start, len - 1);
		char *password = strchr(userinfo, ':');

		if (password) {
			char *plain = curl_easy_unescape(NULL, password + 1, 0, NULL);

			secret_add(password + 1);
			if (plain)
				secret_add(plain);
			curl_free(plain);
		}
		free(userinfo);
	}
}

__attribute__((format(printf, 3, 4)))
static void report(const struct transfer *t, int is_error, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	char *url;
	va_list ap;

	if (t->req->quiet)
		return;
	url = display_url(t->req->url);
	strbuf_addf(&msg, "%s %s: ", initial_method(t->req), url);
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (is_error)
		error("%s", msg.buf);
	else
		warn("%s", msg.buf);
	strbuf_release(&msg);
	free(url);
}

/* A header with a line break would smuggle more headers into the request. */
static int check_headers(const struct transfer *t)
{
	const struct http_request *req = t->req;

	if (req->auth && strpbrk(req->auth, "\r\n")) {
		report(t, 1, "the Authorization value holds a line break; refusing to send it");
		return -1;
	}
	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		if (strpbrk(req->headers[i], "\r\n")) {
			report(t, 1, "header '%.*s' holds a line break; refusing to send it",
			       (int)strcspn(req->headers[i], ":\r\n"), req->headers[i]);
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

static int retryable_status(long status)
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

	if (t->req->download && t->status >= 200 && t->status <= 299) {
		if (fwrite(data, 1, len, t->req->download) != len) {
			t->download_errno = errno ? errno : EIO;
			return 0;
		}
		t->downloaded += len;
		return len;
	}
	strbuf_add(&t->resp->body, data, len);
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t want = size * n, got;
	curl_off_t left = (curl_off_t)t->req->body_len - t->body_sent;

	if ((curl_off_t)want > left)
		want = (size_t)left;
	if (!want)
		return 0;
	got = fread(buf, 1, want, t->req->body_file);
	if (!got) {
		/* Shorter than body_len, or unreadable: curl must not send a short body. */
		t->body_read_failed = 1;
		return CURL_READFUNC_ABORT;
	}
	t->body_sent += got;
	return got;
}

static int on_seek(void *arg, curl_off_t offset, int origin)
{
	struct transfer *t = arg;

	if (origin != SEEK_SET || t->body_start < 0 ||
	    fseeko(t->req->body_file, t->body_start + (off_t)offset, SEEK_SET))
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

/* Credentials a caller may have put in req->headers: never sent to another origin. */
static int is_credential(const char *header)
{
	return !strncasecmp(header, "Authorization:", 14) ||
	       !strncasecmp(header, "Cookie:", 7);
}

static struct curl_slist *build_headers(const struct transfer *t, int with_auth)
{
	struct curl_slist *list = NULL, *grown;
	const struct http_request *req = t->req;

	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		if (!with_auth && is_credential(req->headers[i]))
			continue;
		if (!(grown = curl_slist_append(list, req->headers[i])))
			goto oom;
		list = grown;
	}
	if (with_auth && req->auth) {
		char *line = xstrfmt("Authorization: %s", req->auth);

		grown = curl_slist_append(list, line);
		memset(line, 0, strlen(line));
		free(line);
		if (!grown)
			goto oom;
		list = grown;
	}
	/* No "Expect: 100-continue" round trip: servers answer early anyway. */
	if (!(grown = curl_slist_append(list, "Expect:")))
		goto oom;
	return grown;
oom:
	die_code(EXIT_SYSTEM, "out of memory building request headers");
}

static void set_method(CURL *curl, struct transfer *t)
{
	const struct http_request *req = t->req;
	const char *m = t->method;

	if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
		return;
	}
	if (t->send_body && req->mime) {
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, req->mime);
	} else if (t->send_body && req->body_file) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, t);
		curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(curl, CURLOPT_SEEKDATA, t);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
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
}

static const char *ca_bundle(const struct http_request *req)
{
	const char *v;

	if (req->ca_file)
		return req->ca_file;
	if ((v = getenv("CURL_CA_BUNDLE")) && *v)
		return v;
	if ((v = getenv("SSL_CERT_FILE")) && *v)
		return v;
	return NULL;
}

/* One HTTP exchange with url, no redirects followed: libcurl's verdict. */
static CURLcode exchange(CURL *curl, struct transfer *t, const char *url,
			 int with_auth, long timeout_ms)
{
	const struct http_request *req = t->req;
	struct curl_slist *headers = build_headers(t, with_auth);
	const char *ca = ca_bundle(req), *capath = getenv("SSL_CERT_DIR");
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
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	if (capath && *capath && !req->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAPATH, capath);
	if (req->unix_socket)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
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
	set_method(curl, t);

	res = curl_easy_perform(curl);
	end_progress(t);
	/* The handle outlives this call: it must not keep pointers into it. */
	curl_easy_reset(curl);
	curl_slist_free_all(headers);
	return res;
}

/* Resolve a Location against the URL it came from; NULL when it makes no sense. */
static char *resolve_location(const char *base, const char *location)
{
	CURLU *u = curl_url();
	char *joined = NULL, *scheme = NULL, *res = NULL;

	if (!u)
		die_code(EXIT_SYSTEM, "out of memory parsing a URL");
	if (!curl_url_set(u, CURLUPART_URL, base, 0) &&
	    !curl_url_set(u, CURLUPART_URL, location, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    (!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
	    !curl_url_get(u, CURLUPART_URL, &joined, 0))
		res = xstrdup(joined);
	curl_free(joined);
	curl_free(scheme);
	curl_url_cleanup(u);
	return res;
}

/* scheme://host:port of url, lowercase, the port always spelled out; NULL if unparsable. */
static char *origin_of(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;

	if (!u)
		die_code(EXIT_SYSTEM, "out of memory parsing a URL");
	if (!curl_url_set(u, CURLUPART_URL, url, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
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

static int same_origin(const char *a, const char *b)
{
	char *oa = origin_of(a), *ob = origin_of(b);
	int same = oa && ob && !strcmp(oa, ob);

	free(oa);
	free(ob);
	return same;
}

/* Put body_file and download back where they were, for another go: -1 if impossible. */
static int rewind_files(struct transfer *t)
{
	const struct http_request *req = t->req;

	if (req->body_file && t->body_sent) {
		if (t->body_start < 0 || fseeko(req->body_file, t->body_start, SEEK_SET))
			return -1;
		clearerr(req->body_file);
		t->body_sent = 0;
	}
	if (req->download && t->downloaded) {
		if (t->download_start < 0 || fflush(req->download) ||
		    fseeko(req->download, t->download_start, SEEK_SET) ||
		    ftruncate(fileno(req->download), t->download_start))
			return -1;
		t->downloaded = 0;
	}
	return 0;
}

/*
 * One attempt: the request and the redirects it leads to. Authorization and
 * cookies go only as long as every hop stays on the origin of req->url.
 */
static enum outcome attempt(CURL *curl, struct transfer *t, long long deadline,
			    struct strbuf *why)
{
	const struct http_request *req = t->req;
	char *url = xstrdup(req->url);
	int with_auth = 1;
	enum outcome out = DONE;

	t->method = initial_method(req);
	t->send_body = 1;
	for (int hops = 0;; hops++) {
		long long left = deadline - now_ms();
		long timeout = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
		int by_deadline = left <= timeout;
		char *location, *next;
		CURLcode res;

		if (left <= 0) {
			strbuf_addstr(why, "no response before the deadline");
			out = DEADLINE;
			break;
		}
		if (by_deadline)
			timeout = (long)left;
		if (t->send_body && rewind_files(t)) {
			strbuf_addf(why, "redirected with %ld, but the request body cannot be rewound to send it again",
				    t->status);
			out = FAIL;
			break;
		}
		res = exchange(curl, t, url, with_auth, timeout);
		free(t->resp->effective_url);
		t->resp->effective_url = xstrdup(url);
		t->resp->status = res == CURLE_OK ? t->status : 0;
		if (res != CURLE_OK) {
			describe_failure(why, res, t->errbuf);
			if (t->download_errno)
				strbuf_addf(why, " (writing the download: %s)", strerror(t->download_errno));
			else if (t->body_read_failed)
				strbuf_addstr(why, " (reading the request body failed or it ended early)");
			if (res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE)
				strbuf_addstr(why, "; a server with a private CA needs its bundle in CURL_CA_BUNDLE");
			if (res == CURLE_OPERATION_TIMEDOUT && by_deadline)
				out = DEADLINE;
			else
				out = transient(res) ? RETRY : FAIL;
			break;
		}
		if (!req->follow_redirects || !is_redirect(t->status) ||
		    !(location = http_header(t->resp, "Location"))) {
			if (retryable_status(t->status)) {
				strbuf_addf(why, "%ld", t->status);
				out = RETRY;
			}
			break;
		}
		next = resolve_location(url, location);
		free(location);
		if (!next || hops >= MAX_REDIRECTS) {
			if (next)
				strbuf_addf(why, "more than %d redirects", MAX_REDIRECTS);
			else
				strbuf_addf(why, "redirected with %ld to a location that is not an http(s) URL",
					    t->status);
			free(next);
			out = FAIL;
			break;
		}
		with_auth = with_auth && same_origin(url, next);
		if (t->status == 303 && strcmp(t->method, "HEAD")) {
			t->method = "GET";
			t->send_body = 0;
		} else if ((t->status == 301 || t->status == 302) && !strcmp(t->method, "POST")) {
			t->method = "GET";
			t->send_body = 0;
		}
		free(url);
		url = next;
	}
	free(url);
	return out;
}

/* Retry-After in milliseconds (delta seconds or an HTTP date), or -1. */
static long retry_after_ms(const struct http_response *resp)
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

		if (when != -1)
			ms = when <= time(NULL) ? 0 : (long)(when - time(NULL)) * 1000;
	}
	free(v);
	return ms > MAX_RETRY_AFTER_MS ? MAX_RETRY_AFTER_MS : ms;
}

/* The doubling wait before retry n (1-based), with jitter: half of it is random. */
static long backoff_ms(long first, int n)
{
	static unsigned long long seed;
	long delay = first;

	for (int i = 1; i < n && delay < MAX_BACKOFF_MS; i++)
		delay *= 2;
	if (delay > MAX_BACKOFF_MS)
		delay = MAX_BACKOFF_MS;
	if (!seed)
		seed = ((unsigned long long)now_ms() << 16) ^ (unsigned long long)getpid() ^ 0x9e3779b97f4a7c15ULL;
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return delay / 2 + (long)(seed % (unsigned long long)(delay / 2 + 1));
}

static void sleep_ms(long ms)
{
	long long until = now_ms() + ms, left;

	while ((left = until - now_ms()) > 0) {
		struct timespec ts = { left / 1000, (left % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
}

static void reset_response(struct http_response *resp)
{
	strbuf_reset(&resp->body);
	strbuf_reset(&resp->headers);
	free(resp->effective_url);
	resp->effective_url = NULL;
	resp->status = 0;
	resp->attempts = 0;
}

int http_request(const struct http_request *req, struct http_response *resp)
{
	CURL *curl = http_handle();
	struct transfer t = { .req = req, .resp = resp, .body_start = -1, .download_start = -1 };
	struct strbuf why = STRBUF_INIT;
	long long start = now_ms(), deadline = start + deadline_of(req);
	int retries = retries_of(req);
	struct strbuf stop = STRBUF_INIT;	/* why retrying ended before the retries did */
	enum outcome out;

	reset_response(resp);
	register_secrets(req);
	if (check_headers(&t))
		return -1;
	t.progress = req->progress_label && isatty(STDERR_FILENO);
	if (req->body_file)
		t.body_start = ftello(req->body_file);
	if (req->download)
		t.download_start = ftello(req->download);

	for (;;) {
		long wait;

		strbuf_reset(&why);
		resp->attempts++;
		out = attempt(curl, &t, deadline, &why);
		if (out != RETRY || resp->attempts > retries)
			break;
		if (rewind_files(&t)) {
			strbuf_addstr(&stop, "; cannot retry: the request body or the download cannot be rewound");
			out = FAIL;
			break;
		}
		wait = retryable_status(resp->status) ? retry_after_ms(resp) : -1;
		if (wait < 0)
			wait = backoff_ms(retry_delay_of(req), resp->attempts);
		if (now_ms() + wait >= deadline) {
			strbuf_addf(&stop, "; no time left to retry within the deadline of %.1f s",
				    deadline_of(req) / 1000.0);
			break;
		}
		report(&t, 0, "%s, retrying in %.1f s (attempt %d of %d)", why.buf,
		       wait / 1000.0, resp->attempts + 1, retries + 1);
		sleep_ms(wait);
	}

	if (out == DONE) {
		strbuf_release(&why);
		return 0;
	}
	if (out == DEADLINE)
		strbuf_addf(&why, " (deadline of %.1f s reached)", deadline_of(req) / 1000.0);
	if (resp->attempts > 1)
		strbuf_addf(&why, " after %d attempts in %.1f s", resp->attempts,
			    (now_ms() - start) / 1000.0);
	strbuf_addbuf(&why, &stop);
	if (out == RETRY || out == DEADLINE)
		strbuf_addstr(&why, "; try again later");
	report(&t, 1, "%s", why.buf);
	strbuf_release(&why);
	strbuf_release(&stop);
	return -1;
}

void http_response_release(struct http_response *resp)
{
	strbuf_release(&resp->body);
	strbuf_release(&resp->headers);
	free(resp->effective_url);
	resp->effective_url = NULL;
	resp->status = 0;
	resp->attempts = 0;
}

char *http_header(const struct http_response *resp, const char *name)
{
	size_t name_len = strlen(name);
	const char *line = resp->headers.buf, *found = NULL;
	size_t found_len = 0;

	while (*line) {
		size_t len = strcspn(line, "\r\n");

		if (len > name_len && line[name_len] == ':' &&
		    !strncasecmp(line, name, name_len)) {
			found = line + name_len + 1;
			found_len = len - name_len - 1;
		}
		line += len;
		line += strspn(line, "\r\n");
	}
	if (!found)
		return NULL;
	while (found_len && (*found == ' ' || *found == '\t')) {
		found++;
		found_len--;
	}
	while (found_len && (found[found_len - 1] == ' ' || found[found_len - 1] == '\t'))
		found_len--;
	return xstrndup(found, found_len);
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
	if (status == 0 || retryable_status(status))
		return EXIT_TEMPFAIL;
	return EXIT_NO;
}

void http_urlencode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = *s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			strbuf_addch(sb, c);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hex[c >> 4]);
			strbuf_addch(sb, hex[c & 15]);
		}
	}
}
