/*
 * Encodings every tool needs once: base64 (libcrypto), percent-encoding
 * (libcurl; decoding by hand) and UTF-8 from a code point. One of each, here.
 */
#ifndef ENCODE_H
#define ENCODE_H

#include <stddef.h>

struct strbuf;

/* Append the standard base64 of data[0, len), with '=' padding. */
void encode_base64(struct strbuf *sb, const void *data, size_t len);
/* Append the bytes of standard base64 s[0, len): 0, or -1 when it is not base64. */
int decode_base64(struct strbuf *sb, const char *s, size_t len);
/* Append s percent-encoded: every byte but A-Z a-z 0-9 - . _ ~ as %XX (RFC 3986). */
void encode_percent(struct strbuf *sb, const char *s);
/*
 * Append the bytes of percent-encoded s[0, len) ('+' stays '+'): 0, or -1
 * when a '%' is not followed by two hex digits (sb is then as it was).
 */
int decode_percent(struct strbuf *sb, const char *s, size_t len);
/* Append code point cp as UTF-8 (cp <= 0x10FFFF, not a surrogate). */
void encode_utf8(struct strbuf *sb, unsigned long cp);

/* The value of one hexadecimal digit, or -1. */
int hex_value(char c);

#endif
