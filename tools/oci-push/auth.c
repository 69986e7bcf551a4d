/*
 * Registry credentials from where users keep them: OCI_USERNAME and
 * OCI_PASSWORD, else ~/.docker/config.json (credHelpers, credsStore through
 * the docker-credential-NAME protocol, auths); and WWW-Authenticate parsing.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encode.h"
#include "json.h"
#include "run.h"
#include "util.h"
#include "oci.h"

void creds_release(struct creds *c)
{
	free(c->user);
	free(c->pass);
	free(c->from);
	memset(c, 0, sizeof(*c));
}

/* "https://host:port/v1/" -> "host:port" for comparing config keys. */
static char *bare_host(const char *s)
{
	const char *p = strstr(s, "://");
	size_t n;

	p = p ? p + 3 : s;
	n = strcspn(p, "/");
	return xstrndup(p, n);
}

/* Docker Hub goes by three names; docker login files it under index.docker.io. */
static int is_docker_hub(const char *host)
{
	return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") ||
	       !strcmp(host, "registry-1.docker.io");
}

static int host_matches(const char *key, const char *host)
{
	char *k = bare_host(key);
	int same = !strcasecmp(k, host) || (is_docker_hub(host) && is_docker_hub(k));

	free(k);
	return same;
}

/* Run docker-credential-NAME get with the server on stdin. */
static int creds_from_helper(const char *helper, const char *host, struct creds *c)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *prog = xstrfmt("docker-credential-%s", helper);
	const char *argv[] = { prog, "get", NULL };
	struct run_cmd cmd = { argv, NULL, NULL, host, strlen(host), &out, &err };
	struct json j;
	int st, ret = EXIT_AUTH;

	st = run_command(&cmd);
	if (st < 0) {
		error("credential helper '%s' could not run: install it or fix credsStore/credHelpers in the docker config", prog);
		ret = EXIT_SYSTEM;
		goto out;
	}
	if (st) {
		strbuf_trim(&err);
		strbuf_trim(&out);
		/* "credentials not found" is no error: the registry may allow anonymous pushes. */
		if (strstr(out.buf, "not found") || strstr(err.buf, "not found")) {
			ret = 0;
			goto out;
		}
		error("credential helper '%s' failed for '%s' (exit %d): %s", prog, host, st,
		      err.len ? err.buf : out.buf);
		goto out;
	}
	if (json_parse(&j, out.buf, out.len) < 0) {
		error("credential helper '%s' printed no JSON for '%s'", prog, host);
		goto out;
	}
	c->user = json_string(&j, json_get(&j, 0, "Username"));
	c->pass = json_string(&j, json_get(&j, 0, "Secret"));
	json_release(&j);
	if (!c->user || !c->pass || !*c->pass) {
		creds_release(c);
		error("credential helper '%s' gave no Username and Secret for '%s'", prog, host);
		goto out;
	}
	secret_add(c->pass);
	c->from = xstrfmt("credential helper '%s'", prog);
	ret = 0;
out:
	free(prog);
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}

/* The value of the object member of obj whose key names host. */
static int find_host_key(const struct json *j, int obj, const char *host)
{
	if (obj < 0 || j->tok[obj].type != JSMN_OBJECT)
		return -1;
	for (int i = obj + 1, n = 0; n < j->tok[obj].size; n++) {
		char *key = json_string(j, i);
		int hit = key && host_matches(key, host);

		free(key);
		if (hit)
			return i + 1;
		i = json_skip(j, i + 1);
	}
	return -1;
}

int creds_from_docker_config(const char *text, size_t len, const char *host,
			     struct creds *c, const char *path, int run_helper)
{
	struct json j;
	int tok, ret = 0;
	char *helper = NULL;

	if (json_parse(&j, text, len) < 0)
		return error_code(EXIT_DATA, "'%s' is not valid JSON: fix it or point DOCKER_CONFIG elsewhere", path);
	if ((tok = find_host_key(&j, json_get(&j, 0, "credHelpers"), host)) >= 0)
		helper = json_string(&j, tok);
	else if ((tok = json_get(&j, 0, "credsStore")) >= 0)
		helper = json_string(&j, tok);
	if (helper && *helper && run_helper) {
		ret = creds_from_helper(helper, host, c);
		if (ret || c->user)
			goto out;	/* else not in the store: fall back to auths */
	}
	tok = find_host_key(&j, json_get(&j, 0, "auths"), host);
	if (tok >= 0 && (tok = json_get(&j, tok, "auth")) >= 0) {
		char *enc = json_string(&j, tok);
		struct strbuf dec = STRBUF_INIT;
		char *colon;

		if (!enc || decode_base64(&dec, enc, strlen(enc)) < 0 ||
		    !(colon = memchr(dec.buf, ':', dec.len))) {
			ret = EXIT_DATA;
			error("'%s': the auth of '%s' is not base64 of user:password; run docker login again", path, host);
		} else if (*enc) {
			c->user = xstrndup(dec.buf, colon - dec.buf);
			c->pass = xstrdup(colon + 1);
			secret_add(enc);
			secret_add(c->pass);
			c->from = xstrdup(path);
		}
		free(enc);
		strbuf_release(&dec);
	}
out:
	free(helper);
	json_release(&j);
	return ret;
}

static int from_docker_config(const char *host, struct creds *c)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	struct strbuf text = STRBUF_INIT;
	char *path;
	int ret;

	if (dir && *dir)
		path = xstrfmt("%s/config.json", dir);
	else if (home && *home)
		path = xstrfmt("%s/.docker/config.json", home);
	else
		return 0;
	if (strbuf_read_file(&text, path) < 0) {
		free(path);
		strbuf_release(&text);
		return 0;	/* no docker config: anonymous */
	}
	ret = creds_from_docker_config(text.buf, text.len, host, c, path, 1);
	free(path);
	strbuf_release(&text);
	return ret;
}

int creds_lookup(const char *host, struct creds *c)
{
	const char *user = getenv("OCI_USERNAME"), *pass = getenv("OCI_PASSWORD");

	memset(c, 0, sizeof(*c));
	if (pass && *pass) {
		secret_add(pass);
		if (!user || !*user)
			return error_code(EXIT_USAGE, "OCI_PASSWORD is set but OCI_USERNAME is not: set both");
		c->user = xstrdup(user);
		c->pass = xstrdup(pass);
		c->from = xstrdup("OCI_USERNAME/OCI_PASSWORD");
		return 0;
	}
	return from_docker_config(host, c);
}

int creds_lookup_config(const char *host, struct creds *c)
{
	memset(c, 0, sizeof(*c));
	return from_docker_config(host, c);
}

void challenge_release(struct challenge *ch)
{
	free(ch->scheme);
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	free(ch->error);
	memset(ch, 0, sizeof(*ch));
}

/* One auth-param value: a quoted string with \-escapes, or a token. */
static const char *param_value(const char *p, char **out)
{
	struct strbuf sb = STRBUF_INIT;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			strbuf_addch(&sb, *p);
		}
		if (*p != '"') {
			strbuf_release(&sb);
			return NULL;
		}
		p++;
	} else {
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			strbuf_addch(&sb, *p++);
	}
	*out = strbuf_detach(&sb, NULL);
	return p;
}

int challenge_parse(const char *value, struct challenge *ch)
{
	const char *p = value;
	size_t n;

	memset(ch, 0, sizeof(*ch));
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (!n)
		return -1;
	ch->scheme = xstrndup(p, n);
	for (char *s = ch->scheme; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
	p += n;
	while (*p) {
		char *val = NULL, **slot = NULL;
		size_t klen;
		const char *key;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		key = p;
		klen = strcspn(p, "= \t,");
		p += klen;
		if (*p != '=')
			goto bad;
		p = param_value(p + 1, &val);
		if (!p)
			goto bad;
		if (klen == 5 && !strncasecmp(key, "realm", 5))
			slot = &ch->realm;
		else if (klen == 7 && !strncasecmp(key, "service", 7))
			slot = &ch->service;
		else if (klen == 5 && !strncasecmp(key, "scope", 5))
			slot = &ch->scope;
		else if (klen == 5 && !strncasecmp(key, "error", 5))
			slot = &ch->error;
		if (slot) {
			free(*slot);
			*slot = val;
		} else {
			free(val);
		}
	}
	return 0;
bad:
	challenge_release(ch);
	return -1;
}
