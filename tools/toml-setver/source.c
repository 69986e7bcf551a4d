/*
 * Following pyproject.toml to where the version lives, the way each build
 * backend looks for it, and collecting other tools' records of it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "pyfile.h"
#include "run.h"
#include "source.h"
#include "util.h"

#define MAX_IMPORTS 4

struct ctx {
	struct places *pl;
	const struct toml_doc *doc;
	const char *pyproject;
	char *dir;		/* the project directory, "" or ending in '/' */
	struct strbuf *why;
};

static const struct toml_node *lookup(const struct ctx *c, const char *path)
{
	return toml_lookup(c->doc, c->doc->root, path);
}

static const char *string_of(const struct toml_node *n)
{
	return n && n->type == TOML_STRING && strlen(n->str) == n->len ? n->str : NULL;
}

static unsigned line_of(const char *s, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* "path:line: message" (line 0: "path: message") into why; returns code. */
static int refuse(struct ctx *c, int code, const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int refuse(struct ctx *c, int code, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(c->why);
	strbuf_addf(c->why, line ? "%s:%u: " : "%s: ", path, line);
	va_start(ap, fmt);
	strbuf_vaddf(c->why, fmt, ap);
	va_end(ap);
	return code;
}

static unsigned node_line(const struct ctx *c, const struct toml_node *n)
{
	return n ? line_of(c->doc->buf, n->start) : 0;
}

/* A path from the project's configuration, made relative to the current directory. */
static int project_path(struct ctx *c, const char *rel, const struct toml_node *at, char **out)
{
	for (const char *s = rel; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return refuse(c, EXIT_DATA, c->pyproject, node_line(c, at),
				"the path it names holds a control character");
	if (rel[0] == '/' || !strcmp(rel, "..") || starts_with(rel, "../") || strstr(rel, "/../") ||
	    ends_with(rel, "/.."))
		return refuse(c, EXIT_DATA, c->pyproject, node_line(c, at),
			"'%s' is outside the project: the version must live inside it", rel);
	*out = xstrfmt("%s%s", c->dir, starts_with(rel, "./") ? rel + 2 : rel);
	return EXIT_OK;
}

/* The text of path, read once; NULL with errno when it cannot be read. */
static const struct strbuf *read_text(struct places *pl, const char *path)
{
	const struct strbuf *known = source_text(pl, path);
	struct file_text *f;

	if (known)
		return known;
	ALLOC_GROW(pl->files, pl->nfiles + 1, pl->files_alloc);
	f = &pl->files[pl->nfiles];
	strbuf_init(&f->text, 0);
	if (strbuf_read_file(&f->text, path) < 0) {
		int e = errno;
		strbuf_release(&f->text);
		errno = e;
		return NULL;
	}
	f->path = xstrdup(path);
	return &pl->files[pl->nfiles++].text;
}

const struct strbuf *source_text(const struct places *pl, const char *path)
{
	for (size_t i = 0; i < pl->nfiles; i++)
		if (!strcmp(pl->files[i].path, path))
			return &pl->files[i].text;
	return NULL;
}

static int cannot_read(struct ctx *c, const char *path, const char *who)
{
	int e = errno;

	return refuse(c, e == ENOENT ? EXIT_NOTFOUND : EXIT_SYSTEM, path, 0, "cannot read it (%s), "
		"but %s reads the version there", strerror(e), who);
}

static void add_place(struct ctx *c, const char *path, size_t off, size_t len, const char *what, int record)
{
	const struct strbuf *t = source_text(c->pl, path);
	struct places *pl = c->pl;
	struct place *p;

	ALLOC_GROW(pl->p, pl->nr + 1, pl->alloc);
	p = &pl->p[pl->nr++];
	p->path = xstrdup(path);
	p->off = off;
	p->len = len;
	p->line = line_of(t ? t->buf : c->doc->buf, off);
	p->version = xstrndup((t ? t->buf : c->doc->buf) + off, len);
	p->what = xstrdup(what);
	p->record = record;
}

static void add_toml_place(struct ctx *c, const struct toml_node *n, const char *what, int record)
{
	add_place(c, c->pyproject, n->cstart, n->cend - n->cstart, what, record);
}

/* The version in a file a backend reads it from, found by finder(). */
static int from_file(struct ctx *c, const char *rel, const struct toml_node *at, const char *what,
		     int (*finder)(const char *, size_t, struct py_found *), const char *who)
{
	const struct strbuf *t;
	struct py_found f;
	char *path = NULL;
	int code = project_path(c, rel, at, &path);

	if (code)
		return code;
	if (!(t = read_text(c->pl, path)))
		code = cannot_read(c, path, who);
	else if (finder(t->buf, t->len, &f) < 0)
		code = refuse(c, EXIT_DATA, path, f.len ? line_of(t->buf, f.off) : 0, "%s %s", what, f.why);
	else
		add_place(c, path, f.off, f.len, what, 0);
	free(path);
	return code;
}

static int hatch_finder(const char *s, size_t n, struct py_found *f)
{
	return py_find_pattern(s, n, PY_HATCH, f);
}

static int pdm_finder(const char *s, size_t n, struct py_found *f)
{
	return py_find_pattern(s, n, PY_PDM, f);
}

/* Try a module's candidate files under root; the first that exists. */
static char *module_file(const char *root, const char *module)
{
	struct strbuf base = STRBUF_INIT;
	static const char *const tails[] = { ".py", "/__init__.py" };

	strbuf_addstr(&base, root);
	for (const char *m = module; *m; m++)
		strbuf_addch(&base, *m == '.' ? '/' : *m);
	for (size_t i = 0; i < 2; i++) {
		char *p = xstrfmt("%s%s", base.buf, tails[i]);
		if (!access(p, F_OK)) {
			strbuf_release(&base);
			return p;
		}
		free(p);
	}
	strbuf_release(&base);
	return NULL;
}

/* The directories a top-level package may live in: package-dir's root, packages.find where, src, the top. */
static void package_roots(struct ctx *c, char **roots, size_t *nr)
{
	const struct toml_node *pd = lookup(c, "tool.setuptools.package-dir");
	const struct toml_node *where = lookup(c, "tool.setuptools.packages.find.where");
	const char *mapped;

	*nr = 0;
	if ((mapped = string_of(toml_child(c->doc, pd, ""))))
		roots[(*nr)++] = xstrfmt("%s%s/", c->dir, mapped);
	if (where && where->type == TOML_ARRAY && where->nr && (mapped = string_of(where->items[0])))
		roots[(*nr)++] = xstrfmt("%s%s/", c->dir, mapped);
	roots[(*nr)++] = xstrfmt("%ssrc/", c->dir);
	roots[(*nr)++] = xstrdup(c->dir);
}

/* The file of a module after package-dir ("pkg" = "lib" maps pkg.mod to lib/mod.py). */
static char *find_module(struct ctx *c, const char *module)
{
	const struct toml_node *pd = lookup(c, "tool.setuptools.package-dir");
	char *top = xstrndup(module, strcspn(module, ".")), *roots[4], *file = NULL;
	const char *mapped = string_of(toml_child(c->doc, pd, top));
	size_t nr;

	if (mapped) {
		/* the package's own directory replaces its name */
		char *root = xstrfmt("%s%s", c->dir, mapped);
		const char *rest = module + strlen(top);
		file = *rest ? module_file(root, rest) : NULL;
		if (!*rest) {
			char *p = xstrfmt("%s/__init__.py", root);
			file = access(p, F_OK) ? NULL : p;
			if (!file)
				free(p);
		}
		free(root);
	}
	free(top);
	if (file)
		return file;
	package_roots(c, roots, &nr);
	for (size_t i = 0; i < nr; i++) {
		if (!file)
			file = module_file(roots[i], module);
		free(roots[i]);
	}
	return file;
}

/* "from .x import NAME" seen in file: the module it names, as a file. */
static char *imported_file(struct ctx *c, const char *file, const char *module)
{
	size_t dots = strspn(module, ".");
	struct strbuf dir = STRBUF_INIT;
	char *found;

	if (!dots)
		return find_module(c, module);
	strbuf_addstr(&dir, file);
	for (size_t up = 0; up < dots; up++) {
		char *slash = strrchr(dir.buf, '/');
		strbuf_setlen(&dir, slash ? (size_t)(slash - dir.buf) : 0);
	}
	strbuf_addch(&dir, '/');
	if (dir.len == 1)
		strbuf_reset(&dir);
	found = module_file(dir.buf, module + dots);
	strbuf_release(&dir);
	return found;
}

/* NAME in a module file, following "from .x import NAME" a few times. */
static int from_module(struct ctx *c, char *file, const char *name, const char *what)
{
	for (int hops = 0; hops <= MAX_IMPORTS; hops++) {
		const struct strbuf *t = read_text(c->pl, file);
		struct py_found f;
		char *next;
		int r;

		if (!t) {
			r = cannot_read(c, file, what);
			free(file);
			return r;
		}
		r = py_find_assignment(t->buf, t->len, name, &f);
		if (r < 0) {
			r = refuse(c, EXIT_DATA, file, f.off == PY_NOWHERE ? 0 : line_of(t->buf, f.off),
				"'%s' %s", name, f.why);
			free(file);
			return r;
		}
		if (!r) {
			char *w = xstrfmt("%s (%s)", name, what);
			add_place(c, file, f.off, f.len, w, 0);
			free(w);
			free(file);
			return EXIT_OK;
		}
		next = imported_file(c, file, f.module);
		if (!next) {
			r = refuse(c, EXIT_NOTFOUND, file, line_of(t->buf, f.off), "'%s' is imported from "
				"'%s', which is no file of the project", name, f.module);
			free(f.module);
			free(file);
			return r;
		}
		free(f.module);
		free(file);
		file = next;
	}
	free(file);
	return refuse(c, EXIT_DATA, c->pyproject, 0, "'%s' is imported through more than %d modules",
		name, MAX_IMPORTS);
}

/* setuptools' attr: "pkg.mod.NAME" */
static int from_attr(struct ctx *c, const char *attr, const struct toml_node *at, const char *who)
{
	const char *dot = strrchr(attr, '.');
	char *module, *file, *what;
	int r;

	if (!dot || dot == attr || !dot[1])
		return refuse(c, EXIT_DATA, c->pyproject, node_line(c, at), "the attribute '%s' names "
			"no module: write it as package.module.NAME", attr);
	module = xstrndup(attr, (size_t)(dot - attr));
	file = find_module(c, module);
	if (!file) {
		r = refuse(c, EXIT_NOTFOUND, c->pyproject, node_line(c, at), "%s reads the version from "
			"the attribute '%s', but its module '%s' is in neither the package-dir, src/ nor "
			"the top directory", who, attr, module);
		free(module);
		return r;
	}
	what = xstrfmt("%s attr '%s'", who, attr);
	r = from_module(c, file, dot + 1, what);
	free(what);
	free(module);
	return r;
}

static int vcs(struct ctx *c, const char *who)
{
	c->pl->vcs = xstrdup(who);
	return EXIT_OK;
}

static int from_setuptools(struct ctx *c, const struct toml_node *v)
{
	const struct toml_node *attr = toml_child(c->doc, v, "attr"), *file = toml_child(c->doc, v, "file");

	if (string_of(attr))
		return from_attr(c, attr->str, attr, "setuptools");
	if (file && file->type == TOML_ARRAY && file->nr == 1)
		file = file->items[0];
	if (string_of(file))
		return from_file(c, file->str, file, "the version file (setuptools file)", py_find_text,
			"setuptools");
	return refuse(c, EXIT_DATA, c->pyproject, node_line(c, v), "[tool.setuptools.dynamic] "
		"version is neither one attr nor one file: set it to {attr = \"pkg.__version__\"}");
}

/*
 * hatch searches with Python's re, so Python runs a custom pattern: the same
 * search, MULTILINE, printing where the group "version" is, in bytes.
 */
static const char pattern_search[] =
	"import re, sys\n"
	"text = sys.stdin.buffer.read().decode('utf-8')\n"
	"m = re.search(sys.argv[1], text, flags=re.MULTILINE)\n"
	"if not m: sys.exit(3)\n"
	"if 'version' not in m.groupdict(): sys.exit(4)\n"
	"print(len(text[:m.start('version')].encode()), len(m.group('version').encode()))\n";

static int from_pattern(struct ctx *c, const struct toml_node *path, const struct toml_node *pattern)
{
	const char *python = getenv("PYTHON") && *getenv("PYTHON") ? getenv("PYTHON") : "python3";
	const char *argv[] = { python, "-c", pattern_search, string_of(pattern), NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct run_cmd cmd = { .argv = argv, .out = &out, .err = &err };
	const struct strbuf *t;
	unsigned long off, len;
	char *file = NULL, *end;
	int code = argv[3] ? project_path(c, path->str, path, &file) :
		refuse(c, EXIT_DATA, c->pyproject, node_line(c, pattern), "the hatch pattern is not a string");

	if (code)
		return code;
	if (!(t = read_text(c->pl, file))) {
		code = cannot_read(c, file, "hatch");
		free(file);
		return code;
	}
	cmd.in = t->buf;
	cmd.in_len = t->len;
	switch (run_command(&cmd)) {
	case 0:
		off = strtoul(out.buf, &end, 10);
		len = strtoul(end, &end, 10);
		if (off + len > t->len || *end != '\n') {
			code = refuse(c, EXIT_SYSTEM, file, 0, "%s said '%s' where the pattern matched", python, out.buf);
			break;
		}
		add_place(c, file, off, len, "version (hatch pattern)", 0);
		break;
	case 3:
		code = refuse(c, EXIT_DATA, file, 0, "hatch's pattern in %s (line %u) matches nothing here",
			c->pyproject, node_line(c, pattern));
		break;
	case 4:
		code = refuse(c, EXIT_DATA, c->pyproject, node_line(c, pattern), "the hatch pattern has no "
			"group named 'version'");
		break;
	default:
		/* Python's last line says what went wrong: a bad pattern, or no Python */
		strbuf_trim(&err);
		code = refuse(c, EXIT_DATA, c->pyproject, node_line(c, pattern), "cannot search with "
			"hatch's pattern using %s (PYTHON names another): %.200s", python,
			strrchr(err.buf, '\n') ? strrchr(err.buf, '\n') + 1 : err.buf);
	}
	strbuf_release(&out);
	strbuf_release(&err);
	free(file);
	return code;
}

/* hatch-nodejs-version: the "version" of package.json (or of the path it is given). */
static int from_package_json(struct ctx *c, const struct toml_node *t)
{
	const char *rel = string_of(toml_child(c->doc, t, "path"));
	const struct strbuf *text;
	struct json j;
	char *file = NULL;
	const char *raw;
	size_t len;
	int code = project_path(c, rel ? rel : "package.json", t, &file), v;

	if (code)
		return code;
	if (!(text = read_text(c->pl, file))) {
		code = cannot_read(c, file, "hatch-nodejs-version");
	} else if (json_parse(&j, text->buf, text->len) < 0) {
		code = refuse(c, EXIT_DATA, file, 0, "is not valid JSON");
	} else {
		v = json_get(&j, 0, "version");
		raw = v < 0 || !json_is_string(&j, v) ? NULL : json_raw(&j, v, &len);
		if (!raw || memchr(raw, '\\', len))
			code = refuse(c, EXIT_DATA, file, 0, "has no plain \"version\" string at its top level");
		else
			add_place(c, file, (size_t)(raw - text->buf), len, "\"version\" (hatch-nodejs-version)", 0);
		json_release(&j);
	}
	free(file);
	return code;
}

static int from_hatch(struct ctx *c, const struct toml_node *t)
{
	const char *source = string_of(toml_child(c->doc, t, "source"));
	const struct toml_node *path = toml_child(c->doc, t, "path");

	if (source && (!strcmp(source, "vcs") || !strcmp(source, "uv-dynamic-versioning") ||
		       !strcmp(source, "versioningit")))
		return vcs(c, !strcmp(source, "vcs") ? "hatch-vcs" : source);
	if (source && !strcmp(source, "nodejs"))
		return from_package_json(c, t);
	if (source && strcmp(source, "regex"))
		return refuse(c, EXIT_DATA, c->pyproject, node_line(c, t), "hatch computes the version "
			"(source '%s'): use a path, or name the file that holds it in VERSION_FILES", source);
	if (!string_of(path))
		return refuse(c, EXIT_DATA, c->pyproject, node_line(c, t), "[tool.hatch.version] names no path");
	if (toml_child(c->doc, t, "pattern"))
		return from_pattern(c, path, toml_child(c->doc, t, "pattern"));
	return from_file(c, path->str, path, "__version__ (hatch path)", hatch_finder, "hatch");
}

static int from_pdm(struct ctx *c, const struct toml_node *t)
{
	const char *source = string_of(toml_child(c->doc, t, "source"));
	const struct toml_node *path = toml_child(c->doc, t, "path");

	if (source && !strcmp(source, "scm"))
		return vcs(c, "pdm-backend scm");
	if (source && !strcmp(source, "file") && string_of(path))
		return from_file(c, path->str, path, "__version__ (pdm file)", pdm_finder, "pdm-backend");
	return refuse(c, EXIT_DATA, c->pyproject, node_line(c, t), "pdm computes the version as "
		"[tool.pdm.version] says: use source = \"file\" with a path");
}

static int from_flit(struct ctx *c)
{
	const char *name = string_of(lookup(c, "tool.flit.module.name"));
	char *module = xstrdup(name ? name : string_of(lookup(c, "project.name")) ?
		string_of(lookup(c, "project.name")) : ""), *file;

	for (char *s = module; *s; s++)
		if (*s == '-' || *s == '.')
			*s = '_';
	file = *module ? find_module(c, module) : NULL;
	if (!file) {
		int r = refuse(c, EXIT_NOTFOUND, c->pyproject, 0, "flit reads __version__ from the "
			"module '%s', which is in neither src/ nor the top directory", module);
		free(module);
		return r;
	}
	free(module);
	return from_module(c, file, "__version__", "flit module");
}

static const char *const scm_tables[] = {
	"setuptools_scm", "setuptools-scm", "versioningit", "setuptools-git-versioning",
};

/* Where a version the backend computes comes from. */
static int dynamic(struct ctx *c)
{
	const struct toml_node *t;
	const char *backend = string_of(lookup(c, "build-system.build-backend"));

	if (pyproject_pdv(c->doc))
		return vcs(c, "poetry-dynamic-versioning");
	if ((t = lookup(c, "tool.setuptools.dynamic.version")) && t->type == TOML_TABLE)
		return from_setuptools(c, t);
	if ((t = lookup(c, "tool.hatch.version")) && t->type == TOML_TABLE)
		return from_hatch(c, t);
	if ((t = lookup(c, "tool.pdm.version")) && t->type == TOML_TABLE)
		return from_pdm(c, t);
	for (size_t i = 0; i < sizeof(scm_tables) / sizeof(*scm_tables); i++)
		if (toml_child(c->doc, lookup(c, "tool"), scm_tables[i]))
			return vcs(c, scm_tables[i]);
	if (pyproject_requires(c->doc, "setuptools_scm") || pyproject_requires(c->doc, "setuptools-scm"))
		return vcs(c, "setuptools-scm");
	if (backend && starts_with(backend, "flit"))
		return from_flit(c);
	return refuse(c, EXIT_DATA, c->pyproject, node_line(c, toml_child(c->doc, lookup(c, "project"),
		"dynamic")), "the build backend %s%s%scomputes the version in a way toml-setver does not "
		"follow: name the file that holds it in VERSION_FILES", backend ? "'" : "",
		backend ? backend : "", backend ? "' " : "");
}

/* No [project] or [tool.poetry] version: a legacy setuptools project, or -1 when it is none. */
static int legacy(struct ctx *c)
{
	char *cfg = xstrfmt("%ssetup.cfg", c->dir), *py = xstrfmt("%ssetup.py", c->dir);
	const struct strbuf *t = access(cfg, F_OK) ? NULL : read_text(c->pl, cfg);
	struct py_found f = { 0 };
	int r = -1;

	if (t && !py_find_ini(t->buf, t->len, "metadata", "version", &f)) {
		char *value = xstrndup(t->buf + f.off, f.len);
		const char *pyproject = c->pyproject;
		/* what attr: and file: name is setup.cfg's to answer for */
		c->pyproject = cfg;
		if (starts_with(value, "attr:"))
			r = from_attr(c, value + 5 + strspn(value + 5, " \t"), NULL, "setup.cfg");
		else if (starts_with(value, "file:"))
			r = from_file(c, value + 5 + strspn(value + 5, " \t"), NULL,
				"the version file (setup.cfg file:)", py_find_text, "setup.cfg");
		else
			add_place(c, cfg, f.off, f.len, "[metadata] version", 0);
		if (!starts_with(value, "attr:") && !starts_with(value, "file:"))
			r = EXIT_OK;
		c->pyproject = pyproject;
		free(value);
	} else if (t && f.why && strcmp(f.why, "has no version")) {
		r = refuse(c, EXIT_DATA, cfg, line_of(t->buf, f.off), "[metadata] version %s", f.why);
	} else if (!access(py, F_OK)) {
		r = refuse(c, EXIT_DATA, py, 0, "the version is computed here, which toml-setver does not "
			"follow: move it to pyproject.toml's [project] version or setup.cfg's [metadata], or name "
			"the file that holds it in VERSION_FILES");
	}
	free(cfg);
	free(py);
	return r;
}

/* Other tools that keep their own copy of the current version in pyproject.toml. */
static void records(struct ctx *c)
{
	static const struct { const char *key, *what; } keys[] = {
		{ "tool.commitizen.version", "[tool.commitizen] version" },
		{ "tool.bumpversion.current_version", "[tool.bumpversion] current_version" },
		{ "tool.tbump.version.current", "[tool.tbump.version] current" },
		{ "tool.bumpver.current_version", "[tool.bumpver] current_version" },
	};
	const char *provider = string_of(lookup(c, "tool.commitizen.version_provider"));

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		const struct toml_node *n = lookup(c, keys[i].key);
		/* commitizen keeps its own copy only with its own provider */
		if (!i && provider && strcmp(provider, "commitizen"))
			continue;
		if (string_of(n))
			add_toml_place(c, n, keys[i].what, 1);
	}
}

/* pyproject_find()'s reason, about byte where, as "path:line:column: reason". */
static void place_reason(struct ctx *c, size_t where)
{
	struct strbuf raw = STRBUF_INIT;
	unsigned line, column;

	strbuf_addbuf(&raw, c->why);
	strbuf_reset(c->why);
	if (where == PYPROJECT_NOWHERE) {
		strbuf_addf(c->why, "%s: %s", c->pyproject, raw.buf);
	} else {
		toml_position(c->doc->buf, c->doc->len, where, &line, &column);
		strbuf_addf(c->why, "%s:%u:%u: %s", c->pyproject, line, column, raw.buf);
	}
	strbuf_release(&raw);
}

int source_find(struct places *out, const struct toml_doc *doc, const char *path, struct strbuf *why)
{
	struct ctx c = { out, doc, path, NULL, why };
	const char *slash = strrchr(path, '/');
	struct pyproject_version found;
	size_t where = PYPROJECT_NOWHERE;
	int code, r;

	memset(out, 0, sizeof(*out));
	c.dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup("");
	if (pyproject_computed(doc)) {
		code = dynamic(&c);
	} else {
		code = pyproject_find(doc, PYPROJECT_AUTO, &found, why, &where);
		if (code == EXIT_OK)
			add_toml_place(&c, found.node, found.table[1] == 'p' ? "[project] version" :
				"[tool.poetry] version", 0);
		else if (code == EXIT_NOTFOUND && (r = legacy(&c)) >= 0)
			code = r;
		else
			place_reason(&c, where);
	}
	if (code == EXIT_OK)
		records(&c);
	free(c.dir);
	return code;
}

void source_release(struct places *pl)
{
	for (size_t i = 0; i < pl->nr; i++) {
		free(pl->p[i].path);
		free(pl->p[i].version);
		free(pl->p[i].what);
	}
	for (size_t i = 0; i < pl->nfiles; i++) {
		free(pl->files[i].path);
		strbuf_release(&pl->files[i].text);
	}
	free(pl->p);
	free(pl->files);
	free(pl->vcs);
	memset(pl, 0, sizeof(*pl));
}
