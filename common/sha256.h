/* SHA-256 through libcrypto, streaming or in one call, as lowercase hex. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	void *ctx;	/* EVP_MD_CTX */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes 64 hex digits and a NUL, and frees the context. */
void sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);
void sha256_final(struct sha256 *h, unsigned char out[SHA256_LEN]);

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* 0, or -1 with the error printed. */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1]);

#endif
