/*
 * HTTP over libcurl: the one client every tool uses.
 *
 * - A client owns a libcurl handle (so connections are reused) and a set of
 *   credentials. One client per thread: http_client_share() gives another
 *   thread its own handle over the same credentials.
 * - A credential is bound to an origin (scheme, host, port) when it is given
 *   (http_client_auth). A request carries it only on the hops whose URL has
 *   that very origin: never after a redirect to another host, port or scheme,
 *   never to an absolute URL a server handed back that names another origin,
 *   never from https to http. User:password in a request URL is taken off the
 *   URL and sent as Basic credentials of that URL's origin only.
 * - One retry policy (struct http_retry): 408, 429, 5xx and connection faults
 *   are retried with doubling backoff and jitter, or after the Retry-After the
 *   server asks for (seconds or an HTTP date, capped), within an overall
 *   deadline, with one warning line per retry. http_request() applies it to
 *   each request; a caller whose unit of work is several requests (an upload
 *   session) applies the same policy to the whole.
 * - Redirects are followed on request, and a request may stay on its origin:
 *   a redirect to another origin is then not followed at all, not even
 *   without credentials, and is the answer (http_location() says where).
 * - Request bodies: from memory, from a byte range of a file (streamed, hashed
 *   while sent, rewound for a retry), or a multipart form built afresh for
 *   each attempt. Response bodies are capped in size, or streamed to a file
 *   or into a sha256, with a bound of their own.
 * - TLS is always verified (a client's or a request's CA file, else
 *   CURL_CA_BUNDLE / SSL_CERT_FILE / SSL_CERT_DIR name other CAs). Messages redact every secret and show no URL userinfo.
 *
 * Environment: SHIPSYNC_HTTP_DEADLINE_MS replaces the default deadline,
 * SHIPSYNC_HTTP_RETRY_DELAY_MS the default first wait between attempts
 * (tests keep failures fast with both); the usual proxy variables apply.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <curl/curl.h>

#include "sha256.h"
#include "strbuf.h"

struct http_client;
struct http_response;

/* A new client with no credentials; freed with http_client_free(). */
struct http_client *http_client_new(void);
/* A client for another thread: its own handle, the credentials of c. */
struct http_client *http_client_share(struct http_client *c);
void http_client_free(struct http_client *c);
/* The client of a tool that talks from one thread; made on first use. */
struct http_client *http_default_client(void);

/*
 * Send "Authorization: value" to the origin of url, and to no other.
 * Replaces that origin's credential (NULL removes it). The value, and the
 * password inside a Basic one, are registered as secrets. -1 (error printed)
 * when url has no http(s) origin.
 */
int http_client_auth(struct http_client *c, const char *url, const char *value);
/* Basic credentials user:password for the origin of url. */
int http_client_basic(struct http_client *c, const char *url, const char *user, const char *password);

/*
 * Trust the CA bundle at path instead of the system's CAs on every request
 * of c (a request's own ca_file comes first); NULL goes back to the default.
 */
void http_client_ca_file(struct http_client *c, const char *path);

/* What a service's own rules make of a final response (struct http_request.classify). */
enum http_verdict {
	HTTP_AS_USUAL,		/* the default rules decide */
	HTTP_FINAL,		/* the caller's to judge, whatever the status */
	HTTP_TRY_AGAIN,		/* retry it (wait in *wait_ms, or -1 for the usual backoff) */
};

/* A hash over a file range that may be sent more than once: each byte is hashed once. */
struct sha256_run {
	struct sha256 h;
	off_t upto;		/* the file offset up to which bytes are hashed */
};

struct http_request {
	struct http_client *client;	/* NULL: http_default_client() */
	const char *method;		/* NULL: GET, or POST when a body is set; "HEAD" reads no body */
	const char *url;
	const char *const *headers;	/* "Name: value" strings, NULL-terminated, or NULL;
					   never Authorization: credentials come from the client */

	const void *body;		/* a body in memory, */
	size_t body_len;
	int body_fd;			/* or body_len bytes of this file from body_offset (fd > 0), */
	off_t body_offset;
	struct sha256_run *body_hash;	/* hashing those bytes as they go, */
	curl_mime *(*form)(CURL *curl, void *arg);	/* or a multipart form, made for each attempt */
	void *form_arg;

	FILE *download;			/* a 2xx body goes here instead of resp->body (rewound for a retry), */
	struct sha256 *download_hash;	/* or into this hash, which the caller starts and finishes
					   (started afresh for a retry) */
	off_t max_download;		/* a download longer than this fails the request; 0: no bound */
	size_t max_body;		/* resp->body longer than this fails the request; 0: 16 MiB */
	int follow_redirects;		/* follow 3xx; credentials stay with their origin */
	int same_origin;		/* with follow_redirects: a redirect to another origin than
					   url's is not followed; that 3xx is the answer */
	int no_retry;			/* one attempt only */
	int max_retries;		/* 0: 5; -1: none */
	long timeout_ms;		/* per attempt; 0: 30 s */
	long stall_ms;			/* big transfers: instead of timeout_ms, an attempt fails only
					   when no byte moves for this long (whole seconds), and the
					   deadline stops retries but never cuts an attempt short */
	long deadline_ms;		/* overall, retries included; 0: 120 s */
	long retry_delay_ms;		/* first wait between attempts, doubled each time; 0: 1 s */
	const char *ca_file;		/* trust this CA bundle instead of the system's */
	const char *unix_socket;	/* connect through this socket (the Docker Engine API) */

	const char *progress_label;	/* draw a progress bar on stderr when it is a terminal, */
	void (*on_progress)(void *arg, curl_off_t sent);	/* or tell this about bytes sent */
	void *progress_arg;

	/*
	 * A service's own rules about final responses (rate limits, say), or
	 * NULL. It may say why in *why, for the retry warning.
	 */
	enum http_verdict (*classify)(const struct http_response *resp, long *wait_ms,
				      struct strbuf *why, void *arg);
	void *classify_arg;
	int quiet;			/* print nothing; resp->error says why it failed */
};

struct http_response {
	long status;			/* 0 when no response arrived */
	struct strbuf body;
	struct strbuf headers;		/* raw headers of the last response, "Name: value\r\n" lines */
	char *effective_url;		/* the URL that answered (after redirects) */
	int attempts;
	struct strbuf error;		/* why http_request() failed, as it printed it */
	int exit_code;			/* and the exit status that fits that failure */
	int too_long;			/* it failed because the body outgrew max_body or max_download */
};

#define HTTP_RESPONSE_INIT { 0, STRBUF_INIT, STRBUF_INIT, NULL, 0, STRBUF_INIT, 0, 0 }

/*
 * Perform the request. 0 when a final response arrived (whatever its status:
 * the caller judges 4xx); -1 with the error printed (and in resp->error)
 * when none did: connection faults or statuses worth retrying that outlasted
 * the retries or the deadline, a body over max_body, a header with a line
 * break. resp->status then holds the last status seen, or 0.
 */
int http_request(const struct http_request *req, struct http_response *resp);
void http_response_release(struct http_response *resp);

/* A malloc'ed copy of the value of the last header called name, or NULL. */
char *http_header(const struct http_response *resp, const char *name);
/* Where a 3xx points: its Location resolved against the URL that answered, without userinfo; NULL if none. */
char *http_location(const struct http_response *resp);
/* The URL of a Link header's rel="next" target, resolved against the URL that answered; NULL if none. */
char *http_link_next(const struct http_response *resp);
/* Retry-After in milliseconds (delta seconds or an HTTP date), capped; -1 when absent. */
long http_retry_after_ms(const struct http_response *resp);

/*
 * The exit code that fits a final status, or 0 for "no response": 2xx ->
 * EXIT_OK; 401, 403 -> EXIT_AUTH; 404, 410 -> EXIT_NOTFOUND; 409 ->
 * EXIT_CONFLICT; 0, 408, 429, 5xx -> EXIT_TEMPFAIL; other 4xx -> EXIT_DATA
 * (the server refused what was sent); 3xx and the rest -> EXIT_NO.
 */
int http_exit_code(long status);

/* The retry policy, for a unit of work made of several requests too. */
struct http_retry {
	long long start, deadline;	/* now_ms() values */
	long deadline_ms;
	long first_delay_ms;
	int attempts;			/* made so far */
	int max_retries;
	int quiet;			/* no warning line per retry */
	const char *what;		/* for messages: "uploading sha256:..." */
};

/* Start counting: deadline_ms and max_retries as in struct http_request (0: defaults). */
void http_retry_begin(struct http_retry *r, const char *what, long deadline_ms, int max_retries);
/*
 * The one retry loop. Call try_once until it is done or the policy says
 * stop: it returns 0 when done (its outcome is the caller's business),
 * or 1 when a failure is worth another try, with the reason in why and
 * *wait_ms set to what the server asked for (or left -1 for the backoff).
 * Between attempts: one warning line, then the wait. 0 when try_once was
 * done; -1 when the retries or the time ran out, with why that ended them
 * appended to stop (when not NULL) and why holding the last reason.
 */
int http_retry_run(struct http_retry *r, int (*try_once)(void *arg, struct strbuf *why, long *wait_ms),
		   void *arg, struct strbuf *why, struct strbuf *stop);
/* Whether this status is worth another attempt under the policy. */
int http_status_retryable(long status);

/* URLs, parsed with libcurl's URL API. */
/* ref resolved against base (a Location, a Link target, an href): malloc'ed, or NULL if not http(s). */
char *http_url_resolve(const char *base, const char *ref);
/* "scheme://host:port" of url, lowercase, the port spelled out; NULL when unparsable. */
char *http_url_origin(const char *url);
int http_same_origin(const char *a, const char *b);
/* url as messages may show it: without user:password. */
char *http_url_display(const char *url);
/*
 * url without user:password, malloc'ed, or NULL when it is not http(s). The
 * user and password (percent-decoded, malloc'ed; NULL when absent) go to
 * *user and *password when those are not NULL; the password is registered
 * as a secret.
 */
char *http_url_split_userinfo(const char *url, char **user, char **password);
/* Whether host (no port) is a loopback literal: localhost, 127.0.0.0/8, ::1 or [::1]. */
int http_host_is_loopback(const char *host);

#endif
