/*
 * Fuzz toml-setver's core: the validator must never crash, and in every
 * accepted document replacing a string's content by a plain version must
 * give a document that is accepted again and holds that value; a no-op
 * set of the version must give back the very same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/toml-setver/pyfile.h"
#include "../../tools/toml-setver/pyproject.h"
#include "../../tools/toml-setver/toml.h"
#include "strbuf.h"
#include "util.h"

#define MAX_STRINGS 32

static void check_replaced(const struct toml_doc *doc, const struct toml_node *node)
{
	struct strbuf out = STRBUF_INIT;
	struct toml_doc again;
	struct toml_err err;
	size_t i, k = 0;

	pyproject_replace(&out, doc, node, "9.8.7");
	if (toml_parse(&again, out.buf, out.len, &err) < 0)
		abort();	/* a replaced string broke the document */
	/* the same node, found again by its position among the nodes */
	for (i = 0; i < doc->nr; i++)
		if (doc->nodes[i] == node)
			k = i;
	if (k >= again.nr || again.nodes[k]->type != TOML_STRING || strcmp(again.nodes[k]->str, "9.8.7"))
		abort();
	toml_free(&again);
	strbuf_release(&out);
}

static void check_version(const struct toml_doc *doc)
{
	struct pyproject_version v;
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	size_t where;

	if (pyproject_find(doc, PYPROJECT_AUTO, &v, &why, &where) == EXIT_OK &&
	    v.node->cend - v.node->cstart == v.node->len &&
	    !memcmp(doc->buf + v.node->cstart, v.node->str, v.node->len)) {
		pyproject_replace(&out, doc, v.node, v.node->str);
		if (out.len != doc->len || memcmp(out.buf, doc->buf, doc->len))
			abort();	/* a no-op set changed bytes */
	}
	strbuf_release(&why);
	strbuf_release(&out);
}

/* The finders of the files backends read: a found version lies inside the input. */
static void check_finders(const char *s, size_t n)
{
	struct py_found f;
	int r;

	r = py_find_assignment(s, n, "__version__", &f);
	if ((r == 0 && f.off + f.len > n) || (r < 0 && !f.why))
		abort();
	free(f.module);
	if ((!py_find_pattern(s, n, PY_HATCH, &f) && (f.off + f.len > n || !f.len)) ||
	    (!py_find_pattern(s, n, PY_PDM, &f) && (f.off + f.len > n || !f.len)) ||
	    (!py_find_text(s, n, &f) && f.off + f.len > n) ||
	    (!py_find_ini(s, n, "metadata", "version", &f) && f.off + f.len > n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toml_doc doc;
	struct toml_err err;
	size_t i, strings = 0;

	check_finders((const char *)data, size);
	if (toml_parse(&doc, (const char *)data, size, &err) < 0) {
		if (!err.line || !err.column || !err.msg[0] || err.offset > size)
			abort();	/* every refusal says where and why */
		return 0;
	}
	check_version(&doc);
	for (i = 0; i < doc.nr && strings < MAX_STRINGS; i++) {
		if (doc.nodes[i]->type == TOML_STRING) {
			check_replaced(&doc, doc.nodes[i]);
			strings++;
		}
	}
	toml_free(&doc);
	return 0;
}
