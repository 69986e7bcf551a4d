/* Unit tests of pypi-upload's core: file names, metadata, versions, the form, .pypirc, listings. */
#include <stdlib.h>
#include <string.h>

#include "../../tools/pypi-upload/dist.h"
#include "../../tools/pypi-upload/index.h"
#include "../../tools/pypi-upload/listing.h"
#include "../../tools/pypi-upload/target.h"
#include "test.h"
#include "util.h"

static void test_filenames(void)
{
	struct dist_name dn;

	CHECK_INT(dist_parse_filename("my_pkg-1.0.0-py3-none-any.whl", &dn), 0, "a wheel name parses");
	CHECK_STR(dn.name, "my_pkg", "wheel name part");
	CHECK_STR(dn.version, "1.0.0", "wheel version part");
	CHECK_STR(dn.pyversion, "py3", "wheel python tag");
	CHECK_INT(dn.type, DIST_WHEEL, "wheel type");
	dist_name_release(&dn);
	CHECK_INT(dist_parse_filename("pkg-2.1-build1-cp311-cp311-manylinux_2_17_x86_64.whl", &dn), -1,
		  "a build tag must start with a digit");
	CHECK_INT(dist_parse_filename("pkg-2.1-7-cp311-cp311-linux_x86_64.whl", &dn), 0, "a wheel with a build tag parses");
	CHECK_STR(dn.pyversion, "cp311", "the python tag is found past the build tag");
	dist_name_release(&dn);
	CHECK_INT(dist_parse_filename("pkg-1.0-py3-none.whl", &dn), -1, "four parts is not a wheel name");
	CHECK_INT(dist_parse_filename("a-b-c-d-e-f-g.whl", &dn), -1, "seven parts is not a wheel name");
	CHECK_INT(dist_parse_filename("pkg--py3-none-any.whl", &dn), -1, "an empty version is refused");
	CHECK_INT(dist_parse_filename("my-pkg-name-1.2rc1.tar.gz", &dn), 0, "an sdist with dashes in the name parses");
	CHECK_STR(dn.name, "my-pkg-name", "sdist name is everything before the last dash");
	CHECK_STR(dn.version, "1.2rc1", "sdist version");
	CHECK_STR(dn.pyversion, "source", "sdist pyversion is source");
	dist_name_release(&dn);
	CHECK_INT(dist_parse_filename("pkg.tar.gz", &dn), -1, "an sdist without a version is refused");
	CHECK_INT(dist_parse_filename("pkg-1.0.zip", &dn), -1, "zip sdists are refused");
	CHECK_INT(dist_parse_filename("pkg-1.0.exe", &dn), -1, "other files are refused");
}

static void test_metadata(void)
{
	static const char text[] =
		"Metadata-Version: 2.1\r\n"
		"Name: My.Pkg\n"
		"Version: 1.0\n"
		"Classifier: A :: B\n"
		"Classifier: C :: D\n"
		"License: line one\n"
		"        line two\n"
		"Requires-Dist: x  \n"
		"\n"
		"# Body\n\nwith: colon lines\n";
	struct metadata md;

	CHECK_INT(metadata_parse(text, strlen(text), &md), 0, "metadata parses");
	CHECK_INT(md.nr, 7, "seven fields");
	CHECK_STR(metadata_get(&md, "name"), "My.Pkg", "lookup is case-insensitive");
	CHECK_STR(metadata_get(&md, "Metadata-Version"), "2.1", "CRLF is stripped");
	CHECK_STR(metadata_get(&md, "License"), "line one\nline two", "folded lines are unfolded");
	CHECK_STR(metadata_get(&md, "Requires-Dist"), "x", "trailing blanks are stripped");
	CHECK_STR(md.description, "# Body\n\nwith: colon lines\n", "the body after the blank line is the description");
	CHECK(metadata_get(&md, "Summary") == NULL, "an absent field is NULL");
	metadata_release(&md);

	CHECK_INT(metadata_parse("Name: a\0b\n", 10, &md), -1, "a NUL byte is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse("Name: caf\xc3\n", 11, &md), -1, "truncated UTF-8 is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse("Name: \xc0\xaf\n", 9, &md), -1, "overlong UTF-8 is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse("Name: café ✓\n", strlen("Name: café ✓\n"), &md), 0, "valid UTF-8 is kept");
	metadata_release(&md);
	CHECK_INT(metadata_parse("just text\n", 10, &md), -1, "a line without a colon is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse(" folded\n", 8, &md), -1, "a continuation before any field is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse("Bad Key: x\n", 11, &md), -1, "a key with a space is refused");
	metadata_release(&md);
	CHECK_INT(metadata_parse("", 0, &md), 0, "empty metadata parses (and fails the required-field check later)");
	metadata_release(&md);
}

static void check_canon(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	char *what = xstrfmt("'%s' -> '%s'", in, want ? want : "(invalid)");

	if (want) {
		CHECK_INT(canonical_version(&sb, in), 0, what);
		CHECK_STR(sb.buf, want, what);
	} else {
		CHECK_INT(canonical_version(&sb, in), -1, what);
		CHECK_INT(sb.len, 0, "nothing is left behind on failure");
	}
	strbuf_release(&sb);
	free(what);
}

static void test_versions(void)
{
	check_canon("1.0.0", "1");
	check_canon("v1.2.3", "1.2.3");
	check_canon("1.10.0", "1.10");
	check_canon("01.002", "1.2");
	check_canon("1.0a1", "1a1");
	check_canon("1.0-alpha.1", "1a1");
	check_canon("1.0c1", "1rc1");
	check_canon("1.0RC1", "1rc1");
	check_canon("1.0b", "1b0");
	check_canon("1.0.post2", "1.post2");
	check_canon("1.0-1", "1.post1");
	check_canon("1.0_rev3", "1.post3");
	check_canon("1.0.dev0", "1.dev0");
	check_canon("1.0a1.post2.dev3", "1a1.post2.dev3");
	check_canon("0!1.0", "1");
	check_canon("1!2.0", "1!2");
	check_canon("1.0+Local-Ver_2", "1+local.ver.2");
	check_canon(" 2.0 ", "2");
	check_canon("", NULL);
	check_canon("abc", NULL);
	check_canon("1.0$", NULL);
	check_canon("1..0", NULL);
	check_canon("1.0+", NULL);
	check_canon("1.0+a..b", NULL);
	check_canon("1.0 beta", NULL);
	check_canon("99999999999999999999999.1", "99999999999999999999999.1");
	CHECK(same_version("1.0", "1.0.0"), "1.0 and 1.0.0 are the same version");
	CHECK(same_version("1.0-rc.1", "1.0rc1"), "spellings of a pre-release are the same version");
	CHECK(!same_version("1.0", "1.0.1"), "1.0 and 1.0.1 differ");
	CHECK(!same_version("1.0", "1.0.dev0"), "a dev release differs");
	CHECK(!same_version("x", "x"), "invalid versions are never the same");
}

static void test_names(void)
{
	struct strbuf sb = STRBUF_INIT;

	normalize_name(&sb, "Foo.Bar__baz-_-Q");
	CHECK_STR(sb.buf, "foo-bar-baz-q", "names normalise as PEP 503 says");
	strbuf_reset(&sb);
	form_key(&sb, "Home-page");
	CHECK_STR(sb.buf, "home_page", "Home-page is home_page");
	strbuf_reset(&sb);
	form_key(&sb, "Classifier");
	CHECK_STR(sb.buf, "classifiers", "Classifier is sent as classifiers");
	strbuf_reset(&sb);
	form_key(&sb, "Project-URL");
	CHECK_STR(sb.buf, "project_urls", "Project-URL is sent as project_urls");
	strbuf_reset(&sb);
	form_key(&sb, "Requires-Dist");
	CHECK_STR(sb.buf, "requires_dist", "Requires-Dist is requires_dist");
	strbuf_release(&sb);
}

static int load_from_text(struct dist *d, const char *filename, const char *meta)
{
	memset(d, 0, sizeof(*d));
	d->path = xstrdup(filename);
	d->filename = d->path;
	if (dist_parse_filename(filename, &d->fn) || metadata_parse(meta, strlen(meta), &d->md))
		return -1;
	return dist_check(d);
}

static void test_check_and_form(void)
{
	static const char meta[] = "Metadata-Version: 2.1\nName: My_Pkg\nVersion: 1.0\n"
				   "Summary: s\nClassifier: A\nClassifier: B\nDescription: from the header\n";
	struct dist d;
	struct form f;

	CHECK_INT(load_from_text(&d, "my.pkg-1.0.0-py3-none-any.whl", meta), 0,
		  "equal names and versions after normalising are accepted");
	memcpy(d.sha256, "ab", 3);
	dist_form(&d, &f);
	CHECK_INT(f.nr, 12, "12 form fields (no md5 or blake2 digests without a file)");
	CHECK_STR(f.fields[0].name, ":action", "the action comes first");
	CHECK_STR(f.fields[0].value, "file_upload", "file_upload");
	CHECK_STR(f.fields[1].value, "1", "protocol version 1");
	CHECK_STR(f.fields[2].value, "My_Pkg", "the name as the metadata writes it");
	CHECK_STR(f.fields[4].value, "bdist_wheel", "filetype");
	CHECK_STR(f.fields[5].value, "py3", "pyversion from the file name");
	CHECK_STR(f.fields[6].value, "2.1", "metadata_version");
	CHECK_STR(f.fields[8].name, "classifiers", "classifiers repeated");
	CHECK_STR(f.fields[9].value, "B", "in order");
	CHECK_STR(f.fields[10].name, "description", "a Description header is the description");
	CHECK_STR(f.fields[10].value, "from the header", "its value");
	CHECK_STR(f.fields[11].name, "sha256_digest", "the digests come last");
	form_release(&f);
	dist_release(&d);

	CHECK_INT(load_from_text(&d, "other-1.0-py3-none-any.whl", meta), -1, "a file name of another project is refused");
	dist_release(&d);
	CHECK_INT(load_from_text(&d, "my_pkg-1.1.tar.gz", meta), -1, "a file name of another version is refused");
	dist_release(&d);
	CHECK_INT(load_from_text(&d, "my_pkg-1.0.tar.gz", "Metadata-Version: 2.1\nName: my_pkg\n"), -1,
		  "metadata without Version is refused");
	dist_release(&d);
	CHECK_INT(load_from_text(&d, "my_pkg-1.0.tar.gz", "Metadata-Version: 2.1\nName: -my_pkg\nVersion: 1.0\n"), -1,
		  "an invalid project name is refused");
	dist_release(&d);
	CHECK_INT(load_from_text(&d, "my_pkg-x.tar.gz", "Metadata-Version: 2.1\nName: my_pkg\nVersion: x\n"), -1,
		  "a version that is not PEP 440 is refused");
	dist_release(&d);
}

static void test_pypirc(void)
{
	static const char rc[] =
		"[distutils]\n"
		"index-servers =\n"
		"    pypi\n"
		"    private\n"
		"\n"
		"# a comment\n"
		"[pypi]\n"
		"username = __token__\n"
		"password = pypi-abc=def:ghi\n"
		"\n"
		"[private]\n"
		"repository: https://repo.example.invalid/legacy/\n"
		"username: alice\n"
		"; another comment\n"
		"password: s3cret\n";
	struct pypirc_repo r;

	CHECK_INT(pypirc_find(rc, "rc", "pypi", &r), 0, "the pypi section is found");
	CHECK_STR(r.username, "__token__", "its username");
	CHECK_STR(r.password, "pypi-abc=def:ghi", "a password with = and : is kept whole");
	CHECK(r.url == NULL, "no repository URL in it");
	pypirc_repo_release(&r);
	CHECK_INT(pypirc_find(rc, "rc", "private", &r), 0, "a named section is found");
	CHECK_STR(r.url, "https://repo.example.invalid/legacy/", "key: value form");
	CHECK_STR(r.password, "s3cret", "its password");
	pypirc_repo_release(&r);
	CHECK_INT(pypirc_find(rc, "rc", "testpypi", &r), 1, "a missing section is 1");
	pypirc_repo_release(&r);
	CHECK_INT(pypirc_find("[pypi\nusername = x\n", "rc", "pypi", &r), -1, "an unclosed section header is an error");
	CHECK_INT(pypirc_find("[pypi]\njunk\n", "rc", "pypi", &r), -1, "a line without = is an error");
	CHECK_STR(known_repository("testpypi"), TESTPYPI_UPLOAD_URL, "testpypi is built in");
	CHECK(known_repository("private") == NULL, "other names are not");
}

static void check_root(const char *url, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	if (want) {
		CHECK_INT(index_root(&sb, url), 0, url);
		CHECK_STR(sb.buf, want, url);
	} else {
		CHECK_INT(index_root(&sb, url), -1, url);
	}
	strbuf_release(&sb);
}

static void check_read(const char *url, const char *index, const char *simple)
{
	struct target t = { 0 };

	if (!index) {
		CHECK_INT(read_urls(&t, url), -1, url);
		return;
	}
	CHECK_INT(read_urls(&t, url), 0, url);
	CHECK_STR(t.index_url, index, url);
	CHECK_STR(t.simple_url, simple, url);
	target_release(&t);
}

static void test_read_urls(void)
{
	check_read("http://127.0.0.1:8080", "http://127.0.0.1:8080", "http://127.0.0.1:8080/simple");
	check_read("https://pypi.org/", "https://pypi.org", "https://pypi.org/simple");
	check_read("https://h.example/repository/pypi-group/simple/", "https://h.example/repository/pypi-group",
		   "https://h.example/repository/pypi-group/simple");
	check_read("https://h.example/simple", "https://h.example", "https://h.example/simple");
	check_read("https://h.example/api/pypi/x/simple?y#z", "https://h.example/api/pypi/x",
		   "https://h.example/api/pypi/x/simple");
	check_read("https://h.example/notsimple", "https://h.example/notsimple", "https://h.example/notsimple/simple");
	check_read("ftp://h.example/simple", NULL, NULL);
	check_read("http:///simple", NULL, NULL);
	check_read("http://", NULL, NULL);
	check_read("https://h.example?q", "https://h.example", "https://h.example/simple");
}

static void test_index_root(void)
{
	check_root("https://upload.pypi.org/legacy/", "https://pypi.org");
	check_root("https://test.pypi.org/legacy/", "https://test.pypi.org");
	check_root("http://127.0.0.1:8080/legacy/", "http://127.0.0.1:8080");
	check_root("http://127.0.0.1:8080/sub/legacy", "http://127.0.0.1:8080/sub");
	check_root("https://repo.example.invalid/repository/pypi-hosted/", "https://repo.example.invalid/repository/pypi-hosted");
	check_root("https://repo.example.invalid/api/pypi/local?x#y", "https://repo.example.invalid/api/pypi/local");
	check_root("http://127.0.0.1:8080/", "http://127.0.0.1:8080");
	check_root("https://upload.pypi.org.evil.invalid/legacy/", "https://upload.pypi.org.evil.invalid");
	check_root("ftp://x/legacy/", NULL);
	check_root("http:///legacy/", NULL);
}

static void test_json_listing(void)
{
	static const char api[] = "{\"info\": {}, \"urls\": [{\"filename\": \"a-1.0.tar.gz\", \"url\": "
				  "\"https://files.example.invalid/a-1.0.tar.gz\", \"digests\": {\"sha256\": "
				  "\"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\"}, "
				  "\"requires_python\": \">=3.8\", \"yanked\": true, \"yanked_reason\": \"broken\"},"
				  "{\"filename\": \"a-1.0-py3-none-any.whl\", \"url\": \"/files/a.whl\", \"digests\": {},"
				  " \"yanked\": false, \"yanked_reason\": null}]}";
	static const char simple[] = "{\"meta\": {\"api-version\": \"1.0\"}, \"name\": \"a\", \"files\": ["
				     "{\"filename\": \"a-1.0.tar.gz\", \"url\": \"../../files/a-1.0.tar.gz\", "
				     "\"hashes\": {\"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"},"
				     " \"yanked\": \"bad metadata\", \"core-metadata\": {\"sha256\": \"00\"}},"
				     "{\"filename\": \"a-1.0-py3-none-any.whl\", \"url\": \"a.whl\", "
				     "\"hashes\": {\"sha256\": \"not-hex\"}, \"yanked\": false, \"dist-info-metadata\": true},"
				     "{\"filename\": \"../evil\", \"url\": \"x\", \"hashes\": {}}]}";
	struct remote_files r = { 0 };
	const struct remote_file *f;

	CHECK_INT(parse_json_listing(api, strlen(api), "http://h:1/pypi/a/1.0/json", &r), 0, "a JSON API answer parses");
	CHECK_INT(r.nr, 2, "two files");
	f = remote_find(&r, "a-1.0.tar.gz");
	CHECK_STR(f ? f->sha256 : NULL, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		  "the sha256 digest, lowercased");
	CHECK_STR(f ? f->requires_python : NULL, ">=3.8", "requires_python");
	CHECK_STR(f ? f->yanked : NULL, "broken", "yanked, with yanked_reason as the reason");
	f = remote_find(&r, "a-1.0-py3-none-any.whl");
	CHECK(f && !f->sha256 && !f->yanked, "a file without a sha256 has none, and is not yanked");
	CHECK_STR(f ? f->url : NULL, "http://h:1/files/a.whl", "an absolute path resolves against the host");
	remote_files_release(&r);

	CHECK_INT(parse_json_listing(simple, strlen(simple), "http://h:1/simple/a/", &r), 0, "a PEP 691 answer parses");
	CHECK_INT(r.nr, 2, "a file name with a slash is not listed");
	f = remote_find(&r, "a-1.0.tar.gz");
	CHECK_STR(f ? f->sha256 : NULL, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "PEP 691 hashes");
	CHECK_STR(f ? f->url : NULL, "http://h:1/files/a-1.0.tar.gz", "a relative URL resolves against the page");
	CHECK_STR(f ? f->yanked : NULL, "bad metadata", "yanked as a string is the reason");
	CHECK(f && f->core_metadata, "core-metadata with hashes");
	f = remote_find(&r, "a-1.0-py3-none-any.whl");
	CHECK(f && !f->sha256, "a sha256 that is not 64 hex digits is no sha256");
	CHECK(f && f->core_metadata, "dist-info-metadata: true, PEP 714's older name");
	remote_files_release(&r);
	CHECK_INT(parse_json_listing("<html>", 6, "x", &r), -1, "HTML is not JSON");
	CHECK_INT(parse_json_listing("{\"x\": 1}", 8, "x", &r), -1, "JSON without files is not a listing");
	remote_files_release(&r);
}

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void test_html_listing(void)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><title>Links for a</title>\n"
		"<script>var s = '<a href=\"/script/a-9.tar.gz\">';</script></head><body>\n"
		"<!-- <a href=\"/comment/a-9.whl\">a-9.whl</a> -->\n"
		"<h1>Links for a</h1>\n"
		"<a href=\"../../packages/a-1.0.tar.gz#sha256=" SHA_A "\" data-requires-python=\"&gt;=3.8\">a-1.0.tar.gz</a><br/>\n"
		"<A HREF='/packages/a-1.0%2Blocal-py3-none-any.whl#SHA256=" SHA_B "' DATA-YANKED>x</A>\n"
		"<a href=https://cdn.example.invalid/f/a-1.1-py3-none-any.whl#md5=0cc175b9c0f1b6a831c399e269772661 "
		"data-yanked=\"broken &amp; withdrawn\" data-dist-info-metadata=true>a-1.1</a>\n"
		"<a data-core-metadata=\"sha256=" SHA_A "\" href=\"a-1.2.tar.gz?x=1&amp;lt=2&lt=3#sha256=abc\">a-1.2</a>\n"
		"<a href=\"javascript:alert(1)\">a-6.tar.gz</a>\n"
		"<a name=\"no-href\">a-7.tar.gz</a>\n"
		"<a href=\"/packages/a&#45;1.3.tar.gz\" data-core-metadata=\"false\">a-1.3.tar.gz</a>\n"
		"</body></html>\n";
	static const char based[] = "<html><head><base href=\"https://files.example.invalid/root/\"></head>"
				    "<a href=\"sub/b-2.0.tar.gz\">b</a><a href=\"/sub/b-2.1.tar.gz\">b</a>"
				    "<a href=\"b-2.2.tar.gz\" data-yanked=\"unterminated";
	struct remote_files r = { 0 };
	const struct remote_file *f;

	CHECK_INT(parse_html_listing(page, strlen(page), "http://h:1/simple/a/", &r), 0, "a PEP 503 page parses");
	CHECK_INT(r.nr, 5, "five links: not the one in a comment, a script, javascript: or without href");
	CHECK(!remote_find(&r, "a-9.tar.gz") && !remote_find(&r, "a-9.whl"), "comments and scripts hold no links");
	f = remote_find(&r, "a-1.0.tar.gz");
	CHECK_STR(f ? f->url : NULL, "http://h:1/packages/a-1.0.tar.gz", "a relative href resolves, without its fragment");
	CHECK_STR(f ? f->sha256 : NULL, SHA_A, "the #sha256= fragment");
	CHECK_STR(f ? f->requires_python : NULL, ">=3.8", "data-requires-python with an entity decoded");
	CHECK(f && !f->yanked && !f->core_metadata, "not yanked, no metadata file");
	f = remote_find(&r, "a-1.0+local-py3-none-any.whl");
	CHECK(f != NULL, "the file name is the href's last segment, percent-decoded (not the anchor text)");
	CHECK_STR(f ? f->sha256 : NULL, SHA_B, "upper-case tags, attributes and hash name, single quotes");
	CHECK_STR(f ? f->yanked : NULL, "", "data-yanked without a value is yanked without a reason");
	f = remote_find(&r, "a-1.1-py3-none-any.whl");
	CHECK_STR(f ? f->url : NULL, "https://cdn.example.invalid/f/a-1.1-py3-none-any.whl", "an absolute href on another host");
	CHECK(f && !f->sha256, "an md5 fragment gives no sha256: the file is hashed instead");
	CHECK_STR(f ? f->yanked : NULL, "broken & withdrawn", "a yank reason with an entity");
	CHECK(f && f->core_metadata, "data-dist-info-metadata, unquoted");
	f = remote_find(&r, "a-1.2.tar.gz");
	CHECK_STR(f ? f->url : NULL, "http://h:1/simple/a/a-1.2.tar.gz?x=1&lt=2&lt=3",
		  "&amp; decodes in an attribute, &lt= stays as written");
	CHECK(f && !f->sha256, "a sha256 fragment that is no sha256 is ignored");
	CHECK(f && f->core_metadata, "data-core-metadata with a hash");
	f = remote_find(&r, "a-1.3.tar.gz");
	CHECK(f && !f->core_metadata, "a numeric entity in the href; data-core-metadata=false is none");
	remote_files_release(&r);

	CHECK_INT(parse_html_listing(based, strlen(based), "http://h:1/simple/b/", &r), 0, "a page with <base> parses");
	CHECK_INT(r.nr, 2, "a tag cut off at the end of the page is dropped");
	f = remote_find(&r, "b-2.0.tar.gz");
	CHECK_STR(f ? f->url : NULL, "https://files.example.invalid/root/sub/b-2.0.tar.gz", "<base href> is the base");
	f = remote_find(&r, "b-2.1.tar.gz");
	CHECK_STR(f ? f->url : NULL, "https://files.example.invalid/sub/b-2.1.tar.gz", "an absolute path against <base>");
	remote_files_release(&r);

	CHECK_INT(parse_html_listing("no markup at all", 16, "http://h:1/", &r), 0, "text without anchors parses");
	CHECK_INT(r.nr, 0, "and lists nothing");
	CHECK_INT(parse_html_listing("<a href=\"/x/%zz.tar.gz\">", 24, "http://h:1/", &r), 0, "a bad escape");
	CHECK_INT(r.nr, 0, "a bad percent escape gives no file name");
	remote_files_release(&r);
}

static void test_find_dist(void)
{
	static const char listing[] = "{\"files\": ["
		"{\"filename\": \"Shipsync.Sample-1.0.tar.gz\", \"url\": \"/a\", \"hashes\": {\"sha256\": \"" SHA_A "\"}},"
		"{\"filename\": \"Shipsync_Sample-1.0-PY3-none-any.whl\", \"url\": \"/b\", \"hashes\": {\"sha256\": \"" SHA_B "\"}},"
		"{\"filename\": \"shipsync_sample-1.0-py2-none-any.whl\", \"url\": \"/c\", \"hashes\": {\"sha256\": \"" SHA_A "\"}},"
		"{\"filename\": \"shipsync-sample-1.0.zip\", \"url\": \"/d\", \"hashes\": {\"sha256\": \"" SHA_A "\"}}]}";
	struct remote_files r = { 0 };
	struct dist d = { 0 };
	const struct remote_file *f;

	parse_json_listing(listing, strlen(listing), "http://h:1/simple/x/", &r);
	d.filename = "shipsync_sample-1.0.0.tar.gz";
	memcpy(d.sha256, SHA_A, sizeof(d.sha256));
	f = remote_find_dist(&r, &d);
	CHECK_STR(f ? f->filename : NULL, "Shipsync.Sample-1.0.tar.gz",
		  "an sdist listed under another spelling of its name and version, with its sha256");
	memcpy(d.sha256, SHA_B, sizeof(d.sha256));
	CHECK(remote_find_dist(&r, &d) == NULL, "another spelling with other bytes is another file");
	d.filename = "shipsync_sample-1.0.0-py3-none-any.whl";
	f = remote_find_dist(&r, &d);
	CHECK_STR(f ? f->filename : NULL, "Shipsync_Sample-1.0-PY3-none-any.whl", "a wheel, tags compared without case");
	d.filename = "shipsync_sample-1.0.0-py2.py3-none-any.whl";
	memcpy(d.sha256, SHA_A, sizeof(d.sha256));
	CHECK(remote_find_dist(&r, &d) == NULL, "a wheel with other tags is another file");
	d.filename = "shipsync-sample-1.0.zip";
	f = remote_find_dist(&r, &d);
	CHECK_STR(f ? f->filename : NULL, "shipsync-sample-1.0.zip", "any file under its own name");
	d.filename = "-1.0.tar.gz";
	CHECK(remote_find_dist(&r, &d) == NULL, "a name without a project matches nothing else");
	remote_files_release(&r);
}

static void check_decode(const char *in, int attr, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	html_decode(&sb, in, strlen(in), attr);
	CHECK_STR(sb.buf, want, in);
	strbuf_release(&sb);
}

static void test_entities(void)
{
	check_decode("a &amp; b &lt;&gt; &quot;&apos;", 0, "a & b <> \"'");
	check_decode("&#65;&#x42;&#X43;&#100", 0, "ABCd");
	check_decode("&#0; &#xd800; &#x110000; &#99999999999999999999;", 0,
		     "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
	check_decode("&amp &lt", 0, "& <");
	check_decode("?a=1&lt=2&ampx&amp;y", 1, "?a=1&lt=2&ampx&y");
	check_decode("&unknown; & &# &#x;", 0, "&unknown; & &# &#x;");
	check_decode("caf&#233; &nbsp;", 0, "caf\xc3\xa9 \xc2\xa0");
}

static void check_message(const char *body, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	response_message(&sb, body, strlen(body));
	CHECK_STR(sb.buf, want, want);
	strbuf_release(&sb);
}

static void test_messages(void)
{
	struct strbuf sb = STRBUF_INIT;

	check_message("<html><head><title>400 File already exists</title></head></html>", "400 File already exists");
	check_message("403 Bad\x1b[31m token\nsecond line", "403 Bad [31m token");
	check_message("\n<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>"
		      "<title>Error: 409 Conflict</title><style type=\"text/css\">html {color: #eee;}</style>"
		      "</head><body><h1>Error: 409 Conflict</h1><p>Sorry, the requested URL <tt>&#039;/&#039;</tt>\n"
		      "   caused an error:</p><pre>Package &#039;a-1.0.tar.gz&#039; already exists!\n  You may start "
		      "server with `--overwrite` option.</pre></body></html>",
		      "Error: 409 Conflict: Sorry, the requested URL '/' caused an error: Package 'a-1.0.tar.gz' "
		      "already exists! You may start server with `--overwrite` option.");
	check_message("<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden"
		      "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>", "403 Forbidden: nginx");
	check_message("{\"errors\": [{\"status\": 403, \"message\": \"Not enough permissions to delete/overwrite "
		      "artifact 'pypi-local:a/1.0/a-1.0.tar.gz'\"}]}",
		      "Not enough permissions to delete/overwrite artifact 'pypi-local:a/1.0/a-1.0.tar.gz'");
	check_message("{\"message\": \"Validation failed:\\nFile name has already been taken\"}",
		      "Validation failed: File name has already been taken");
	check_message("{\"not\": \"a message\"}", "{\"not\": \"a message\"}");
	check_message("", "");
	response_message(&sb, "<p>a\0b</p>", 10);
	CHECK_STR(sb.buf, "a", "a NUL byte ends the body");
	strbuf_reset(&sb);
	for (int i = 0; i < 100; i++)
		strbuf_addstr(&sb, "<b>word</b> ");
	{
		struct strbuf out = STRBUF_INIT;

		response_message(&out, sb.buf, sb.len);
		CHECK(out.len <= 300 && starts_with(out.buf, "word word"), "a long page is cut to a line");
		strbuf_release(&out);
	}
	strbuf_release(&sb);
}

int main(void)
{
	setup_tool("pypi-upload-unit");
	test_filenames();
	test_metadata();
	test_versions();
	test_names();
	test_check_and_form();
	test_pypirc();
	test_index_root();
	test_read_urls();
	test_json_listing();
	test_html_listing();
	test_find_dist();
	test_entities();
	test_messages();
	return test_done();
}
