/* Fuzz the JSON reader: any input either parses or is refused, and every
 * string that unescapes survives a round trip through the writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json j;

	if (json_parse(&j, (const char *)data, size) < 0)
		return 0;
	for (int t = 0; t < j.ntok; t = t + 1) {
		char *s = json_string(&j, t);
		struct strbuf sb = STRBUF_INIT;
		struct json back;
		char *again;

		if (!s)
			continue;
		json_add_string(&sb, s);
		if (json_parse(&back, sb.buf, sb.len) < 0)
			abort();
		again = json_string(&back, 0);
		if (!again || strcmp(again, s))
			abort();
		free(again);
		json_release(&back);
		strbuf_release(&sb);
		free(s);
	}
	json_path(&j, 0, "a.0.b");
	json_release(&j);
	return 0;
}
