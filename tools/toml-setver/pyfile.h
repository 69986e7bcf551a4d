/*
 * Finding the version's bytes in the files build backends read it from.
 * Each finder returns 0 with f->off and f->len set, or -1 with f->why saying
 * (after the subject, as in "'__version__' is computed") what is wrong.
 */
#ifndef PYFILE_H
#define PYFILE_H

#include <stddef.h>

#define PY_NOWHERE ((size_t)-1)	/* f->off when the problem has no place */

struct py_found {
	size_t off, len;
	const char *why;
	char *module;	/* py_find_assignment() returned 1: the module it imports NAME from */
};

/*
 * The first top-level binding of name in Python source: "NAME = 'x'" or
 * "NAME: str = 'x'" (0), "from .mod import NAME" (1, f->module owned by the
 * caller), or -1 for anything else, or a second binding (f->off is where).
 */
int py_find_assignment(const char *s, size_t n, const char *name, struct py_found *f);

enum py_pattern { PY_HATCH, PY_PDM };
/* The first match of hatch's default pattern, or of pdm-backend's. */
int py_find_pattern(const char *s, size_t n, enum py_pattern which, struct py_found *f);

/* A file holding the version and nothing else (setuptools' file:). */
int py_find_text(const char *s, size_t n, struct py_found *f);

/* key in [section] of an INI file (setup.cfg), on one line. */
int py_find_ini(const char *s, size_t n, const char *section, const char *key, struct py_found *f);

#endif
