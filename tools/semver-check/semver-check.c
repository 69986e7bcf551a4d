/*
 * semver-check: validate, compare, sort and bump SemVer 2.0.0 versions, or
 * PEP 440 versions with -P, and render one as a PEP 440 version, a SemVer
 * version or a Docker tag.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pep440.h"
#include "semver.h"
#include "strbuf.h"
#include "util.h"

enum mode { VALIDATE, COMPARE, PREDICATE, SORT, MAX, MAX_STABLE, BUMP, FIELD, PEP440, SEMVER, DOCKER_TAG };
enum predicate { GT, GE, LT, LE, EQ, NE };
enum { OPT_GT = 256, OPT_GE, OPT_LT, OPT_LE, OPT_EQ, OPT_NE, OPT_PREID, OPT_PREID_BASE };

/* One version read as SemVer, or as PEP 440 with -P: sorting moves it, keep it small. */
union version {
	struct semver s;
	struct pep440 p;
};

struct line {
	unsigned long long key;
	union version v;
	const char *text;
	size_t len, index;
};

static unsigned parse_flags;
static int pep, quiet, reverse, skip_invalid;

/* What the command line asks for. */
struct request {
	enum mode mode;
	int mode_set;
	enum predicate predicate;
	const char *level, *field, *preid, *base_arg;
	int field_index, base;
	enum pep440_label label;	/* -P: the label --preid names */
};

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-aq] version ...\n"
		"       %s [-a] --compare a b\n"
		"       %s [-a] --gt | --ge | --lt | --le | --eq | --ne a b\n"
		"       %s [-akqrv] --sort [file]\n"
		"       %s [-akv] --max | --max-stable [file]\n"
		"       %s [-a] --bump level [--preid id] [--preid-base 0|1|false] version\n"
		"       %s [-a] --field major|minor|patch|prerelease|build version\n"
		"       %s [-a] --pep440 | --semver | --docker-tag version\n"
		"       %s -P [-q] version ...\n"
		"       %s -P --compare | --gt | --ge | --lt | --le | --eq | --ne a b\n"
		"       %s -P [-kqrv] --sort | --max | --max-stable [file]\n"
		"       %s -P --bump level [--preid label] [--preid-base 0|1] version\n"
		"       %s -P --field epoch|release|major|minor|patch|pre|post|dev|local version\n"
		"       %s -P --pep440 | --semver | --docker-tag version\n"
		"       %s --help | --version\n",
		progname, progname, progname, progname, progname, progname, progname, progname,
		progname, progname, progname, progname, progname, progname, progname);
	exit(code);
}

/* Parse text (line lineno of the input, when not 0) or say why not; 0 or -1. */
static int parse(union version *v, const char *text, size_t len, size_t lineno, int loud)
{
	struct strbuf why = STRBUF_INIT, shown = STRBUF_INIT;
	int ret = pep ? pep440_parse(&v->p, text, len, &why) :
		semver_parse(&v->s, text, len, parse_flags, &why);

	if (ret && loud && !quiet) {
		if (lineno)
			strbuf_addf(&shown, "line %zu: ", lineno);
		quote_untrusted(&shown, text, len);
		/* the library knows no flags: the advice is ours */
		error("%s is not a %sversion: %s%s", shown.buf, pep ? "PEP 440 " : "", why.buf,
			!pep && len && text[0] == 'v' && !(parse_flags & SEMVER_ALLOW_V) ?
			" (--allow-v accepts one)" : "");
	}
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret;
}

static void parse_arg(union version *v, const char *arg)
{
	if (parse(v, arg, strlen(arg), 0, 1))
		exit(EXIT_DATA);
}

static int validate(char **args, int n)
{
	union version v;
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

static int compare(const union version *a, const union version *b)
{
	return pep ? pep440_compare(&a->p, &b->p) : semver_compare(&a->s, &b->s);
}

/* Stable: no SemVer prerelease; with -P, neither a pre-release nor a dev release. */
static int is_stable(const union version *v)
{
	return pep ? !v->p.pre && !v->p.dev : !v->s.pre.len;
}

static int compare_args(char **args)
{
	union version a, b;

	parse_arg(&a, args[0]);
	parse_arg(&b, args[1]);
	return compare(&a, &b);
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
		union version v;

		if (!parse(&v, p, len, ++lineno, !skip_invalid || verbose)) {
			ALLOC_GROW(*lines, nr + 1, alloc);
			(*lines)[nr] = (struct line){ pep ? 0 : semver_key(&v.s), v, p, len, nr };
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
	int c = a->key != b->key ? (a->key < b->key ? -1 : 1) : compare(&a->v, &b->v);

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
			if (mode == MAX_STABLE && !is_stable(&lines[i].v))
				continue;
			if (!best || compare(&lines[i].v, &best->v) > 0)
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
static const char *const pep_field_names[] = {
	"epoch", "release", "major", "minor", "patch", "pre", "post", "dev", "local",
};

static int field_index(const char *name)
{
	const char *const *names = pep ? pep_field_names : field_names;
	size_t n = pep ? sizeof(pep_field_names) / sizeof(*pep_field_names) :
		sizeof(field_names) / sizeof(*field_names);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

/* A part of a PEP 440 version, normalised: "rc1" for pre, digits for the others. */
static void pep_field(struct strbuf *out, int field, const struct pep440 *p)
{
	static const char *const pre_names[] = { "", "a", "b", "rc" };
	struct pep440 local_only = { .release = { "0", 1 }, .nrelease = 1, .local = p->local };
	struct span n = { "", 0 };

	switch (field) {
	case 0: n = pep440_number(p->epoch); break;
	case 1:
		for (size_t i = 0; i < p->nrelease; i++) {
			n = pep440_release_part(p, i);
			strbuf_addf(out, "%s%.*s", i ? "." : "", (int)n.len, n.p);
		}
		return;
	case 2: case 3: case 4: n = pep440_release_part(p, (size_t)(field - 2)); break;
	case 5:
		if (p->pre)
			strbuf_addstr(out, pre_names[p->pre]);
		if (p->pre)
			n = pep440_number(p->pre_n);
		break;
	case 6: if (p->post) n = pep440_number(p->post_n); break;
	case 7: if (p->dev) n = pep440_number(p->dev_n); break;
	case 8:
		if (p->local.len) {
			pep440_format(out, &local_only);
			strbuf_remove(out, 0, 2);	/* the "0+" */
		}
		return;
	}
	strbuf_add(out, n.p, n.len);
}

static int print_field(int field, const char *arg)
{
	union version v;
	const struct span *parts[] = { &v.s.major, &v.s.minor, &v.s.patch, &v.s.pre, &v.s.build };
	struct strbuf out = STRBUF_INIT;

	parse_arg(&v, arg);
	if (pep)
		pep_field(&out, field, &v.p);
	else
		strbuf_add(&out, parts[field]->p, parts[field]->len);
	puts(out.buf);
	strbuf_release(&out);
	return EXIT_OK;
}

/* Bump with -P, and make sure the result is above the input whatever happened. */
static int pep_bump(struct strbuf *out, const struct pep440 *v, const struct request *r, struct strbuf *why)
{
	struct pep440 next;

	if (pep440_bump(out, v, pep440_level(r->level), r->label, r->base, why))
		return -1;
	if (pep440_parse(&next, out->buf, out->len, NULL) || pep440_compare(&next, v) <= 0) {
		strbuf_addf(why, "'%s' would not be greater (this is a bug in semver-check)", out->buf);
		strbuf_reset(out);
		return -1;
	}
	return 0;
}

static int render(enum mode mode, struct strbuf *out, const union version *v, struct strbuf *why)
{
	if (mode == PEP440 && pep)
		pep440_format(out, &v->p);
	else if (mode == PEP440)
		return semver_pep440(out, &v->s, why);
	else if (mode == SEMVER && pep)
		return pep440_semver(out, &v->p, why);
	else if (mode == SEMVER)
		semver_format(out, &v->s, 1);
	else
		return pep ? pep440_docker_tag(out, &v->p, why) : semver_docker_tag(out, &v->s, why);
	return 0;
}

static const char *form_name(enum mode mode)
{
	return mode == PEP440 ? "PEP 440" : mode == SEMVER ? "SemVer" : "Docker tag";
}

/* Bump or render one version: the result on stdout, or why not. */
static int derive(const struct request *r, const char *arg)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, shown = STRBUF_INIT;
	union version v;
	int ret;

	parse_arg(&v, arg);
	if (r->mode == BUMP && pep)
		ret = pep_bump(&out, &v.p, r, &why);
	else if (r->mode == BUMP)
		ret = semver_bump(&out, &v.s, semver_level(r->level), r->preid, r->base, &why);
	else
		ret = render(r->mode, &out, &v, &why);
	if (ret) {
		quote_untrusted(&shown, arg, strlen(arg));
		if (r->mode == BUMP)
			error("cannot bump %s to %s: %s%s", shown.buf, r->level, why.buf,
				r->base == SEMVER_BASE_NONE ? "; drop --preid-base false" :
				pep && !r->label && starts_with(r->level, "pre") ? " with --preid" : "");
		else
			error("%s has no %s form: %s", shown.buf, form_name(r->mode), why.buf);
	} else {
		puts(out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret ? EXIT_DATA : EXIT_OK;
}

static const struct option options[] = {
	{ "allow-v", no_argument, NULL, 'a' },
	{ "bump", required_argument, NULL, 'b' },
	{ "compare", no_argument, NULL, 'c' },
	{ "docker-tag", no_argument, NULL, 'd' },
	{ "eq", no_argument, NULL, OPT_EQ },
	{ "field", required_argument, NULL, 'f' },
	{ "from-pep440", no_argument, NULL, 'P' },
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
	{ "semver", no_argument, NULL, 'S' },
	{ "skip-invalid", no_argument, NULL, 'k' },
	{ "sort", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void set_mode(struct request *r, enum mode m)
{
	if (r->mode_set++)
		die_code(EXIT_USAGE, "give one of --bump, --compare, --docker-tag, --field, "
			"--gt/--ge/--lt/--le/--eq/--ne, --max, --max-stable, --pep440, --semver and --sort");
	r->mode = m;
}

/* -P: PEP 440 labels, numbered pre-releases, and the post level. */
static void check_pep_request(struct request *r)
{
	if (r->preid && *r->preid && (int)(r->label = pep440_label_of(r->preid)) < 0)
		die_code(EXIT_USAGE, "'%s' is not a PEP 440 pre-release label: use a, b, rc (or "
			"alpha, beta, c, pre, preview) or dev", r->preid);
	if (r->base == SEMVER_BASE_NONE)
		die_code(EXIT_USAGE, "PEP 440 numbers every pre-release: --preid-base is 0 or 1 with -P");
	if (r->mode == BUMP && pep440_level(r->level) < 0)
		die_code(EXIT_USAGE, "unknown level '%s': use major, minor, patch, premajor, preminor, "
			"prepatch, prerelease, release or post", r->level);
	if (r->mode == FIELD && (r->field_index = field_index(r->field)) < 0)
		die_code(EXIT_USAGE, "unknown field '%s': use epoch, release, major, minor, patch, pre, "
			"post, dev or local", r->field);
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
	if (r->base_arg && (r->base = !strcmp(r->base_arg, "false") ? SEMVER_BASE_NONE :
			!strcmp(r->base_arg, "0") ? 0 : !strcmp(r->base_arg, "1") ? 1 : -2) == -2)
		die_code(EXIT_USAGE, "--preid-base is 0, 1 or false, not '%s'", r->base_arg);
	if (pep) {
		check_pep_request(r);
	} else {
		if (m == BUMP && semver_level(r->level) < 0)
			die_code(EXIT_USAGE, "unknown level '%s': use major, minor, patch, premajor, "
				"preminor, prepatch, prerelease or release", r->level);
		if (r->preid && !semver_preid_ok(r->preid, &why))
			die_code(EXIT_USAGE, "'%s' is not a prerelease identifier: %s", r->preid, why.buf);
		if (m == BUMP && starts_with(r->level, "pre") && (!r->preid || !*r->preid) &&
		    r->base == SEMVER_BASE_NONE)
			die_code(EXIT_USAGE, "--preid-base false needs a --preid identifier");
		if (m == FIELD && (r->field_index = field_index(r->field)) < 0)
			die_code(EXIT_USAGE, "unknown field '%s': use major, minor, patch, prerelease or build",
				r->field);
	}
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
	while ((c = getopt_long(argc, argv, "PSVab:cdf:hkMmpqrsv", options, NULL)) != -1) {
		switch (c) {
		case 'P': pep = 1; break;
		case 'S': set_mode(&r, SEMVER); break;
		case 'a': parse_flags |= SEMVER_ALLOW_V; break;
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
		case 'V': print_version();
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
	default: c = derive(&r, argv[0]); break;
	}
	finish_stdout();
	return c;
}
