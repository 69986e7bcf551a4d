/* base64 by libcrypto, percent-encoding by libcurl, UTF-8 by hand (it is four lines). */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include "encode.h"
#include "strbuf.h"
#include "util.h"

void encode_base64(struct strbuf *sb, const void *data, size_t len)
{
	unsigned char *out;
	int n;

	if (len > (size_t)(1 << 30))
		die_code(EXIT_SYSTEM, "%zu bytes are too many to encode as base64", len);
	out = xmalloc(4 * ((len + 2) / 3) + 1);
	n = EVP_EncodeBlock(out, data, (int)len);
	strbuf_add(sb, out, (size_t)n);
	free(out);
}

static int is_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int decode_base64(struct strbuf *sb, const char *s, size_t len)
{
	size_t pad = 0, chars;
	struct strbuf in = STRBUF_INIT;
	unsigned char *out;
	int n;

	/* EVP_DecodeBlock wants whole quanta and takes '=' for data: check first. */
	while (pad < len && pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	chars = len - pad;
	for (size_t i = 0; i < chars; i++)
		if (!is_base64_char(s[i]))
			return -1;
	if (chars % 4 == 1 || (pad && (chars + pad) % 4) || len > (size_t)(1 << 30))
		return -1;
	strbuf_add(&in, s, chars);
	while (in.len % 4)
		strbuf_addch(&in, '=');
	out = xmalloc(in.len / 4 * 3 + 1);
	n = EVP_DecodeBlock(out, (unsigned char *)in.buf, (int)in.len);
	/* It counts padding as zero bytes: keep the bytes the characters carry. */
	if (n >= 0)
		strbuf_add(sb, out, chars * 3 / 4);
	memset(out, 0, in.len / 4 * 3 + 1);
	free(out);
	strbuf_release(&in);
	return n < 0 ? -1 : 0;
}

void encode_percent(struct strbuf *sb, const char *s)
{
	char *e = curl_easy_escape(NULL, s, (int)strlen(s));

	if (!e)
		die_code(EXIT_SYSTEM, "out of memory percent-encoding a string");
	strbuf_addstr(sb, e);
	curl_free(e);
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int decode_percent(struct strbuf *sb, const char *s, size_t len)
{
	size_t start = sb->len;

	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '%') {
			strbuf_addch(sb, s[i]);
			continue;
		}
		if (len - i < 3 || (hi = hex_value(s[i + 1])) < 0 || (lo = hex_value(s[i + 2])) < 0) {
			strbuf_setlen(sb, start);
			return -1;
		}
		strbuf_addch(sb, hi << 4 | lo);
		i += 2;
	}
	return 0;
}

void encode_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | cp >> 6));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | cp >> 12));
		strbuf_addch(sb, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | cp >> 18));
		strbuf_addch(sb, (int)(0x80 | (cp >> 12 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}
