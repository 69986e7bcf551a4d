/*
 * toml-setver: read or set a Python project's version where its
 * pyproject.toml says it lives (its own [project] or [tool.poetry] version,
 * a module's __version__, a version file, setup.cfg, or git tags), and other
 * tools' records of it, changing no other byte of any file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "pep440.h"
#include "pyproject.h"
#include "source.h"
#include "strbuf.h"
#include "toml.h"
#include "util.h"

#define MAX_FILE (64u << 20)

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-nv] [-O dir | -o output] [-t table] file version\n"
		"       %s -g [-v] [-t table] [file]\n"
		"       %s -l [file]\n",
		progname, progname, progname);
	exit(code);
}

static enum pyproject_table parse_table(const char *s)
{
	if (!strcmp(s, "project"))
		return PYPROJECT_PROJECT;
	if (!strcmp(s, "poetry") || !strcmp(s, "tool.poetry"))
		return PYPROJECT_POETRY;
	die_code(EXIT_USAGE, "unknown table '%s': use 'project' or 'poetry'", s);
}

static const char *shown_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

/* EXIT_OK, or the exit code with the error printed. */
static int read_input(struct strbuf *sb, const char *path)
{
	if (strbuf_read_file(sb, path) < 0) {
		error_errno("cannot read '%s'", shown_name(path));
		return EXIT_SYSTEM;
	}
	if (sb->len > MAX_FILE) {
		error("'%s' is larger than 64 MiB: not a pyproject.toml", shown_name(path));
		return EXIT_DATA;
	}
	return EXIT_OK;
}

/* Report a problem at a byte offset of the document as file:line:column. */
static int at(const struct toml_doc *doc, const char *path, size_t offset, const char *msg, int code)
{
	unsigned line, column;

	if (offset == PYPROJECT_NOWHERE) {
		error("%s: %s", shown_name(path), msg);
		return code;
	}
	toml_position(doc->buf, doc->len, offset, &line, &column);
	error("%s:%u:%u: %s", shown_name(path), line, column, msg);
	return code;
}

/* Refuse a version that cannot be written as it is; -1 with the error printed. */
static int check_new_version(const char *version)
{
	const char *bad = pyproject_check_version(version);
	char *shown, *s;

	if (!bad)
		return 0;
	shown = xstrdup(version);
	for (s = shown; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	error("new version '%s' %s; nothing was changed", shown, bad);
	free(shown);
	return -1;
}

/*
 * Where the version is, and what it becomes when version is set: the plan
 * of a dry run on stdout, like every tool's; a note on stderr otherwise.
 */
static void say_found(const struct toml_doc *doc, const char *path,
		      const struct pyproject_version *found, const char *version, int dry_run)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned line, column;

	toml_position(doc->buf, doc->len, found->node->start, &line, &column);
	strbuf_addf(&sb, "%s:%u: %s version '%s'", shown_name(path), line, found->table, found->node->str);
	if (version)
		strbuf_addf(&sb, " -> '%s'", version);
	if (dry_run)
		printf("would change %s\n", sb.buf);
	else
		note("%s", sb.buf);
	strbuf_release(&sb);
}

/* Write the result: stdout for "-", else an atomic replace of the real file. */
static int write_output(const char *target, const struct strbuf *out)
{
	char *real;
	int r;

	if (!strcmp(target, "-"))
		return write_all(STDOUT_FILENO, out->buf, out->len) < 0 ?
		       error_errno("cannot write to stdout") : 0;
	/* replace the file a symlink points to, not the link */
	real = realpath(target, NULL);
	r = atomic_write_file(real ? real : target, out->buf, out->len);
	free(real);
	return r;
}

/* -t or stdin: only the static version of the table, in this one file. */
static int static_version(const struct toml_doc *doc, enum pyproject_table table, const char *path,
			  const char *version, const char *output, int get, int dry_run)
{
	struct pyproject_version found = { 0 };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	size_t where;
	int code = pyproject_find(doc, table, &found, &why, &where);

	if (code != EXIT_OK) {
		code = at(doc, path, where, why.buf, code);
	} else if (get) {
		printf("%s\n", found.node->str);
		if (verbose)
			say_found(doc, path, &found, NULL, 0);
	} else {
		pyproject_replace(&out, doc, found.node, version);
		if (dry_run || verbose)
			say_found(doc, path, &found, version, dry_run);
		/* an unchanged version in place: leave the file alone, byte for byte and mtime */
		if (!dry_run && (strcmp(found.node->str, version) || output || !strcmp(path, "-")) &&
		    write_output(output ? output : path, &out) < 0)
			code = EXIT_SYSTEM;
	}
	strbuf_release(&out);
	strbuf_release(&why);
	return code;
}

/* Two spellings of one version ("v1.2.0" and "1.2"), or the same string. */
static int same_version(const char *a, const char *b)
{
	struct pep440 x, y;

	if (!strcmp(a, b))
		return 1;
	return !pep440_parse(&x, a, strlen(a), NULL) && !pep440_parse(&y, b, strlen(b), NULL) &&
	       !pep440_compare(&x, &y);
}

/* A record that does not say what the version says: stale, and not ours to guess. */
static int stale(const struct places *pl, size_t i)
{
	return pl->p[i].record && pl->nr && !pl->p[0].record && !same_version(pl->p[i].version, pl->p[0].version);
}

/* What a place gets: the version, with the 'v' a record writes before it. */
static char *new_text(const struct place *p, const char *version)
{
	return xstrfmt("%s%s", p->record && (p->version[0] == 'v' || p->version[0] == 'V') &&
		       version[0] != 'v' && version[0] != 'V' ? "v" : "", version);
}

static int list(const struct places *pl)
{
	if (pl->vcs)
		printf("vcs\t-\t-\tgit tags (%s)\n", pl->vcs);
	for (size_t i = 0; i < pl->nr; i++)
		printf("%s\t%s:%u\t%s\t%s\n", pl->p[i].record ? stale(pl, i) ? "stale" : "record" : "version",
		       pl->p[i].path, pl->p[i].line, pl->p[i].version, pl->p[i].what);
	return EXIT_OK;
}

static int get_version(const struct places *pl)
{
	for (size_t i = 0; i < pl->nr; i++)
		if (stale(pl, i))
			warn("%s:%u: %s is '%s', not '%s': it is stale", pl->p[i].path, pl->p[i].line,
			     pl->p[i].what, pl->p[i].version, pl->p[0].version);
	if (pl->vcs) {
		error("%s derives the version from git tags: the latest version tag is the version", pl->vcs);
		return EXIT_NOTFOUND;
	}
	printf("%s\n", pl->p[0].version);
	if (verbose)
		fprintf(stderr, "%s: %s:%u: %s\n", progname, pl->p[0].path, pl->p[0].line, pl->p[0].what);
	return EXIT_OK;
}

/* The new content of every file whose version changes. */
static size_t new_contents(const struct places *pl, const char *version, struct file_text *out)
{
	size_t n = 0;

	for (size_t f = 0; f < pl->nfiles; f++) {
		const struct strbuf *text = &pl->files[f].text;
		struct strbuf *sb = &out[n].text;
		size_t done = 0;
		int changed = 0;

		strbuf_init(sb, text->len + 64);
		/* places are found in file order within a file but not overall: pick them by offset */
		for (;;) {
			const struct place *next = NULL;
			for (size_t i = 0; i < pl->nr; i++)
				if (!strcmp(pl->p[i].path, pl->files[f].path) && pl->p[i].off >= done &&
				    (!next || pl->p[i].off < next->off))
					next = &pl->p[i];
			if (!next)
				break;
			char *now = new_text(next, version);
			strbuf_add(sb, text->buf + done, next->off - done);
			strbuf_addstr(sb, now);
			changed |= strcmp(next->version, now) != 0;
			done = next->off + next->len;
			free(now);
		}
		strbuf_add(sb, text->buf + done, text->len - done);
		if (!changed) {
			strbuf_release(sb);
			continue;
		}
		out[n++].path = pl->files[f].path;
	}
	return n;
}

/* -O dir: each new content in a file of its own there, "staged<TAB>path" on stdout. */
static int stage(const char *dir, const struct file_text *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *tmp = xstrfmt("%s/toml-setver.XXXXXX", dir);
		int fd = mkstemp(tmp);
		if (fd < 0 || write_all(fd, files[i].text.buf, files[i].text.len) < 0 || close(fd) < 0) {
			error_errno("cannot write '%s'", tmp);
			free(tmp);
			return EXIT_SYSTEM;
		}
		printf("%s\t%s\n", tmp, files[i].path);
		free(tmp);
	}
	return EXIT_OK;
}

/* Replace every file, or none: all temp files first, then the renames. */
static int replace_all(const struct file_text *files, size_t n)
{
	struct atomic_file *af = xcalloc(n ? n : 1, sizeof(*af));
	size_t begun = 0;
	int code = EXIT_OK;

	for (; begun < n; begun++) {
		char *real = realpath(files[begun].path, NULL);
		int r = atomic_begin(&af[begun], real ? real : files[begun].path);
		free(real);
		if (r < 0 || write_all(af[begun].fd, files[begun].text.buf, files[begun].text.len) < 0) {
			if (!r)
				error_errno("cannot write '%s'", files[begun].path);
			begun += !r;
			code = EXIT_SYSTEM;
			break;
		}
	}
	for (size_t i = 0; i < begun; i++)
		if (code || atomic_commit(&af[i]) < 0)
			code = EXIT_SYSTEM;
	for (size_t i = 0; i < begun; i++)
		atomic_abort(&af[i]);
	free(af);
	return code;
}

static int set_version(const struct places *pl, const char *pyproject, const char *version,
		       const char *output, const char *stage_dir, int dry_run)
{
	struct file_text *files = xcalloc(pl->nfiles + 1, sizeof(*files));
	size_t n;
	int code = EXIT_OK;

	for (size_t i = 0; i < pl->nr; i++)
		if (stale(pl, i)) {
			error("%s:%u: %s is '%s' where the version is '%s': bring it in line first; "
			      "nothing was changed", pl->p[i].path, pl->p[i].line, pl->p[i].what,
			      pl->p[i].version, pl->p[0].version);
			free(files);
			return EXIT_DATA;
		}
	if (pl->vcs)
		warn("%s derives the version from git tags: nothing to write for it", pl->vcs);
	n = new_contents(pl, version, files);
	for (size_t i = 0; i < pl->nr && dry_run; i++)
		printf("would change %s:%u: %s '%s' -> '%s'\n", pl->p[i].path, pl->p[i].line, pl->p[i].what,
		       pl->p[i].version, version);
	for (size_t i = 0; i < pl->nr && !dry_run; i++)
		note("%s:%u: %s '%s' -> '%s'", pl->p[i].path, pl->p[i].line, pl->p[i].what, pl->p[i].version,
		     version);
	if (output && (n > 1 || (n == 1 && strcmp(files[0].path, pyproject)))) {
		error("the version lives in '%s', not only in '%s': use -O to get every file that changes",
		      strcmp(files[0].path, pyproject) ? files[0].path : files[1].path, pyproject);
		code = EXIT_DATA;
	} else if (output) {
		const struct strbuf *same = source_text(pl, pyproject);
		code = write_output(output, n ? &files[0].text : same) < 0 ? EXIT_SYSTEM : EXIT_OK;
	} else if (stage_dir && !dry_run) {
		code = stage(stage_dir, files, n);
	} else if (!dry_run) {
		code = replace_all(files, n);
	}
	for (size_t i = 0; i < n; i++)
		strbuf_release(&files[i].text);
	free(files);
	return code;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "get", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "stage", required_argument, NULL, 'O' },
		{ "table", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum pyproject_table table = PYPROJECT_AUTO;
	struct places pl = { 0 };
	struct strbuf in = STRBUF_INIT, why = STRBUF_INIT;
	struct toml_doc doc;
	struct toml_err err;
	const char *path = "pyproject.toml", *version = NULL, *output = NULL, *stage_dir = NULL;
	int get = 0, show = 0, dry_run = 0, code, c;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "ghlO:o:nt:Vv", longopts, NULL)) != -1) {
		switch (c) {
		case 'g': get = 1; break;
		case 'h': usage(EXIT_OK);
		case 'l': show = 1; break;
		case 'n': dry_run = 1; break;
		case 'O': stage_dir = optarg; break;
		case 'o': output = optarg; break;
		case 't': table = parse_table(optarg); break;
		case 'v': verbose++; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (get + show > 1 || ((get || show) ? argc > 1 || output || stage_dir || dry_run : argc != 2) ||
	    (output && stage_dir) || (show && table != PYPROJECT_AUTO))
		usage(EXIT_USAGE);
	if (argc > 0)
		path = argv[0];
	if ((stage_dir || show) && !strcmp(path, "-"))
		die_code(EXIT_USAGE, "-l and -O follow the version to other files: give the pyproject.toml as a file");
	if (!get && !show && check_new_version((version = argv[1])) < 0)
		return EXIT_DATA;

	if ((code = read_input(&in, path)) != EXIT_OK) {
		strbuf_release(&in);
		return code;
	}
	if (toml_parse(&doc, in.buf, in.len, &err) < 0) {
		error("%s:%u:%u: invalid TOML: %s; nothing was changed", shown_name(path), err.line,
		      err.column, err.msg);
		strbuf_release(&in);
		return EXIT_DATA;
	}
	if (table != PYPROJECT_AUTO || !strcmp(path, "-")) {
		code = static_version(&doc, table, path, version, output, get, dry_run);
		goto out;
	}
	if ((code = source_find(&pl, &doc, path, &why)) != EXIT_OK) {
		error("%s", why.buf);
		goto out;
	}
	/* the pyproject.toml itself, as read, for the edits of its own places */
	if (!source_text(&pl, path)) {
		ALLOC_GROW(pl.files, pl.nfiles + 1, pl.files_alloc);
		pl.files[pl.nfiles].path = xstrdup(path);
		strbuf_init(&pl.files[pl.nfiles].text, 0);
		strbuf_addbuf(&pl.files[pl.nfiles++].text, &in);
	}
	if (show)
		code = list(&pl);
	else if (get)
		code = get_version(&pl);
	else
		code = set_version(&pl, path, version, output, stage_dir, dry_run);
out:
	source_release(&pl);
	toml_free(&doc);
	strbuf_release(&in);
	strbuf_release(&why);
	if (code == EXIT_OK)
		finish_stdout();
	return code;
}
