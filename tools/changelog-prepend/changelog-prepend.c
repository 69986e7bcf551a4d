/*
 * changelog-prepend: add a version section to a changelog in the style of
 * its own headings (the [Unreleased] notes, entries from stdin, or an empty
 * template), keep its compare links right, or have towncrier build it; or
 * print one version's notes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "changelog.h"
#include "towncrier.h"
#include "strbuf.h"
#include "util.h"

static noreturn void usage(int code)
{
	FILE *f = code ? stderr : stdout;

	fprintf(f,
		"usage: changelog-prepend [-nv] [-d date] [-e file] [-f changelog] [-o output]\n"
		"                         [-t prefix] version [-]\n"
		"       changelog-prepend [-f changelog] -x version\n"
		"       changelog-prepend [-f changelog] -l\n");
	exit(code);
}

/* --date, else SOURCE_DATE_EPOCH, else now; always UTC. */
static int release_date(const char *opt, char out[11])
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	unsigned long secs;
	time_t t;
	struct tm tm;

	if (opt) {
		if (!date_valid(opt))
			return error("'%s' is not a date: write it YYYY-MM-DD", opt);
		snprintf(out, 11, "%s", opt);
		return 0;
	}
	if (epoch && *epoch) {
		if (parse_ulong(epoch, &secs) || secs > 253402300799UL)
			return error("SOURCE_DATE_EPOCH '%s' is not a number of seconds since 1970", epoch);
		t = (time_t)secs;
	} else {
		t = time(NULL);
	}
	if (!gmtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		return error("cannot turn the time into a date");
	return 0;
}

/* 0; 1 when the file does not exist; -1 with the error printed. */
static int read_input(struct strbuf *sb, const char *path)
{
	if (strbuf_read_file(sb, path) == 0)
		return 0;
	if (errno == ENOENT && strcmp(path, "-"))
		return 1;
	return error_errno("cannot read '%s'", path);
}

/* Read and scan the changelog to read from: 0, or an exit code with the error printed. */
static int load(const char *path, struct strbuf *text, struct changelog *cl)
{
	int ret = read_input(text, path);

	if (ret > 0)
		error("'%s' does not exist: give the changelog with -f", path);
	if (ret)
		return ret > 0 ? EXIT_NOTFOUND : EXIT_SYSTEM;
	if (changelog_scan(cl, text->buf, text->len)) {
		error("'%s' holds a NUL byte: it is not a text file", path);
		return EXIT_DATA;
	}
	return 0;
}

static int extract(const char *path, const char *version)
{
	struct strbuf text = STRBUF_INIT, notes = STRBUF_INIT;
	struct changelog cl;
	int ret = load(path, &text, &cl);

	if (ret) {
		strbuf_release(&text);
		return ret;
	}
	ret = changelog_extract(&cl, version, &notes);
	if (ret == EXIT_NOTFOUND)
		error("version '%s' is not in '%s'", version, path);
	else if (fwrite(notes.buf, 1, notes.len, stdout) != notes.len)
		ret = EXIT_SYSTEM;
	changelog_release(&cl);
	strbuf_release(&notes);
	strbuf_release(&text);
	return ret;
}

/* The version of the newest release heading, towncrier's titles included. */
static int latest(const char *path)
{
	struct strbuf text = STRBUF_INIT;
	struct changelog cl;
	size_t off = 0, len = 0;
	long h;
	int ret = load(path, &text, &cl);

	if (ret) {
		strbuf_release(&text);
		return ret;
	}
	h = changelog_latest(&cl);
	if (h >= 0) {
		off = cl.line[h].a_off;
		len = cl.line[h].a_len;
	} else if (!towncrier_managed(text.buf, text.len) || towncrier_latest(text.buf, text.len, &off, &len)) {
		ret = error_code(EXIT_NOTFOUND, "'%s' has no release heading", path);
	}
	if (!ret)
		printf("%.*s\n", (int)len, text.buf + off);
	changelog_release(&cl);
	strbuf_release(&text);
	return ret;
}

static int write_output(const char *path, const struct strbuf *sb)
{
	if (!strcmp(path, "-"))
		return fwrite(sb->buf, 1, sb->len, stdout) == sb->len ? 0 : EXIT_SYSTEM;
	return atomic_write_file(path, sb->buf, sb->len) ? EXIT_SYSTEM : 0;
}

/*
 * towncrier builds its changelog: in place with --yes (it removes the
 * fragments), else staged in output with the consumed fragments on stdout.
 */
static int with_towncrier(const char *path, const char *output, const struct strbuf *text,
			  const struct prepend_opts *o, int entries, int dry_run)
{
	struct strbuf out = STRBUF_INIT, fragments = STRBUF_INIT;
	int ret;

	if (entries)
		die_code(EXIT_USAGE, "'%s' is built by towncrier from its news fragments: give no entries", path);
	if (!strcmp(path, "-"))
		die_code(EXIT_USAGE, "a towncrier changelog is built next to its configuration: name it with -f");
	if (!dry_run && !strcmp(output, path))
		return towncrier_in_place(path, o->version, o->date);
	ret = towncrier_stage(path, text, o->version, o->date, &out, &fragments);
	if (!ret && !dry_run)
		ret = write_output(output, &out);
	if (!ret && dry_run)
		printf("would write version %s to '%s' with towncrier, consuming:\n%s", o->version, output,
		       fragments.buf);
	else if (!ret && strcmp(output, "-"))
		fputs(fragments.buf, stdout);
	strbuf_release(&out);
	strbuf_release(&fragments);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date",       required_argument, NULL, 'd' },
		{ "dry-run",    no_argument,       NULL, 'n' },
		{ "entries",    required_argument, NULL, 'e' },
		{ "extract",    required_argument, NULL, 'x' },
		{ "file",       required_argument, NULL, 'f' },
		{ "help",       no_argument,       NULL, 'h' },
		{ "latest",     no_argument,       NULL, 'l' },
		{ "output",     required_argument, NULL, 'o' },
		{ "tag-prefix", required_argument, NULL, 't' },
		{ "verbose",    no_argument,       NULL, 'v' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *date_opt = NULL, *entries_path = NULL, *extract_version = NULL;
	const char *path = "CHANGELOG.md", *output = NULL;
	struct prepend_opts o = { .tag_prefix = "v" };
	struct strbuf text = STRBUF_INIT, entries = STRBUF_INIT, out = STRBUF_INIT;
	struct changelog cl;
	char date[11];
	int c, dry_run = 0, newest = 0, ret;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "d:e:f:hlno:t:Vvx:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': date_opt = optarg; break;
		case 'e': entries_path = optarg; break;
		case 'f': path = optarg; break;
		case 'h': usage(EXIT_OK);
		case 'l': newest = 1; break;
		case 'n': dry_run = 1; break;
		case 'o': output = optarg; break;
		case 't': o.tag_prefix = optarg; break;
		case 'v': verbose++; break;
		case 'x': extract_version = optarg; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (extract_version || newest) {
		if (argc || (extract_version && newest))
			usage(EXIT_USAGE);
		ret = newest ? latest(path) : extract(path, extract_version);
		finish_stdout();
		return ret;
	}
	if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "-")))
		usage(EXIT_USAGE);
	if (argc == 2) {
		if (entries_path)
			die_code(EXIT_USAGE, "give the entries either on stdin (-) or with -e, not both");
		entries_path = "-";
	}
	if (entries_path && !strcmp(entries_path, "-") && !strcmp(path, "-"))
		die_code(EXIT_USAGE, "the changelog and the entries cannot both come from stdin");
	o.version = argv[0][0] == 'v' ? argv[0] + 1 : argv[0];
	if (!semver_valid(o.version, strlen(o.version)))
		die_code(EXIT_DATA, "'%s' is not a SemVer version (MAJOR.MINOR.PATCH[-PRE][+BUILD])", argv[0]);
	if (release_date(date_opt, date))
		return EXIT_USAGE;
	o.date = date;
	if (!output)
		output = strcmp(path, "-") ? path : "-";

	ret = read_input(&text, path);
	if (ret < 0)
		return EXIT_SYSTEM;
	if (ret > 0) {
		note("'%s' does not exist: starting it with the standard header", path);
		strbuf_addstr(&text, changelog_header);
	}
	if (!ret && towncrier_managed(text.buf, text.len)) {
		ret = with_towncrier(path, output, &text, &o, entries_path != NULL, dry_run);
		goto out;
	}
	if (entries_path) {
		if (strbuf_read_file(&entries, entries_path))
			die_code(EXIT_SYSTEM, "cannot read the entries from '%s': %s", entries_path, strerror(errno));
		o.entries = entries.buf;
		o.entries_len = entries.len;
	}
	if (changelog_scan(&cl, text.buf, text.len)) {
		error("'%s' holds a NUL byte: it is not a text file", path);
		ret = EXIT_DATA;
		goto out;
	}
	ret = changelog_prepend(&cl, &o, &out);
	changelog_release(&cl);
	if (ret)
		goto out;
	if (dry_run)
		printf("would write version %s dated %s (%zu bytes) to '%s'\n", o.version, o.date, out.len,
		       output);
	else
		ret = write_output(output, &out);
	if (!ret)
		note("added version %s dated %s to '%s'", o.version, o.date, output);
out:
	strbuf_release(&text);
	strbuf_release(&entries);
	strbuf_release(&out);
	finish_stdout();
	return ret;
}
