/*
 * Every place a Python project keeps its version, found from its
 * pyproject.toml alone: the static version, the file or module attribute the
 * build backend reads (setuptools, hatch, pdm, flit, setup.cfg), or git tags;
 * and other tools' records of the same version in pyproject.toml.
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stddef.h>

#include "pyproject.h"
#include "strbuf.h"
#include "toml.h"

struct place {
	char *path;		/* the file, as opened (relative to the current directory) */
	size_t off, len;	/* the version's bytes in that file */
	unsigned line;
	char *version;		/* what is there now */
	char *what;		/* "[project] version", "__version__ (setuptools attr 'pkg.__version__')" */
	int record;		/* another tool's record, moved in lockstep */
};

struct file_text {
	char *path;
	struct strbuf text;
};

struct places {
	struct place *p;	/* the first is the version; records follow */
	size_t nr, alloc;
	char *vcs;		/* set when git tags decide: which tool says so */
	struct file_text *files;	/* every file read, once */
	size_t nfiles, files_alloc;
};

/*
 * Find the places of the project whose pyproject.toml is doc, read from
 * path. Return EXIT_OK, or an exit code with the whole message (file, line,
 * what to do) in why.
 */
int source_find(struct places *out, const struct toml_doc *doc, const char *path, struct strbuf *why);
void source_release(struct places *pl);

/* The text of a file read by source_find(). */
const struct strbuf *source_text(const struct places *pl, const char *path);

#endif
