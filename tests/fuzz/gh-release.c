/*
 * Fuzz gh-release's parsers of what servers and users hand it: git remote
 * URLs, owner/repo strings, upload_url templates, rate-limit answers and
 * the entry names of an artifact's zip
 * (Link headers are common/http's: tests/fuzz/common-http.c). None may
 * crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/gh-release/github.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *owner = NULL, *repo = NULL, *s;
	char *half = text + strlen(text) / 2;

	static int ready;

	if (!ready++)
		setup_tool("gh-release-fuzz");
	if (!parse_remote(text, &owner, &repo) && (!*owner || !*repo || strchr(owner, '/') || strchr(repo, '/')))
		abort();
	free(owner);
	free(repo);
	owner = repo = NULL;
	if (!parse_repository(text, &owner, &repo) && (!*owner || !*repo))
		abort();
	free(owner);
	free(repo);
	s = upload_target(text, half);
	if (strchr(s, '{') && strchr(text, '{'))
		abort();
	free(s);
	rate_limit_wait_ms(403, text, half, half, text, 1000, (int)(size % 8));
	/* A name taken as safe can never leave the directory it is unpacked in. */
	if (artifact_safe_name(text, strlen(text)) &&
	    (text[0] == '/' || strstr(text, "//") || !strcmp(text, "..") || !strncmp(text, "../", 3) ||
	     strstr(text, "/../") || ends_with(text, "/..") || strchr(text, '\\')))
		abort();
	free(text);
	return 0;
}
