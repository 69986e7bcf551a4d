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
#include "build.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

enum mode { NONE, LIST, CHECK, SET, BUILD };
struct input {
	const char *path;
	struct strbuf data;
	struct image_refs refs;
	struct image_refs builds;	/* --build: the values of the build sections */
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
		"       %s -i repository ... -b file ...\n"
		"       %s --help | --version\n",
		progname, progname, progname, progname, progname);
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

static int load(struct input *in, enum mode mode)
{
	struct scan_error err;
	char msg[200];
	size_t i;

	if (strbuf_read_file(&in->data, in->path) < 0) {
		error_errno("cannot read '%s'", in->path);
		return EXIT_SYSTEM;
	}
	if (scan_compose_builds(in->data.buf, in->data.len, &in->refs,
				mode == BUILD ? &in->builds : NULL, &err) < 0) {
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
	image_refs_clear(&in->builds);
	strbuf_release(&in->data);
	strbuf_release(&in->result);
	free(in->imgs);
	free(in->own);
	free(in->edits);
}

static const char *from_environment(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

/* A build argument given by its name alone takes the variable, when it is set. */
static void add_bare_arg(struct build *b, const char *name)
{
	const char *value = getenv(name);
	char *arg;

	if (!value)
		return;
	arg = xstrfmt("%s=%s", name, value);
	build_set_arg(b, arg);
	free(arg);
}

/* Add one value of a build section to b, interpolated as compose does. */
static int add_build_value(struct build *b, const struct input *in, const struct image_ref *r)
{
	struct strbuf sb = STRBUF_INIT;
	char msg[200], *shown;

	if (build_interpolate(r->value, r->len, from_environment, NULL, &sb, msg, sizeof(msg)) < 0) {
		shown = xprintable(r->value, r->len, 0);
		error("'%s:%zu': %s in '%s'", in->path, r->line, msg, shown);
		free(shown);
		strbuf_release(&sb);
		return -1;
	}
	if (r->kind == REF_ARG && r->key) {
		strbuf_insert(&sb, 0, "=", 1);
		strbuf_insert(&sb, 0, r->key, strlen(r->key));
	}
	if (r->kind == REF_CONTEXT)
		free(b->context), b->context = strbuf_detach(&sb, NULL);
	else if (r->kind == REF_DOCKERFILE)
		free(b->dockerfile), b->dockerfile = strbuf_detach(&sb, NULL);
	else if (r->kind == REF_TARGET)
		free(b->target), b->target = strbuf_detach(&sb, NULL);
	else if (strchr(sb.buf, '='))
		build_set_arg(b, sb.buf);
	else
		add_bare_arg(b, sb.buf);
	strbuf_release(&sb);
	return 0;
}

/* The service whose image is repo, in the first file that has one. */
static const char *service_of(const struct input *ins, size_t n, const char *repo)
{
	size_t f, i;

	for (f = 0; f < n; f++)
		for (i = 0; i < ins[f].refs.nr; i++)
			if (ins[f].own[i] && ins[f].refs.v[i].service && ins[f].imgs[i].repo &&
			    !strcmp(ins[f].imgs[i].repo, repo))
				return ins[f].refs.v[i].service;
	return NULL;
}

/* A value goes out one a line, tab-separated: it may hold neither. */
static int check_field(const char *repo, const char *what, const char *value)
{
	const char *p;

	for (p = value ? value : ""; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return error("the build %s of '%s' holds a control character", what, repo);
	return 0;
}

static int print_fields(const char *repo, const struct build *b)
{
	size_t i;

	if (check_field(repo, "context", b->context) < 0 ||
	    check_field(repo, "dockerfile", b->dockerfile) < 0 ||
	    check_field(repo, "target", b->target) < 0)
		return -1;
	for (i = 0; i < b->nargs; i++)
		if (check_field(repo, "arg", b->args[i]) < 0)
			return -1;
	printf("%s\tcontext\t%s\n%s\tdockerfile\t%s\n", repo, b->context, repo, b->dockerfile);
	if (b->target)
		printf("%s\ttarget\t%s\n", repo, b->target);
	for (i = 0; i < b->nargs; i++)
		printf("%s\targ\t%s\n", repo, b->args[i]);
	return 0;
}

/* Print how the service of image repo is built; 0 also when nothing says. */
static int print_build(const struct input *ins, size_t n, const char *repo, const char *project_dir)
{
	const char *service = service_of(ins, n, repo);
	struct build b = { 0 };
	char msg[200];
	size_t f, i;
	int found = 0, ret = 0;

	for (f = 0; f < n && service && !ret; f++) {
		for (i = 0; i < ins[f].builds.nr && !ret; i++) {
			const struct image_ref *r = &ins[f].builds.v[i];
			if (!r->service || strcmp(r->service, service))
				continue;
			found = 1;
			if (r->kind == REF_UNREADABLE)
				ret = error("'%s:%zu': the build section of service '%s' (image '%s') %s, "
					    "which compose-retag does not follow", ins[f].path, r->line,
					    service, repo, r->value);
			else
				ret = add_build_value(&b, &ins[f], r);
		}
	}
	if (found && !ret && build_resolve(&b, project_dir, msg, sizeof(msg)) < 0)
		ret = error("image '%s' (service '%s'): %s", repo, service, msg);
	if (found && !ret)
		ret = print_fields(repo, &b);
	build_clear(&b);
	return ret;
}

/* --build: for every own image, how its compose service builds it. */
static int builds(const struct input *ins, size_t n)
{
	const char *slash = strrchr(ins[0].path, '/');
	char *dir = !slash ? xstrdup(".") : slash == ins[0].path ? xstrdup("/") :
		    xstrndup(ins[0].path, slash - ins[0].path);
	size_t i;
	int ret = EXIT_OK;

	for (i = 0; i < nowned && ret == EXIT_OK; i++)
		if (print_build(ins, n, owned[i], dir) < 0)
			ret = EXIT_DATA;
	free(dir);
	return ret;
}

static int run(enum mode mode, const char *version, const char *out, struct input *ins, size_t n)
{
	size_t i, found = 0;
	int ret, behind = 0, refused = 0;

	for (i = 0; i < n; i++)
		if ((ret = load(&ins[i], mode)) != EXIT_OK)
			return ret;
	for (i = 0; i < n && mode != BUILD; i++) {
		if (mode == LIST)
			list(&ins[i]);
		else if (mode == CHECK)
			behind = merge_check(behind, check(&ins[i], version, &found));
		else
			refused += plan(&ins[i], version, &found);
	}
	if (mode == LIST)
		return EXIT_OK;
	if (mode == BUILD)
		return builds(ins, n);
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
		{ "build", no_argument, NULL, 'b' },
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
	while ((c = getopt_long(argc, argv, "bc:hi:lno:s:Vv", opts, NULL)) != -1) {
		switch (c) {
		case 'b': case 'c': case 'l': case 's':
			if (mode != NONE)
				usage(EXIT_USAGE);
			mode = c == 'b' ? BUILD : c == 'c' ? CHECK : c == 'l' ? LIST : SET;
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
	if (mode != LIST && mode != BUILD && !version_is_valid(version)) {
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
