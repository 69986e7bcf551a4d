/* Unit tests of oci-push's core: versions and tags, challenges, credentials, URLs, tar. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util.h"
#include "../../tools/oci-push/oci.h"

static int cmp(const char *a, const char *b)
{
	struct semver x, y;

	if (version_parse(a, &x) || version_parse(b, &y))
		return 99;
	return semver_compare(&x, &y);
}

static void test_semver(void)
{
	struct semver v;
	const char *bad[] = { "1", "1.2", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01",
			      "1.2.3-a..b", "1.2.3+", "1.2.3 ", "v", "1.2.3-é", "vv1.2.3", NULL };
	/* the precedence example of SemVer 2.0.0 section 11, in order */
	const char *order[] = { "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
				"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
				"10.0.0", NULL };

	CHECK(!version_parse("1.2.3", &v), "parses 1.2.3");
	CHECK(!version_parse("v1.2.3-rc.1+build.5", &v) && v.pre.len == 4, "parses v prefix, prerelease, build");
	for (int i = 0; bad[i]; i++)
		CHECK(version_parse(bad[i], &v), bad[i]);
	for (int i = 0; order[i + 1]; i++)
		CHECK_INT(cmp(order[i], order[i + 1]), -1, order[i]);
	CHECK_INT(cmp("1.0.0+a", "1.0.0+b"), 0, "build metadata has no precedence");
	CHECK_INT(cmp("v2.0.0", "2.0.0"), 0, "the v prefix does not count");
	CHECK_INT(cmp("18446744073709551616.0.0", "18446744073709551615.0.0"), 1, "numbers beyond 64 bits compare");
}

static void test_tags(void)
{
	struct semver v, t;
	const char *why;
	const char *reg[] = { "v1.2.3", "1.3.0", "v2.0.0-rc.1", "latest", "edge", "1", NULL };
	size_t n = 6;

	CHECK_INT(tag_kind("latest", &t), TAG_LATEST, "latest");
	CHECK_INT(tag_kind("v1", &t), TAG_MAJOR, "v1 is a major tag");
	CHECK_INT(tag_kind("1.2", &t), TAG_MINOR, "1.2 is a minor tag");
	CHECK_INT(tag_kind("1.2.3", &t), TAG_VERSION, "1.2.3 is a version");
	CHECK_INT(tag_kind("01.2", &t), TAG_PLAIN, "leading zero: plain");
	CHECK_INT(tag_kind("edge", &t), TAG_PLAIN, "edge is plain");
	CHECK(tag_valid("v1.2.3_x-y"), "valid tag");
	CHECK(!tag_valid("") && !tag_valid(".a") && !tag_valid("-a") && !tag_valid("a/b") &&
	      !tag_valid("a\nb") && !tag_valid("a+b"), "invalid tags");

	version_parse("1.2.4", &v);
	CHECK_INT(tag_may_move("1.2", &v, reg, n, &why), 1, "1.2 moves to 1.2.4");
	CHECK_INT(tag_may_move("1", &v, reg, n, &why), 0, "1 stays: 1.3.0 is higher");
	CHECK_INT(tag_may_move("latest", &v, reg, n, &why), 0, "latest stays: 1.3.0 is higher");
	CHECK_INT(tag_may_move("2", &v, reg, n, &why), -1, "2 cannot name 1.2.4");
	CHECK_INT(tag_may_move("1.3", &v, reg, n, &why), -1, "1.3 cannot name 1.2.4");
	CHECK_INT(tag_may_move("edge", &v, reg, n, &why), 1, "plain tags always move");
	version_parse("1.4.0", &v);
	CHECK_INT(tag_may_move("latest", &v, reg, n, &why), 1, "a prerelease in the registry does not hold latest back");
	version_parse("3.0.0-rc.1", &v);
	CHECK_INT(tag_may_move("latest", &v, reg, n, &why), 0, "a prerelease never moves latest");
	CHECK_STR(why, "the version is a prerelease", "and says why");
	version_parse("1.2.3", &v);
	CHECK_INT(tag_may_move("1.2", &v, reg, n, &why), 1, "the same version moves its own tags again");
}

static void test_challenge(void)
{
	struct challenge ch;

	CHECK(!challenge_parse("Bearer realm=\"https://auth.example/token\",service=\"reg\",scope=\"repository:a/b:pull,push\"", &ch),
	      "parses a Bearer challenge");
	CHECK_STR(ch.scheme, "bearer", "scheme lowercased");
	CHECK_STR(ch.realm, "https://auth.example/token", "realm");
	CHECK_STR(ch.service, "reg", "service");
	CHECK_STR(ch.scope, "repository:a/b:pull,push", "scope with a comma inside quotes");
	challenge_release(&ch);
	CHECK(!challenge_parse("Basic realm=\"x \\\"y\\\"\"", &ch), "Basic with escapes");
	CHECK_STR(ch.realm, "x \"y\"", "escapes undone");
	challenge_release(&ch);
	CHECK(!challenge_parse("Bearer realm=tok , error=\"invalid_token\"", &ch), "token values and spaces");
	CHECK_STR(ch.realm, "tok", "bare realm");
	CHECK_STR(ch.error, "invalid_token", "error");
	challenge_release(&ch);
	CHECK(challenge_parse("Bearer realm=\"unterminated", &ch), "unterminated quote refused");
	CHECK(challenge_parse("", &ch), "empty refused");
	CHECK(challenge_parse("Bearer realm", &ch), "parameter without value refused");
}

static void test_creds(void)
{
	struct creds c;
	const char *cfg = "{\"auths\":{\"https://reg.example:5000/v1/\":{\"auth\":\"dXNlcjpwYTpzcw==\"},"
			  "\"other.example\":{\"auth\":\"eDp5\"}}}";

	memset(&c, 0, sizeof(c));
	CHECK_INT(creds_from_docker_config(cfg, strlen(cfg), "reg.example:5000", &c, "cfg", 0), 0, "auths entry found");
	CHECK_STR(c.user, "user", "user before the first colon");
	CHECK_STR(c.pass, "pa:ss", "password keeps its colons");
	creds_release(&c);
	CHECK_INT(creds_from_docker_config(cfg, strlen(cfg), "nowhere.example", &c, "cfg", 0), 0, "no entry: no error");
	CHECK(!c.user, "and no credentials");
	CHECK_INT(creds_from_docker_config("{", 1, "x", &c, "cfg", 0), EXIT_DATA, "broken JSON is bad input");
	{
		const char *helper = "{\"credsStore\":\"no-such-helper-anywhere\"}";

		CHECK_INT(creds_from_docker_config(helper, strlen(helper), "reg.example", &c, "cfg", 0), 0,
			  "with helpers off, a credsStore runs nothing and finds nothing");
		CHECK(!c.user, "and gives no credentials");
	}
	{
		const char *hub = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"eDp5\"}}}";

		CHECK_INT(creds_from_docker_config(hub, strlen(hub), "registry-1.docker.io", &c, "cfg", 0), 0, "Docker Hub key");
		CHECK_STR(c.user, "x", "Docker Hub user");
		creds_release(&c);
		CHECK_INT(creds_from_docker_config(hub, strlen(hub), "docker.io", &c, "cfg", 0), 0,
			  "docker.io finds the Docker Hub key");
		CHECK_STR(c.user, "x", "docker.io is Docker Hub");
		creds_release(&c);
	}
}

static void test_urls(void)
{
	char *u;

	u = http_url_resolve("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/x?_state=1");
	CHECK_STR(u, "http://h:1/v2/a/blobs/uploads/x?_state=1", "absolute path");
	free(u);
	u = http_url_resolve("http://h:1/v2/a/blobs/uploads/?mount=1", "x?y");
	CHECK_STR(u, "http://h:1/v2/a/blobs/uploads/x?y", "relative path");
	free(u);
	u = http_url_resolve("http://h:1/v2/", "https://s3.example/b?sig=1");
	CHECK_STR(u, "https://s3.example/b?sig=1", "absolute URL");
	free(u);
	u = http_url_resolve("https://h/v2/", "//cdn.example/x");
	CHECK_STR(u, "https://cdn.example/x", "scheme-relative URL");
	free(u);
	u = http_url_resolve("http://h/v2/x", "/y?next=http://evil/");
	CHECK_STR(u, "http://h/y?next=http://evil/", "a URL inside the query is not the origin");
	free(u);
}

/* A ustar header block for name, of size bytes and type. */
static void header(struct strbuf *sb, const char *name, size_t size, char type, const char *link)
{
	char h[512];
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	snprintf(h + 124, 12, "%011zo", size);
	h[156] = type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar\00000", 8);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	strbuf_add(sb, h, 512);
}

static void data(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s), pad = (512 - n % 512) % 512;

	strbuf_add(sb, s, n);
	while (pad--)
		strbuf_addch(sb, '\0');
}

static void test_tar(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct tar t = { 0 };
	const struct tar_entry *e;
	char zero[1024] = { 0 };

	header(&sb, "./manifest.json", 2, '0', NULL);
	data(&sb, "[]");
	header(&sb, "a/layer.tar", 5, '0', NULL);
	data(&sb, "hello");
	header(&sb, "b/layer.tar", 0, '2', "../a/layer.tar");
	header(&sb, "c/layer.tar", 0, '2', "../../etc/passwd");
	strbuf_add(&sb, zero, sizeof(zero));
	CHECK_INT(tar_index_buf(&t, sb.buf, sb.len, "t"), 0, "indexes a ustar archive");
	e = tar_find(&t, "manifest.json");
	CHECK(e && e->size == 2 && !memcmp(sb.buf + e->offset, "[]", 2), "./ prefix dropped, data offset right");
	e = tar_find(&t, "b/layer.tar");
	CHECK(e && e->size == 5 && !memcmp(sb.buf + e->offset, "hello", 5), "relative symlink followed");
	CHECK(!tar_find(&t, "c/layer.tar"), "a symlink out of the archive leads nowhere");
	CHECK(!tar_find(&t, "nope"), "absent member");
	tar_release(&t);

	CHECK_INT(tar_index_buf(&t, sb.buf, 700, "t"), -1, "a truncated archive is refused");
	tar_release(&t);
	sb.buf[600] ^= 1;
	CHECK_INT(tar_index_buf(&t, sb.buf, sb.len, "t"), 0, "data bytes are not checked by the index");
	tar_release(&t);
	sb.buf[0] ^= 1;
	CHECK_INT(tar_index_buf(&t, sb.buf, sb.len, "t"), -1, "a bad header checksum is refused");
	tar_release(&t);
	CHECK_INT(tar_index_buf(&t, "\x1f\x8b\x08", 3, "t"), -1, "gzip is refused");
	tar_release(&t);
	CHECK_INT(tar_index_buf(&t, "", 0, "t"), 0, "an empty file is an empty archive");
	tar_release(&t);
	strbuf_release(&sb);
}

static void test_platform(void)
{
	char *os, *arch, *variant;

	CHECK(!parse_platform("linux/arm64/v8", &os, &arch, &variant) && !strcmp(variant, "v8"), "os/arch/variant");
	free(os); free(arch); free(variant);
	CHECK(!parse_platform("linux/amd64", &os, &arch, &variant) && !variant, "os/arch");
	free(os); free(arch);
	CHECK(parse_platform("linux", &os, &arch, &variant), "os alone refused");
	CHECK(parse_platform("linux//v8", &os, &arch, &variant), "empty arch refused");
	CHECK(parse_platform("linux/arm64/v8/x", &os, &arch, &variant), "four parts refused");
	CHECK(parse_platform("Linux/AMD64", &os, &arch, &variant), "uppercase refused");
}

int main(void)
{
	setup_tool("oci-push-test");
	test_semver();
	test_tags();
	test_challenge();
	test_creds();
	test_urls();
	test_tar();
	test_platform();
	return test_done();
}
