/*
 * semver-check: validate, compare, sort and bump SemVer 2.0.0 versions, and
 * render one as a PEP 440 version or a Docker tag.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"
#include "strbuf.h"
#include "util.h"

enum mode { VALIDATE, COMPARE, PREDICATE, SORT, MAX, MAX_STABLE, BUMP, FIELD, PEP440, DOCKER_TAG };
enum predicate { GT, GE, LT, LE, EQ, NE };
enum { OPT_GT = 256, OPT_GE, OPT_LT, OPT_LE, OPT_EQ, OPT_NE, OPT_PREID, OPT_PREID_BASE, OPT_VERSION };

struct line {
	unsigned long long key;
	struct semver v;
	const char *text;
	size_t len, index;
};

static unsigned parse_flags;
static int quiet, reverse, skip_invalid;

/* What the command line asks for. */
struct request {
	enum mode mode;
	int mode_set;
	enum predicate predicate;
	const char *level, *field, *preid, *base_arg;
	int field_index, base;
};

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-qV] version ...\n"
		"       %s [-V] --compare a b\n"
		"       %s [-V] --gt | --ge | --lt | --le | --eq | --ne a b\n"
		"       %s [-kqrVv] --sort [file]\n"
		"       %s [-kVv] --max | --max-stable [file]\n"
		"       %s [-V] --bump level [--preid id] [--preid-base 0|1|false] version\n"
		"       %s [-V] --field major|minor|patch|prerelease|build version\n"
		"       %s [-V] --pep440 | --docker-tag version\n"
		"       %s --help | --version\n",
		progname, progname, progname, progname, progname, progname, progname, progname, progname);
	exit(code);
}

/* Parse text (line lineno of the input, when not 0) or say why not; 0 or -1. */
static int parse(struct semver *v, const char *text, size_t len, size_t lineno, int loud)
{
	struct strbuf why = STRBUF_INIT, shown = STRBUF_INIT;
	int ret = semver_parse(v, text, len, parse_flags, &why);

	if (ret && loud && !quiet) {
		if (lineno)
			strbuf_addf(&shown, "line %zu: ", lineno);
		semver_quote(&shown, text, len);
		error("%s is not a version: %s", shown.buf, why.buf);
	}
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret;
}

static void parse_arg(struct semver *v, const char *arg)
{
	if (parse(v, arg, strlen(arg), 0, 1))
		exit(EXIT_DATA);
}

static int validate(char **args, int n)
{
	struct semver v;
	int status = EXIT_OK;

	for (int i = 0; i < n; i++)
		if (parse(&v, args[i], strlen(args[i]), 0, 1))
			status = EXIT_NO;
	return status;
}

static int holds(enum predicate p, int c)
{
	switch (p) {
	case GT: return c > 0;
	case GE: return c >= 0;
	case LT: return c < 0;
	case LE: return c <= 0;
	case EQ: return c == 0;
	case NE: return c != 0;
	}
	return 0;
}

static int compare_args(char **args)
{
	struct semver a, b;

	parse_arg(&a, args[0]);
	parse_arg(&b, args[1]);
	return semver_compare(&a, &b);
}

/* Split input into lines and parse each; invalid lines fail or are skipped. */
static size_t parse_lines(struct line **lines, const struct strbuf *input)
{
	const char *p = input->buf, *end = input->buf + input->len;
	size_t nr = 0, alloc = 0, lineno = 0;

	*lines = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		struct semver v;

		if (!parse(&v, p, len, ++lineno, !skip_invalid || verbose)) {
			ALLOC_GROW(*lines, nr + 1, alloc);
			(*lines)[nr] = (struct line){ semver_key(&v), v, p, len, nr };
			nr++;
		} else if (!skip_invalid) {
			free(*lines);
			return (size_t)-1;
		}
		p += len + 1;
	}
	return nr;
}

static int compare_lines(const void *x, const void *y)
{
	const struct line *a = x, *b = y;
	int c = a->key != b->key ? (a->key < b->key ? -1 : 1) : semver_compare(&a->v, &b->v);

	if (reverse)
		c = -c;
	/* Equal precedence keeps the input order, so the sort is stable. */
	return c ? c : a->index < b->index ? -1 : 1;
}

static void print_line(const struct line *l)
{
	fwrite(l->text, 1, l->len, stdout);
	putchar('\n');
}

static int read_input(struct strbuf *input, const char *path)
{
	if (strbuf_read_file(input, path) < 0) {
		int code = errno == ENOENT ? EXIT_NOTFOUND : EXIT_SYSTEM;
		error_errno("cannot read '%s'", path);
		return code;
	}
	return EXIT_OK;
}

static int sort_or_max(enum mode mode, const char *path)
{
	struct strbuf input = STRBUF_INIT;
	struct line *lines, *best = NULL;
	size_t nr;
	int status = read_input(&input, path);

	if (status)
		return status;
	nr = parse_lines(&lines, &input);
	if (nr == (size_t)-1) {
		strbuf_release(&input);
		return EXIT_DATA;
	}
	if (mode == SORT) {
		if (nr)
			qsort(lines, nr, sizeof(*lines), compare_lines);
		for (size_t i = 0; i < nr; i++)
			print_line(&lines[i]);
	} else {
		for (size_t i = 0; i < nr; i++) {
			if (mode == MAX_STABLE && lines[i].v.pre.len)
				continue;
			if (!best || semver_compare(&lines[i].v, &best->v) > 0)
				best = &lines[i];
		}
		if (best)
			print_line(best);
		else
			status = EXIT_NOTFOUND;
		if (!best)
			error("%s%s%s holds no %sversion", strcmp(path, "-") ? "'" : "",
				strcmp(path, "-") ? path : "the input", strcmp(path, "-") ? "'" : "",
				mode == MAX_STABLE ? "stable " : "");
	}
	free(lines);
	strbuf_release(&input);
	return status;
}

static const char *const field_names[] = { "major", "minor", "patch", "prerelease", "build" };

static int field_index(const char *name)
{
	for (size_t i = 0; i < sizeof(field_names) / sizeof(*field_names); i++)
		if (!strcmp(name, field_names[i]))
			return (int)i;
	return -1;
}

static int print_field(int field, const char *arg)
{
	struct semver v;
	const struct span *parts[] = { &v.major, &v.minor, &v.patch, &v.pre, &v.build };

	parse_arg(&v, arg);
	printf("%.*s\n", (int)parts[field]->len, parts[field]->p);
	return EXIT_OK;
}

/* Bump or render one version: the result on stdout, or why not. */
static int derive(enum mode mode, const char *arg, const char *level_name, const char *preid, int base)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, shown = STRBUF_INIT;
	struct semver v;
	int ret;

	parse_arg(&v, arg);
	if (mode == BUMP)
		ret = semver_bump(&out, &v, semver_level(level_name), preid, base, &why);
	else if (mode == PEP440)
		ret = semver_pep440(&out, &v, &why);
	else
		ret = semver_docker_tag(&out, &v, &why);
	if (ret) {
		semver_quote(&shown, arg, strlen(arg));
		if (mode == BUMP)
			error("cannot bump %s to %s: %s", shown.buf, level_name, why.buf);
		else
			error("%s has no %s form: %s", shown.buf, mode == PEP440 ? "PEP 440" : "Docker tag", why.buf);
	} else {
		puts(out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret ? EXIT_DATA : EXIT_OK;
}

static const struct option options[] = {
	{ "allow-v", no_argument, NULL, 'V' },
	{ "bump", required_argument, NULL, 'b' },
	{ "compare", no_argument, NULL, 'c' },
	{ "docker-tag", no_argument, NULL, 'd' },
	{ "eq", no_argument, NULL, OPT_EQ },
	{ "field", required_argument, NULL, 'f' },
	{ "ge", no_argument, NULL, OPT_GE },
	{ "gt", no_argument, NULL, OPT_GT },
	{ "help", no_argument, NULL, 'h' },
	{ "le", no_argument, NULL, OPT_LE },
	{ "lt", no_argument, NULL, OPT_LT },
	{ "max", no_argument, NULL, 'm' },
	{ "max-stable", no_argument, NULL, 'M' },
	{ "ne", no_argument, NULL, OPT_NE },
	{ "pep440", no_argument, NULL, 'p' },
	{ "preid", required_argument, NULL, OPT_PREID },
	{ "preid-base", required_argument, NULL, OPT_PREID_BASE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "skip-invalid", no_argument, NULL, 'k' },
	{ "sort", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void set_mode(struct request *r, enum mode m)
{
	if (r->mode_set++)
		die_code(EXIT_USAGE, "give one of --bump, --compare, --docker-tag, --field, "
			"--gt/--ge/--lt/--le/--eq/--ne, --max, --max-stable, --pep440 and --sort");
	r->mode = m;
}

/* Refuse options that do not fit the mode, and arguments that are wrong for it. */
static void check_request(struct request *r, int argc)
{
	struct strbuf why = STRBUF_INIT;
	enum mode m = r->mode;

	if ((r->preid || r->base_arg) && m != BUMP)
		die_code(EXIT_USAGE, "--preid and --preid-base go with --bump");
	if (reverse && m != SORT)
		die_code(EXIT_USAGE, "--reverse goes with --sort");
	if (m == BUMP && semver_level(r->level) < 0)
		die_code(EXIT_USAGE, "unknown level '%s': use major, minor, patch, premajor, "
			"preminor, prepatch, prerelease or release", r->level);
	if (r->base_arg && (r->base = !strcmp(r->base_arg, "false") ? SEMVER_BASE_NONE :
			!strcmp(r->base_arg, "0") ? 0 : !strcmp(r->base_arg, "1") ? 1 : -2) == -2)
		die_code(EXIT_USAGE, "--preid-base is 0, 1 or false, not '%s'", r->base_arg);
	if (r->preid && !semver_preid_ok(r->preid, &why))
		die_code(EXIT_USAGE, "'%s' is not a prerelease identifier: %s", r->preid, why.buf);
	if (m == BUMP && starts_with(r->level, "pre") && (!r->preid || !*r->preid) &&
	    r->base == SEMVER_BASE_NONE)
		die_code(EXIT_USAGE, "--preid-base false needs a --preid identifier");
	if (m == FIELD && (r->field_index = field_index(r->field)) < 0)
		die_code(EXIT_USAGE, "unknown field '%s': use major, minor, patch, prerelease or build", r->field);
	if ((m == VALIDATE && argc < 1) || ((m == COMPARE || m == PREDICATE) && argc != 2) ||
	    ((m == SORT || m == MAX || m == MAX_STABLE) && argc > 1) || (m >= BUMP && argc != 1))
		usage(EXIT_USAGE);
	strbuf_release(&why);
}

int main(int argc, char **argv)
{
	struct request r = { .mode = VALIDATE };
	int c;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "Vb:cdf:hkMmpqrsv", options, NULL)) != -1) {
		switch (c) {
		case 'V': parse_flags |= SEMVER_ALLOW_V; break;
		case 'b': set_mode(&r, BUMP); r.level = optarg; break;
		case 'c': set_mode(&r, COMPARE); break;
		case 'd': set_mode(&r, DOCKER_TAG); break;
		case 'f': set_mode(&r, FIELD); r.field = optarg; break;
		case 'h': usage(EXIT_OK);
		case 'k': skip_invalid = 1; break;
		case 'M': set_mode(&r, MAX_STABLE); break;
		case 'm': set_mode(&r, MAX); break;
		case 'p': set_mode(&r, PEP440); break;
		case 'q': quiet = 1; break;
		case 'r': reverse = 1; break;
		case 's': set_mode(&r, SORT); break;
		case 'v': verbose++; break;
		case OPT_GT: case OPT_GE: case OPT_LT: case OPT_LE: case OPT_EQ: case OPT_NE:
			set_mode(&r, PREDICATE);
			r.predicate = (enum predicate)(c - OPT_GT);
			break;
		case OPT_PREID: r.preid = optarg; break;
		case OPT_PREID_BASE: r.base_arg = optarg; break;
		case OPT_VERSION: puts("semver-check (shipsync) " SHIPSYNC_VERSION); finish_stdout(); return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	check_request(&r, argc);

	switch (r.mode) {
	case VALIDATE: c = validate(argv, argc); break;
	case COMPARE: printf("%d\n", compare_args(argv)); c = EXIT_OK; break;
	case PREDICATE: c = holds(r.predicate, compare_args(argv)) ? EXIT_OK : EXIT_NO; break;
	case SORT: case MAX: case MAX_STABLE: c = sort_or_max(r.mode, argc ? argv[0] : "-"); break;
	case FIELD: c = print_field(r.field_index, argv[0]); break;
	default: c = derive(r.mode, argv[0], r.level, r.preid, r.base); break;
	}
	finish_stdout();
	return c;
}
