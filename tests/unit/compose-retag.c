/* Unit tests of compose-retag's core: the compose reader and image references. */
#include <stdlib.h>
#include <string.h>

#include "../../tools/compose-retag/build.h"
#include "../../tools/compose-retag/scan.h"
#include "test.h"
#include "util.h"

/* The values scan_compose finds in text, joined by '|', or "ERR:line:msg". */
static char *scan(const char *text, size_t len)
{
	struct image_refs refs = { 0 };
	struct scan_error err;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (scan_compose(text, len, &refs, &err) < 0) {
		strbuf_addf(&sb, "ERR:%zu:%s", err.line, err.msg);
		return strbuf_detach(&sb, NULL);
	}
	for (i = 0; i < refs.nr; i++)
		strbuf_addf(&sb, "%s%zu=%s", i ? "|" : "", refs.v[i].line, refs.v[i].value);
	image_refs_clear(&refs);
	return strbuf_detach(&sb, NULL);
}

static void check_scan_n(const char *text, size_t len, const char *want, const char *what)
{
	char *got = scan(text, len);

	CHECK_STR(got, want, what);
	free(got);
}

static void check_scan(const char *text, const char *want, const char *what)
{
	char *got = scan(text, strlen(text));

	CHECK_STR(got, want, what);
	free(got);
}

/* Retag the one image of "image: VALUE" in a service, and return the new file. */
static char *retag(const char *value, const char *version)
{
	char *text = xstrfmt("services:\n  a:\n    image: %s\n", value);
	struct image_refs refs = { 0 };
	struct scan_error err;
	struct image img;
	struct edit ed;
	struct strbuf out = STRBUF_INIT;
	char msg[200];
	enum retag_result r;

	if (scan_compose(text, strlen(text), &refs, &err) < 0 || refs.nr != 1 ||
	    image_parse(&refs.v[0], &img, msg, sizeof(msg)) < 0) {
		free(text);
		image_refs_clear(&refs);
		return xstrdup("PARSE ERROR");
	}
	r = image_retag(&img, version, &ed);
	if (r == RETAG_OK) {
		apply_edits(text, strlen(text), &ed, 1, &out);
		free(ed.text);
		strbuf_remove(&out, 0, strlen("services:\n  a:\n    image: "));
		strbuf_rtrim(&out);
	} else {
		strbuf_addf(&out, "REFUSED %d", (int)r);
	}
	image_clear(&img);
	image_refs_clear(&refs);
	free(text);
	return strbuf_detach(&out, NULL);
}

static void check_retag(const char *value, const char *version, const char *want)
{
	char *got = retag(value, version);
	char *what = xstrfmt("'%s' set to %s gives '%s'", value, version, want);

	CHECK_STR(got, want, what);
	free(got);
	free(what);
}

static void test_version_valid(void)
{
	CHECK(version_is_valid("1.2.3"), "1.2.3 is a version");
	CHECK(version_is_valid("1.2.3-rc.1"), "1.2.3-rc.1 is a version");
	CHECK(version_is_valid("1.2.3rc1"), "1.2.3rc1 is a version");
	CHECK(version_is_valid("1.2.3-beta.2"), "1.2.3-beta.2 is a version");
	CHECK(version_is_valid("1.2.3.dev4"), "1.2.3.dev4 is a version");
	CHECK(version_is_valid("1.2.3-post.1"), "1.2.3-post.1 is a version");
	CHECK(version_is_valid("2024.01"), "2024.01 is a version");
	CHECK(!version_is_valid("2024.01_b"), "2024.01_b would read back as 2024.01 and a suffix");
	CHECK(!version_is_valid("1.2.3-x.7"), "a pre-release that is no PEP 440 label reads as a suffix");
	CHECK(!version_is_valid("1.2.3-rc"), "a label without a number reads as a suffix");
	CHECK(!version_is_valid("1.2.3-rc.1-rc.2"), "two pre-releases do not read back");
	CHECK(!version_is_valid(""), "the empty string is no version");
	CHECK(!version_is_valid("v1.2.3"), "a v prefix is refused (the tag keeps its own)");
	CHECK(!version_is_valid("1.2.3+build"), "'+' cannot stand in a Docker tag");
	CHECK(!version_is_valid("1.2 3"), "a blank is refused");
	CHECK(!version_is_valid("1/2"), "a slash is refused");
}

static void test_retag(void)
{
	check_retag("ghcr.io/acme/app:1.2.3", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("ghcr.io/acme/app:v1.2.3", "2.0.0", "ghcr.io/acme/app:v2.0.0");
	check_retag("ghcr.io/acme/app:V1.2", "2.0.0", "ghcr.io/acme/app:V2.0.0");
	check_retag("ghcr.io/acme/app:1.2.3-slim", "2.0.0", "ghcr.io/acme/app:2.0.0-slim");
	check_retag("ghcr.io/acme/app:1.2.3-alpine3.19", "2.0.0", "ghcr.io/acme/app:2.0.0-alpine3.19");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1-slim", "2.0.0", "ghcr.io/acme/app:2.0.0-slim");
	check_retag("ghcr.io/acme/app:1.2.3-beta2", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("ghcr.io/acme/app:1.2.3-development", "2.0.0", "ghcr.io/acme/app:2.0.0-development");
	check_retag("ghcr.io/acme/app:1.2.3-dev", "2.0.0", "ghcr.io/acme/app:2.0.0-dev");
	check_retag("ghcr.io/acme/app:1.2.3-b.1-alpine", "2.0.0", "ghcr.io/acme/app:2.0.0-alpine");
	check_retag("ghcr.io/acme/app:1.2.3rc1", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("ghcr.io/acme/app:1.2.3.dev4-slim", "2.0.0", "ghcr.io/acme/app:2.0.0-slim");
	check_retag("ghcr.io/acme/app:1.2.3-preview.2", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("ghcr.io/acme/app:1.2.3-bookworm", "2.0.0", "ghcr.io/acme/app:2.0.0-bookworm");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1-rc.2", "2.0.0", "REFUSED 4");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1.5", "2.0.0", "REFUSED 4");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1a1", "2.0.0", "REFUSED 4");
	check_retag("ghcr.io/acme/app:1.2.3-rc.1-rc.2", "2.0.0-rc.3", "ghcr.io/acme/app:2.0.0-rc.3-rc.2");
	check_retag("ghcr.io/acme/app:1.2.3", "2.0.0-rc.1", "ghcr.io/acme/app:2.0.0-rc.1");
	check_retag("ghcr.io/acme/app:latest", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("\"ghcr.io/acme/app:\"", "2.0.0", "\"ghcr.io/acme/app:2.0.0\"");
	check_retag("ghcr.io/acme/app:", "2.0.0", "PARSE ERROR");
	check_retag("ghcr.io/acme/app", "2.0.0", "ghcr.io/acme/app:2.0.0");
	check_retag("localhost:5000/app", "2.0.0", "localhost:5000/app:2.0.0");
	check_retag("\"ghcr.io/acme/app:1.2.3\"", "2.0.0", "\"ghcr.io/acme/app:2.0.0\"");
	check_retag("'it''s/app:1.2.3'", "2.0.0", "'it''s/app:2.0.0'");
	check_retag("${R:-ghcr.io}/acme/app:${T:-1.2.3}", "2.0.0", "${R:-ghcr.io}/acme/app:${T:-2.0.0}");
	check_retag("${R-ghcr.io}/app:${T-v1.2.3-slim}", "2.0.0", "${R-ghcr.io}/app:${T-v2.0.0-slim}");
	check_retag("${I:-${J:-app:1.2.3}}", "2.0.0", "${I:-${J:-app:2.0.0}}");
	check_retag("${I:-app}", "2.0.0", "${I:-app:2.0.0}");
	check_retag("app:1.2.3-$${X}", "2.0.0", "app:2.0.0-$${X}");
	check_retag("app:1.2.3@sha256:00", "2.0.0", "REFUSED 1");
	check_retag("app@sha256:00", "2.0.0", "REFUSED 1");
	check_retag("app:${TAG}", "2.0.0", "REFUSED 2");
	check_retag("app:$TAG", "2.0.0", "REFUSED 2");
	check_retag("app:${TAG:?set TAG}", "2.0.0", "REFUSED 2");
	check_retag("app:1.${M:-2}.3", "2.0.0", "REFUSED 3");
	check_retag("\"app:1\\x2e2\"", "2.0.0", "REFUSED 3");
	check_retag("app:${TAG:-1.2.3", "2.0.0", "PARSE ERROR");
	check_retag("app:${:-1}", "2.0.0", "PARSE ERROR");
}

static void test_at_version(void)
{
	static const struct { const char *value, *version; int at; } cases[] = {
		{ "app:1.2.3", "1.2.3", 1 },
		{ "app:v1.2.3-slim", "1.2.3", 1 },
		{ "app:1.2.3-rc.1", "1.2.3", 0 },
		{ "app:1.2.3-rc.1", "1.2.3-rc.1", 1 },
		{ "app:1.2.3-b.1-slim", "1.2.3-b.1", 1 },
		{ "app:1.2.3-b.1-slim", "1.2.3", 0 },
		{ "app:1.2.3-dev", "1.2.3", 1 },
		{ "app:1.2.30", "1.2.3", 0 },
		{ "app:latest", "1.2.3", 0 },
		{ "app", "1.2.3", 0 },
		{ "app:1.2.3@sha256:00", "1.2.3", 0 },
		{ "app:${T:-1.2.3}", "1.2.3", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct image_ref ref = { 0 };
		struct image img;
		char msg[100], *what;
		size_t k;

		ref.value = (char *)cases[i].value;
		ref.len = strlen(ref.value);
		ref.off = xcalloc(ref.len + 1, sizeof(*ref.off));
		for (k = 0; k < ref.len; k++)
			ref.off[k] = k;
		what = xstrfmt("'%s' is %sat %s", cases[i].value, cases[i].at ? "" : "not ", cases[i].version);
		CHECK(image_parse(&ref, &img, msg, sizeof(msg)) == 0 &&
		      image_at_version(&img, cases[i].version) == cases[i].at, what);
		image_clear(&img);
		free(ref.off);
		free(what);
	}
}

static void test_scan_paths(void)
{
	check_scan("services:\n  a:\n    image: x:1\n  b:\n    build: .\n    image: 'y'\n",
		   "3=x:1|6=y", "block service images are found");
	check_scan("image: top\nother:\n  a:\n    image: no\nservices:\n  a:\n    labels:\n      image: no\n",
		   "", "image keys outside services.NAME are not images");
	check_scan("x-base: &b\n  image: base:1\nservices:\n  a:\n    <<: *b\n",
		   "2=base:1", "an image under an x- extension is found");
	check_scan("x-img: &i \"x:1\"\nservices:\n  a:\n    image: *i\n  b:\n    image: *i\n",
		   "1=x:1", "an aliased scalar is one image, at its anchor");
	check_scan("services: {a: {image: f:1}, b: {image: \"g:2\", command: [image, \"image: h\"]}}\n",
		   "1=f:1|1=g:2", "flow mappings are read");
	check_scan("services:\n  a: {\n    image: f:1,\n    ports: [\n      \"80:80\"]}\n",
		   "3=f:1", "a flow mapping may span lines");
	check_scan("services:\n  a:\n    image: a:1\n---\nservices:\n  b:\n    image: b:2\n...\n",
		   "3=a:1|7=b:2", "every document is read");
	check_scan("services:\n  a:\n    command: |\n      image: no\n      services:\n    image: yes\n",
		   "6=yes", "block scalars are skipped, and end where the indentation does");
	check_scan("services:\n  a:\n    command: >-\n\n      image: no\n\n    image: yes\n",
		   "7=yes", "blank lines stay inside a folded block scalar");
	check_scan("services:\n  a:\n    # image: commented\n    image: yes # image: no\n",
		   "4=yes", "comments are not images");
	check_scan("services:\n  a:\n    environment:\n    - image: no\n    image: yes\n",
		   "5=yes", "a sequence at its key's indentation ends at the next key");
	check_scan("services:\n  a:\n    command: echo\n      image: no\n    image: yes\n",
		   "5=yes", "a plain scalar's continuation line is not a key");
	check_scan("services:\n  a:\n    image:\n      on-the-next-line:1\n",
		   "4=on-the-next-line:1", "an image value may start on the next line");
	check_scan("\xef\xbb\xbfservices:\n  a:\n    image: bom\n", "3=bom", "a byte order mark is skipped");
	check_scan("services:\r\n  a:\r\n    image: crlf # c\r\n", "3=crlf", "CRLF line ends are read");
	check_scan("services:\n  a: !override\n    image: !!str tagged\n", "3=tagged", "tags are skipped");
	check_scan("services:\n  \"a\":\n    \"image\": quoted\n", "3=quoted", "quoted keys count");
	check_scan("name : x\nservices :\n  a :\n    image : spaced\n", "4=spaced", "a blank before ':' is allowed");
}

static void test_scan_errors(void)
{
	check_scan("services:\n\timage: x\n", "ERR:2:a tab character in the indentation", "a tab indent");
	check_scan("a: \"open\n", "ERR:1:an unterminated quoted scalar", "an open quote");
	check_scan("a: [1, 2\n", "ERR:1:an unterminated flow collection", "an open flow");
	check_scan_n("a: 1\nb\0: 2\n", 10, "ERR:2:the file contains a NUL byte", "a NUL byte");
	check_scan("a:\n    b: 1\n  c: 2\n", "ERR:3:a mapping key at a bad indentation", "a dedent to nowhere");
	check_scan("a: b: c\n", "ERR:1:a mapping value is not allowed here", "a second ':' in a value");
	check_scan("services:\n  a:\n    image: |\n      x\n",
		   "ERR:3:an image value that is a block scalar is not supported", "a block scalar image");
	check_scan("services:\n  a:\n    image: [x]\n", "ERR:3:an image value that is a collection",
		   "a collection as image");
	check_scan("services:\n  a:\n    image: *nothing\n",
		   "ERR:3:an image alias that names no scalar anchor before it", "an alias to nothing");
	check_scan("services:\n  a:\n    image: \"a\\qb\"\n",
		   "ERR:3:an invalid escape in a double-quoted image value", "a bad escape");
	check_scan("--- text\n", "ERR:1:content on a document marker line is not supported",
		   "content after ---");
	check_scan("a: 1\n- b\n", "ERR:2:a sequence entry at a bad indentation", "a sequence after a mapping");
	check_scan("a: \"x\" y\n", "ERR:1:unexpected text after a quoted scalar", "text after a quote");
	check_scan("a: {b: c} d\n", "ERR:1:unexpected text after a flow collection", "text after a flow");
}

/* The build values of text as kind:service:key=value joined by '|', or "ERR:line:msg". */
static char *scan_builds(const char *text)
{
	struct image_refs refs = { 0 }, builds = { 0 };
	struct scan_error err;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (scan_compose_builds(text, strlen(text), &refs, &builds, &err) < 0) {
		strbuf_addf(&sb, "ERR:%zu:%s", err.line, err.msg);
		return strbuf_detach(&sb, NULL);
	}
	for (i = 0; i < builds.nr; i++)
		strbuf_addf(&sb, "%s%d:%s:%s=%s", i ? "|" : "", (int)builds.v[i].kind,
			    builds.v[i].service, builds.v[i].key ? builds.v[i].key : "",
			    builds.v[i].value);
	for (i = 0; i < refs.nr; i++)
		if (!refs.v[i].service && !strncmp(text, "services", 8))
			strbuf_addstr(&sb, "|IMAGE WITHOUT SERVICE");
	image_refs_clear(&refs);
	image_refs_clear(&builds);
	return strbuf_detach(&sb, NULL);
}

static void check_builds(const char *text, const char *want, const char *what)
{
	char *got = scan_builds(text);

	CHECK_STR(got, want, what);
	free(got);
}

static void test_scan_builds(void)
{
	check_builds("services:\n  a:\n    image: x\n    build: ./a\n", "1:a:=./a",
		     "a build string is the context");
	check_builds("services:\n  a:\n    build:\n      context: c\n      dockerfile: D\n"
		     "      target: t\n      args:\n        K: v\n      labels:\n        target: no\n",
		     "1:a:=c|2:a:=D|3:a:=t|4:a:K=v", "a build mapping's context, dockerfile, target and args");
	check_builds("services:\n  a:\n    build: {target: t, args: [\"K=1\", L]}\n",
		     "3:a:=t|4:a:=K=1|4:a:=L", "a flow build with an args list");
	check_builds("x-b: &b\n  target: no\nservices:\n  a:\n    image: i\n    command: [build]\n", "",
		     "nothing outside services.NAME.build is a build value");
	check_builds("services:\n  a:\n    build:\n      target: |\n        t\n  b:\n    build: .\n",
		     "5:a:=has a block scalar|1:b:=.", "a block scalar target is unreadable, and the reading goes on");
	check_builds("x: &t t\nservices:\n  a:\n    build:\n      target: *t\n",
		     "5:a:=has an alias", "an aliased build value is unreadable");
	check_builds("x-b: &b {target: t}\nservices:\n  a:\n    build:\n      <<: *b\n      context: .\n",
		     "5:a:=uses a merge key (<<)|1:a:=.", "a merge key in a build section is unreadable");
	check_builds("x-b: &b {context: .}\nservices:\n  a:\n    build: *b\n",
		     "5:a:=has an alias", "an aliased build section is unreadable");
}

static const char *test_env(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "SET") ? "yes" : !strcmp(name, "EMPTY") ? "" : NULL;
}

static void check_interp(const char *in, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	char msg[200], *what = xstrfmt("'%s' reads as '%s'", in, want);

	if (build_interpolate(in, strlen(in), test_env, NULL, &out, msg, sizeof(msg)) < 0)
		strbuf_addf(&out, "ERR:%s", msg);
	CHECK_STR(out.buf, want, what);
	strbuf_release(&out);
	free(what);
}

static void test_interpolate(void)
{
	check_interp("plain", "plain");
	check_interp("$SET-${SET}", "yes-yes");
	check_interp("${UNSET}|$UNSET|$$SET|$1|$", "||$SET|$1|$");
	check_interp("${UNSET:-d}${EMPTY:-e}${SET:-no}", "deyes");
	check_interp("${UNSET-d}${EMPTY-no}", "d");
	check_interp("${SET:+a}${EMPTY:+no}${EMPTY+b}${UNSET+no}", "ab");
	check_interp("${UNSET:-${SET}x}", "yesx");
	check_interp("${SET:?m}", "yes");
	check_interp("${EMPTY:?give it}", "ERR:variable 'EMPTY' is required: give it");
	check_interp("${UNSET?m}", "ERR:variable 'UNSET' is required: m");
	check_interp("${SET", "ERR:an unterminated or empty '${'");
	check_interp("${SET:x}", "ERR:'${SET:x}' is not an interpolation compose knows");
}

static void test_resolve(void)
{
	struct build b = { 0 };
	char msg[200];

	b.context = xstrdup("web");
	CHECK(build_resolve(&b, "proj", msg, sizeof(msg)) == 0, "a directory context resolves");
	CHECK_STR(b.context, "proj/web", "the context is under the project directory");
	CHECK_STR(b.dockerfile, "proj/web/Dockerfile", "the Dockerfile defaults to the context's");
	build_set_arg(&b, "A=1");
	build_set_arg(&b, "A=2");
	CHECK(b.nargs == 1 && !strcmp(b.args[0], "A=2"), "a later arg replaces an earlier one");
	build_clear(&b);
	b.context = xstrdup("https://example.invalid/repo.git");
	CHECK(build_resolve(&b, ".", msg, sizeof(msg)) < 0, "a URL context is refused");
	build_clear(&b);
}

static void test_apply_edits(void)
{
	struct edit e[2] = { { 0, 1, (char *)"X" }, { 2, 3, (char *)"YY" } };
	struct strbuf out = STRBUF_INIT;

	CHECK(apply_edits("abc", 3, e, 2, &out) == 0, "two edits apply");
	CHECK_STR(out.buf, "XbYY", "edits replace their ranges");
	e[1].start = 0;
	CHECK(apply_edits("abc", 3, e, 2, &out) < 0, "overlapping edits are refused");
	strbuf_release(&out);
}

int main(void)
{
	test_version_valid();
	test_retag();
	test_at_version();
	test_scan_paths();
	test_scan_errors();
	test_scan_builds();
	test_interpolate();
	test_resolve();
	test_apply_edits();
	return test_done();
}
