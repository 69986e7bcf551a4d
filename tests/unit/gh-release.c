/* Unit tests of gh-release's pure helpers: remotes, upload URLs, rate limits, artifact entry names. */
#include <stdlib.h>

#include "../../tools/gh-release/github.h"
#include "test.h"
#include "util.h"

static void check_remote(const char *url, const char *owner, const char *repo, const char *what)
{
	char *o = NULL, *r = NULL;
	int ret = parse_remote(url, &o, &r);

	if (owner) {
		CHECK_INT(ret, 0, what);
		CHECK_STR(o, owner, what);
		CHECK_STR(r, repo, what);
	} else {
		CHECK_INT(ret, -1, what);
	}
	free(o);
	free(r);
}

int main(void)
{
	char *s;

	setup_tool("gh-release-test");
	check_remote("https://github.com/acme/app.git", "acme", "app", "https with .git");
	check_remote("https://github.com/acme/app", "acme", "app", "https without .git");
	check_remote("https://user@ghe.example.com/acme/my.repo/", "acme", "my.repo", "GHE, user and slash");
	check_remote("git@github.com:acme/app.git", "acme", "app", "scp-like");
	check_remote("ssh://git@github.com:22/acme/app.git", "acme", "app", "ssh with a port");
	check_remote("https://github.com/acme/app/extra", NULL, NULL, "a deeper path is not a repository");
	check_remote("https://github.com/acme", NULL, NULL, "an owner alone");
	check_remote("/srv/git/app.git", NULL, NULL, "a local path");
	check_remote("https://github.com/ac me/app", NULL, NULL, "a space in the owner");
	check_remote("https://github.com/acme/..", NULL, NULL, "a dot-dot repository");

	s = upload_target("https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}", "app 1.0+x.tar.gz");
	CHECK_STR(s, "https://uploads.github.com/repos/o/r/releases/1/assets?name=app%201.0%2Bx.tar.gz",
		  "the template goes, the name is encoded");
	free(s);
	s = upload_target("https://u/assets", "a");
	CHECK_STR(s, "https://u/assets?name=a", "a URL without a template");
	free(s);

	CHECK_INT(rate_limit_wait_ms(200, "5", "0", "100", NULL, 50, 0), -1, "a success is no limit");
	CHECK_INT(rate_limit_wait_ms(403, NULL, "0", "110", "{}", 100, 0), 10500, "primary: until the reset");
	CHECK_INT(rate_limit_wait_ms(403, NULL, "0", "90", "{}", 100, 0), 1000, "primary: a reset passed");
	CHECK_INT(rate_limit_wait_ms(403, "3", NULL, NULL, "{}", 100, 0), 3200, "Retry-After wins");
	CHECK_INT(rate_limit_wait_ms(403, NULL, "12", "110", "{\"message\":\"Resource not accessible\"}", 100, 0),
		  -1, "a plain 403 is a permission problem");
	CHECK_INT(rate_limit_wait_ms(403, NULL, NULL, NULL, "You have exceeded a secondary rate limit", 100, 1),
		  120000, "secondary: a minute, doubled");
	CHECK_INT(rate_limit_wait_ms(429, NULL, NULL, NULL, "", 100, 0), 1000, "a bare 429 backs off");
	CHECK_INT(rate_limit_wait_ms(403, "99999", NULL, NULL, "", 100, 0), 3600 * 1000L, "waits are capped");

	CHECK_INT(artifact_safe_name("shipsync-manifest", 17), 1, "a plain name");
	CHECK_INT(artifact_safe_name("sub/image.tar", 13), 1, "a name in a directory");
	CHECK_INT(artifact_safe_name("a..b/.c", 7), 1, "dots inside a component");
	CHECK_INT(artifact_safe_name("sub/", 3), 1, "a directory without its slash");
	CHECK_INT(artifact_safe_name("/etc/passwd", 11), 0, "an absolute path");
	CHECK_INT(artifact_safe_name("../x", 4), 0, "a parent");
	CHECK_INT(artifact_safe_name("a/../../x", 9), 0, "a parent in the middle");
	CHECK_INT(artifact_safe_name("a/..", 4), 0, "a parent at the end");
	CHECK_INT(artifact_safe_name("./x", 3), 0, "a dot component");
	CHECK_INT(artifact_safe_name("a//b", 4), 0, "an empty component");
	CHECK_INT(artifact_safe_name("sub/", 4), 0, "a trailing slash is an empty component");
	CHECK_INT(artifact_safe_name("a\\b", 3), 0, "a backslash");
	CHECK_INT(artifact_safe_name("a\nb", 3), 0, "a line break");
	CHECK_INT(artifact_safe_name("", 0), 0, "nothing");
	return test_done();
}
