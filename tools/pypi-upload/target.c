/*
 * Upload target and credentials: options, environment, ~/.pypirc, and the
 * presence of trusted publishing in CI.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "http.h"
#include "target.h"
#include "util.h"

const char *known_repository(const char *name)
{
	if (!strcmp(name, "pypi"))
		return PYPI_UPLOAD_URL;
	if (!strcmp(name, "testpypi"))
		return TESTPYPI_UPLOAD_URL;
	return NULL;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void set_value(struct pypirc_repo *r, const char *key, char *value)
{
	char **slot = NULL;

	if (!strcasecmp(key, "repository"))
		slot = &r->url;
	else if (!strcasecmp(key, "username"))
		slot = &r->username;
	else if (!strcasecmp(key, "password"))
		slot = &r->password;
	if (!slot) {
		free(value);
		return;
	}
	free(*slot);
	*slot = value;
}

int pypirc_find(const char *text, const char *what, const char *section, struct pypirc_repo *out)
{
	const char *p = text;
	int lineno = 0, in_section = 0, found = 0;

	memset(out, 0, sizeof(*out));
	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = trimmed(p, n), *sep;
		int indented = n && (*p == ' ' || *p == '\t');

		lineno++;
		p += n + (p[n] == '\n');
		if (!*line || *line == '#' || *line == ';' || indented) {
			/* Continuation lines only matter for [distutils] index-servers. */
			free(line);
			continue;
		}
		if (*line == '[') {
			char *end = strchr(line, ']');

			if (!end) {
				free(line);
				pypirc_repo_release(out);
				return error("'%s' line %d: a section header without ']'", what, lineno);
			}
			*end = '\0';
			in_section = !strcmp(line + 1, section);
			found |= in_section;
			free(line);
			continue;
		}
		sep = line + strcspn(line, "=:");
		if (!*sep || sep == line) {
			free(line);
			pypirc_repo_release(out);
			return error("'%s' line %d: expected 'key = value'", what, lineno);
		}
		if (in_section) {
			char *key = trimmed(line, sep - line);

			set_value(out, key, trimmed(sep + 1, strlen(sep + 1)));
			free(key);
		}
		free(line);
	}
	return found ? 0 : 1;
}

void pypirc_repo_release(struct pypirc_repo *r)
{
	free(r->url);
	free(r->username);
	free(r->password);
	memset(r, 0, sizeof(*r));
}

int index_root(struct strbuf *sb, const char *url)
{
	const char *host, *path;
	size_t len;

	if (starts_with(url, "https://"))
		host = url + 8;
	else if (starts_with(url, "http://"))
		host = url + 7;
	else
		return -1;
	path = host + strcspn(host, "/?#");
	if (path == host)
		return -1;
	if ((size_t)(path - host) == strlen("upload.pypi.org") && starts_with(host, "upload.pypi.org")) {
		strbuf_addstr(sb, "https://pypi.org");
		return 0;
	}
	/* Index servers read a repository under its upload path: keep it, less PyPI's "legacy". */
	len = path - url;
	if (*path == '/') {
		size_t plen = strcspn(path, "?#");

		while (plen && path[plen - 1] == '/')
			plen--;
		if (plen >= 7 && !strncmp(path + plen - 7, "/legacy", 7))
			plen -= 7;
		len += plen;
	}
	strbuf_add(sb, url, len);
	return 0;
}

static char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? xstrdup(v) : NULL;
}

static int read_pypirc(const struct target_options *o, const char *section, struct pypirc_repo *r)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	const char *home = getenv("HOME");
	int ret;

	memset(r, 0, sizeof(*r));
	if (o->config_file)
		strbuf_addstr(&path, o->config_file);
	else if (home && *home)
		strbuf_addf(&path, "%s/.pypirc", home);
	else
		return 1;
	if (strbuf_read_file(&text, path.buf) < 0) {
		ret = 1;
		if (errno != ENOENT || o->config_file)
			ret = error_errno("cannot read '%s'", path.buf);
	} else {
		ret = pypirc_find(text.buf, path.buf, section, r);
	}
	strbuf_release(&text);
	strbuf_release(&path);
	return ret;
}

static int resolve_url(struct target *t, const struct target_options *o, const struct pypirc_repo *rc, int rc_found)
{
	char *v;

	if (o->repository_url) {
		t->upload_url = xstrdup(o->repository_url);
	} else if (o->repository) {
		if (rc_found && rc->url)
			t->upload_url = xstrdup(rc->url);
		else if (known_repository(o->repository))
			t->upload_url = xstrdup(known_repository(o->repository));
		else
			return error_code(EXIT_USAGE, "repository '%s' is not a section of ~/.pypirc (or it has no 'repository' URL)",
				     o->repository);
	} else if ((v = env("PYPI_REPOSITORY_URL")) || (v = env("TWINE_REPOSITORY_URL"))) {
		t->upload_url = v;
	} else {
		t->upload_url = xstrdup(rc_found && rc->url ? rc->url : PYPI_UPLOAD_URL);
	}
	return 0;
}

/* The username and password of the first place that has them. */
static int resolve_credentials(struct target *t, const struct pypirc_repo *rc, int rc_usable,
			       char *url_user, char *url_password)
{
	if ((t->password = env("PYPI_TOKEN"))) {
		t->username = xstrdup("__token__");
		t->source = "PYPI_TOKEN";
	} else if ((t->password = env("TWINE_PASSWORD"))) {
		if (!(t->username = env("TWINE_USERNAME")))
			t->username = xstrdup("__token__");
		t->source = "TWINE_USERNAME and TWINE_PASSWORD";
	} else if (rc_usable && rc->password) {
		t->username = xstrdup(rc->username ? rc->username : "__token__");
		t->password = xstrdup(rc->password);
		t->source = "~/.pypirc";
	} else if (url_password) {
		t->username = xstrdup(url_user ? url_user : "__token__");
		t->password = xstrdup(url_password);
		t->source = "the repository URL";
	} else if (getenv("ACTIONS_ID_TOKEN_REQUEST_URL") && getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")) {
		t->trusted_publishing = 1;
		t->source = "trusted publishing";
		secret_add(getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
		return 0;
	} else {
		return error_code(EXIT_AUTH, "no credentials: set PYPI_TOKEN (an API token), TWINE_USERNAME and TWINE_PASSWORD, "
			     "a password in ~/.pypirc, or run in CI with trusted publishing (id-token: write)");
	}
	secret_add(t->password);
	/* Bound to the upload URL's origin: no other host ever receives them. */
	if (http_client_basic(http_default_client(), t->upload_url, t->username, t->password))
		return EXIT_USAGE;
	return 0;
}

/* Take user:password off *url: as pip and twine do, they are credentials, never shown. */
static int take_userinfo(char **url, char **user, char **password)
{
	char *clean = http_url_split_userinfo(*url, user, password);

	if (!clean)
		return error_code(EXIT_USAGE, "'%s' is not an http(s) URL", *url);
	free(*url);
	*url = clean;
	return 0;
}

int read_urls(struct target *t, const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	size_t path;

	if (!starts_with(url, "http://") && !starts_with(url, "https://"))
		return -1;
	path = strstr(url, "://") + 3 - url;
	path += strcspn(url + path, "/?#");
	if (url[path - 1] == '/')
		return -1;	/* no host */
	strbuf_addstr(&sb, url);
	/* Query and fragment have no place in a root that paths are appended to. */
	strbuf_setlen(&sb, strcspn(sb.buf, "?#"));
	while (sb.len > path && sb.buf[sb.len - 1] == '/')
		strbuf_setlen(&sb, sb.len - 1);
	free(t->index_url);
	free(t->simple_url);
	if (sb.len - path >= 7 && ends_with(sb.buf, "/simple")) {
		t->simple_url = xstrdup(sb.buf);
		t->index_url = xstrndup(sb.buf, sb.len - 7);
	} else {
		t->index_url = xstrdup(sb.buf);
		t->simple_url = xstrfmt("%s/simple", sb.buf);
	}
	strbuf_release(&sb);
	return 0;
}

/*
 * user:password in the read URL are for reading only, from that URL's
 * origin; where the upload's credentials already serve that origin, they
 * serve the reads too.
 */
static int read_target(struct target *t, const char *given)
{
	char *url = xstrdup(given), *user = NULL, *password = NULL;
	int ret = take_userinfo(&url, &user, &password);

	if (!ret && read_urls(t, url))
		ret = error_code(EXIT_USAGE, "'%s' is not an http(s) URL", url);
	if (!ret && password && t->username && http_same_origin(url, t->upload_url))
		note("the read URL '%s' has credentials of its own; the upload's serve its origin", url);
	else if (!ret && password && http_client_basic(http_default_client(), url, user ? user : "", password))
		ret = EXIT_USAGE;
	free(url);
	free(user);
	free(password);
	return ret;
}

int target_resolve(struct target *t, const struct target_options *o)
{
	struct pypirc_repo rc;
	struct strbuf root = STRBUF_INIT;
	const char *section = o->repository ? o->repository : "pypi", *section_url;
	char *url_user = NULL, *url_password = NULL, *index_url = NULL;
	int found, ret;

	memset(t, 0, sizeof(*t));
	found = read_pypirc(o, section, &rc);
	if (found < 0)
		return EXIT_USAGE;
	if ((ret = resolve_url(t, o, &rc, !found)))
		goto out;
	/* A .pypirc password goes only to its own section's URL, unless -r chose the section. */
	section_url = rc.url ? rc.url : known_repository(section);
	found = !found && (o->repository || (section_url && !strcmp(section_url, t->upload_url)));
	if ((ret = take_userinfo(&t->upload_url, &url_user, &url_password)))
		goto out;
	if ((ret = resolve_credentials(t, &rc, found, url_user, url_password)))
		goto out;
	if (o->index_url || (index_url = env("PYPI_INDEX_URL"))) {
		ret = read_target(t, o->index_url ? o->index_url : index_url);
	} else if (index_root(&root, t->upload_url) || read_urls(t, root.buf)) {
		ret = EXIT_USAGE;
		error("'%s' is not an http(s) URL", t->upload_url);
	}
out:
	free(index_url);
	pypirc_repo_release(&rc);
	strbuf_release(&root);
	free(url_user);
	free(url_password);
	return ret;
}

void target_release(struct target *t)
{
	free(t->upload_url);
	free(t->index_url);
	free(t->simple_url);
	free(t->username);
	free(t->password);
	memset(t, 0, sizeof(*t));
}
