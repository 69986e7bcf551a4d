/*
 * Distribution files: file names, core metadata read out of the archive with
 * libarchive, PEP 440 and PEP 503 normal forms, digests, the upload form.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "util.h"

/* Core metadata larger than this is not metadata. */
#define METADATA_MAX (8u << 20)

static void strip_dir(const char **path)
{
	const char *slash = strrchr(*path, '/');

	if (slash)
		*path = slash + 1;
}

int dist_parse_filename(const char *filename, struct dist_name *out)
{
	size_t len = strlen(filename), n = 0;
	char *stem, *parts[7], *p;

	memset(out, 0, sizeof(*out));
	if (ends_with(filename, ".whl")) {
		stem = xstrndup(filename, len - 4);
		for (p = stem; n < 7; p++) {
			parts[n++] = p;
			if (!(p = strchr(p, '-')))
				break;
			*p = '\0';
		}
		if ((n != 5 && n != 6) || !*parts[0] || !*parts[1] || !*parts[n - 3] ||
		    (n == 6 && !isdigit((unsigned char)*parts[2]))) {
			free(stem);
			return error("'%s': not a wheel file name (NAME-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl)",
				     filename);
		}
		out->type = DIST_WHEEL;
		out->name = xstrdup(parts[0]);
		out->version = xstrdup(parts[1]);
		out->pyversion = xstrdup(parts[n - 3]);
		free(stem);
		return 0;
	}
	if (ends_with(filename, ".tar.gz")) {
		stem = xstrndup(filename, len - 7);
		p = strrchr(stem, '-');
		if (!p || p == stem || !p[1]) {
			free(stem);
			return error("'%s': not an sdist file name (NAME-VERSION.tar.gz)", filename);
		}
		*p = '\0';
		out->type = DIST_SDIST;
		out->name = xstrdup(stem);
		out->version = xstrdup(p + 1);
		out->pyversion = xstrdup("source");
		free(stem);
		return 0;
	}
	if (ends_with(filename, ".zip") || ends_with(filename, ".egg") || ends_with(filename, ".tar.bz2"))
		return error("'%s': PyPI accepts only .tar.gz sdists and .whl wheels", filename);
	return error("'%s': not a distribution (expected .whl or .tar.gz)", filename);
}

void dist_name_release(struct dist_name *dn)
{
	free(dn->name);
	free(dn->version);
	free(dn->pyversion);
	memset(dn, 0, sizeof(*dn));
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, min, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (len - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static int valid_key(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

static void add_field(struct metadata *md, char *key, char *value)
{
	ALLOC_GROW(md->fields, md->nr + 1, md->alloc);
	md->fields[md->nr].key = key;
	md->fields[md->nr].value = value;
	md->nr++;
}

/* A folded line continues the previous value; old metadata indents it "       |". */
static void unfold(struct meta_field *f, const char *line, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t skip = 0;

	while (skip < len && skip < 8 && line[skip] == ' ')
		skip++;
	if (skip < len && line[skip] == '|' && skip == 7)
		skip++;
	else if (skip == 0 && len && line[0] == '\t')
		skip = 1;
	strbuf_addstr(&sb, f->value);
	strbuf_addch(&sb, '\n');
	strbuf_add(&sb, line + skip, len - skip);
	strbuf_rtrim(&sb);
	free(f->value);
	f->value = strbuf_detach(&sb, NULL);
}

int metadata_parse(const char *text, size_t len, struct metadata *md)
{
	const char *p = text, *end = text + len;
	int lineno = 0;

	memset(md, 0, sizeof(*md));
	if (memchr(text, '\0', len))
		return error("the metadata contains a NUL byte");
	if (!valid_utf8((const unsigned char *)text, len))
		return error("the metadata is not valid UTF-8");
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *next, *colon, *v;
		size_t n;

		next = eol ? eol + 1 : end;
		n = (eol ? eol : end) - p;
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (!n) {
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (!md->nr)
				return error("metadata line %d: a continuation line before any field", lineno);
			unfold(&md->fields[md->nr - 1], p, n);
			p = next;
			continue;
		}
		colon = memchr(p, ':', n);
		if (!colon || !valid_key(p, colon - p))
			return error("metadata line %d: not a 'Name: value' field", lineno);
		for (v = colon + 1; v < p + n && (*v == ' ' || *v == '\t'); v++)
			;
		{
			size_t vlen = p + n - v;

			while (vlen && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			add_field(md, xstrndup(p, colon - p), xstrndup(v, vlen));
		}
		p = next;
	}
	if (p < end)
		md->description = xstrndup(p, end - p);
	return 0;
}

const char *metadata_get(const struct metadata *md, const char *key)
{
	for (size_t i = 0; i < md->nr; i++)
		if (!strcasecmp(md->fields[i].key, key))
			return md->fields[i].value;
	return NULL;
}

void metadata_release(struct metadata *md)
{
	for (size_t i = 0; i < md->nr; i++) {
		free(md->fields[i].key);
		free(md->fields[i].value);
	}
	free(md->fields);
	free(md->description);
	memset(md, 0, sizeof(*md));
}

void normalize_name(struct strbuf *sb, const char *name)
{
	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			while (p[1] == '-' || p[1] == '_' || p[1] == '.')
				p++;
			strbuf_addch(sb, '-');
		} else {
			strbuf_addch(sb, tolower((unsigned char)*p));
		}
	}
}

/* PEP 508 names: ASCII letters and digits, inner '.', '_' and '-'. */
static int valid_project_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

/* Digits without leading zeros onto sb; how many characters were read (0: none). */
static size_t take_number(struct strbuf *sb, const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (sb && n) {
		size_t z = 0;

		while (z + 1 < n && s[z] == '0')
			z++;
		strbuf_add(sb, s + z, n - z);
	}
	return n;
}

static int is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Match one of the labels (longest first) at s, case-insensitively. */
static const char *take_label(const char *s, const char *const *labels, size_t *len)
{
	for (; *labels; labels++) {
		size_t n = strlen(*labels);

		if (!strncasecmp(s, *labels, n)) {
			*len = n;
			return *labels;
		}
	}
	return NULL;
}

/* An optional separator, the label, an optional separator and number (0 when absent). */
static size_t take_segment(struct strbuf *sb, const char *s, const char *const *labels,
			   const char *(*spell)(const char *))
{
	const char *p = s, *label;
	size_t n;

	if (is_sep(*p))
		p++;
	if (!(label = take_label(p, labels, &n)))
		return 0;
	p += n;
	strbuf_addstr(sb, spell(label));
	if (is_sep(*p) && isdigit((unsigned char)p[1]))
		p++;
	n = take_number(sb, p);
	if (!n)
		strbuf_addch(sb, '0');
	return p + n - s;
}

static const char *spell_pre(const char *l)
{
	if (!strcmp(l, "alpha") || !strcmp(l, "a"))
		return "a";
	if (!strcmp(l, "beta") || !strcmp(l, "b"))
		return "b";
	return "rc";
}

static const char *spell_post(const char *l)
{
	(void)l;
	return ".post";
}

static const char *spell_dev(const char *l)
{
	(void)l;
	return ".dev";
}

int canonical_version(struct strbuf *sb, const char *version)
{
	static const char *const pre[] = { "alpha", "beta", "preview", "pre", "rc", "a", "b", "c", NULL };
	static const char *const post[] = { "post", "rev", "r", NULL };
	static const char *const dev[] = { "dev", NULL };
	const char *p = version;
	size_t n, start = sb->len, release_end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == 'v' || *p == 'V')
		p++;
	n = 0;
	while (isdigit((unsigned char)p[n]))
		n++;
	if (n && p[n] == '!') {
		struct strbuf epoch = STRBUF_INIT;

		take_number(&epoch, p);
		if (strcmp(epoch.buf, "0"))
			strbuf_addf(sb, "%s!", epoch.buf);
		strbuf_release(&epoch);
		p += n + 1;
	}
	if (!(n = take_number(sb, p)))
		goto bad;
	p += n;
	while (*p == '.' && isdigit((unsigned char)p[1])) {
		strbuf_addch(sb, '.');
		p += 1 + take_number(sb, p + 1);
	}
	/* Release "1.2.0" equals "1.2": drop zero components after the first. */
	release_end = sb->len;
	while (release_end >= start + 2 && sb->buf[release_end - 1] == '0' && sb->buf[release_end - 2] == '.')
		release_end -= 2;
	strbuf_setlen(sb, release_end);
	p += take_segment(sb, p, pre, spell_pre);
	if (*p == '-' && isdigit((unsigned char)p[1])) {
		strbuf_addstr(sb, ".post");
		p += 1 + take_number(sb, p + 1);
	} else {
		p += take_segment(sb, p, post, spell_post);
	}
	p += take_segment(sb, p, dev, spell_dev);
	if (*p == '+') {
		p++;
		strbuf_addch(sb, '+');
		for (;;) {
			n = 0;
			while (isalnum((unsigned char)p[n]))
				strbuf_addch(sb, tolower((unsigned char)p[n++]));
			if (!n)
				goto bad;
			p += n;
			if (!is_sep(*p))
				break;
			strbuf_addch(sb, '.');
			p++;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		goto bad;
	return 0;
bad:
	strbuf_setlen(sb, start);
	return -1;
}

int same_version(const char *a, const char *b)
{
	struct strbuf ca = STRBUF_INIT, cb = STRBUF_INIT;
	int same = !canonical_version(&ca, a) && !canonical_version(&cb, b) && !strcmp(ca.buf, cb.buf);

	strbuf_release(&ca);
	strbuf_release(&cb);
	return same;
}

int dist_check(struct dist *d)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int ret = 0;

	d->metadata_version = metadata_get(&d->md, "Metadata-Version");
	d->name = metadata_get(&d->md, "Name");
	d->version = metadata_get(&d->md, "Version");
	if (!d->metadata_version || !d->name || !d->version)
		return error("'%s': the metadata lacks %s", d->filename,
			     !d->metadata_version ? "Metadata-Version" : !d->name ? "Name" : "Version");
	if (!valid_project_name(d->name))
		return error("'%s': the metadata names an invalid project '%s'", d->filename, d->name);
	if (canonical_version(&a, d->version))
		return error("'%s': the metadata version '%s' is not a PEP 440 version", d->filename, d->version);
	strbuf_reset(&a);
	normalize_name(&a, d->fn.name);
	normalize_name(&b, d->name);
	if (strcmp(a.buf, b.buf))
		ret = error("'%s': the file name says project '%s' but its metadata says '%s'",
			    d->filename, d->fn.name, d->name);
	else if (!same_version(d->fn.version, d->version))
		ret = error("'%s': the file name says version '%s' but its metadata says '%s'",
			    d->filename, d->fn.version, d->version);
	strbuf_release(&a);
	strbuf_release(&b);
	return ret;
}

/* Read the data of the current entry onto sb, refusing more than METADATA_MAX. */
static int read_entry(struct archive *a, struct strbuf *sb, const char *filename)
{
	char buf[16384];
	la_ssize_t n;

	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (sb && sb->len + (size_t)n > METADATA_MAX)
			return error("'%s': the metadata file is larger than %u bytes", filename, METADATA_MAX);
		if (sb)
			strbuf_add(sb, buf, n);
	}
	if (n < 0)
		return error("'%s': corrupt archive: %s", filename, archive_error_string(a));
	return 0;
}

/* Is path the metadata file this distribution must carry? */
static int is_metadata_path(const struct dist *d, const char *path, int *other)
{
	struct strbuf want = STRBUF_INIT;
	const char *slash;
	int match;

	if (starts_with(path, "./"))
		path += 2;
	slash = strchr(path, '/');
	if (!slash || strchr(slash + 1, '/'))
		return 0;
	if (d->fn.type == DIST_WHEEL) {
		if (strcmp(slash, "/METADATA") || !ends_with(path, ".dist-info/METADATA") ||
		    (size_t)(slash - path) < strlen(".dist-info"))
			return 0;
		strbuf_addf(&want, "%s-%s.dist-info/METADATA", d->fn.name, d->fn.version);
	} else {
		if (strcmp(slash, "/PKG-INFO"))
			return 0;
		strbuf_addf(&want, "%.*s/PKG-INFO", (int)(strlen(d->filename) - 7), d->filename);
	}
	match = !strcmp(path, want.buf);
	if (!match)
		*other = 1;
	strbuf_release(&want);
	return match;
}

/* Walk the whole archive (so that corruption anywhere shows) and keep the metadata. */
static int read_metadata(struct dist *d, struct strbuf *meta)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, found = 0, other = 0, ret = 0;

	if (d->fn.type == DIST_WHEEL) {
		archive_read_support_format_zip(a);
	} else {
		archive_read_support_filter_gzip(a);
		archive_read_support_format_tar(a);
	}
	if (access(d->path, R_OK)) {
		archive_read_free(a);
		return errno == ENOENT ? error("'%s': no such file", d->path) : error_errno("cannot read '%s'", d->path);
	}
	if (archive_read_open_filename(a, d->path, 65536) != ARCHIVE_OK) {
		ret = error("'%s': not a readable %s: %s", d->path,
			    d->fn.type == DIST_WHEEL ? "zip archive" : "gzipped tar archive",
			    archive_error_string(a));
		archive_read_free(a);
		return ret;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *path = archive_entry_pathname(e);
		int want = !found && path && is_metadata_path(d, path, &other);

		if (read_entry(a, want ? meta : NULL, d->filename)) {
			ret = -1;
			break;
		}
		found |= want;
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = error("'%s': corrupt archive: %s", d->filename, archive_error_string(a));
	archive_read_free(a);
	if (ret)
		return -1;
	if (!found && d->fn.type == DIST_WHEEL)
		return error("'%s': the wheel has no %s-%s.dist-info/METADATA%s", d->filename,
			     d->fn.name, d->fn.version, other ? " (its .dist-info directory names another project or version)" : "");
	if (!found)
		return error("'%s': the sdist has no %.*s/PKG-INFO%s", d->filename,
			     (int)(strlen(d->filename) - 7), d->filename,
			     other ? " (its top directory does not match the file name)" : "");
	return 0;
}

/* BLAKE2b with a 32-byte digest needs libcrypto 3.2's "size" parameter; probe it once. */
static EVP_MD_CTX *blake2_256_new(void)
{
	static int usable = -1;
	size_t size = 32;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_size_t(OSSL_DIGEST_PARAM_SIZE, &size), OSSL_PARAM_END };
	EVP_MD *md;
	EVP_MD_CTX *ctx;

	if (!usable)
		return NULL;
	if (!(md = EVP_MD_fetch(NULL, "BLAKE2B-512", NULL)))
		return usable = 0, NULL;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex2(ctx, md, params))
		goto unusable;
	if (usable < 0) {
		unsigned char out[EVP_MAX_MD_SIZE];
		unsigned int n = 0;

		if (!EVP_DigestFinal_ex(ctx, out, &n) || n != 32 || !EVP_DigestInit_ex2(ctx, md, params))
			goto unusable;
		usable = 1;
	}
	EVP_MD_free(md);
	return ctx;
unusable:
	usable = 0;
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return NULL;
}

static void hex(char *out, const unsigned char *bin, size_t len)
{
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", bin[i]);
}

static void final_hex(EVP_MD_CTX *ctx, char *out)
{
	unsigned char bin[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (ctx && EVP_DigestFinal_ex(ctx, bin, &n))
		hex(out, bin, n);
	EVP_MD_CTX_free(ctx);
}

static int digest_file(struct dist *d)
{
	FILE *fp = fopen(d->path, "rb");
	EVP_MD_CTX *md5 = EVP_MD_CTX_new(), *b2 = blake2_256_new();
	struct sha256 sha;
	unsigned char buf[65536];
	size_t n;
	int failed;

	if (!fp) {
		EVP_MD_CTX_free(md5);
		EVP_MD_CTX_free(b2);
		return error_errno("cannot read '%s'", d->path);
	}
	sha256_init(&sha);
	if (md5 && !EVP_DigestInit_ex2(md5, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(md5);
		md5 = NULL;	/* a FIPS libcrypto has no MD5; the digest is optional */
	}
	d->size = 0;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		sha256_update(&sha, buf, n);
		if (md5)
			EVP_DigestUpdate(md5, buf, n);
		if (b2)
			EVP_DigestUpdate(b2, buf, n);
		d->size += n;
	}
	failed = ferror(fp);
	fclose(fp);
	sha256_final_hex(&sha, d->sha256);
	final_hex(md5, d->md5);
	final_hex(b2, d->blake2_256);
	if (failed)
		return error("cannot read '%s'", d->path);
	return 0;
}

int dist_load(struct dist *d, const char *path)
{
	struct strbuf meta = STRBUF_INIT;
	int ret;

	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	d->filename = d->path;
	strip_dir(&d->filename);
	if (dist_parse_filename(d->filename, &d->fn))
		return -1;
	if (read_metadata(d, &meta)) {
		strbuf_release(&meta);
		return -1;
	}
	ret = metadata_parse(meta.buf, meta.len, &d->md);
	strbuf_release(&meta);
	if (ret)
		return error("'%s': unreadable metadata", d->filename);
	if (dist_check(d) || digest_file(d))
		return -1;
	return 0;
}

void dist_release(struct dist *d)
{
	free(d->path);
	dist_name_release(&d->fn);
	metadata_release(&d->md);
	memset(d, 0, sizeof(*d));
}

void form_key(struct strbuf *sb, const char *key)
{
	size_t start = sb->len;

	for (const char *p = key; *p; p++)
		strbuf_addch(sb, *p == '-' ? '_' : tolower((unsigned char)*p));
	/* The two plural names PyPI's form has always used. */
	if (!strcmp(sb->buf + start, "classifier") || !strcmp(sb->buf + start, "project_url"))
		strbuf_addch(sb, 's');
}

static void form_add(struct form *f, const char *name, const char *value)
{
	ALLOC_GROW(f->fields, f->nr + 1, f->alloc);
	f->fields[f->nr].name = xstrdup(name);
	f->fields[f->nr].value = xstrdup(value);
	f->nr++;
}

void dist_form(const struct dist *d, struct form *f)
{
	struct strbuf key = STRBUF_INIT;
	const char *description = d->md.description;

	memset(f, 0, sizeof(*f));
	form_add(f, ":action", "file_upload");
	form_add(f, "protocol_version", "1");
	form_add(f, "name", d->name);
	form_add(f, "version", d->version);
	form_add(f, "filetype", d->fn.type == DIST_WHEEL ? "bdist_wheel" : "sdist");
	form_add(f, "pyversion", d->fn.pyversion);
	form_add(f, "metadata_version", d->metadata_version);
	for (size_t i = 0; i < d->md.nr; i++) {
		const struct meta_field *m = &d->md.fields[i];

		if (!strcasecmp(m->key, "Metadata-Version") || !strcasecmp(m->key, "Name") ||
		    !strcasecmp(m->key, "Version"))
			continue;
		if (!strcasecmp(m->key, "Description")) {
			if (!description)
				description = m->value;
			continue;
		}
		strbuf_reset(&key);
		form_key(&key, m->key);
		form_add(f, key.buf, m->value);
	}
	if (description)
		form_add(f, "description", description);
	form_add(f, "sha256_digest", d->sha256);
	if (*d->md5)
		form_add(f, "md5_digest", d->md5);
	if (*d->blake2_256)
		form_add(f, "blake2_256_digest", d->blake2_256);
	strbuf_release(&key);
}

void form_release(struct form *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	free(f->fields);
	memset(f, 0, sizeof(*f));
}
