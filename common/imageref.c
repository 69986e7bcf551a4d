/* Image repository names: the distribution reference grammar and docker's normalisation. */
#include <ctype.h>
#include <string.h>

#include "imageref.h"
#include "strbuf.h"
#include "util.h"

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int component_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t run = 0;

		if (!lower_alnum(s[i]))
			return 0;
		while (i < len && lower_alnum(s[i]))
			i++;
		if (i == len)
			return 1;
		if (s[i] == '.' || s[i] == '_') {
			char sep = s[i];

			while (i < len && s[i] == sep && run < 2)
				i++, run++;
			if (run == 2 && sep == '.')
				return 0;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == len)
			return 0;
	}
	return len > 0;
}

int imageref_path_valid(const char *path, size_t len)
{
	if (!len || len > IMAGEREF_NAME_MAX)
		return 0;
	for (size_t start = 0; start <= len;) {
		const char *slash = memchr(path + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - path) : len;

		if (!component_valid(path + start, end - start))
			return 0;
		start = end + 1;
	}
	return 1;
}

/* host[:port]: DNS-like labels, or a bracketed IPv6 literal, and an optional port. */
static int host_valid(const char *s, size_t len)
{
	size_t host = len, i;
	const char *colon;

	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return 0;
		for (i = 1; s + i < close; i++)
			if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
				return 0;
		host = (size_t)(close - s) + 1;
	} else if ((colon = memchr(s, ':', len))) {
		host = (size_t)(colon - s);
	}
	if (!host)
		return 0;
	for (i = 0; s[0] != '[' && i < host; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	if (host < len) {
		if (s[host] != ':' || host + 1 == len)
			return 0;
		for (i = host + 1; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
	}
	return 1;
}

static int is_host(const char *s, size_t len)
{
	if (memchr(s, '.', len) || memchr(s, ':', len) || (len == 9 && !memcmp(s, "localhost", 9)))
		return 1;
	for (size_t i = 0; i < len; i++)
		if (isupper((unsigned char)s[i]))
			return 1;
	return 0;
}

char *imageref_normalize(const char *repo, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = memchr(repo, '/', len), *path = repo;
	size_t hostlen = 0;

	if (slash && is_host(repo, (size_t)(slash - repo))) {
		hostlen = (size_t)(slash - repo);
		path = slash + 1;
		if (!host_valid(repo, hostlen))
			return NULL;
	}
	len -= (size_t)(path - repo);
	if (!imageref_path_valid(path, len))
		return NULL;
	for (size_t i = 0; i < hostlen; i++)
		strbuf_addch(&sb, tolower((unsigned char)repo[i]));
	if (!hostlen || !strcmp(sb.buf, "index.docker.io") || !strcmp(sb.buf, "registry-1.docker.io")) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "docker.io");
	}
	strbuf_addch(&sb, '/');
	if (!strcmp(sb.buf, "docker.io/") && !memchr(path, '/', len))
		strbuf_addstr(&sb, "library/");
	strbuf_add(&sb, path, len);
	if (sb.len > IMAGEREF_NAME_MAX + 10) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

int imageref_has_host(const char *repo, size_t len)
{
	const char *slash = memchr(repo, '/', len);

	return slash && is_host(repo, (size_t)(slash - repo));
}

size_t imageref_host_len(const char *normalized)
{
	return strcspn(normalized, "/");
}
