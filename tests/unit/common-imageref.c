/* imageref: one grammar and one normalisation of image repository names for every tool. */
#include <stdlib.h>
#include <string.h>

#include "imageref.h"
#include "util.h"
#include "test.h"

static void check_norm(const char *repo, const char *want)
{
	char *got = imageref_normalize(repo, strlen(repo));
	char *what = xstrfmt("'%s' normalises to '%s'", repo, want ? want : "(invalid)");

	if (want)
		CHECK_STR(got, want, what);
	else
		CHECK(!got, what);
	free(got);
	free(what);
}

static void test_normalize(void)
{
	check_norm("app", "docker.io/library/app");
	check_norm("library/app", "docker.io/library/app");
	check_norm("docker.io/library/app", "docker.io/library/app");
	check_norm("docker.io/app", "docker.io/library/app");
	check_norm("index.docker.io/acme/app", "docker.io/acme/app");
	check_norm("registry-1.docker.io/acme/app", "docker.io/acme/app");
	check_norm("acme/app", "docker.io/acme/app");
	check_norm("GHCR.IO/acme/app", "ghcr.io/acme/app");
	check_norm("localhost/app", "localhost/app");
	check_norm("localhost:5000/app", "localhost:5000/app");
	check_norm("registry:5000/a/b/c", "registry:5000/a/b/c");
	check_norm("[::1]:5000/app", "[::1]:5000/app");
	check_norm("127.0.0.1:5000/acme/app", "127.0.0.1:5000/acme/app");
	check_norm("Registry/app", "registry/app");
	check_norm("ghcr.io/a-b/c__d/e.f/g---h", "ghcr.io/a-b/c__d/e.f/g---h");
}

static void test_refusals(void)
{
	static const char *const bad[] = {
		"", "/app", "app/", "a//b", "ghcr.io/acme/app:1.0", "app name", "ghcr.io/acme/App",
		"ghcr.io/-acme", "ghcr.io/acme-", "ghcr.io/a..b", "ghcr.io/a___b", "ghcr.io/a._b",
		"ghcr.io:/app", "ghcr.io:50a0/app", "gh cr.io/app", "[::1/app", "ghcr.io/acme/app@sha256:00",
		"ex\x01mple.com/app", "ghcr.io/ü",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		check_norm(bad[i], NULL);
}

static void test_paths_and_hosts(void)
{
	char *longest = xmalloc(300);

	CHECK(imageref_path_valid("acme/app", 8), "a path of two components is valid");
	CHECK(!imageref_path_valid("acme/App", 8), "a path with upper case is not");
	CHECK(!imageref_path_valid("acme/base&from=x", 16), "a path with '&' is not");
	memset(longest, 'a', 256);
	CHECK(!imageref_path_valid(longest, 256), "a path longer than 255 bytes is not");
	CHECK(imageref_path_valid(longest, 255), "a path of 255 bytes is");
	free(longest);
	CHECK(imageref_has_host("ghcr.io/acme/app", 16), "ghcr.io names its host");
	CHECK(imageref_has_host("localhost/app", 13), "localhost names its host");
	CHECK(!imageref_has_host("acme/app", 8), "acme/app names no host: it means docker.io");
	CHECK(!imageref_has_host("app", 3), "app names no host");
	CHECK_INT(imageref_host_len("ghcr.io/acme/app"), 7, "the host of a normalised name");
}

int main(void)
{
	test_normalize();
	test_refusals();
	test_paths_and_hosts();
	return test_done();
}
