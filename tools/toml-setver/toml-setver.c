/*
 * toml-setver: read or set the version of a pyproject.toml ([project] or
 * [tool.poetry]), changing no other byte of the file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "pyproject.h"
#include "strbuf.h"
#include "toml.h"
#include "util.h"

#define MAX_FILE (64u << 20)

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-nv] [-o output] [-t table] file version\n"
		"       %s -g [-v] [-t table] [file]\n",
		progname, progname);
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

/* On stderr: where the version is, and what it becomes when version is set. */
static void say_found(const struct toml_doc *doc, const char *path,
		      const struct pyproject_version *found, const char *version, int dry_run)
{
	unsigned line, column;

	toml_position(doc->buf, doc->len, found->node->start, &line, &column);
	fprintf(stderr, "%s: %s%s:%u: %s version '%s'", progname, dry_run ? "would change " : "",
		shown_name(path), line, found->table, found->node->str);
	if (version)
		fprintf(stderr, " -> '%s'", version);
	fputc('\n', stderr);
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "get", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum pyproject_table table = PYPROJECT_AUTO;
	struct pyproject_version found = { 0 };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, why = STRBUF_INIT;
	struct toml_doc doc;
	struct toml_err err;
	const char *path = "pyproject.toml", *version = NULL, *output = NULL;
	int get = 0, dry_run = 0, code, c;
	size_t where;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "gho:nt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'g': get = 1; break;
		case 'h': usage(EXIT_OK);
		case 'n': dry_run = 1; break;
		case 'o': output = optarg; break;
		case 't': table = parse_table(optarg); break;
		case 'v': verbose++; break;
		case 'V':
			printf("toml-setver (shipsync) %s\n", SHIPSYNC_VERSION);
			finish_stdout();
			return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (get ? argc > 1 || output || dry_run : argc != 2)
		usage(EXIT_USAGE);
	if (argc > 0)
		path = argv[0];
	if (!get && check_new_version((version = argv[1])) < 0)
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
	code = pyproject_find(&doc, table, &found, &why, &where);
	if (code != EXIT_OK) {
		code = at(&doc, path, where, why.buf, code);
		goto out;
	}

	if (get) {
		printf("%s\n", found.node->str);
		if (verbose)
			say_found(&doc, path, &found, NULL, 0);
		goto out;
	}

	pyproject_replace(&out, &doc, found.node, version);
	if (dry_run || verbose)
		say_found(&doc, path, &found, version, dry_run);
	if (dry_run)
		goto out;
	/* an unchanged version in place: leave the file alone, byte for byte and mtime */
	if (!strcmp(found.node->str, version) && !output && strcmp(path, "-"))
		goto out;
	if (write_output(output ? output : path, &out) < 0)
		code = EXIT_SYSTEM;

out:
	toml_free(&doc);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&why);
	if (code == EXIT_OK)
		finish_stdout();
	return code;
}
