/*
 * Fuzz oci-push's parsers of untrusted input: the tar index of an image
 * archive, a registry's WWW-Authenticate challenge, and a docker config.json
 * (credential helpers are never run here). None may crash, leak or read out
 * of bounds; every indexed member lies inside the archive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/oci-push/oci.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tar(const char *buf, size_t len)
{
	struct tar t = { 0 };

	if (tar_index_buf(&t, buf, len, "fuzz") == 0) {
		for (size_t i = 0; i < t.nr; i++) {
			const struct tar_entry *e = &t.entry[i];

			if (e->offset < 0 || e->size < 0 || (unsigned long long)(e->offset + e->size) > len)
				abort();
			tar_find(&t, e->name);
		}
	}
	tar_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct challenge ch;
	struct creds c = { 0 };
	static int ready;

	if (!ready++)
		setup_tool("oci-push-fuzz");
	check_tar((const char *)data, size);
	if (challenge_parse(text, &ch) == 0) {
		if (!ch.scheme || !*ch.scheme)
			abort();
		challenge_release(&ch);
	}
	if (creds_from_docker_config(text, strlen(text), "reg.example:5000", &c, "fuzz", 0) == 0 && c.user &&
	    !c.pass)
		abort();
	creds_release(&c);
	free(text);
	return 0;
}
