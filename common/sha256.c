/* SHA-256 through libcrypto's EVP interface. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sha256.h"
#include "util.h"

void sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		die_code(EXIT_SYSTEM, "cannot set up SHA-256 in libcrypto");
	h->ctx = ctx;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		die_code(EXIT_SYSTEM, "SHA-256 update failed in libcrypto");
}

void sha256_final(struct sha256 *h, unsigned char out[SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &n) != 1 || n != SHA256_LEN)
		die_code(EXIT_SYSTEM, "SHA-256 final failed in libcrypto");
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[SHA256_LEN];

	sha256_final(h, raw);
	for (int i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final_hex(&h, hex);
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char buf[65536];
	struct sha256 h;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	sha256_init(&h);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&h, buf, (size_t)n);
	if (n < 0) {
		int ret = error_errno("cannot read '%s'", path);
		sha256_final_hex(&h, hex);
		close(fd);
		return ret;
	}
	close(fd);
	sha256_final_hex(&h, hex);
	return 0;
}
