/*
 * Where a pyproject.toml keeps its version, and how to change it: the
 * version of [project] or of [tool.poetry], refusing when the document
 * says the build backend computes the version (dynamic) or is ambiguous.
 */
#ifndef PYPROJECT_H
#define PYPROJECT_H

#include "strbuf.h"
#include "toml.h"

enum pyproject_table {
	PYPROJECT_AUTO,		/* whichever of the two holds a version */
	PYPROJECT_PROJECT,	/* [project] (PEP 621) */
	PYPROJECT_POETRY,	/* [tool.poetry] */
};

struct pyproject_version {
	const struct toml_node *node;	/* the version string */
	const char *table;		/* "[project]" or "[tool.poetry]" */
};

#define PYPROJECT_NOWHERE ((size_t)-1)

/*
 * Find the version string: EXIT_OK, or an exit code (EXIT_DATA,
 * EXIT_NOTFOUND) with the reason in why and the byte offset it is about in
 * where (PYPROJECT_NOWHERE when the whole file is meant).
 */
int pyproject_find(const struct toml_doc *doc, enum pyproject_table which,
		   struct pyproject_version *out, struct strbuf *why, size_t *where);

/* Whether the build backend computes the version (dynamic, or poetry-dynamic-versioning). */
int pyproject_computed(const struct toml_doc *doc);
/* Whether poetry-dynamic-versioning is enabled. */
int pyproject_pdv(const struct toml_doc *doc);
/* Whether [build-system] requires names a package starting with prefix. */
int pyproject_requires(const struct toml_doc *doc, const char *prefix);

/* NULL when v is a plausible PEP 440 or SemVer version string, else why not. */
const char *pyproject_check_version(const char *v);

/* The whole document with the string node's content replaced by version. */
void pyproject_replace(struct strbuf *out, const struct toml_doc *doc,
		       const struct toml_node *node, const char *version);

#endif
