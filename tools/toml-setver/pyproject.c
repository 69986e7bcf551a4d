/*
 * Locating the version of a pyproject.toml, and explaining where it lives
 * when the document declares it dynamic.
 */
#include <string.h>

#include "pyproject.h"
#include "util.h"

#define MAX_VERSION 128

/* Append a value from the document, quoted, with anything unprintable as '?'. */
static void add_shown(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	strbuf_addch(sb, '\'');
	for (i = 0; i < len && i < 200; i++) {
		unsigned char c = s[i];
		strbuf_addch(sb, c >= 0x20 && c != 0x7f ? c : '?');
	}
	if (i < len)
		strbuf_addstr(sb, "...");
	strbuf_addch(sb, '\'');
}

static const struct toml_node *lookup(const struct toml_doc *doc, const char *path)
{
	return toml_lookup(doc, doc->root, path);
}

static const struct toml_node *string_at(const struct toml_doc *doc, const struct toml_node *t,
					  const char *key)
{
	const struct toml_node *n = toml_child(doc, t, key);

	return n && n->type == TOML_STRING ? n : NULL;
}

static int string_is(const struct toml_node *n, const char *s)
{
	return n && n->type == TOML_STRING && n->len == strlen(s) && !memcmp(n->str, s, n->len);
}

/* The "version" item of [project] dynamic, or NULL. */
static const struct toml_node *dynamic_item(const struct toml_doc *doc, const struct toml_node *project)
{
	const struct toml_node *dyn = toml_child(doc, project, "dynamic");
	size_t i;

	if (!dyn || dyn->type != TOML_ARRAY)
		return NULL;
	for (i = 0; i < dyn->nr; i++)
		if (string_is(dyn->items[i], "version"))
			return dyn->items[i];
	return NULL;
}

int pyproject_pdv(const struct toml_doc *doc)
{
	const struct toml_node *enable = lookup(doc, "tool.poetry-dynamic-versioning.enable");

	return enable && enable->type == TOML_BOOL && !memcmp(doc->buf + enable->start, "true", 4);
}

int pyproject_requires(const struct toml_doc *doc, const char *prefix)
{
	const struct toml_node *req = lookup(doc, "build-system.requires");
	size_t i;

	if (!req || req->type != TOML_ARRAY)
		return 0;
	for (i = 0; i < req->nr; i++)
		if (req->items[i]->type == TOML_STRING && starts_with(req->items[i]->str, prefix))
			return 1;
	return 0;
}

static const struct toml_node *setuptools_hint(const struct toml_doc *doc, struct strbuf *sb)
{
	const struct toml_node *v = lookup(doc, "tool.setuptools.dynamic.version"), *n;

	if (!v || v->type != TOML_TABLE)
		return NULL;
	if ((n = string_at(doc, v, "attr"))) {
		strbuf_addstr(sb, "setuptools reads it from the attribute ");
		add_shown(sb, n->str, n->len);
	} else if ((n = toml_child(doc, v, "file"))) {
		if (n->type == TOML_ARRAY && n->nr)
			n = n->items[0];
		strbuf_addstr(sb, "setuptools reads it from the file ");
		if (n->type == TOML_STRING)
			add_shown(sb, n->str, n->len);
		else
			strbuf_addstr(sb, "it names");
	} else {
		return NULL;
	}
	strbuf_addstr(sb, " ([tool.setuptools.dynamic] version)");
	return n;
}

static const struct toml_node *hatch_hint(const struct toml_doc *doc, struct strbuf *sb)
{
	const struct toml_node *t = lookup(doc, "tool.hatch.version"), *path, *source;

	if (!t || t->type != TOML_TABLE)
		return NULL;
	path = string_at(doc, t, "path");
	source = string_at(doc, t, "source");
	if (path) {
		strbuf_addstr(sb, "hatch reads it from the file ");
		add_shown(sb, path->str, path->len);
		strbuf_addstr(sb, " ([tool.hatch.version] path)");
		return path;
	}
	if (string_is(source, "vcs")) {
		strbuf_addstr(sb, "hatch-vcs derives it from git tags ([tool.hatch.version] source): tag the release");
		return source;
	}
	strbuf_addstr(sb, "hatch computes it as [tool.hatch.version] says");
	return t;
}

static const struct toml_node *pdm_hint(const struct toml_doc *doc, struct strbuf *sb)
{
	const struct toml_node *t = lookup(doc, "tool.pdm.version"), *n;

	if (!t || t->type != TOML_TABLE)
		return NULL;
	if ((n = string_at(doc, t, "path"))) {
		strbuf_addstr(sb, "pdm reads it from the file ");
		add_shown(sb, n->str, n->len);
	} else if ((n = string_at(doc, t, "getter"))) {
		strbuf_addstr(sb, "pdm calls ");
		add_shown(sb, n->str, n->len);
	} else if (string_is((n = string_at(doc, t, "source")), "scm")) {
		strbuf_addstr(sb, "pdm derives it from git tags: tag the release");
	} else {
		strbuf_addstr(sb, "pdm computes it");
		n = t;
	}
	strbuf_addstr(sb, " ([tool.pdm.version])");
	return n;
}

/* Tools that take the version from git tags, named by their table or requirement. */
static const struct toml_node *scm_hint(const struct toml_doc *doc, struct strbuf *sb)
{
	static const char *const tables[] = {
		"setuptools_scm", "setuptools-scm", "versioningit", "setuptools-git-versioning",
		"poetry-dynamic-versioning",
	};
	const struct toml_node *tool = lookup(doc, "tool"), *t;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
		if ((t = toml_child(doc, tool, tables[i]))) {
			strbuf_addf(sb, "%s derives it from git tags ([tool.%s]): tag the release",
				    tables[i], tables[i]);
			return t;
		}
	}
	if (pyproject_requires(doc, "setuptools_scm") || pyproject_requires(doc, "setuptools-scm")) {
		strbuf_addstr(sb, "setuptools-scm derives it from git tags: tag the release");
		return lookup(doc, "build-system.requires");
	}
	return NULL;
}

static const struct toml_node *backend_hint(const struct toml_doc *doc, struct strbuf *sb)
{
	const struct toml_node *backend = lookup(doc, "build-system.build-backend");
	const struct toml_node *name = lookup(doc, "project.name");

	if (backend && backend->type == TOML_STRING && starts_with(backend->str, "flit_core")) {
		strbuf_addstr(sb, "flit reads __version__ from the package's module");
		if (name && name->type == TOML_STRING) {
			strbuf_addstr(sb, " ");
			add_shown(sb, name->str, name->len);
		}
		return backend;
	}
	if (backend && backend->type == TOML_STRING && starts_with(backend->str, "maturin")) {
		strbuf_addstr(sb, "maturin takes it from Cargo.toml");
		return backend;
	}
	strbuf_addstr(sb, "the build backend ");
	if (backend && backend->type == TOML_STRING)
		add_shown(sb, backend->str, backend->len);
	strbuf_addstr(sb, backend ? " computes it" : "computes it");
	return backend;
}

/* Say where a dynamic version lives, and point where at that setting. */
static int refuse_dynamic(const struct toml_doc *doc, const struct toml_node *item,
			  struct strbuf *why, size_t *where)
{
	const struct toml_node *(*const hints[])(const struct toml_doc *, struct strbuf *) = {
		setuptools_hint, hatch_hint, pdm_hint, scm_hint, backend_hint,
	};
	const struct toml_node *poetry = lookup(doc, "tool.poetry.version"), *at = NULL;
	size_t i;

	strbuf_addstr(why, "[project] lists \"version\" in dynamic, so the build backend sets it: ");
	for (i = 0; i < sizeof(hints) / sizeof(*hints) && !at; i++)
		at = hints[i](doc, why);
	if (poetry && !pyproject_pdv(doc)) {
		strbuf_reset(why);
		strbuf_addstr(why, "[project] lists \"version\" in dynamic and Poetry keeps it in "
			      "[tool.poetry] version: use -t poetry");
		at = poetry;
	}
	strbuf_addstr(why, "; toml-setver writes only a static version");
	*where = at ? at->start : item->start;
	return EXIT_DATA;
}

static int use(const struct toml_node *node, const char *table, struct pyproject_version *out,
	       struct strbuf *why, size_t *where)
{
	const char *bad;

	*where = node->start;
	if (node->type != TOML_STRING) {
		strbuf_addf(why, "the version in %s is %s %s, not a string", table,
			    node->type == TOML_INTEGER || node->type == TOML_ARRAY ? "an" : "a",
			    toml_type_name(node->type));
		return EXIT_DATA;
	}
	bad = strlen(node->str) != node->len ? "contains a NUL character" : pyproject_check_version(node->str);
	if (bad) {
		strbuf_addf(why, "the version in %s ", table);
		add_shown(why, node->str, node->len);
		strbuf_addf(why, " %s", bad);
		return EXIT_DATA;
	}
	out->node = node;
	out->table = table;
	return EXIT_OK;
}

static int refuse_pdv(const struct toml_node *node, struct strbuf *why, size_t *where)
{
	*where = node->start;
	strbuf_addstr(why, "[tool.poetry-dynamic-versioning] is enabled, so the version in "
		      "[tool.poetry] is a placeholder and git tags decide: tag the release");
	return EXIT_DATA;
}

int pyproject_find(const struct toml_doc *doc, enum pyproject_table which,
		   struct pyproject_version *out, struct strbuf *why, size_t *where)
{
	const struct toml_node *project = toml_child(doc, doc->root, "project");
	const struct toml_node *p = toml_child(doc, project, "version");
	const struct toml_node *q = lookup(doc, "tool.poetry.version");
	const struct toml_node *dyn = project ? dynamic_item(doc, project) : NULL;

	*where = PYPROJECT_NOWHERE;
	if (which == PYPROJECT_POETRY) {
		if (!q) {
			const struct toml_node *poetry = lookup(doc, "tool.poetry");

			*where = poetry ? poetry->start : PYPROJECT_NOWHERE;
			strbuf_addstr(why, "no version in [tool.poetry]");
			return EXIT_NOTFOUND;
		}
		return pyproject_pdv(doc) ? refuse_pdv(q, why, where) : use(q, "[tool.poetry]", out, why, where);
	}
	if (dyn && p) {
		*where = p->start;
		strbuf_addstr(why, "[project] sets version and also lists it in dynamic, "
			      "which PEP 621 forbids: remove one of them");
		return EXIT_DATA;
	}
	if (dyn && (which == PYPROJECT_PROJECT || !q || pyproject_pdv(doc)))
		return refuse_dynamic(doc, dyn, why, where);
	if (which == PYPROJECT_PROJECT) {
		if (!p) {
			*where = project ? project->start : PYPROJECT_NOWHERE;
			strbuf_addstr(why, project ? "no version in [project]" : "no [project] table");
			return EXIT_NOTFOUND;
		}
		return use(p, "[project]", out, why, where);
	}
	if (p && q) {
		*where = q->start;
		strbuf_addstr(why, "both [project] and [tool.poetry] set a version: "
			      "choose one with -t project or -t poetry");
		return EXIT_DATA;
	}
	if (p)
		return use(p, "[project]", out, why, where);
	if (q)
		return pyproject_pdv(doc) ? refuse_pdv(q, why, where) : use(q, "[tool.poetry]", out, why, where);
	strbuf_addstr(why, "no version in [project] or [tool.poetry]");
	return EXIT_NOTFOUND;
}

int pyproject_computed(const struct toml_doc *doc)
{
	const struct toml_node *project = toml_child(doc, doc->root, "project");
	const struct toml_node *p = toml_child(doc, project, "version");
	const struct toml_node *q = lookup(doc, "tool.poetry.version");
	const struct toml_node *dyn = project ? dynamic_item(doc, project) : NULL;

	if (dyn && p)
		return 0;
	return (dyn && (!q || pyproject_pdv(doc))) || (!p && q && pyproject_pdv(doc));
}

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *pyproject_check_version(const char *v)
{
	size_t i, len = strlen(v);

	if (!len)
		return "is empty";
	if (len > MAX_VERSION)
		return "is longer than 128 characters";
	for (i = 0; i < len; i++) {
		unsigned char c = v[i];

		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
		if (c == '"' || c == '\'' || c == '\\')
			return "contains a quote or a backslash";
		if (c == ' ')
			return "contains a space";
		if (!is_alnum(c) && !strchr(".+-_!", c))
			return "contains a character that no PEP 440 or SemVer version has";
	}
	if (!is_alnum((unsigned char)v[0]) || !is_alnum((unsigned char)v[len - 1]))
		return "must start and end with a letter or a digit";
	return NULL;
}

void pyproject_replace(struct strbuf *out, const struct toml_doc *doc,
		       const struct toml_node *node, const char *version)
{
	strbuf_add(out, doc->buf, node->cstart);
	strbuf_addstr(out, version);
	strbuf_add(out, doc->buf + node->cend, doc->len - node->cend);
}
