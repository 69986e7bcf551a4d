/*
 * compose-retag: list, check or set the tag of the project's own images in
 * compose files, leaving every other image and every other byte alone.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imageref.h"
#include "atomic.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

enum mode { NONE, LIST, CHECK, SET };
struct input {
	const char *path;
	struct strbuf data;
	struct image_refs refs;
	struct image *imgs;
	int *own;
	char **shown;	/* each image value as messages show it */
	struct edit *edits;
	size_t nedits, alloc;
	struct strbuf result;
};

static const char **owned;
static size_t nowned, owned_alloc;
static int dry_run;

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-nv] -i repository ... -s version [-o file] file ...\n"
		"       %s [-v] -i repository ... -c version file ...\n"
		"       %s [-i repository ...] -l file ...\n"
		"       %s --help | --version\n",
		progname, progname, progname, progname);
	exit(code);
}

static void add_owned(const char *arg)
{
	const char *slash = strrchr(arg, '/');
	char *repo;

	if (strchr(arg, '@') || strchr(slash ? slash : arg, ':')) {
		error("'%s' has a tag or digest: give --image the repository alone, like 'ghcr.io/acme/app'", arg);
		usage(EXIT_USAGE);
	}
	repo = imageref_normalize(arg, strlen(arg));
	if (!repo) {
		error("'%s' is not an image repository", arg);
		usage(EXIT_USAGE);
	}
	ALLOC_GROW(owned, nowned + 1, owned_alloc);
	owned[nowned++] = repo;
}

static int is_owned(const char *repo)
{
	size_t i;

	for (i = 0; repo && i < nowned; i++)
		if (!strcmp(repo, owned[i]))
			return 1;
	return 0;
}

/* The image as a person reads it: defaults applied, unless a variable has none. */
static void print_image(const struct input *in, size_t i)
{
	const struct image *img = &in->imgs[i];
	char *s;

	if (!image_is_known(img)) {
		fputs(in->shown[i], stdout);
		return;
	}
	s = xprintable(img->text.buf, img->text.len, 0);
	fputs(s, stdout);
	free(s);
}

static int load(struct input *in)
{
	struct scan_error err;
	char msg[200];
	size_t i;

	if (strbuf_read_file(&in->data, in->path) < 0) {
		error_errno("cannot read '%s'", in->path);
		return EXIT_SYSTEM;
	}
	if (scan_compose(in->data.buf, in->data.len, &in->refs, &err) < 0) {
		error("'%s:%zu': %s; nothing was changed", in->path, err.line, err.msg);
		return EXIT_DATA;
	}
	in->imgs = xcalloc(in->refs.nr + 1, sizeof(*in->imgs));
	in->own = xcalloc(in->refs.nr + 1, sizeof(*in->own));
	in->shown = xcalloc(in->refs.nr + 1, sizeof(*in->shown));
	for (i = 0; i < in->refs.nr; i++)
		in->shown[i] = xprintable(in->refs.v[i].value, in->refs.v[i].len, 0);
	for (i = 0; i < in->refs.nr; i++) {
		if (image_parse(&in->refs.v[i], &in->imgs[i], msg, sizeof(msg)) < 0) {
			error("'%s:%zu': %s in image '%s'; nothing was changed",
			      in->path, in->refs.v[i].line, msg, in->shown[i]);
			return EXIT_DATA;
		}
		in->own[i] = is_owned(in->imgs[i].repo);
		if (!in->imgs[i].repo && !image_is_known(&in->imgs[i]) && nowned)
			warn("'%s:%zu': cannot tell whether image '%s' is one of the project's: "
			     "its repository comes from a variable without a default",
			     in->path, in->refs.v[i].line, in->shown[i]);
	}
	return EXIT_OK;
}

static void list(const struct input *in)
{
	size_t i;

	for (i = 0; i < in->refs.nr; i++) {
		printf("%s:%zu\t", in->path, in->refs.v[i].line);
		print_image(in, i);
		printf("\t%s\n", in->own[i] ? "own" : "other");
	}
}

/* Own images not at version go to stdout; the number of them, or -1 for a pinned one. */
static int check(const struct input *in, const char *version, size_t *found)
{
	size_t i;
	int behind = 0, pinned = 0;

	for (i = 0; i < in->refs.nr; i++) {
		if (!in->own[i])
			continue;
		++*found;
		if (in->imgs[i].has_digest) {
			warn("'%s:%zu': image '%s' is pinned by digest: check its version by hand",
			     in->path, in->refs.v[i].line, in->shown[i]);
			pinned = 1;
		}
		if (image_at_version(&in->imgs[i], version))
			continue;
		printf("%s:%zu\t", in->path, in->refs.v[i].line);
		print_image(in, i);
		putchar('\n');
		behind++;
	}
	return pinned ? -1 : behind;
}

/* A pinned image (-1) in any file decides the outcome; otherwise count. */
static int merge_check(int so_far, int more)
{
	return so_far < 0 || more < 0 ? -1 : so_far + more;
}

static int by_start(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static const char *why_not[] = {
	[RETAG_PINNED] = "is pinned by digest, and a new tag would not match the pin: change it by hand",
	[RETAG_UNKNOWN_TAG] = "takes its tag from a variable without a default: give it a default",
	[RETAG_SPLIT] = "has its version split across variables or escapes: change it by hand",
	[RETAG_AMBIGUOUS] = "has a suffix after its version that would read as part of the new one: change it by hand",
};

/* Work out every edit of one file; the number of own images that cannot be retagged. */
static int plan(struct input *in, const char *version, size_t *found)
{
	size_t i;
	int refused = 0;

	for (i = 0; i < in->refs.nr; i++) {
		struct edit ed;
		enum retag_result r;

		if (!in->own[i])
			continue;
		++*found;
		r = image_retag(&in->imgs[i], version, &ed);
		if (r != RETAG_OK) {
			error("'%s:%zu': image '%s' %s", in->path, in->refs.v[i].line,
			      in->shown[i], why_not[r]);
			refused++;
			continue;
		}
		note("'%s:%zu': '%s' gets version '%s'", in->path, in->refs.v[i].line,
		     in->shown[i], version);
		ALLOC_GROW(in->edits, in->nedits + 1, in->alloc);
		in->edits[in->nedits++] = ed;
	}
	if (in->nedits)
		qsort(in->edits, in->nedits, sizeof(*in->edits), by_start);
	if (apply_edits(in->data.buf, in->data.len, in->edits, in->nedits, &in->result) < 0) {
		error("'%s': two image edits overlap", in->path);
		refused++;
	}
	return refused;
}

static size_t line_len(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', end - s);
	size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

	return n && s[n - 1] == '\r' ? n - 1 : n;
}

/* "file:line: -old" and "file:line: +new" for each line that changes. */
static void show_changes(const struct input *in)
{
	const char *a = in->data.buf, *ae = a + in->data.len;
	const char *b = in->result.buf, *be = b + in->result.len;
	size_t line = 1, na, nb;

	while (a < ae && b < be) {
		na = line_len(a, ae);
		nb = line_len(b, be);
		if (na != nb || memcmp(a, b, na)) {
			printf("%s:%zu: -%.*s\n", in->path, line, (int)na, a);
			printf("%s:%zu: +%.*s\n", in->path, line, (int)nb, b);
		}
		a = memchr(a, '\n', ae - a);
		b = memchr(b, '\n', be - b);
		if (!a || !b)
			break;
		a++, b++, line++;
	}
}

static int changed(const struct input *in)
{
	return in->data.len != in->result.len || memcmp(in->data.buf, in->result.buf, in->data.len);
}

/* Replace every changed file, or none: all temp files are written before any rename. */
static int write_all_files(struct input *ins, size_t n)
{
	struct atomic_file *af = xcalloc(n, sizeof(*af));
	size_t i;
	int ret = EXIT_OK;

	for (i = 0; i < n && ret == EXIT_OK; i++) {
		if (!changed(&ins[i]))
			continue;
		if (atomic_begin(&af[i], ins[i].path) < 0) {
			ret = EXIT_SYSTEM;
		} else if (write_all(af[i].fd, ins[i].result.buf, ins[i].result.len) < 0) {
			error_errno("cannot write the new '%s'", ins[i].path);
			ret = EXIT_SYSTEM;
		}
	}
	for (i = 0; i < n; i++) {
		if (!af[i].tmp)
			continue;
		if (ret == EXIT_OK && atomic_commit(&af[i]) < 0)
			ret = EXIT_SYSTEM;
		atomic_abort(&af[i]);
		free(af[i].path);
	}
	free(af);
	return ret;
}

static int output(struct input *ins, size_t n, const char *out)
{
	size_t i;

	if (dry_run) {
		for (i = 0; i < n; i++)
			show_changes(&ins[i]);
		return EXIT_OK;
	}
	if (out && strcmp(out, "-")) {
		if (atomic_write_file(out, ins[0].result.buf, ins[0].result.len) < 0)
			return EXIT_SYSTEM;
		return EXIT_OK;
	}
	if (out || !strcmp(ins[0].path, "-")) {
		fwrite(ins[0].result.buf, 1, ins[0].result.len, stdout);
		return EXIT_OK;
	}
	return write_all_files(ins, n);
}

static void free_input(struct input *in)
{
	size_t i;

	for (i = 0; i < in->refs.nr && in->imgs; i++)
		image_clear(&in->imgs[i]);
	for (i = 0; i < in->nedits; i++)
		free(in->edits[i].text);
	for (i = 0; i < in->refs.nr && in->shown; i++)
		free(in->shown[i]);
	free(in->shown);
	image_refs_clear(&in->refs);
	strbuf_release(&in->data);
	strbuf_release(&in->result);
	free(in->imgs);
	free(in->own);
	free(in->edits);
}

static int run(enum mode mode, const char *version, const char *out, struct input *ins, size_t n)
{
	size_t i, found = 0;
	int ret, behind = 0, refused = 0;

	for (i = 0; i < n; i++)
		if ((ret = load(&ins[i])) != EXIT_OK)
			return ret;
	for (i = 0; i < n; i++) {
		if (mode == LIST)
			list(&ins[i]);
		else if (mode == CHECK)
			behind = merge_check(behind, check(&ins[i], version, &found));
		else
			refused += plan(&ins[i], version, &found);
	}
	if (mode == LIST)
		return EXIT_OK;
	if (!found)
		return error("no image of the repositories given with --image in the files given"), EXIT_NOTFOUND;
	if (mode == CHECK)
		return behind < 0 ? EXIT_CONFLICT : behind ? EXIT_NO : EXIT_OK;
	if (refused)
		return error("%d own image%s cannot be retagged; nothing was changed",
			     refused, refused == 1 ? "" : "s"), EXIT_CONFLICT;
	return output(ins, n, out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "image", required_argument, NULL, 'i' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum mode mode = NONE;
	const char *version = NULL, *out = NULL;
	struct input *ins;
	int c, i, ret;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "c:hi:lno:s:Vv", opts, NULL)) != -1) {
		switch (c) {
		case 'c': case 'l': case 's':
			if (mode != NONE)
				usage(EXIT_USAGE);
			mode = c == 'c' ? CHECK : c == 'l' ? LIST : SET;
			version = optarg;
			break;
		case 'h': usage(EXIT_OK);
		case 'i': add_owned(optarg); break;
		case 'n': dry_run = 1; break;
		case 'o': out = optarg; break;
		case 'v': verbose++; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (mode == NONE || argc < 1)
		usage(EXIT_USAGE);
	if (mode != LIST && !nowned) {
		error("say which images are the project's with --image");
		usage(EXIT_USAGE);
	}
	if (mode != LIST && !version_is_valid(version)) {
		error("'%s' is not a version for an image tag: numbers and dots like 1.2.3, then at most "
		      "one pre- or post-release like -rc.1, -beta.2, -dev.3 or -post.1", version);
		usage(EXIT_USAGE);
	}
	if ((out || dry_run) && mode != SET) {
		error("-o and -n go with --set");
		usage(EXIT_USAGE);
	}
	if (out && argc != 1) {
		error("-o takes the result of one file; %d were given", argc);
		usage(EXIT_USAGE);
	}

	ins = xcalloc(argc, sizeof(*ins));
	for (i = 0; i < argc; i++)
		ins[i].path = argv[i];
	ret = run(mode, version, out, ins, argc);
	for (i = 0; i < argc; i++)
		free_input(&ins[i]);
	free(ins);
	for (i = 0; i < (int)nowned; i++)
		free((char *)owned[i]);
	free(owned);
	finish_stdout();
	return ret;
}
