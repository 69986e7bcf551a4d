/*
 * A changelog that towncrier manages is built by towncrier, from its news
 * fragments: in place with "towncrier build --yes", or, for another output,
 * in a scratch directory that mirrors the project, so that nothing of the
 * project changes and the fragments it consumed can be named.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "changelog.h"
#include "run.h"
#include "strbuf.h"
#include "towncrier.h"
#include "util.h"

#define MARKER "towncrier release notes start"

int towncrier_managed(const char *text, size_t len)
{
	return memmem(text, len, MARKER, strlen(MARKER)) != NULL;
}

/* s[0, n) is an underline: three or more of one punctuation character. */
static int underline(const char *s, size_t n)
{
	if (n < 3 || !strchr("=-~^*+#\"'`:.", s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/* The first word of the title s[0, n) that names a release, as towncrier writes one. */
static int title_version(const char *s, size_t n, size_t *off, size_t *vlen)
{
	size_t i = 0;

	while (i < n) {
		size_t from, to;
		while (i < n && strchr(" \t#[(", s[i]))
			i++;
		from = i;
		while (i < n && !strchr(" \t", s[i]))
			i++;
		to = i;
		while (to > from && strchr("]),:", s[to - 1]))
			to--;
		if (to > from + 1 && (s[from] == 'v' || s[from] == 'V') && changelog_release_label(s + from + 1, to - from - 1))
			from++;
		if (to > from && changelog_release_label(s + from, to - from)) {
			*off = from;
			*vlen = to - from;
			return 0;
		}
	}
	return -1;
}

/* The length of the line at s, before its LF or CR LF, within end. */
static size_t line_len(const char *s, const char *end)
{
	const char *eol = memchr(s, '\n', (size_t)(end - s));
	size_t n = eol ? (size_t)(eol - s) : (size_t)(end - s);

	return n && s[n - 1] == '\r' ? n - 1 : n;
}

int towncrier_latest(const char *text, size_t len, size_t *off, size_t *vlen)
{
	const char *end = text + len, *line = memmem(text, len, MARKER, strlen(MARKER));

	while (line && (line = memchr(line, '\n', (size_t)(end - line))) && ++line < end) {
		size_t n = line_len(line, end);
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *under = eol ? eol + 1 : end;
		size_t un = under < end ? line_len(under, end) : 0;

		if (!n || !(line[0] == '#' || underline(under, un)))
			continue;
		if (!title_version(line, n, off, vlen)) {
			*off += (size_t)(line - text);
			return 0;
		}
	}
	return -1;
}

static const char *program(void)
{
	const char *t = getenv("TOWNCRIER");

	return t && *t ? t : "towncrier";
}

/* Run towncrier build in dir; its exit status, or an exit code with the error printed. */
static int build(const char *dir, const char *version, const char *date, const char *mode,
		 const char *const *env, struct strbuf *out, const char *changelog)
{
	const char *argv[] = { program(), "build", "--version", version, "--date", date, mode, NULL };
	struct strbuf err = STRBUF_INIT;
	struct run_cmd cmd = { .argv = argv, .env = env, .dir = dir, .out = out, .err = &err };
	int r = run_command(&cmd);

	if (r < 0 && errno == ENOENT) {
		error("'%s' is managed by towncrier (it holds the '" MARKER "' marker), which is not "
		      "installed: install it (Debian: towncrier) and changelog-prepend runs 'towncrier build "
		      "--version %s --yes', or build the release notes with it yourself", changelog, version);
		r = EXIT_SYSTEM;
	} else if (r < 0) {
		r = EXIT_SYSTEM;
	} else if (r) {
		strbuf_trim(&err);
		error("towncrier build failed (exit %d): %.400s", r, err.len ? err.buf : out->buf);
		r = EXIT_DATA;
	}
	strbuf_release(&err);
	return r;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* Remove the scratch directory: links and the copy, never what they point to. */
static void remove_farm(const char *farm)
{
	DIR *d = opendir(farm);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *p;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xstrfmt("%s/%s", farm, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(farm);
}

/* A directory of links to every entry of dir but the changelog, which is a copy. */
static int make_farm(char *farm, const char *dir, const char *name, const struct strbuf *text)
{
	char *real = realpath(dir, NULL);
	DIR *d = real ? opendir(real) : NULL;
	struct dirent *e;
	int r = 0;

	if (!d) {
		free(real);
		return error_errno("cannot read the directory '%s'", dir);
	}
	while (!r && (e = readdir(d))) {
		char *to, *from;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, name))
			continue;
		to = xstrfmt("%s/%s", farm, e->d_name);
		from = xstrfmt("%s/%s", real, e->d_name);
		if (symlink(from, to) < 0)
			r = error_errno("cannot link '%s'", to);
		free(to);
		free(from);
	}
	closedir(d);
	free(real);
	if (!r) {
		char *copy = xstrfmt("%s/%s", farm, name);
		r = atomic_write_file(copy, text->buf, text->len);
		free(copy);
	}
	return r;
}

/* towncrier's "Keeping the following files:" list, as paths of the project. */
static void list_fragments(const char *said, const char *farm, const char *dir, struct strbuf *fragments)
{
	const char *p = strstr(said, "Keeping the following files:");
	size_t flen = strlen(farm);

	for (p = p ? strchr(p, '\n') : NULL; p && *++p;) {
		const char *eol = strchrnul(p, '\n');
		if (eol - p > (long)flen && !memcmp(p, farm, flen) && p[flen] == '/')
			strbuf_addf(fragments, "%s%s%.*s\n", strcmp(dir, ".") ? dir : "", strcmp(dir, ".") ? "/" : "",
				    (int)(eol - p - flen - 1), p + flen + 1);
		p = eol;
		if (!*p)
			break;
	}
}

int towncrier_stage(const char *path, const struct strbuf *text, const char *version, const char *date,
		    struct strbuf *out, struct strbuf *fragments)
{
	char *dir = dir_of(path), *tmp = xstrfmt("%s/changelog-prepend.XXXXXX",
		getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *farm = NULL, *git = NULL, *copy = NULL;
	struct strbuf said = STRBUF_INIT;
	int r = EXIT_SYSTEM;

	if (!mkdtemp(tmp)) {
		error_errno("cannot make a scratch directory '%s'", tmp);
		goto out;
	}
	farm = realpath(tmp, NULL);
	/* towncrier would "git add" the result: no repository can be found from here */
	git = xstrfmt("GIT_DIR=%s/.no-git", farm ? farm : tmp);
	if (!farm || make_farm(farm, dir, name, text))
		goto out;
	{
		const char *env[] = { git, NULL };
		r = build(farm, version, date, "--keep", env, &said, path);
	}
	copy = xstrfmt("%s/%s", farm, name);
	if (!r && strbuf_read_file(out, copy) < 0) {
		error_errno("cannot read what towncrier wrote");
		r = EXIT_SYSTEM;
	}
	if (!r)
		list_fragments(said.buf, farm, dir, fragments);
out:
	remove_farm(farm ? farm : tmp);
	free(copy);
	free(git);
	free(farm);
	free(tmp);
	free(dir);
	strbuf_release(&said);
	return r;
}

int towncrier_in_place(const char *path, const char *version, const char *date)
{
	char *dir = dir_of(path);
	struct strbuf said = STRBUF_INIT;
	int r = build(dir, version, date, "--yes", NULL, &said, path);

	if (!r)
		note("%s", said.buf);
	strbuf_release(&said);
	free(dir);
	return r;
}
