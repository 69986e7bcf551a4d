/*
 * The distribution API over common/http: the registry's challenge answered
 * (Basic, or a Bearer token from its realm, fetched again when it expires),
 * safe to use from several threads, each with its own client sharing the
 * credentials. The client binds every credential to its origin, so the
 * registry's password goes to the registry, and to a token service only
 * when that service is the same origin or the user's config names
 * credentials for its host.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encode.h"
#include "imageref.h"
#include "json.h"
#include "util.h"
#include "oci.h"

void reg_fail(struct reg *r, int code)
{
	pthread_mutex_lock(&r->fail_lock);
	/* Auth and data problems say more than the network faults they cause. */
	if (!r->exit_code || code == EXIT_AUTH || code == EXIT_DATA)
		r->exit_code = code;
	pthread_mutex_unlock(&r->fail_lock);
}

int reg_error(struct reg *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	reg_fail(r, code);
	return -1;
}

char *reg_error_text(const struct http_response *p)
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
	return strbuf_detach(&sb, NULL);
}

/* ---- authentication ---- */

void reg_add_scope(struct reg *r, const char *scope)
{
	for (size_t i = 0; i < r->scopes.nr; i++)
		if (!strcmp(r->scopes.v[i], scope))
			return;
	strvec_push(&r->scopes, scope);
}

static char *token_url(const struct reg *r)
{
	struct strbuf url = STRBUF_INIT;

	strbuf_addstr(&url, r->realm);
	strbuf_addch(&url, strchr(r->realm, '?') ? '&' : '?');
	if (r->service) {
		strbuf_addstr(&url, "service=");
		encode_percent(&url, r->service);
	}
	for (size_t i = 0; i < r->scopes.nr; i++) {
		strbuf_addstr(&url, "&scope=");
		encode_percent(&url, r->scopes.v[i]);
	}
	return strbuf_detach(&url, NULL);
}

/* host[:port] of url, as a docker config names it. */
static char *authority_of(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	return xstrndup(p, strcspn(p, "/?#"));
}

/* Docker Hub's token service is another host than its registry: known, so trusted. */
static const char *const known_realms[] = { "https://auth.docker.io", NULL };

/* Whether the user (OCI_TRUSTED_REALMS) or a known pairing lets the realm have the registry's credentials. */
static int realm_trusted(const struct reg *r)
{
	const char *list = getenv("OCI_TRUSTED_REALMS");
	char *realm = http_url_origin(r->realm), *copy, *word, *next;
	int yes = 0;

	for (size_t i = 0; realm && known_realms[i] && !yes; i++)
		yes = !strcmp(r->api_host, "registry-1.docker.io") && http_same_origin(r->realm, known_realms[i]);
	copy = xstrdup(list ? list : "");
	for (word = copy; realm && !yes && *word; word = next) {
		word += strspn(word, " \t,");
		next = word + strcspn(word, " \t,");
		if (*next)
			*next++ = '\0';
		yes = *word && http_same_origin(r->realm, word);
	}
	free(copy);
	free(realm);
	return yes;
}

/*
 * Whom the token service may know us as: the registry's credentials when it
 * is the registry's own origin or trusted, else those the user's docker
 * config names for its host, else nobody. Never credentials from https to http.
 */
static int token_credentials(struct reg *r, const char **from)
{
	struct creds own = { 0 };
	char *host;
	int ret;

	*from = NULL;
	if (starts_with(r->base, "https:") && !starts_with(r->realm, "https:"))
		return reg_error(r, EXIT_AUTH, "'%s' is reached over https but names the token service '%s' "
				 "over plain http: refusing to ask it for a token", r->host, r->realm);
	if (http_same_origin(r->realm, r->base) || realm_trusted(r)) {
		if (r->creds.user && http_client_basic(r->token_client, r->realm, r->creds.user, r->creds.pass))
			return reg_error(r, EXIT_AUTH, "cannot use the credentials for '%s'", r->realm);
		*from = r->creds.from;
		free(r->token_user);
		r->token_user = xstrdup(r->creds.user ? r->creds.user : "");
		return 0;
	}
	host = authority_of(r->realm);
	ret = creds_lookup_config(host, &own);
	if (!ret && own.user) {
		note("the token service '%s' is another host: using the credentials %s names for it",
		     r->realm, own.from);
		if (http_client_basic(r->token_client, r->realm, own.user, own.pass))
			ret = EXIT_AUTH;
		*from = "the docker config";
		free(r->token_user);
		r->token_user = xstrdup(own.user);
	} else if (!ret && r->creds.user) {
		char *origin = http_url_origin(r->realm);

		ret = error_code(EXIT_AUTH, "'%s' sends us for a token to '%s', another origin: the credentials "
				 "from %s go there only if you trust it (OCI_TRUSTED_REALMS=%s) or give it "
				 "credentials of its own in the docker config", r->host, r->realm, r->creds.from,
				 origin);
		free(origin);
	}
	free(host);
	creds_release(&own);
	if (ret)
		reg_fail(r, ret);
	return ret ? -1 : 0;
}

static int token_refused(struct reg *r, const char *from)
{
	if (from)
		return reg_error(r, EXIT_AUTH, "the token service '%s' refused user '%s' (from %s): "
				 "check the password", r->realm, r->token_user, from);
	return reg_error(r, EXIT_AUTH, "the token service '%s' refused an anonymous token: set OCI_USERNAME "
			 "and OCI_PASSWORD, or docker login %s", r->realm, r->host);
}

/* Ask the realm for a token covering every scope: 0, or -1 (error printed). */
static int fetch_token(struct reg *r)
{
	struct http_response p = HTTP_RESPONSE_INIT;
	struct http_request q = { .client = r->token_client, .stall_ms = r->stall_ms, .follow_redirects = 1 };
	const char *from;
	char *url, *token = NULL;
	struct json j;
	int ret = -1;

	if (token_credentials(r, &from) < 0)
		return -1;
	url = token_url(r);
	q.url = url;
	if (http_request(&q, &p) < 0) {
		reg_fail(r, p.exit_code);
	} else if (starts_with(r->base, "https:") && !starts_with(p.effective_url, "https:")) {
		reg_error(r, EXIT_AUTH, "the token service '%s' sent us on to plain http: refusing a token "
			  "that travelled in clear", r->realm);
	} else if (p.status == 401 || p.status == 403) {
		token_refused(r, from);
	} else if (p.status != 200 || json_parse(&j, p.body.buf, p.body.len) < 0) {
		reg_error(r, p.status == 200 ? EXIT_TEMPFAIL : http_exit_code(p.status),
			  "the token service '%s' answered HTTP %ld without a token", r->realm, p.status);
	} else {
		token = json_string(&j, json_get(&j, 0, "token"));
		if (!token || !*token) {
			free(token);
			token = json_string(&j, json_get(&j, 0, "access_token"));
		}
		json_release(&j);
		if (!token || !*token)
			reg_error(r, EXIT_AUTH, "the token service '%s' answered without a token", r->realm);
		else
			ret = 0;
	}
	if (!ret) {
		char *value = xstrfmt("Bearer %s", token);

		secret_add(token);
		ret = http_client_auth(r->client, r->base, value);
		r->auth_basic = 0;
		free(value);
	}
	free(token);
	free(url);
	http_response_release(&p);
	return ret;
}

static int answer_basic(struct reg *r)
{
	if (!r->creds.user)
		return reg_error(r, EXIT_AUTH, "'%s' needs credentials: set OCI_USERNAME and OCI_PASSWORD, "
				 "or docker login %s", r->host, r->host);
	if (r->auth_basic)
		return reg_error(r, EXIT_AUTH, "'%s' refused user '%s' (from %s): check the password", r->host,
				 r->creds.user, r->creds.from);
	r->auth_basic = 1;
	return http_client_basic(r->client, r->base, r->creds.user, r->creds.pass);
}

static int answer_bearer(struct reg *r, struct challenge *ch)
{
	char *realm = http_url_resolve(r->base, ch->realm);

	if (!realm)
		return reg_error(r, EXIT_AUTH, "'%s' names a token service that is not an http(s) URL", r->host);
	free(r->realm);
	free(r->service);
	r->realm = realm;
	r->service = ch->service ? xstrdup(ch->service) : NULL;
	for (char *s = ch->scope, *next; s && *s; s = next) {
		next = strchr(s, ' ');
		if (next)
			*next++ = '\0';
		if (*s)
			reg_add_scope(r, s);
	}
	return fetch_token(r);
}

/* Answer a 401: new credentials or token, unless another thread already did. */
static int reauth(struct reg *r, const struct http_response *p, unsigned gen)
{
	char *value = http_header(p, "WWW-Authenticate");
	struct challenge ch = { 0 };
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (r->auth_gen != gen)
		goto out;
	if (!value || challenge_parse(value, &ch) < 0)
		ret = reg_error(r, EXIT_AUTH, "'%s' answered 401 without a usable WWW-Authenticate challenge",
				r->host);
	else if (!strcmp(ch.scheme, "basic"))
		ret = answer_basic(r);
	else if (!strcmp(ch.scheme, "bearer") && ch.realm)
		ret = answer_bearer(r, &ch);
	else
		ret = reg_error(r, EXIT_AUTH, "'%s' asks for '%s' authentication, which is not supported",
				r->host, ch.scheme);
	if (ret < 0)
		reg_fail(r, EXIT_AUTH);
	else
		r->auth_gen++;
out:
	challenge_release(&ch);
	pthread_mutex_unlock(&r->lock);
	free(value);
	return ret;
}

/* ---- requests ---- */

static void count_sent(void *arg, curl_off_t sent)
{
	struct blob *b = arg;

	__atomic_store_n(&b->sent, (long long)sent, __ATOMIC_RELAXED);
	progress_tick();
}

static unsigned auth_generation(struct reg *r)
{
	unsigned gen;

	pthread_mutex_lock(&r->lock);
	gen = r->auth_gen;
	pthread_mutex_unlock(&r->lock);
	return gen;
}

int reg_do(struct reg *r, struct http_client *c, const struct reg_req *q, struct http_response *p)
{
	char *url = q->url[0] == '/' ? xstrfmt("%s%s", r->base, q->url) : xstrdup(q->url);
	struct http_request req = {
		.client = c, .method = q->method, .url = url, .headers = q->headers,
		.body = q->body, .body_len = q->body_len, .body_fd = q->fd, .body_offset = q->offset,
		.body_hash = q->hash, .stall_ms = r->stall_ms, .no_retry = q->no_retry, .quiet = q->no_retry,
		/* Registries send blob reads to storage hosts; writes are never redirected. */
		.follow_redirects = !strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"),
		.on_progress = q->progress ? count_sent : NULL, .progress_arg = q->progress,
	};
	int ret = 0;

	for (int reauths = 0;; reauths++) {
		unsigned gen = auth_generation(r);

		if (http_request(&req, p) < 0) {
			ret = q->no_retry && (!p->status || http_status_retryable(p->status)) ? RETRY : -1;
			if (ret == -1)
				reg_fail(r, p->exit_code);
			if (ret == -1 && q->no_retry)
				error("%s", p->error.buf);
			break;
		}
		if (p->status != 401 || reauths >= 2 || !p->effective_url ||
		    !http_same_origin(p->effective_url, r->base))
			break;
		if (reauth(r, p, gen) < 0) {
			ret = -1;
			break;
		}
	}
	free(url);
	return ret;
}

/* ---- setup ---- */

/* Whether host[:port] names this machine by a loopback literal. */
static int loopback(const char *host)
{
	size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
	char *bare = xstrndup(host, n);
	int yes = http_host_is_loopback(bare);

	free(bare);
	return yes;
}

int reg_init(struct reg *r, const char *reference)
{
	const char *s = reference, *env;
	unsigned long ms;
	size_t hostlen;
	char *name;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->fail_lock, NULL);
	strvec_init(&r->scopes);
	r->stall_ms = 30000;
	if ((env = getenv("SHIPSYNC_HTTP_TIMEOUT_MS")) && !parse_ulong(env, &ms) && ms)
		r->stall_ms = ms;
	r->client = http_client_new();
	r->token_client = http_client_new();

	if (starts_with(s, "https://"))
		r->scheme = xstrdup("https"), s += 8;
	else if (starts_with(s, "http://"))
		r->scheme = xstrdup("http"), s += 7;
	if (!imageref_has_host(s, strlen(s)))
		return error("'%s' names no registry: write REGISTRY/REPOSITORY, e.g. ghcr.io/acme/app", reference);
	if (strpbrk(s, "@") || strchr(s + strcspn(s, "/"), ':'))
		return error("'%s': give tags with --tag, not in the repository name", reference);
	if (!(name = imageref_normalize(s, strlen(s))))
		return error("'%s' is not a valid repository: a registry host, then lowercase letters, digits "
			     "and separators . _ - /", reference);
	hostlen = imageref_host_len(name);
	r->host = xstrndup(name, hostlen);
	r->repo = xstrdup(name + hostlen + 1);
	free(name);
	/* Docker Hub answers its API on another name than the one people write. */
	r->api_host = xstrdup(!strcmp(r->host, "docker.io") ? "registry-1.docker.io" : r->host);
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
	free(r->realm);
	free(r->service);
	free(r->token_user);
	strvec_clear(&r->scopes);
	creds_release(&r->creds);
	http_client_free(r->client);
	http_client_free(r->token_client);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->fail_lock);
}
