/*
 * HTTP over libcurl with curl's own retry rules.
 *
 * - Retries on 408, 429, 5xx and connection faults (refused, reset, timeout),
 *   doubling the wait each time with jitter, honouring Retry-After (seconds or
 *   an HTTP date), one warning line per retry; never past the overall deadline.
 * - TLS is always verified (CURL_CA_BUNDLE / SSL_CERT_FILE name another CA file).
 * - The Authorization value in req->auth goes only to the host of req->url: when
 *   a redirect leads to another host (or port or scheme) it is dropped.
 * - Every message redacts req->auth and whatever was given to secret_add(), and
 *   shows URLs without their user:password part.
 *
 * Environment: SHIPSYNC_HTTP_DEADLINE_MS replaces the default deadline,
 * SHIPSYNC_HTTP_RETRY_DELAY_MS the default first wait between attempts (tests
 * use both to keep failures fast); CURL_CA_BUNDLE, then SSL_CERT_FILE, name
 * the CA bundle when req->ca_file does not; the usual proxy variables apply.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdio.h>
#include <curl/curl.h>

#include "strbuf.h"

struct http_request {
	const char *method;		/* NULL means GET, or POST when body/mime is set; "HEAD" sends no body */
	const char *url;
	const char *const *headers;	/* "Name: value" strings, NULL-terminated, or NULL */
	const char *auth;		/* full Authorization value ("Bearer x", "Basic y"), or NULL */

	const void *body;		/* request body in memory, or NULL */
	size_t body_len;
	FILE *body_file;		/* or a body streamed from a file of body_len bytes, read from
					   its current offset (seeked back to it for a retry) */
	curl_mime *mime;		/* or a multipart/form-data body (libcurl's mime API); sent
					   once, never retried: a resent form can go out truncated,
					   so a caller that retries builds a fresh form */

	FILE *download;			/* write a 2xx response body here instead of resp->body
					   (other bodies still go to resp->body); rewound and
					   truncated before a retry, so it must be seekable to retry */
	int follow_redirects;		/* follow 3xx (Authorization kept to the first host) */
	int no_retry;			/* one attempt only: for requests that must not repeat */
	long timeout_ms;		/* per attempt; 0: 30 s */
	long deadline_ms;		/* overall, retries included; 0: 120 s (SHIPSYNC_HTTP_DEADLINE_MS overrides) */
	int max_retries;		/* 0: 5; -1: none */
	const char *progress_label;	/* show a progress bar on stderr when it is a terminal */
	const char *ca_file;		/* trust this CA bundle instead of the system's */
	const char *unix_socket;	/* connect through this unix socket (the Docker Engine API) */
	long retry_delay_ms;		/* first wait between attempts, doubled each retry (with
					   jitter); 0: 1 s (SHIPSYNC_HTTP_RETRY_DELAY_MS overrides) */
	int quiet;			/* print nothing, not even the final error: the caller reports */
};

struct http_response {
	long status;			/* 0 when no response arrived */
	struct strbuf body;
	struct strbuf headers;		/* raw headers of the last response, "Name: value\r\n" lines */
	char *effective_url;		/* after redirects */
	int attempts;
};

#define HTTP_RESPONSE_INIT { 0, STRBUF_INIT, STRBUF_INIT, NULL, 0 }

/*
 * Perform the request. 0 when a final response arrived (whatever its status:
 * the caller judges 4xx); -1 with the error printed when none did, because of
 * connection faults or 408/429/5xx that outlasted the retries (with no_retry:
 * at once) or the deadline. resp->status still holds the last status seen in
 * that case, or 0 when the last attempt got no complete response.
 * A retry starts again from req->url. A redirect to another scheme, host or
 * port drops Authorization and any Cookie or Authorization in req->headers;
 * a header holding a line break is refused before anything is sent.
 */
int http_request(const struct http_request *req, struct http_response *resp);
void http_response_release(struct http_response *resp);

/* A malloc'ed copy of the value of the last header called name, or NULL. */
char *http_header(const struct http_response *resp, const char *name);

/*
 * The exit code that fits a failed request or a final status: 2xx -> EXIT_OK;
 * 401, 403 -> EXIT_AUTH; 404, 410 -> EXIT_NOTFOUND; 409 -> EXIT_CONFLICT;
 * 0 (no response), 408, 429, 5xx -> EXIT_TEMPFAIL; anything else (3xx not
 * followed, other 4xx) -> EXIT_NO.
 */
int http_exit_code(long status);

/* URL-encode s (RFC 3986 unreserved kept) onto sb. */
void http_urlencode(struct strbuf *sb, const char *s);

#endif
