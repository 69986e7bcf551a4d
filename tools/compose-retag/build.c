/*
 * How compose builds a service's image: the values of its build section
 * with compose's interpolation applied from the environment, the context
 * resolved against the project directory and the Dockerfile against the
 * context.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util.h"

enum { MAX_NESTING = 16 };

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The '}' that closes the "${" whose body starts at i, or -1. */
static long closing_brace(const char *v, size_t n, size_t i)
{
	int depth = 1;

	for (; i < n; i++) {
		if (v[i] == '$' && i + 1 < n && (v[i + 1] == '$' || v[i + 1] == '{'))
			depth += v[++i] == '{';
		else if (v[i] == '}' && --depth == 0)
			return (long)i;
	}
	return -1;
}

struct interp {
	build_lookup_fn *lookup;
	void *ctx;
	char *msg;
	size_t msgsz;
};

static int expand(struct interp *in, const char *v, size_t n, struct strbuf *out, int depth);

/* ${NAME<op>word}: the operator at v[0, n) after the name, and the variable's value. */
static int apply_op(struct interp *in, const char *name, const char *op, size_t n,
		    struct strbuf *out, int depth)
{
	const char *val = in->lookup(name, in->ctx);
	int colon = n && op[0] == ':';
	int set = val && (!colon || *val);
	const char *word = op + colon + 1;
	size_t wlen = n ? n - colon - 1 : 0;

	if (!n) {
		strbuf_addstr(out, val ? val : "");
		return 0;
	}
	if (n == (size_t)colon || !strchr("-?+", op[colon]))
		return snprintf(in->msg, in->msgsz, "'${%s%.*s}' is not an interpolation compose knows",
				name, (int)n, op), -1;
	switch (op[colon]) {
	case '-':
		if (set)
			strbuf_addstr(out, val);
		else
			return expand(in, word, wlen, out, depth + 1);
		return 0;
	case '+':
		return set ? expand(in, word, wlen, out, depth + 1) : 0;
	default:
		if (set) {
			strbuf_addstr(out, val);
			return 0;
		}
		return snprintf(in->msg, in->msgsz, "variable '%s' is required: %.*s", name,
				(int)wlen, word), -1;
	}
}

static int expand(struct interp *in, const char *v, size_t n, struct strbuf *out, int depth)
{
	size_t i = 0;

	if (depth > MAX_NESTING)
		return snprintf(in->msg, in->msgsz, "interpolation nested too deep"), -1;
	while (i < n) {
		size_t name;
		long close;
		char *var;
		int r;

		if (v[i] != '$' || i + 1 == n) {
			strbuf_addch(out, v[i++]);
		} else if (v[i + 1] == '$') {
			strbuf_addch(out, '$');
			i += 2;
		} else if (v[i + 1] != '{') {
			for (name = i + 1; name < n && is_name_char(v[name]); name++)
				;
			if (name == i + 1 || isdigit((unsigned char)v[i + 1])) {
				strbuf_addch(out, v[i++]);
				continue;
			}
			var = xstrndup(v + i + 1, name - i - 1);
			r = apply_op(in, var, "", 0, out, depth);
			free(var);
			i = name;
		} else {
			for (name = i + 2; name < n && is_name_char(v[name]); name++)
				;
			close = closing_brace(v, n, i + 2);
			if (name == i + 2 || close < 0)
				return snprintf(in->msg, in->msgsz, "an unterminated or empty '${'"), -1;
			var = xstrndup(v + i + 2, name - i - 2);
			r = apply_op(in, var, v + name, (size_t)close - name, out, depth);
			free(var);
			if (r < 0)
				return -1;
			i = (size_t)close + 1;
		}
	}
	return 0;
}

int build_interpolate(const char *value, size_t len, build_lookup_fn *lookup, void *ctx,
		      struct strbuf *out, char *msg, size_t msgsz)
{
	struct interp in = { lookup, ctx, msg, msgsz };

	msg[0] = '\0';
	return expand(&in, value, len, out, 0);
}

/* dir joined with path, unless path is absolute; "." stays out of the way. */
static char *join(const char *dir, const char *path)
{
	if (path[0] == '/' || !strcmp(dir, "."))
		return xstrdup(path);
	if (!strcmp(path, "."))
		return xstrdup(dir);
	return xstrfmt("%s/%s", dir, path);
}

int build_resolve(struct build *b, const char *project_dir, char *msg, size_t msgsz)
{
	char *context;

	if (!b->context)
		b->context = xstrdup(".");
	if (strstr(b->context, "://") || starts_with(b->context, "git@"))
		return snprintf(msg, msgsz, "its build context '%s' is not a directory", b->context), -1;
	context = join(project_dir, b->context);
	free(b->context);
	b->context = context;
	if (!b->dockerfile)
		b->dockerfile = xstrdup("Dockerfile");
	context = join(b->context, b->dockerfile);
	free(b->dockerfile);
	b->dockerfile = context;
	return 0;
}

void build_clear(struct build *b)
{
	size_t i;

	free(b->context);
	free(b->dockerfile);
	free(b->target);
	for (i = 0; i < b->nargs; i++)
		free(b->args[i]);
	free(b->args);
	memset(b, 0, sizeof(*b));
}

void build_set_arg(struct build *b, const char *arg)
{
	size_t n = strcspn(arg, "="), i;

	for (i = 0; i < b->nargs; i++) {
		if (!strncmp(b->args[i], arg, n) && b->args[i][n] == '=') {
			free(b->args[i]);
			b->args[i] = xstrdup(arg);
			return;
		}
	}
	ALLOC_GROW(b->args, b->nargs + 1, b->alloc);
	b->args[b->nargs++] = xstrdup(arg);
}
