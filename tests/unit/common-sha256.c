/* sha256: known answers, streaming equals one-shot, files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "util.h"
#include "test.h"

int main(int argc, char **argv)
{
	char hex[SHA256_HEX_LEN + 1], hex2[SHA256_HEX_LEN + 1];
	struct sha256 h;
	FILE *f;

	(void)argc;
	setup_tool(argv[0]);
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of the empty string");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of abc (FIPS 180-2)");

	sha256_init(&h);
	sha256_update(&h, "a", 1);
	sha256_update(&h, "bc", 2);
	sha256_final_hex(&h, hex2);
	CHECK_STR(hex2, hex, "streaming in pieces equals one call");

	f = fopen("sha-test", "w");
	fputs("abc", f);
	fclose(f);
	CHECK(sha256_file_hex("sha-test", hex2) == 0, "hashes a file");
	CHECK_STR(hex2, hex, "a file hashes like its bytes");
	unlink("sha-test");
	CHECK(sha256_file_hex("sha-test", hex2) == -1, "a missing file fails with -1");
	return test_done();
}
