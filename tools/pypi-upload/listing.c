/*
 * Index listings: the JSON API and PEP 691 through common/json, PEP 503
 * HTML through a small tokenizer that reads tags, attributes and character
 * references the way browsers and pip's html.parser do, as far as a listing
 * needs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encode.h"
#include "http.h"
#include "json.h"
#include "listing.h"
#include "util.h"

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = tolower((unsigned char)*s);
}

static int is_hex_sha256(const char *s, size_t len)
{
	if (len != SHA256_HEX_LEN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* href resolved against base, its fragment (after '#') to *fragment; NULL when not http(s). */
static char *absolute_url(const char *base, const char *href, char **fragment)
{
	const char *hash = strchr(href, '#');
	char *ref = hash ? xstrndup(href, hash - href) : xstrdup(href), *url;

	if (fragment)
		*fragment = hash ? xstrdup(hash + 1) : NULL;
	url = http_url_resolve(base, ref);
	free(ref);
	return url;
}

/* Take ownership of f's strings as a new entry of r. */
static void add_remote(struct remote_files *r, struct remote_file *f)
{
	ALLOC_GROW(r->v, r->nr + 1, r->alloc);
	r->v[r->nr++] = *f;
	memset(f, 0, sizeof(*f));
}

static void remote_file_release(struct remote_file *f)
{
	free(f->filename);
	free(f->url);
	free(f->sha256);
	free(f->requires_python);
	free(f->yanked);
	memset(f, 0, sizeof(*f));
}

/* ---- JSON: the JSON API and PEP 691 ---- */

/* "yanked": false, true, or a reason (PEP 691); the JSON API adds "yanked_reason". */
static char *json_yanked(const struct json *j, int el, int pep691)
{
	int y = json_get(j, el, "yanked");
	char *reason;

	if (y < 0 || (!json_is_true(j, y) && !json_is_string(j, y)))
		return NULL;
	if (json_is_string(j, y))
		return json_string(j, y);
	reason = pep691 ? NULL : json_string(j, json_get(j, el, "yanked_reason"));
	return reason ? reason : xstrdup("");
}

/* PEP 691 names it core-metadata (dist-info-metadata before PEP 714): true or hashes. */
static int json_core_metadata(const struct json *j, int el)
{
	int m = json_get(j, el, "core-metadata");

	if (m < 0)
		m = json_get(j, el, "dist-info-metadata");
	return m >= 0 && (json_is_true(j, m) || j->tok[m].type == JSMN_OBJECT);
}

static void json_entry(const struct json *j, int el, int pep691, const char *base, struct remote_files *out)
{
	struct remote_file f = { 0 };
	char *url = json_string(j, json_get(j, el, "url"));
	int h = json_get(j, el, pep691 ? "hashes" : "digests");

	f.filename = json_string(j, json_get(j, el, "filename"));
	f.sha256 = h >= 0 ? json_string(j, json_get(j, h, "sha256")) : NULL;
	if (f.sha256 && !is_hex_sha256(f.sha256, strlen(f.sha256))) {
		free(f.sha256);
		f.sha256 = NULL;
	}
	lower(f.sha256);
	f.url = url ? absolute_url(base, url, NULL) : NULL;
	f.requires_python = json_string(j, json_get(j, el, pep691 ? "requires-python" : "requires_python"));
	f.yanked = json_yanked(j, el, pep691);
	f.core_metadata = pep691 && json_core_metadata(j, el);
	free(url);
	if (f.filename && *f.filename && !strchr(f.filename, '/'))
		add_remote(out, &f);
	remote_file_release(&f);
}

int parse_json_listing(const char *text, size_t len, const char *base, struct remote_files *out)
{
	struct json j;
	int arr, pep691 = 0, el;

	if (json_parse(&j, text, len))
		return -1;
	if ((arr = json_get(&j, 0, "urls")) < 0 || j.tok[arr].type != JSMN_ARRAY) {
		pep691 = 1;
		arr = json_get(&j, 0, "files");
	}
	if (arr < 0 || j.tok[arr].type != JSMN_ARRAY) {
		json_release(&j);
		return -1;
	}
	for (int i = 0; (el = json_at(&j, arr, i)) >= 0; i++)
		json_entry(&j, el, pep691, base, out);
	json_release(&j);
	return 0;
}

/* ---- HTML character references ---- */

static const struct {
	const char *name;
	unsigned long cp;
	int legacy;	/* also recognised without the ';' */
} entities[] = {
	{ "amp", '&', 1 }, { "lt", '<', 1 }, { "gt", '>', 1 }, { "quot", '"', 1 },
	{ "apos", '\'', 0 }, { "nbsp", 0xa0, 1 }, { "equals", '=', 0 }, { "num", '#', 0 },
	{ "sol", '/', 0 }, { "percnt", '%', 0 }, { "plus", '+', 0 }, { "lowbar", '_', 0 },
	{ "hyphen", '-', 0 }, { "period", '.', 0 }, { "colon", ':', 0 }, { "quest", '?', 0 },
};

/* A numeric reference after "&#": its length, with *cp set; 0 when there are no digits. */
static size_t numeric_ref(const char *s, size_t len, unsigned long *cp)
{
	int hex = len > 0 && (s[0] == 'x' || s[0] == 'X');
	size_t i = hex, digits = 0;

	*cp = 0;
	for (; i < len && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++, digits++) {
		int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10;

		if (*cp <= 0x10ffff)
			*cp = *cp * (hex ? 16 : 10) + d;
	}
	if (!digits)
		return 0;
	/* What HTML makes of code points that are no characters. */
	if (*cp == 0 || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		*cp = 0xfffd;
	return i + (i < len && s[i] == ';');
}

/* A named reference after "&": its length, with *cp set; 0 when not one we know. */
static size_t named_ref(const char *s, size_t len, int in_attribute, unsigned long *cp)
{
	for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		size_t n = strlen(entities[k].name);

		if (len < n || memcmp(s, entities[k].name, n))
			continue;
		*cp = entities[k].cp;
		if (len > n && s[n] == ';')
			return n + 1;
		if (!entities[k].legacy)
			continue;
		/* In an attribute, "&lt=" or "&ltx" is text: URLs are full of such pairs. */
		if (in_attribute && len > n && (isalnum((unsigned char)s[n]) || s[n] == '='))
			continue;
		return n;
	}
	return 0;
}

void html_decode(struct strbuf *sb, const char *text, size_t len, int in_attribute)
{
	for (size_t i = 0; i < len; i++) {
		unsigned long cp;
		size_t n = 0;

		if (text[i] == '&' && i + 1 < len && text[i + 1] == '#')
			n = numeric_ref(text + i + 2, len - i - 2, &cp);
		else if (text[i] == '&')
			n = named_ref(text + i + 1, len - i - 1, in_attribute, &cp);
		if (!n) {
			strbuf_addch(sb, text[i]);
			continue;
		}
		encode_utf8(sb, cp);
		i += n + (text[i + 1] == '#');
	}
}

/* ---- PEP 503 HTML ---- */

struct attr {
	char *name;	/* lowercase */
	char *value;	/* decoded; "" for an attribute without a value */
};

struct tag {
	char name[16];	/* lowercase; longer names are cut, which no tag we read has */
	struct attr *attrs;
	size_t nr, alloc;
};

static void tag_release(struct tag *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->attrs[i].name);
		free(t->attrs[i].value);
	}
	free(t->attrs);
	memset(t, 0, sizeof(*t));
}

/* The value of attribute name, or NULL; the first one counts, as in HTML. */
static const char *tag_attr(const struct tag *t, const char *name)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->attrs[i].name, name))
			return t->attrs[i].value;
	return NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One attribute at p: where it ends, or NULL when the tag is cut off. */
static const char *read_attr(const char *p, const char *end, struct tag *t)
{
	const char *name = p, *value = NULL;
	size_t name_len, value_len = 0;
	struct strbuf sb = STRBUF_INIT;

	while (p < end && !is_space(*p) && *p != '>' && *p != '/' && (*p != '=' || p == name))
		p++;
	name_len = p - name;
	while (p < end && is_space(*p))
		p++;
	if (p < end && *p == '=') {
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			const char *close = memchr(p + 1, *p, end - p - 1);

			if (!close)
				return NULL;
			value = p + 1;
			value_len = close - value;
			p = close + 1;
		} else {
			for (value = p; p < end && !is_space(*p) && *p != '>'; p++)
				;
			value_len = p - value;
		}
	}
	ALLOC_GROW(t->attrs, t->nr + 1, t->alloc);
	t->attrs[t->nr].name = xstrndup(name, name_len);
	lower(t->attrs[t->nr].name);
	html_decode(&sb, value ? value : "", value_len, 1);
	t->attrs[t->nr++].value = strbuf_detach(&sb, NULL);
	return p;
}

/* A start tag at p (just after '<'): the position after its '>', or NULL when cut off. */
static const char *read_tag(const char *p, const char *end, struct tag *t)
{
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	for (; p < end && isalnum((unsigned char)*p); p++)
		if (n < sizeof(t->name) - 1)
			t->name[n++] = tolower((unsigned char)*p);
	while (p < end && *p != '>') {
		if (is_space(*p) || *p == '/') {
			p++;
			continue;
		}
		if (!(p = read_attr(p, end, t)))
			return NULL;
	}
	return p < end ? p + 1 : NULL;
}

const char *find_nocase(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (!strncasecmp(p, needle, n))
			return p;
	return NULL;
}

/* The last path segment of url, percent-decoded, as pip names a link's file; NULL if none. */
static char *url_filename(const char *url)
{
	const char *path = strstr(url, "://"), *last, *stop;
	struct strbuf sb = STRBUF_INIT;

	path = path ? path + 3 : url;
	path += strcspn(path, "/");
	stop = path + strcspn(path, "?#");
	while (stop > path && stop[-1] == '/')
		stop--;
	last = stop;
	while (last > path && last[-1] != '/')
		last--;
	if (last == stop || decode_percent(&sb, last, stop - last) ||
	    memchr(sb.buf, '\0', sb.len) || strchr(sb.buf, '/')) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* "sha256=HEX" of a fragment, lowercased, or NULL (other hashes are not ours to compare). */
static char *fragment_sha256(const char *fragment)
{
	char *hex;

	if (!fragment || strncasecmp(fragment, "sha256=", 7) || !is_hex_sha256(fragment + 7, strlen(fragment + 7)))
		return NULL;
	hex = xstrdup(fragment + 7);
	lower(hex);
	return hex;
}

static void html_link(const struct tag *t, const char *base, struct remote_files *out)
{
	const char *href = tag_attr(t, "href"), *v;
	struct remote_file f = { 0 };
	char *fragment = NULL;

	if (!href || !(f.url = absolute_url(base, href, &fragment)) || !(f.filename = url_filename(f.url))) {
		remote_file_release(&f);
		free(fragment);
		return;
	}
	f.sha256 = fragment_sha256(fragment);
	if ((v = tag_attr(t, "data-requires-python")))
		f.requires_python = xstrdup(v);
	if ((v = tag_attr(t, "data-yanked")))
		f.yanked = xstrdup(v);
	v = tag_attr(t, "data-core-metadata");
	if (!v)
		v = tag_attr(t, "data-dist-info-metadata");
	f.core_metadata = v && strcasecmp(v, "false");
	add_remote(out, &f);
	free(fragment);
}

/* Past the end of a comment, a declaration or an end tag that starts at p ('<'). */
static const char *skip_markup(const char *p, const char *end)
{
	const char *stop;

	if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
		stop = find_nocase(p + 4, end, "-->");
		return stop ? stop + 3 : end;
	}
	stop = memchr(p, '>', end - p);
	return stop ? stop + 1 : end;
}

int parse_html_listing(const char *text, size_t len, const char *base, struct remote_files *out)
{
	const char *p = text, *end = text + len;
	char *page_base = xstrdup(base);
	int base_seen = 0;

	while (p < end && (p = memchr(p, '<', end - p))) {
		struct tag t;
		const char *next, *stop;

		if (p + 1 >= end || !isalpha((unsigned char)p[1])) {
			p = p + 1 < end && (p[1] == '!' || p[1] == '/' || p[1] == '?') ? skip_markup(p, end) : p + 1;
			continue;
		}
		if (!(next = read_tag(p + 1, end, &t))) {
			tag_release(&t);
			break;
		}
		if (!strcmp(t.name, "a")) {
			html_link(&t, page_base, out);
		} else if (!strcmp(t.name, "base") && !base_seen && tag_attr(&t, "href")) {
			char *b = http_url_resolve(page_base, tag_attr(&t, "href"));

			base_seen = 1;
			if (b) {
				free(page_base);
				page_base = b;
			}
		} else if (!strcmp(t.name, "script") || !strcmp(t.name, "style")) {
			/* Their text is not markup: an "<a" inside is no link. */
			char *close = xstrfmt("</%s", t.name);

			stop = find_nocase(next, end, close);
			free(close);
			next = stop ? stop : end;
		}
		tag_release(&t);
		p = next;
	}
	free(page_base);
	return 0;
}

/* ---- lookups ---- */

const struct remote_file *remote_find(const struct remote_files *r, const char *filename)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].filename, filename))
			return &r->v[i];
	return NULL;
}

void remote_files_release(struct remote_files *r)
{
	for (size_t i = 0; i < r->nr; i++)
		remote_file_release(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
