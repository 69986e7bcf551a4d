/* encode: base64 (strict when decoding), percent-encoding and UTF-8, the one copy of each. */
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static void check_decode(const char *in, const char *want, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = decode_base64(&sb, in, strlen(in));

	if (want)
		CHECK(!rc && sb.len == strlen(want) && !memcmp(sb.buf, want, sb.len), what);
	else
		CHECK(rc == -1, what);
	strbuf_release(&sb);
}

static void test_base64(void)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char all[256];

	encode_base64(&sb, "user:pa:ss", 10);
	CHECK_STR(sb.buf, "dXNlcjpwYTpzcw==", "base64 of user:pa:ss");
	strbuf_reset(&sb);
	encode_base64(&sb, "", 0);
	CHECK_STR(sb.buf, "", "base64 of nothing is nothing");
	check_decode("eDp5", "x:y", "decode one quantum");
	check_decode("dXNlcjpwYTpzcw==", "user:pa:ss", "decode with two pads");
	check_decode("dXNlcjpwYTpzcw", "user:pa:ss", "decode without the padding");
	check_decode("YQ==", "a", "decode to one byte");
	check_decode("YWI=", "ab", "decode to two bytes");
	check_decode("", "", "decode nothing");
	check_decode("e$p5", NULL, "junk is refused");
	check_decode("eDp", "x:", "three characters are two bytes");
	check_decode("e", NULL, "one lone character is refused");
	check_decode("eD=5", NULL, "padding inside is refused");
	check_decode("eDp5 ", NULL, "white space is refused");
	check_decode("YQ=", NULL, "a partial padding is refused");
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	strbuf_reset(&sb);
	encode_base64(&sb, all, sizeof(all));
	{
		struct strbuf back = STRBUF_INIT;

		CHECK(!decode_base64(&back, sb.buf, sb.len) && back.len == 256 && !memcmp(back.buf, all, 256),
		      "every byte value survives a round trip");
		strbuf_release(&back);
	}
	strbuf_release(&sb);
}

static void test_percent_and_utf8(void)
{
	struct strbuf sb = STRBUF_INIT;

	encode_percent(&sb, "a b/c~d_e.f-g+h\xc3\xbc%&=?#");
	CHECK_STR(sb.buf, "a%20b%2Fc~d_e.f-g%2Bh%C3%BC%25%26%3D%3F%23", "only unreserved characters stay");
	strbuf_reset(&sb);
	CHECK_INT(decode_percent(&sb, "a%20b%2fc+%C3%BC%00x", 20), 0, "percent-decoding succeeds");
	CHECK_INT(sb.len, 10, "every escape is one byte, %00 included");
	CHECK(!memcmp(sb.buf, "a b/c+\xc3\xbc\0x", 10), "escapes in either case decode; '+' stays");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "kept");
	CHECK_INT(decode_percent(&sb, "x%2", 3), -1, "a cut escape is refused");
	CHECK_INT(decode_percent(&sb, "%zz", 3), -1, "an escape without hex digits is refused");
	CHECK_STR(sb.buf, "kept", "a refused string leaves the buffer as it was");
	strbuf_reset(&sb);
	encode_utf8(&sb, 0x41);
	encode_utf8(&sb, 0xe9);
	encode_utf8(&sb, 0x20ac);
	encode_utf8(&sb, 0x1f600);
	CHECK_STR(sb.buf, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "one, two, three and four byte forms");
	strbuf_release(&sb);
}

int main(void)
{
	test_base64();
	test_percent_and_utf8();
	return test_done();
}
