/*
 * Unit tests of toml-setver's core: the TOML 1.0 validator (against the
 * toml-test conformance files when they are there), the version lookup
 * that must not be fooled, and the byte-exact replacement.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tools/toml-setver/pyfile.h"
#include "../../tools/toml-setver/pyproject.h"
#include "../../tools/toml-setver/toml.h"
#include "strbuf.h"
#include "test.h"
#include "util.h"

static int valid(const char *s)
{
	struct toml_doc doc;
	struct toml_err err;

	if (toml_parse(&doc, s, strlen(s), &err) < 0)
		return 0;
	toml_free(&doc);
	return 1;
}

/* The error position and message of an invalid document. */
static void check_error(const char *s, unsigned line, unsigned column, const char *part)
{
	struct toml_doc doc;
	struct toml_err err;
	char what[200], *nl;

	snprintf(what, sizeof(what), "rejects '%.60s' at %u:%u saying '%s'", s, line, column, part);
	while ((nl = strchr(what, '\n')) || (nl = strchr(what, '\r')))
		*nl = '|';
	if (toml_parse(&doc, s, strlen(s), &err) == 0) {
		toml_free(&doc);
		CHECK(0, what);
		return;
	}
	if (!CHECK(err.line == line && err.column == column && strstr(err.msg, part), what))
		printf("#   got %u:%u %s\n", err.line, err.column, err.msg);
}

/* The version found in doc (auto table), or the exit code as text. */
static char *find(const char *s, enum pyproject_table which)
{
	struct toml_doc doc;
	struct toml_err err;
	struct pyproject_version v;
	struct strbuf why = STRBUF_INIT;
	size_t where;
	char *res;
	int code;

	if (toml_parse(&doc, s, strlen(s), &err) < 0)
		return xstrfmt("invalid: %s", err.msg);
	code = pyproject_find(&doc, which, &v, &why, &where);
	res = code ? xstrfmt("exit %d", code) : xstrfmt("%s %s", v.table, v.node->str);
	strbuf_release(&why);
	toml_free(&doc);
	return res;
}

static void check_find(const char *s, enum pyproject_table which, const char *want, const char *what)
{
	char *got = find(s, which);

	CHECK_STR(got, want, what);
	free(got);
}

/* Set version in s and compare with want. */
static void check_set(const char *s, const char *version, const char *want, const char *what)
{
	struct toml_doc doc;
	struct toml_err err;
	struct pyproject_version v;
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	size_t where;

	if (toml_parse(&doc, s, strlen(s), &err) < 0 ||
	    pyproject_find(&doc, PYPROJECT_AUTO, &v, &why, &where) != EXIT_OK) {
		CHECK(0, what);
		strbuf_release(&why);
		return;
	}
	pyproject_replace(&out, &doc, v.node, version);
	CHECK_STR(out.buf, want, what);
	strbuf_release(&out);
	strbuf_release(&why);
	toml_free(&doc);
}

static void test_scanner(void)
{
	CHECK(valid(""), "accepts an empty document");
	CHECK(valid("\xef\xbb\xbf[project]\nversion = \"1\"\n"), "accepts a BOM at the start");
	CHECK(valid("a = 1\r\nb = 2\r\n"), "accepts CRLF line ends");
	CHECK(valid("a = \"\"\"\nx\n\"\"\"\"\"\n"), "accepts two quotes before a closing delimiter");
	CHECK(valid("a = 1979-05-27 07:32:00Z\nb = 07:32:00.5\nc = 2000-02-29\n"), "accepts date-times");
	CHECK(valid("a = [\n 1, # one\n 2,\n]\n"), "accepts arrays over lines with comments");
	CHECK(valid("[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n"),
	      "accepts a sub-table under a table made by dotted keys");
	CHECK(valid("[a.b]\n[a]\n"), "accepts a super-table defined after its sub-table");
	CHECK(valid("[[a]]\n[a.b]\n[[a]]\n[a.b]\n"), "accepts sub-tables of every array-of-tables item");
	CHECK(valid("x = -9223372036854775808\ny = 0x7fffffffffffffff\n"), "accepts the int64 limits");
	CHECK(!valid("x = 9223372036854775808\n"), "rejects an integer past int64");
	CHECK(!valid("\xef\xbb\xbf\xef\xbb\xbf"), "rejects a second BOM");
	CHECK(!valid("a = 2001-02-29\n"), "rejects the 29th of February of a common year");
	CHECK(!valid("a = {b = 1,}\n"), "rejects a trailing comma in an inline table");
	CHECK(!valid("a = {b = 1}\n[a.c]\n"), "rejects adding a table to an inline table");
	CHECK(!valid("[a]\nb.c = 1\n[a.b]\n"), "rejects a header for a table made by dotted keys");
	CHECK(!valid("a = [1]\n[[a]]\n"), "rejects [[a]] after a static array a");
	CHECK(!valid("a = \"\\ud800\"\n"), "rejects an escaped surrogate");
	CHECK(!valid("a = \"\xc0\xaf\"\n"), "rejects an overlong UTF-8 sequence");
	CHECK(!valid("a = 1\rb = 2\n"), "rejects a bare carriage return");

	check_error("a = 1\nb = 2\nb = 3\n", 3, 1, "defined twice");
	check_error("[project]\nversion = \"1.0\n", 2, 11, "not closed");
	check_error("a = 1\n[project\n", 2, 9, "closing the table header");
	check_error("# \xc3\xa9t\xc3\xa9\nx = \"\xc3\xa9\" y\n", 2, 9, "expected a newline");
}

static void test_depth(void)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	strbuf_addstr(&sb, "a = ");
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		strbuf_addch(&sb, '[');
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		strbuf_addch(&sb, ']');
	CHECK(valid(sb.buf), "accepts arrays nested as deep as the limit");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "a = ");
	for (i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "{b=");
	CHECK(!valid(sb.buf), "rejects 100000 nested inline tables without overflowing the stack");
	strbuf_release(&sb);
}

static void test_find(void)
{
	enum pyproject_table a = PYPROJECT_AUTO;

	check_find("[project]\nversion = \"1.0\"\n", a, "[project] 1.0", "finds [project] version");
	check_find("[ project ]\n\"version\" = '1.1'\n", a, "[project] 1.1", "finds a quoted key in [ project ]");
	check_find("project.version = \"1.2\"\n", a, "[project] 1.2", "finds a dotted key at the top");
	check_find("[tool]\npoetry.version = \"1.3\"\n", a, "[tool.poetry] 1.3", "finds [tool] poetry.version");
	check_find("['project']\nversion = \"1.4\"\n", a, "[project] 1.4", "finds a literal-quoted header");
	check_find("[\"tool\".'poetry']\nversion = \"1.5\"\n", a, "[tool.poetry] 1.5", "finds a quoted dotted header");
	check_find("[project]\nfoo = {version = \"9\"}\ndependencies = [{version = \"9\"}]\n", a, "exit 8",
		   "ignores versions in inline tables and arrays");
	check_find("[project]\nd = \"\"\"\nversion = \"9\"\n\"\"\"\ne = '''\n[tool.poetry]\nversion = \"8\"\n'''\nversion = \"1.6\"\n",
		   a, "[project] 1.6", "ignores version lines inside multi-line strings");
	check_find("[other]\nversion = \"9\"\n[project.urls]\nversion = \"9\"\n", a, "exit 8",
		   "ignores version keys of other tables");
	check_find("project = {name = \"x\", version = \"1.7\"}\n", a, "[project] 1.7",
		   "finds the version of a [project] written as an inline table");
	check_find("\"project.version\" = \"9\"\n", a, "exit 8", "a quoted key with a dot is one key");
	check_find("[[project]]\nversion = \"9\"\n", a, "exit 8", "an array of tables is not the project table");
	check_find("[project]\nversion = \"2\"\n[tool.poetry]\nversion = \"3\"\n", a, "exit 3",
		   "refuses to choose between two tables");
	check_find("[project]\nversion = \"2\"\n[tool.poetry]\nversion = \"3\"\n", PYPROJECT_POETRY,
		   "[tool.poetry] 3", "takes [tool.poetry] when asked");
	check_find("[project]\nversion = 2\n", a, "exit 3", "refuses a version that is not a string");
	check_find("[project]\nversion = \"1\\u0000\"\n", a, "exit 3", "refuses a version holding NUL");
	check_find("[project]\ndynamic = [\"version\"]\n", a, "exit 3", "refuses a dynamic version");
	check_find("[project]\ndynamic = [\"version\"]\n[tool.poetry]\nversion = \"4\"\n", a, "[tool.poetry] 4",
		   "takes [tool.poetry] for a Poetry 2 project with a dynamic [project] version");
	check_find("[project]\ndynamic = [\"version\"]\n[tool.poetry]\nversion = \"0\"\n"
		   "[tool.poetry-dynamic-versioning]\nenable = true\n", a, "exit 3",
		   "refuses when poetry-dynamic-versioning computes it");
	check_find("[project]\nversion = \"1\"\ndynamic = [\"version\"]\n", a, "exit 3",
		   "refuses a version both static and dynamic");
	check_find("[tool.poetry]\nname = \"x\"\n", PYPROJECT_POETRY, "exit 8", "no version is not found");
}

static void check_why(const char *s, const char *part, unsigned line, const char *what)
{
	struct toml_doc doc;
	struct toml_err err;
	struct pyproject_version v;
	struct strbuf why = STRBUF_INIT;
	size_t where = 0;
	unsigned l = 0, c;

	if (toml_parse(&doc, s, strlen(s), &err) < 0) {
		CHECK(0, what);
		return;
	}
	pyproject_find(&doc, PYPROJECT_AUTO, &v, &why, &where);
	if (where != PYPROJECT_NOWHERE)
		toml_position(doc.buf, doc.len, where, &l, &c);
	if (!CHECK(strstr(why.buf, part) && l == line, what))
		printf("#   got line %u: %s\n", l, why.buf);
	strbuf_release(&why);
	toml_free(&doc);
}

static void test_dynamic(void)
{
	const char *dyn = "[project]\nname = \"pkg\"\ndynamic = [\"version\"]\n";
	char *s;

	s = xstrfmt("%s[tool.setuptools.dynamic]\nversion = {file = \"VERSION\"}\n", dyn);
	check_why(s, "file 'VERSION'", 5, "names the setuptools version file");
	free(s);
	s = xstrfmt("%s[tool.setuptools.dynamic]\nversion = {attr = \"pkg.__version__\"}\n", dyn);
	check_why(s, "attribute 'pkg.__version__'", 5, "names the setuptools version attribute");
	free(s);
	s = xstrfmt("%s[tool.hatch.version]\npath = \"src/pkg/__about__.py\"\n", dyn);
	check_why(s, "'src/pkg/__about__.py'", 5, "names the hatch version path");
	free(s);
	s = xstrfmt("%s[tool.hatch.version]\nsource = \"vcs\"\n", dyn);
	check_why(s, "git tags", 5, "says hatch-vcs uses git tags");
	free(s);
	s = xstrfmt("%s[tool.setuptools_scm]\n", dyn);
	check_why(s, "setuptools_scm derives it from git tags", 4, "says setuptools_scm uses git tags");
	free(s);
	s = xstrfmt("%s[tool.pdm.version]\nsource = \"file\"\npath = \"pkg/v.py\"\n", dyn);
	check_why(s, "'pkg/v.py'", 6, "names the pdm version file");
	free(s);
	s = xstrfmt("[build-system]\nbuild-backend = \"flit_core.buildapi\"\n%s", dyn);
	check_why(s, "flit reads __version__", 2, "says flit reads __version__");
	free(s);
}

static void test_set(void)
{
	check_set("[project]\nversion = \"1.0\" # keep\n", "2.0", "[project]\nversion = \"2.0\" # keep\n",
		  "keeps the comment after the value");
	check_set("[project]\r\nversion='1.0'\r\n", "2.0", "[project]\r\nversion='2.0'\r\n",
		  "keeps literal quotes and CRLF");
	check_set("\xef\xbb\xbfproject.version = \"\"\"\n1.0\"\"\"\n", "2.0",
		  "\xef\xbb\xbfproject.version = \"\"\"\n2.0\"\"\"\n", "keeps the BOM and a multi-line string");
	check_set("[project]\nversion = \"1.\\u0030\"\n", "1.1", "[project]\nversion = \"1.1\"\n",
		  "replaces an escaped value by the plain one");
}

static void test_versions(void)
{
	CHECK(!pyproject_check_version("1.2.3"), "takes 1.2.3");
	CHECK(!pyproject_check_version("1!2.0rc1.post2.dev3+local_1"), "takes a PEP 440 version");
	CHECK(!pyproject_check_version("1.0.0-alpha.1+build.5"), "takes a SemVer version");
	CHECK(pyproject_check_version("") != NULL, "refuses an empty version");
	CHECK(pyproject_check_version("1.0\"") != NULL, "refuses a quote");
	CHECK(pyproject_check_version("1.0\n") != NULL, "refuses a newline");
	CHECK(pyproject_check_version("1.0 beta") != NULL, "refuses a space");
	CHECK(pyproject_check_version("1.0/2") != NULL, "refuses a slash");
	CHECK(pyproject_check_version("-1") != NULL, "refuses a leading dash");
	CHECK(pyproject_check_version("1\xc3\xa9") != NULL, "refuses non-ASCII");
}

/* Every toml-test file listed for TOML 1.0: valid ones accepted, invalid ones refused. */
static void test_conformance(void)
{
	const char *dir = test_vectors("toml-test");
	struct strbuf list = STRBUF_INIT, doc_buf = STRBUF_INIT;
	char *path, *line, *next;
	int valid_total = 0, valid_ok = 0, invalid_total = 0, invalid_ok = 0;

	if (!dir)
		return;
	path = xstrfmt("%s/files-toml-1.0.0", dir);
	CHECK(strbuf_read_file(&list, path) == 0, "reads the toml-test file list");
	free(path);
	for (line = list.buf; *line; line = next) {
		struct toml_doc doc;
		struct toml_err err;
		int is_valid, ok;

		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : line + strlen(line);
		if (!ends_with(line, ".toml"))
			continue;
		is_valid = starts_with(line, "valid/");
		path = xstrfmt("%s/%s", dir, line);
		strbuf_reset(&doc_buf);
		if (strbuf_read_file(&doc_buf, path) < 0) {
			CHECK(0, path);
			free(path);
			continue;
		}
		ok = toml_parse(&doc, doc_buf.buf, doc_buf.len, &err) == 0;
		if (ok)
			toml_free(&doc);
		if (is_valid) {
			valid_total++;
			valid_ok += ok;
			if (!ok)
				printf("# wrongly rejected %s: %u:%u %s\n", line, err.line, err.column, err.msg);
		} else {
			invalid_total++;
			invalid_ok += !ok;
			if (ok)
				printf("# wrongly accepted %s\n", line);
		}
		free(path);
	}
	printf("# toml-test 1.0.0: valid accepted %d/%d, invalid rejected %d/%d\n",
	       valid_ok, valid_total, invalid_ok, invalid_total);
	CHECK_INT(valid_total, 205, "toml-test lists 205 valid documents");
	CHECK_INT(valid_ok, valid_total, "accepts every valid toml-test document");
	CHECK_INT(invalid_total, 474, "toml-test lists 474 invalid documents");
	CHECK_INT(invalid_ok, invalid_total, "rejects every invalid toml-test document");
	strbuf_release(&list);
	strbuf_release(&doc_buf);
}

/* src as a one-line test name. */
static char *name_of(const char *src)
{
	char *n = xstrdup(src);

	for (char *p = n; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '|';
	return n;
}

/* The text a finder found, or its reason prefixed with '!'. */
static char *found(int r, const char *s, const struct py_found *f)
{
	if (r < 0)
		return xstrfmt("!%s", f->why);
	return xstrndup(s + f->off, f->len);
}

static void check_assignment(const char *src, const char *var, const char *want)
{
	struct py_found f;
	int r = py_find_assignment(src, strlen(src), var, &f);
	char *got = r == 1 ? xstrfmt("import %s", f.module) : found(r, src, &f), *name = name_of(src);

	CHECK(want[0] == '!' ? !strncmp(got, want, strlen(want)) : !strcmp(got, want), name);
	free(name);
	if (strcmp(got, want) && want[0] != '!')
		printf("#   got: '%s'\n", got);
	free(f.module);
	free(got);
}

static void check_pattern(const char *src, enum py_pattern which, const char *want)
{
	struct py_found f;
	char *got = found(py_find_pattern(src, strlen(src), which, &f), src, &f), *name = name_of(src);

	CHECK_STR(want[0] == '!' ? (got[0] == '!' ? "!" : got) : got, want, name);
	free(name);
	free(got);
}

static void test_python(void)
{
	check_assignment("__version__ = '1.0'\n", "__version__", "1.0");
	check_assignment("VERSION: str = \"2.0\"  # c\r\n", "VERSION", "2.0");
	check_assignment("'''\n__version__ = '9'\n'''\n__version__ = \"1.0\"\n", "__version__", "1.0");
	check_assignment("def f():\n    __version__ = '9'\n__version__ = 'r'\n", "__version__", "r");
	check_assignment("x = (\n__version__ = 1)\n__version__ = '3'\n", "__version__", "3");
	check_assignment("x = 1 \\\n__version__ = '9'\n__version__ = '4'\n", "__version__", "4");
	check_assignment("__version_info__ = (1,)\n__version__ = '5'\n", "__version__", "5");
	check_assignment("r'''x'''\n__version__ = r'6'\n", "__version__", "6");
	check_assignment("from ._v import __version__\n", "__version__", "import ._v");
	check_assignment("from .meta import VERSION as __version__, X\n", "__version__", "import .meta");
	check_assignment("__version__ = b'1'\n", "__version__", "!is computed");
	check_assignment("__version__ = ('1', '2')\n", "__version__", "!is a tuple");
	check_assignment("__version__ = '1' '2'\n", "__version__", "!shares its line");
	check_assignment("__version__ = '1\\n'\n", "__version__", "!is a string with an escape");
	check_assignment("__version__ == '1'\n", "__version__", "!is not assigned");
	check_assignment("__version__ = '1'\n__version__ += '.post1'\n", "__version__", "1");
	check_assignment("", "__version__", "!is not assigned");
	check_pattern("# x\nVERSION = \"v1.2\"\n", PY_HATCH, "1.2");
	check_pattern("__Version__  =  '3.4'\n", PY_HATCH, "3.4");
	check_pattern("__version__: str = '1'\n", PY_HATCH, "!");
	check_pattern("__version__\t= '1'\n", PY_HATCH, "!");
	check_pattern("__version__ = \"2.0\"  # it's here\n", PY_PDM, "2.0");
	check_pattern("__version__ = '2.0' + x\n", PY_PDM, "!");
	check_pattern("__version__=\"2.1\"\r\n", PY_PDM, "2.1");
}

static void test_ini_and_text(void)
{
	struct py_found f;
	const char *cfg = "[options]\nversion = 9\n[metadata]\nname = x\nVersion : 1.2.0 \r\n";
	const char *multi = "[metadata]\nversion =\n    1.0\n";
	char *got;

	got = found(py_find_ini(cfg, strlen(cfg), "metadata", "version", &f), cfg, &f);
	CHECK_STR(got, "1.2.0", "setup.cfg: the key of its section, any case, trimmed");
	free(got);
	CHECK(py_find_ini(multi, strlen(multi), "metadata", "version", &f) < 0, "a continued value is refused");
	got = found(py_find_text("\n 1.0.0\r\n\n", 10, &f), "\n 1.0.0\r\n\n", &f);
	CHECK_STR(got, "1.0.0", "a version file: the one token");
	free(got);
	CHECK(py_find_text("1.0\n2.0\n", 8, &f) < 0, "a version file with more is refused");
	CHECK(py_find_text(" \n", 2, &f) < 0, "an empty version file is refused");
}

int main(void)
{
	test_python();
	test_ini_and_text();
	test_scanner();
	test_depth();
	test_find();
	test_dynamic();
	test_set();
	test_versions();
	test_conformance();
	return test_done();
}
