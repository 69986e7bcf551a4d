/*
 * Fuzz pypi-upload's parsers with one input: core metadata, versions, file
 * names, .pypirc text, index listings (JSON and HTML), HTML text, read URLs
 * and error bodies. None may crash, leak or read out of bounds, whatever
 * the bytes.
 */
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/pypi-upload/dist.h"
#include "../../tools/pypi-upload/index.h"
#include "../../tools/pypi-upload/listing.h"
#include "../../tools/pypi-upload/target.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	char *text = xstrndup((const char *)data, size);
	struct metadata md;
	struct dist_name dn;
	struct pypirc_repo rc;
	struct remote_files r = { 0 };
	struct target t = { 0 };
	struct strbuf sb = STRBUF_INIT;

	if (!quiet) {
		/*
		 * Error messages are expected by the thousand: send them to /dev/null,
		 * but keep the sanitizers' reports on the real stderr.
		 */
		int keep = dup(2), null = open("/dev/null", O_WRONLY);

		setup_tool("pypi-upload-fuzz");
		if (keep >= 0 && null >= 0) {
			__sanitizer_set_report_fd((void *)(intptr_t)keep);
			dup2(null, 2);
			close(null);
		}
		quiet = 1;
	}
	if (!metadata_parse((const char *)data, size, &md))
		metadata_get(&md, "Name");
	metadata_release(&md);
	canonical_version(&sb, text);
	same_version(text, "1.0");
	if (!strchr(text, '/') && !dist_parse_filename(text, &dn))
		dist_name_release(&dn);
	pypirc_find(text, "fuzz", "pypi", &rc);
	pypirc_repo_release(&rc);
	parse_json_listing((const char *)data, size, "http://127.0.0.1:1/simple/x/", &r);
	remote_files_release(&r);
	parse_html_listing((const char *)data, size, "http://127.0.0.1:1/simple/x/", &r);
	remote_files_release(&r);
	strbuf_reset(&sb);
	html_decode(&sb, (const char *)data, size, size & 1);
	strbuf_reset(&sb);
	normalize_name(&sb, text);
	strbuf_reset(&sb);
	form_key(&sb, text);
	strbuf_reset(&sb);
	index_root(&sb, text);
	if (!read_urls(&t, text))
		target_release(&t);
	strbuf_reset(&sb);
	response_message(&sb, (const char *)data, size);
	strbuf_release(&sb);
	free(text);
	return 0;
}
