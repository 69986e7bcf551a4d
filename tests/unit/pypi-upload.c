/* Unit tests of pypi-upload's core: file names, metadata, versions, the form, .pypirc, listings. */
#include <stdlib.h>
#include <string.h>

#include "../../tools/pypi-upload/dist.h"
#include "../../tools/pypi-upload/index.h"
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

static void test_index_root(void)
{
	check_root("https://upload.pypi.org/legacy/", "https://pypi.org");
	check_root("https://test.pypi.org/legacy/", "https://test.pypi.org");
	check_root("http://127.0.0.1:8080/legacy/", "http://127.0.0.1:8080");
	check_root("http://127.0.0.1:8080/sub/legacy", "http://127.0.0.1:8080/sub");
	check_root("https://repo.example.invalid/upload/", "https://repo.example.invalid");
	check_root("https://upload.pypi.org.evil.invalid/legacy/", "https://upload.pypi.org.evil.invalid");
	check_root("ftp://x/legacy/", NULL);
	check_root("http:///legacy/", NULL);
}

static void test_listing(void)
{
	static const char api[] = "{\"info\": {}, \"urls\": [{\"filename\": \"a-1.0.tar.gz\", \"url\": "
				  "\"https://files.example.invalid/a-1.0.tar.gz\", \"digests\": {\"sha256\": \"ABCD\"}},"
				  "{\"filename\": \"a-1.0-py3-none-any.whl\", \"url\": \"/files/a.whl\", \"digests\": {}}]}";
	static const char simple[] = "{\"meta\": {\"api-version\": \"1.0\"}, \"name\": \"a\", \"files\": ["
				     "{\"filename\": \"a-1.0.tar.gz\", \"url\": \"../../files/a-1.0.tar.gz\", "
				     "\"hashes\": {\"sha256\": \"ef01\"}}]}";
	struct remote_files r = { 0 };
	const struct remote_file *f;
	struct strbuf sb = STRBUF_INIT;

	CHECK_INT(parse_listing(api, strlen(api), "http://h:1/pypi/a/1.0/json", &r), 0, "a JSON API answer parses");
	CHECK_INT(r.nr, 2, "two files");
	f = remote_find(&r, "a-1.0.tar.gz");
	CHECK(f && f->sha256 && !strcmp(f->sha256, "abcd"), "the sha256 digest, lowercased");
	f = remote_find(&r, "a-1.0-py3-none-any.whl");
	CHECK(f && !f->sha256, "a file without a sha256 has none");
	CHECK_STR(f ? f->url : NULL, "http://h:1/files/a.whl", "an absolute path resolves against the host");
	remote_files_release(&r);
	CHECK_INT(parse_listing(simple, strlen(simple), "http://h:1/simple/a/", &r), 0, "a PEP 691 answer parses");
	f = remote_find(&r, "a-1.0.tar.gz");
	CHECK(f && f->sha256 && !strcmp(f->sha256, "ef01"), "PEP 691 hashes");
	CHECK_STR(f ? f->url : NULL, "http://h:1/simple/a/../../files/a-1.0.tar.gz", "a relative URL resolves against the page");
	remote_files_release(&r);
	CHECK_INT(parse_listing("<html>", 6, "x", &r), -1, "HTML is not a listing");
	CHECK_INT(parse_listing("{\"x\": 1}", 8, "x", &r), -1, "JSON without files is not a listing");
	remote_files_release(&r);

	response_message(&sb, "<html><head><title>400 File already exists</title></head></html>", 64);
	CHECK_STR(sb.buf, "400 File already exists", "Warehouse's error page title is the message");
	strbuf_reset(&sb);
	response_message(&sb, "403 Bad\x1b[31m token\nsecond line", 30);
	CHECK_STR(sb.buf, "403 Bad [31m token", "control characters are blanked, one line kept");
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
	test_listing();
	return test_done();
}
