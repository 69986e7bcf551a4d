/*
 * Reading one image value: compose interpolation (the defaults of
 * ${VAR:-x} and ${VAR-x} stand for the variables, $$ is a dollar), the
 * repository in its normalised form, the tag and the version inside it,
 * and the file edit that gives the image another version.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imageref.h"
#include "scan.h"
#include "semver.h"
#include "util.h"

enum { MAX_NESTING = 16 };

/* Stands for the value of a variable that has no default. */
#define UNKNOWN '\1'

static void put(struct image *img, char c, size_t off)
{
	strbuf_addch(&img->text, c);
	ALLOC_GROW(img->off, img->text.len, img->alloc);
	img->off[img->text.len - 1] = off;
}

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The '}' that closes the "${" whose body starts at i, or NOPOS. */
static size_t closing_brace(const char *v, size_t n, size_t i)
{
	int depth = 1;

	for (; i < n; i++) {
		if (v[i] == '$' && i + 1 < n && v[i + 1] == '$')
			i++;
		else if (v[i] == '$' && i + 1 < n && v[i + 1] == '{')
			depth++, i++;
		else if (v[i] == '}' && --depth == 0)
			return i;
	}
	return NOPOS;
}

static int resolve(const char *v, size_t n, const size_t *off, struct image *img, int depth)
{
	size_t i = 0;

	if (depth > MAX_NESTING)
		return -1;
	while (i < n) {
		size_t name, close;

		if (v[i] != '$' || i + 1 == n) {
			put(img, v[i], off[i]);
			i++;
			continue;
		}
		if (v[i + 1] == '$') {
			put(img, '$', NOPOS);
			i += 2;
			continue;
		}
		if (v[i + 1] != '{') {
			if (!isalpha((unsigned char)v[i + 1]) && v[i + 1] != '_') {
				put(img, '$', off[i]);
				i++;
				continue;
			}
			for (i++; i < n && is_name_char(v[i]); i++)
				;
			put(img, UNKNOWN, NOPOS);
			continue;
		}
		for (name = i + 2; name < n && is_name_char(v[name]); name++)
			;
		close = closing_brace(v, n, i + 2);
		if (name == i + 2 || close == NOPOS || name > close)
			return -1;
		if (v[name] == '-' || (v[name] == ':' && name + 1 < close && v[name + 1] == '-')) {
			size_t d = name + (v[name] == ':' ? 2 : 1);
			if (resolve(v + d, close - d, off + d, img, depth + 1) < 0)
				return -1;
		} else if (v[name] == '}' || v[name] == '?' || v[name] == '+' ||
			   (v[name] == ':' && (v[name + 1] == '?' || v[name + 1] == '+'))) {
			put(img, UNKNOWN, NOPOS);
		} else {
			return -1;
		}
		i = close + 1;
	}
	return 0;
}

static size_t count_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

static int is_separator(char c)
{
	return c == '-' || c == '.' || c == '_';
}

/*
 * The length of a pre- or post-release at the start of s[0, n), or 0: a
 * label that has a PEP 440 form (the ones make bump can write) with its
 * number, each optionally after a separator, as in -rc.1, -beta2, RC1 or
 * .dev3. A label without a number (1.2.3-dev) is a suffix, not part of
 * the version.
 */
static size_t release_label_len(const char *s, size_t n)
{
	char label[8];
	size_t i = n && is_separator(s[0]), j, d;

	for (j = i; j < n && isalpha((unsigned char)s[j]); j++)
		if (j - i < sizeof(label))
			label[j - i] = tolower((unsigned char)s[j]);
	if (j == i || j - i > sizeof(label) || !semver_is_pep440_label(label, j - i))
		return 0;
	if (j < n && is_separator(s[j]))
		j++;
	d = count_digits(s + j, n - j);
	return d ? j + d : 0;
}

/*
 * Where the version sits in the tag t[0, n): after an optional v, numbers
 * and dots, then at most one pre- or post-release. Empty (at 0) when the
 * tag does not start with one.
 */
static void version_span(const char *t, size_t n, size_t *start, size_t *end)
{
	size_t p = n > 1 && (t[0] == 'v' || t[0] == 'V') && isdigit((unsigned char)t[1]);
	size_t q;

	*start = *end = 0;
	if (p >= n || !isdigit((unsigned char)t[p]))
		return;
	q = p + count_digits(t + p, n - p);
	while (q + 1 < n && t[q] == '.' && isdigit((unsigned char)t[q + 1]))
		q += 1 + count_digits(t + q + 1, n - q - 1);
	*start = p;
	*end = q + release_label_len(t + q, n - q);
}

static void find_version(struct image *img)
{
	size_t start, end;

	version_span(img->text.buf + img->tag_start, img->tag_end - img->tag_start, &start, &end);
	img->ver_start = img->tag_start + start;
	img->ver_end = img->tag_start + end;
}

int image_parse(const struct image_ref *ref, struct image *img, char *msg, size_t msgsz)
{
	const char *t, *at, *slash, *colon;
	size_t end;

	memset(img, 0, sizeof(*img));
	strbuf_init(&img->text, ref->len);
	if (resolve(ref->value, ref->len, ref->off, img, 0) < 0) {
		snprintf(msg, msgsz, "a bad variable reference");
		image_clear(img);
		return -1;
	}
	t = img->text.buf;
	at = memchr(t, '@', img->text.len);
	img->has_digest = at != NULL;
	end = at ? (size_t)(at - t) : img->text.len;
	slash = memrchr(t, '/', end);
	colon = memrchr(slash ? slash : t, ':', end - (slash ? slash - t : 0));
	img->has_tag = colon != NULL;
	img->repo_end = colon ? (size_t)(colon - t) : end;
	img->tag_start = colon ? img->repo_end + 1 : end;
	img->tag_end = end;
	find_version(img);
	if (!memchr(t, UNKNOWN, img->repo_end))
		img->repo = imageref_normalize(t, img->repo_end);
	return 0;
}

void image_clear(struct image *img)
{
	strbuf_release(&img->text);
	free(img->off);
	free(img->repo);
	memset(img, 0, sizeof(*img));
}

int image_is_known(const struct image *img)
{
	return !memchr(img->text.buf, UNKNOWN, img->text.len);
}

int version_is_valid(const char *v)
{
	size_t i, n = strlen(v), start, end;

	if (!n || n > 128 || !isdigit((unsigned char)v[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("._-", v[i]))
			return 0;
	version_span(v, n, &start, &end);
	return end == n;
}

/*
 * True when the tag that replacing text[a, b) with version gives reads
 * back with exactly that version: a suffix such as "-rc.2" or ".4" would
 * run into it.
 */
static int reads_back(const struct image *img, size_t a, size_t b, const char *version)
{
	struct strbuf tag = STRBUF_INIT;
	size_t start, end, prefix = a - img->tag_start;
	int ok;

	strbuf_add(&tag, img->text.buf + img->tag_start, prefix);
	strbuf_addstr(&tag, version);
	strbuf_add(&tag, img->text.buf + b, img->tag_end - b);
	version_span(tag.buf, tag.len, &start, &end);
	ok = start == prefix && end == prefix + strlen(version);
	strbuf_release(&tag);
	return ok;
}

/* The file range of text[a, b), when it is one untouched piece of the file. */
static int file_range(const struct image *img, size_t a, size_t b, size_t *start, size_t *end)
{
	size_t i;

	for (i = a; i < b; i++)
		if (img->off[i] == NOPOS || (i > a && img->off[i] != img->off[i - 1] + 1))
			return -1;
	*start = img->off[a];
	*end = img->off[b - 1] + 1;
	return 0;
}

enum retag_result image_retag(const struct image *img, const char *version, struct edit *ed)
{
	size_t a, b;

	if (img->has_digest)
		return RETAG_PINNED;
	if (memchr(img->text.buf + img->tag_start, UNKNOWN, img->tag_end - img->tag_start))
		return RETAG_UNKNOWN_TAG;
	if (!img->has_tag || img->tag_start == img->tag_end) {
		/* no tag, or an empty one: add the version after the repository or ':' */
		a = img->has_tag ? img->tag_start - 1 : img->repo_end - 1;
		if (file_range(img, a, a + 1, &ed->start, &ed->end) < 0)
			return RETAG_SPLIT;
		ed->start = ed->end;
		ed->text = xstrfmt("%s%s", img->has_tag ? "" : ":", version);
		return RETAG_OK;
	}
	a = img->ver_start;
	b = img->ver_end;
	if (a == b) {
		/* a tag with no version in it, like "latest": the version takes its place */
		a = img->tag_start;
		b = img->tag_end;
	}
	if (!reads_back(img, a, b, version))
		return RETAG_AMBIGUOUS;
	if (file_range(img, a, b, &ed->start, &ed->end) < 0)
		return RETAG_SPLIT;
	ed->text = xstrdup(version);
	return RETAG_OK;
}

int image_at_version(const struct image *img, const char *version)
{
	size_t n = img->ver_end - img->ver_start;

	return img->has_tag && !img->has_digest && n == strlen(version) &&
	       !memcmp(img->text.buf + img->ver_start, version, n);
}

int apply_edits(const char *buf, size_t len, struct edit *edits, size_t nr, struct strbuf *out)
{
	size_t i, pos = 0;

	strbuf_reset(out);
	for (i = 0; i < nr; i++) {
		if (edits[i].start < pos || edits[i].end < edits[i].start || edits[i].end > len)
			return -1;
		strbuf_add(out, buf + pos, edits[i].start - pos);
		strbuf_addstr(out, edits[i].text);
		pos = edits[i].end;
	}
	strbuf_add(out, buf + pos, len - pos);
	return 0;
}
