/*
 * Fuzz what common/http reads from servers: header lines (a Link header's
 * next page, Retry-After, any header by name) and the URLs a server hands
 * back, resolved against the one that answered. None may crash, leak or read
 * out of bounds, and a next page is always an http(s) URL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *text = xstrndup((const char *)data, size), *s, *origin;
	static int ready;

	if (!ready++)
		setup_tool("http-fuzz");
	strbuf_addstr(&resp.headers, text);
	resp.effective_url = xstrdup("https://api.example:8443/a/b?page=1");
	s = http_link_next(&resp);
	if (s && !starts_with(s, "http://") && !starts_with(s, "https://"))
		abort();
	free(s);
	free(http_header(&resp, "Link"));
	http_retry_after_ms(&resp);
	s = http_url_resolve(resp.effective_url, text);
	if (s && !starts_with(s, "http://") && !starts_with(s, "https://"))
		abort();
	origin = s ? http_url_origin(s) : NULL;
	if (s && !origin)
		abort();
	free(origin);
	free(s);
	free(http_url_display(text));
	free(http_url_split_userinfo(text, NULL, NULL));
	http_host_is_loopback(text);
	http_response_release(&resp);
	free(text);
	return 0;
}
