/*
 * Reading a version out of the files build backends read: a Python
 * module's top-level string assignment, the regular expressions of hatch
 * and pdm, a VERSION file and setup.cfg's [metadata] version. Each finder
 * gives the byte range of the version so that only it changes.
 */
#include <stdlib.h>
#include <string.h>

#include "pyfile.h"
#include "util.h"

static int is_ident(int c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank((unsigned char)s[i]))
		i++;
	return i;
}

/* Whether s[i] ends a line: '\n', "\r\n" or the end. */
static int at_eol(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

/* Past a string literal opening at s[i] (a quote), triple or not, escapes skipped. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	char q = s[i];
	int triple = i + 2 < n && s[i + 1] == q && s[i + 2] == q;

	i += triple ? 3 : 1;
	while (i < n) {
		if (s[i] == '\\') {
			i += 2;
			continue;
		}
		if (!triple && s[i] == '\n')
			return i;
		if (s[i] == q && (!triple || (i + 2 < n && s[i + 1] == q && s[i + 2] == q)))
			return i + (triple ? 3 : 1);
		i++;
	}
	return n;
}

/*
 * The offsets where top-level statements start: column 0, outside strings,
 * brackets and continued lines. Calls fn for each; fn returns nonzero to stop.
 */
static int each_statement(const char *s, size_t n, int (*fn)(size_t at, void *arg), void *arg)
{
	size_t i = 0;
	int depth = 0, start = 1, r;

	while (i < n) {
		char c = s[i];
		if (start && !depth && !is_blank((unsigned char)c) && c != '\n' && c != '\r' && c != '#' &&
		    (r = fn(i, arg)))
			return r;
		start = 0;
		if (c == '#') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '\'' || c == '"') {
			i = skip_string(s, n, i);
			continue;
		}
		if (c == '\\' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
			i += s[i + 1] == '\r' ? 3 : 2;
			continue;
		}
		if (strchr("([{", c))
			depth++;
		else if (strchr(")]}", c) && depth)
			depth--;
		else if (c == '\n')
			start = 1;
		i++;
	}
	return 0;
}

struct scan {
	const char *s, *name;
	size_t n;
	struct py_found *found;
	int bindings;
};

/* "NAME = 'x'", "NAME: str = 'x'": the string's content; -1 with why otherwise. */
static int string_value(const struct scan *sc, size_t i, struct py_found *f)
{
	const char *s = sc->s;
	size_t n = sc->n, start;
	char q;

	i = skip_blanks(s, n, i);
	while (i < n && strchr("rRuU", s[i]) && i + 1 < n && (s[i + 1] == '\'' || s[i + 1] == '"'))
		i++;
	if (i >= n || (s[i] != '\'' && s[i] != '"')) {
		f->why = i < n && (s[i] == '(' || s[i] == '[') ?
			"is a tuple or list of numbers, which setuptools joins with dots: write it as one "
			"string, such as __version__ = \"1.2.3\"" :
			"is computed, not a string literal: write it as one, such as __version__ = \"1.2.3\"";
		return -1;
	}
	q = s[i];
	if (i + 2 < n && s[i + 1] == q && s[i + 2] == q) {
		f->why = "is a triple-quoted string: write it in single quotes";
		return -1;
	}
	start = ++i;
	while (i < n && s[i] != q && s[i] != '\\' && s[i] != '\n')
		i++;
	if (i >= n || s[i] != q) {
		f->why = "is a string with an escape or not closed on its line";
		return -1;
	}
	f->off = start;
	f->len = i - start;
	i = skip_blanks(s, n, i + 1);
	if (i < n && s[i] == '#')
		while (i < n && s[i] != '\n' && s[i] != '\r')
			i++;
	if (!at_eol(s, n, i)) {
		f->why = "shares its line with more code: put the assignment on a line of its own";
		return -1;
	}
	return 0;
}

/* "from .mod import NAME" or "from .mod import X as NAME": the module, or 0. */
static int import_of(const struct scan *sc, size_t i, struct py_found *f)
{
	const char *s = sc->s, *eol = memchr(s + i, '\n', sc->n - i);
	size_t end = eol ? (size_t)(eol - s) : sc->n, m, k, j, nl = strlen(sc->name);

	if (end - i < 5 || memcmp(s + i, "from", 4) || !is_blank((unsigned char)s[i + 4]))
		return 0;
	m = skip_blanks(s, end, i + 4);
	for (k = m; k < end && (s[k] == '.' || is_ident((unsigned char)s[k], 0)); k++)
		;
	j = skip_blanks(s, end, k);
	if (k == m || j == k || end - j < 7 || memcmp(s + j, "import", 6) || !is_blank((unsigned char)s[j + 6]))
		return 0;
	/* NAME must stand as an imported name or alias, a whole word */
	for (j += 6; j + nl <= end; j++) {
		if (memcmp(s + j, sc->name, nl) || is_ident((unsigned char)s[j - 1], 0) ||
		    (j + nl < end && is_ident((unsigned char)s[j + nl], 0)))
			continue;
		f->module = xstrndup(s + m, k - m);
		f->off = i;
		return 1;
	}
	return 0;
}

static int assignment_at(size_t i, void *arg)
{
	struct scan *sc = arg;
	const char *s = sc->s;
	size_t n = sc->n, nl = strlen(sc->name), j;
	struct py_found f = { 0 };

	if (import_of(sc, i, &f)) {
		if (sc->bindings++) {
			free(f.module);
			sc->found->why = "is bound twice at the top level: keep one binding";
			sc->found->off = i;
			return -1;
		}
		*sc->found = f;
		return 0;
	}
	if (n - i < nl || memcmp(s + i, sc->name, nl) || (i + nl < n && is_ident((unsigned char)s[i + nl], 0)))
		return 0;
	j = skip_blanks(s, n, i + nl);
	if (j < n && s[j] == ':') {
		while (j < n && s[j] != '=' && s[j] != '\n')
			j++;
	}
	if (j >= n || s[j] != '=' || (j + 1 < n && s[j + 1] == '='))
		return 0;
	if (sc->bindings++) {
		free(sc->found->module);
		memset(sc->found, 0, sizeof(*sc->found));
		sc->found->why = "is assigned twice at the top level: keep one assignment";
		sc->found->off = i;
		return -1;
	}
	if (string_value(sc, j + 1, &f) < 0) {
		f.off = i;
		*sc->found = f;
		return -1;
	}
	*sc->found = f;
	return 0;
}

int py_find_assignment(const char *s, size_t n, const char *name, struct py_found *f)
{
	struct scan sc = { s, name, n, f, 0 };

	memset(f, 0, sizeof(*f));
	if (each_statement(s, n, assignment_at, &sc) < 0)
		return -1;
	if (!sc.bindings) {
		f->why = "is not assigned at the top level";
		f->off = PY_NOWHERE;
		return -1;
	}
	return f->module ? 1 : 0;
}

/* Case-insensitive match of word at s[i]. */
static size_t word_at(const char *s, size_t n, size_t i, const char *word)
{
	size_t k = strlen(word);

	if (n - i < k)
		return 0;
	for (size_t j = 0; j < k; j++) {
		char c = s[i + j];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != word[j])
			return 0;
	}
	return k;
}

/* hatch: (?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2 */
static int hatch_line(const char *s, size_t n, size_t i, struct py_found *f)
{
	size_t k = word_at(s, n, i, "__version__"), start;
	char q;

	if (!k)
		k = word_at(s, n, i, "version");
	if (!k)
		return 0;
	for (i += k; i < n && s[i] == ' '; i++)
		;
	if (i >= n || s[i] != '=')
		return 0;
	for (i++; i < n && s[i] == ' '; i++)
		;
	if (i >= n || (s[i] != '"' && s[i] != '\''))
		return 0;
	q = s[i++];
	if (i < n && (s[i] == 'v' || s[i] == 'V') && i + 1 < n && s[i + 1] != q && s[i + 1] != '\n')
		i++;
	start = i;
	/* .+? : at least one character, then the nearest closing quote on the line */
	for (i = start + 1; i < n && s[i] != '\n'; i++) {
		if (s[i] == q) {
			f->off = start;
			f->len = i - start;
			return 1;
		}
	}
	return 0;
}

/* pdm: ^__version__\s*=\s*["'](.+?)["']\s*(?:#.*)?$ */
static int pdm_line(const char *s, size_t n, size_t i, struct py_found *f)
{
	size_t k = strlen("__version__"), start;

	if (n - i < k || memcmp(s + i, "__version__", k))
		return 0;
	i = skip_blanks(s, n, i + k);
	if (i >= n || s[i] != '=')
		return 0;
	i = skip_blanks(s, n, i + 1);
	if (i >= n || (s[i] != '"' && s[i] != '\''))
		return 0;
	start = ++i;
	for (i = start + 1; i < n && s[i] != '\n'; i++) {
		size_t j;
		if (s[i] != '"' && s[i] != '\'')
			continue;
		j = skip_blanks(s, n, i + 1);
		if (j < n && s[j] == '#')
			return f->off = start, f->len = i - start, 1;
		if (j < n && s[j] == '\r')
			j++;
		if (j >= n || s[j] == '\n')
			return f->off = start, f->len = i - start, 1;
	}
	return 0;
}

int py_find_pattern(const char *s, size_t n, enum py_pattern which, struct py_found *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || s[i - 1] == '\n') &&
		    (which == PY_HATCH ? hatch_line(s, n, i, f) : pdm_line(s, n, i, f)))
			return 0;
	}
	f->why = which == PY_HATCH ?
		"has no line that hatch's default pattern matches, such as __version__ = \"1.2.3\"" :
		"has no line __version__ = \"1.2.3\", as pdm-backend reads it";
	return -1;
}

int py_find_text(const char *s, size_t n, struct py_found *f)
{
	size_t i = 0, end;

	memset(f, 0, sizeof(*f));
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	end = i;
	while (end < n && s[end] != '\n' && s[end] != '\r' && !is_blank((unsigned char)s[end]))
		end++;
	f->off = i;
	f->len = end - i;
	for (size_t j = end; j < n; j++) {
		if (!strchr(" \t\r\n", s[j])) {
			f->why = "holds more than the version: setuptools would read all of it";
			return -1;
		}
	}
	if (!f->len) {
		f->why = "is empty";
		return -1;
	}
	return 0;
}

/* The value of key in [section] of an INI file as configparser reads it. */
int py_find_ini(const char *s, size_t n, const char *section, const char *key, struct py_found *f)
{
	size_t i = 0, sl = strlen(section), kl = strlen(key);
	int in = 0;

	memset(f, 0, sizeof(*f));
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n, j;

		if (s[i] == '[')
			in = end - i >= sl + 2 && s[i + sl + 1] == ']' && !memcmp(s + i + 1, section, sl);
		else if (in && word_at(s, end, i, key) == kl &&
			 (j = skip_blanks(s, end, i + kl)) < end && (s[j] == '=' || s[j] == ':')) {
			size_t v = skip_blanks(s, end, j + 1), e = end;
			while (e > v && strchr(" \t\r", s[e - 1]))
				e--;
			f->off = v;
			f->len = e - v;
			if (end < n && end + 1 < n && is_blank((unsigned char)s[end + 1])) {
				f->why = "continues on the next line: keep it on one line";
				return -1;
			}
			return 0;
		}
		i = end + 1;
	}
	f->why = "has no version";
	return -1;
}
