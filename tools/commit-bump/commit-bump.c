/*
 * commit-bump: read the Conventional Commits since the latest version tag
 * and print the bump they call for, the next version, or Keep a Changelog
 * entries for them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "strbuf.h"
#include "util.h"

static noreturn void usage(int code)
{
	FILE *f = code ? stderr : stdout;

	fprintf(f,
		"usage: commit-bump [-0av] [-C dir] [-r rev] [-t prefix] [-c | -N]\n");
	exit(code);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",        no_argument,       NULL, 'a' },
		{ "changelog",  no_argument,       NULL, 'c' },
		{ "directory",  required_argument, NULL, 'C' },
		{ "help",       no_argument,       NULL, 'h' },
		{ "next",       no_argument,       NULL, 'N' },
		{ "rev",        required_argument, NULL, 'r' },
		{ "tag-prefix", required_argument, NULL, 't' },
		{ "verbose",    no_argument,       NULL, 'v' },
		{ "version",    no_argument,       NULL, 'V' },
		{ "zero-major", no_argument,       NULL, '0' },
		{ NULL, 0, NULL, 0 }
	};
	struct history_opts o = { .prefix = "v" };
	struct strbuf out = STRBUF_INIT;
	struct history h;
	int c, changelog = 0, next = 0, zero_major = 0, ret;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "0aC:chNr:t:Vv", longopts, NULL)) != -1) {
		switch (c) {
		case '0': zero_major = 1; break;
		case 'a': o.all = 1; break;
		case 'C': o.dir = optarg; break;
		case 'c': changelog = 1; break;
		case 'h': usage(EXIT_OK);
		case 'N': next = 1; break;
		case 'r': o.rev = optarg; break;
		case 't': o.prefix = optarg; break;
		case 'v': verbose++; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc || (changelog && next))
		usage(EXIT_USAGE);

	if ((ret = history_read(&o, &h)))
		goto out;
	semver_format(&out, &h.current, 0);
	note("latest version tag: %s (%s); %zu commits since, %zu merges skipped; bump: %s",
	     h.tag ? h.tag : "none", out.buf, h.commits, h.merges, bump_name(h.bump));
	strbuf_reset(&out);

	if (changelog) {
		history_changelog(&h, &out);
	} else if (next) {
		if (history_next(&h, zero_major, &out)) {
			error("no commit since %s calls for a release (only docs, chore and the like)",
			      h.tag ? h.tag : "the first commit");
			ret = EXIT_NO;
			goto out;
		}
		strbuf_addch(&out, '\n');
	} else {
		strbuf_addf(&out, "%s\n", bump_name(history_bump(&h, zero_major)));
	}
	fwrite(out.buf, 1, out.len, stdout);
out:
	history_release(&h);
	strbuf_release(&out);
	finish_stdout();
	return ret;
}
