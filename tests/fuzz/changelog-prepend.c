/*
 * The changelog scanner and its edits on arbitrary bytes: no crash, no leak,
 * and a successful prepend adds exactly one version heading, the new one.
 * The input's first line (up to 64 bytes) is used as entries when it starts
 * with "E:", so that the merge of entries with [Unreleased] is fuzzed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/changelog-prepend/changelog.h"
#include "strbuf.h"
#include "util.h"

static size_t count_versions(const struct changelog *cl)
{
	size_t n = 0;

	for (size_t i = 0; i < cl->nr; i++)
		n += cl->line[i].kind == CL_VERSION;
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Refused inputs print a diagnostic each: close the target's stderr
 * (libFuzzer and the sanitizers keep reporting on their own copy of it).
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *args[64];
	static char mask[] = "-close_fd_mask=2";
	int n = *argc < 62 ? *argc : 62;

	memcpy(args, *argv, n * sizeof(*args));
	args[n++] = mask;
	args[n] = NULL;
	*argc = n;
	*argv = args;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf text = STRBUF_INIT, entries = STRBUF_INIT, out = STRBUF_INIT, notes = STRBUF_INIT;
	struct prepend_opts o = { "7.7.7-fuzz.1", "2026-01-01", "v", NULL, 0 };
	struct changelog cl, again;
	strbuf_add(&text, data, size);
	if (size > 2 && !memcmp(data, "E:", 2)) {
		const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
		size_t n = nl ? (size_t)(nl - data) : 0;

		strbuf_add(&entries, data + 2, n > 2 ? n - 2 : 0);
		for (size_t i = 0; i < entries.len; i++)
			if (entries.buf[i] == '|')
				entries.buf[i] = '\n';
		o.entries = entries.buf;
		o.entries_len = entries.len;
	}
	if (changelog_scan(&cl, text.buf, text.len))
		goto out;
	changelog_extract(&cl, "1.0.0", &notes);
	changelog_extract(&cl, "unreleased", &notes);
	if (!changelog_prepend(&cl, &o, &out)) {
		if (changelog_scan(&again, out.buf, out.len))
			abort();
		if (count_versions(&again) != count_versions(&cl) + 1 ||
		    changelog_find_version(&again, o.version) < 0)
			abort();
		changelog_release(&again);
	}
	changelog_release(&cl);
out:
	strbuf_release(&text);
	strbuf_release(&entries);
	strbuf_release(&out);
	strbuf_release(&notes);
	return 0;
}
