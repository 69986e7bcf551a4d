/*
 * Images as `docker save` and OCI tools leave them: the classic docker-archive
 * (manifest.json, <id>/layer.tar), the OCI image layout (index.json, oci-layout,
 * blobs/sha256/...) as a directory or a tar, and newer docker-archives that
 * are both. Nothing is unpacked: each blob is a byte range of a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"
#include "oci.h"

struct source {
	const char *arg;	/* as the user wrote it */
	char *path;		/* the archive file or layout directory */
	int is_dir;
	int fd;
	struct tar tar;
};

static int digest_valid(const char *d)
{
	if (!starts_with(d, "sha256:") || strlen(d) != 7 + SHA256_HEX_LEN)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* A member name from a manifest: relative, no "..", no control characters. */
static int name_safe(const char *name)
{
	if (!*name || name[0] == '/')
		return 0;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 0;
	for (const char *p = name; *p; ) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return 0;
		p += n;
		p += *p == '/';
	}
	return 1;
}

static int src_open(struct source *s, const char *arg, const char *path)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->arg = arg;
	s->path = xstrdup(path);
	s->fd = -1;
	if (stat(path, &st) < 0)
		return error_code(EXIT_SYSTEM, "cannot read image '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		s->is_dir = 1;
		return 0;
	}
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return error_code(EXIT_SYSTEM, "cannot open image '%s': %s", path, strerror(errno));
	if (tar_index_fd(&s->tar, s->fd, path) < 0)
		return EXIT_DATA;
	return 0;
}

static void src_close(struct source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	tar_release(&s->tar);
	free(s->path);
}

/* Where member name lives: 0, 1 when absent, or an exit code with the error printed. */
static int src_locate(struct source *s, const char *name, char **path, long long *off, long long *size)
{
	struct stat st;

	if (!name_safe(name)) {
		char *shown = xprintable(name, strlen(name), 200);
		int ret = error_code(EXIT_DATA, "'%s' refers to the unsafe path '%s'", s->arg, shown);

		free(shown);
		return ret;
	}
	if (!s->is_dir) {
		const struct tar_entry *e = tar_find(&s->tar, name);

		if (!e)
			return 1;
		*path = xstrdup(s->path);
		*off = e->offset;
		*size = e->size;
		return 0;
	}
	*path = xstrfmt("%s/%s", s->path, name);
	if (stat(*path, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(*path);
		*path = NULL;
		return 1;
	}
	*off = 0;
	*size = st.st_size;
	return 0;
}

/* Read a whole member into sb: 0, 1 when absent, or an exit code. */
static int read_range(const char *path, long long off, long long size, struct strbuf *sb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	long long got = 0;

	if (fd < 0)
		return error_code(EXIT_SYSTEM, "cannot open '%s': %s", path, strerror(errno));
	buf = xmalloc(size + 1);
	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			free(buf);
			return error_code(EXIT_SYSTEM, "cannot read '%s': %s", path,
					  n ? strerror(errno) : "file truncated");
		}
		got += n;
	}
	close(fd);
	strbuf_add(sb, buf, size);
	free(buf);
	return 0;
}

static int src_read(struct source *s, const char *name, struct strbuf *sb)
{
	char *path = NULL;
	long long off, size;
	int ret = src_locate(s, name, &path, &off, &size);

	if (ret)
		return ret;
	if (size > SMALL_BLOB_MAX)
		ret = error_code(EXIT_DATA, "'%s' in '%s' is too large for a JSON document", name, s->arg);
	else
		ret = read_range(path, off, size, sb);
	free(path);
	return ret;
}

static char *blob_name(const char *digest)
{
	return xstrfmt("blobs/sha256/%s", digest + 7);
}

/* Read a small blob named by its digest, checking size and digest. */
static int read_blob(struct source *s, const char *digest, long long size, struct strbuf *sb)
{
	char *name = blob_name(digest);
	char hex[SHA256_HEX_LEN + 1];
	int ret = src_read(s, name, sb);

	if (ret == 1)
		ret = error_code(EXIT_DATA, "'%s' lacks blob %s", s->arg, digest);
	else if (!ret && size >= 0 && (long long)sb->len != size)
		ret = error_code(EXIT_DATA, "'%s': blob %s has %zu bytes, its descriptor says %lld", s->arg, digest,
			    sb->len, size);
	if (!ret) {
		sha256_hex(sb->buf, sb->len, hex);
		if (strcmp(hex, digest + 7))
			ret = error_code(EXIT_DATA, "'%s': blob %s does not match its digest: the archive is corrupt",
				    s->arg, digest);
	}
	free(name);
	return ret;
}

static void blob_release(struct blob *b)
{
	free(b->digest);
	free(b->media_type);
	free(b->path);
	free(b->data);
}

static void image_free(struct image *img)
{
	if (!img)
		return;
	free(img->source);
	free(img->os);
	free(img->arch);
	free(img->variant);
	blob_release(&img->config);
	for (size_t i = 0; i < img->nr_layers; i++)
		blob_release(&img->layer[i]);
	free(img->layer);
	blob_release(&img->manifest);
	free(img);
}

void image_set_release(struct image_set *set)
{
	for (size_t i = 0; i < set->nr; i++)
		image_free(set->image[i]);
	free(set->image);
	memset(set, 0, sizeof(*set));
}

char *image_platform(const struct image *img)
{
	if (img->variant)
		return xstrfmt("%s/%s/%s", img->os, img->arch, img->variant);
	return xstrfmt("%s/%s", img->os, img->arch);
}

int parse_platform(const char *s, char **os, char **arch, char **variant)
{
	const char *a = strchr(s, '/'), *v;

	*os = *arch = *variant = NULL;
	if (!a || a == s || !a[1])
		return -1;
	v = strchr(a + 1, '/');
	if (v && (v == a + 1 || !v[1] || strchr(v + 1, '/')))
		return -1;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-'))
			return -1;
	*os = xstrndup(s, a - s);
	*arch = v ? xstrndup(a + 1, v - a - 1) : xstrdup(a + 1);
	*variant = v ? xstrdup(v + 1) : NULL;
	return 0;
}

/* os, architecture and variant from an image config. */
static int read_config(struct image *img, const char *text, size_t len, struct strvec *diff_ids)
{
	struct json j;
	int ids;

	if (json_parse(&j, text, len) < 0 || j.tok[0].type != JSMN_OBJECT)
		return error_code(EXIT_DATA, "'%s': the image config is not a JSON object", img->source);
	img->os = json_string(&j, json_get(&j, 0, "os"));
	img->arch = json_string(&j, json_get(&j, 0, "architecture"));
	img->variant = json_string(&j, json_get(&j, 0, "variant"));
	if (img->variant && !*img->variant) {
		free(img->variant);
		img->variant = NULL;
	}
	ids = json_path(&j, 0, "rootfs.diff_ids");
	for (int i = 0; diff_ids && ids >= 0 && i < j.tok[ids].size; i++) {
		char *d = json_string(&j, json_at(&j, ids, i));

		strvec_push(diff_ids, d ? d : "");
		free(d);
	}
	json_release(&j);
	if (!img->os || !*img->os || !img->arch || !*img->arch)
		return error_code(EXIT_DATA, "'%s': the image config names no os and architecture", img->source);
	return 0;
}

/* A layer's bytes inside the source: path, offset, size. */
static int locate_layer(struct source *s, const char *name, struct blob *b)
{
	int ret = src_locate(s, name, &b->path, &b->offset, &b->size);

	if (ret == 1)
		return error_code(EXIT_DATA, "'%s' lacks layer '%s'", s->arg, name);
	return ret;
}

/* Does the layer start like gzip? */
static int layer_gzipped(const struct blob *b)
{
	unsigned char m[2] = { 0, 0 };
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (b->size < 2 || pread(fd, m, 2, b->offset) != 2)
		m[0] = 0;
	close(fd);
	return m[0] == 0x1f && m[1] == 0x8b;
}

static int hash_range(const struct blob *b, char hex[SHA256_HEX_LEN + 1])
{
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);
	struct sha256 h;
	char *buf;
	long long done = 0;

	if (fd < 0)
		return error_errno("cannot open '%s'", b->path);
	buf = xmalloc(1 << 20);
	sha256_init(&h);
	while (done < b->size) {
		size_t want = b->size - done > (1 << 20) ? (1 << 20) : (size_t)(b->size - done);
		ssize_t n = pread(fd, buf, want, b->offset + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sha256_update(&h, buf, n);
		done += n;
	}
	sha256_final_hex(&h, hex);
	free(buf);
	close(fd);
	if (done < b->size)
		return error("cannot read '%s': file truncated", b->path);
	return 0;
}

static void add_descriptor(struct strbuf *sb, const struct blob *b)
{
	strbuf_addstr(sb, "{\"mediaType\":");
	json_add_string(sb, b->media_type);
	strbuf_addstr(sb, ",\"digest\":");
	json_add_string(sb, b->digest);
	strbuf_addf(sb, ",\"size\":%lld}", b->size);
}

/* The OCI manifest of a classic docker-archive image. */
static void make_manifest(struct image *img)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];

	strbuf_addstr(&sb, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":");
	add_descriptor(&sb, &img->config);
	strbuf_addstr(&sb, ",\"layers\":[");
	for (size_t i = 0; i < img->nr_layers; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		add_descriptor(&sb, &img->layer[i]);
	}
	strbuf_addstr(&sb, "]}");
	sha256_hex(sb.buf, sb.len, hex);
	img->manifest.digest = xstrfmt("sha256:%s", hex);
	img->manifest.size = sb.len;
	img->manifest.media_type = xstrdup(MT_OCI_MANIFEST);
	img->manifest.data = strbuf_detach(&sb, NULL);
}

/* One entry of a classic manifest.json. */
static int load_classic_entry(struct image *img, struct source *s, const struct json *j, int entry)
{
	struct strbuf cfg = STRBUF_INIT;
	struct strvec diff_ids = STRVEC_INIT;
	char *cfg_name = json_string(j, json_get(j, entry, "Config"));
	int layers = json_get(j, entry, "Layers"), ret;
	char hex[SHA256_HEX_LEN + 1];

	if (!cfg_name || layers < 0 || j->tok[layers].type != JSMN_ARRAY) {
		ret = error_code(EXIT_DATA, "'%s': manifest.json lacks Config or Layers", s->arg);
		goto out;
	}
	ret = src_read(s, cfg_name, &cfg);
	if (ret == 1)
		ret = error_code(EXIT_DATA, "'%s' lacks its config '%s'", s->arg, cfg_name);
	if (ret || (ret = read_config(img, cfg.buf, cfg.len, &diff_ids)))
		goto out;
	sha256_hex(cfg.buf, cfg.len, hex);
	img->config.digest = xstrfmt("sha256:%s", hex);
	img->config.size = cfg.len;
	img->config.media_type = xstrdup(MT_OCI_CONFIG);
	img->config.data = strbuf_detach(&cfg, NULL);
	if ((size_t)j->tok[layers].size != diff_ids.nr) {
		ret = error_code(EXIT_DATA, "'%s': %d layers but %zu diff_ids in the config", s->arg,
			    j->tok[layers].size, diff_ids.nr);
		goto out;
	}
	img->layer = xcalloc(diff_ids.nr + 1, sizeof(*img->layer));
	for (size_t i = 0; i < diff_ids.nr; i++) {
		struct blob *b = &img->layer[img->nr_layers++];
		char *name = json_string(j, json_at(j, layers, i));

		ret = name ? locate_layer(s, name, b) : (error_code(EXIT_DATA, "'%s': a layer name is not a string", s->arg));
		if (!ret && starts_with(name, "blobs/sha256/")) {
			char *d = xstrfmt("sha256:%s", name + 13);

			if (digest_valid(d))
				b->digest = d;	/* the name is the digest */
			else
				free(d);
		}
		free(name);
		if (ret)
			goto out;
		if (layer_gzipped(b)) {
			b->media_type = xstrdup(MT_OCI_LAYER_GZ);
			if (!b->digest) {
				if (hash_range(b, hex) < 0) {
					ret = EXIT_SYSTEM;
					goto out;
				}
				b->digest = xstrfmt("sha256:%s", hex);
			}
			continue;
		}
		b->media_type = xstrdup(MT_OCI_LAYER);
		if (!b->digest) {
			if (!digest_valid(diff_ids.v[i])) {
				char *shown = xprintable(diff_ids.v[i], strlen(diff_ids.v[i]), 200);

				ret = error_code(EXIT_DATA, "'%s': diff_id '%s' is not a sha256 digest", s->arg, shown);
				free(shown);
				goto out;
			}
			b->digest = xstrdup(diff_ids.v[i]);	/* uncompressed: the diff_id is its digest */
		}
	}
	make_manifest(img);
out:
	free(cfg_name);
	strvec_clear(&diff_ids);
	strbuf_release(&cfg);
	return ret;
}

static int add_image(struct image_set *set, struct image *img)
{
	ALLOC_GROW(set->image, set->nr + 1, set->alloc);
	set->image[set->nr++] = img;
	return 0;
}

static int load_classic(struct image_set *set, struct source *s)
{
	struct strbuf text = STRBUF_INIT;
	struct json j;
	int ret = src_read(s, "manifest.json", &text);

	if (ret) {
		strbuf_release(&text);
		return ret == 1 ? (error_code(EXIT_DATA, "'%s' is no image archive: it has neither index.json nor manifest.json", s->arg)) : ret;
	}
	if (json_parse(&j, text.buf, text.len) < 0) {
		strbuf_release(&text);
		return error_code(EXIT_DATA, "'%s': manifest.json is not JSON", s->arg);
	}
	if (j.tok[0].type == JSMN_OBJECT && json_get(&j, 0, "schemaVersion") >= 0) {
		/* The dir: transport keeps one registry manifest and its blobs named by hex. */
		ret = error_code(EXIT_DATA, "'%s' holds a registry manifest and its bare blobs (podman save "
				 "--format docker-dir, skopeo's dir:): save the image as docker-archive, "
				 "oci-archive or oci-dir instead", s->arg);
	} else if (j.tok[0].type != JSMN_ARRAY || !j.tok[0].size) {
		ret = error_code(EXIT_DATA, "'%s': manifest.json is not a non-empty JSON array", s->arg);
	}
	if (ret) {
		json_release(&j);
		strbuf_release(&text);
		return ret;
	}
	for (int i = 0; i < j.tok[0].size && !ret; i++) {
		struct image *img = xcalloc(1, sizeof(*img));

		img->source = xstrdup(s->arg);
		ret = load_classic_entry(img, s, &j, json_at(&j, 0, i));
		if (ret)
			image_free(img);
		else
			add_image(set, img);
	}
	json_release(&j);
	strbuf_release(&text);
	return ret;
}

/* A descriptor's digest, size and media type; 0 or EXIT_DATA. */
static int read_descriptor(const struct json *j, int d, struct blob *b, const char *what)
{
	int sz = json_get(j, d, "size");
	long long size;

	b->digest = json_string(j, json_get(j, d, "digest"));
	b->media_type = json_string(j, json_get(j, d, "mediaType"));
	if (!b->digest || !digest_valid(b->digest))
		return error_code(EXIT_DATA, "'%s': a descriptor has no sha256 digest", what);
	if (sz < 0 || json_int(j, sz, &size) < 0 || size < 0)
		return error_code(EXIT_DATA, "'%s': descriptor %s has no valid size", what, b->digest);
	b->size = size;
	return 0;
}

static int load_oci_manifest(struct image_set *set, struct source *s, struct blob *desc)
{
	struct image *img = xcalloc(1, sizeof(*img));
	struct strbuf text = STRBUF_INIT, cfg = STRBUF_INIT;
	struct json j = { 0 };
	int ret, layers;

	img->source = xstrdup(s->arg);
	if ((ret = read_blob(s, desc->digest, desc->size, &text)))
		goto out;
	if (json_parse(&j, text.buf, text.len) < 0 || j.tok[0].type != JSMN_OBJECT) {
		ret = error_code(EXIT_DATA, "'%s': manifest %s is not a JSON object", s->arg, desc->digest);
		goto out;
	}
	if ((ret = read_descriptor(&j, json_get(&j, 0, "config"), &img->config, s->arg)) ||
	    (ret = read_blob(s, img->config.digest, img->config.size, &cfg)) ||
	    (ret = read_config(img, cfg.buf, cfg.len, NULL)))
		goto out;
	img->config.data = strbuf_detach(&cfg, NULL);
	layers = json_get(&j, 0, "layers");
	if (layers < 0 || j.tok[layers].type != JSMN_ARRAY) {
		ret = error_code(EXIT_DATA, "'%s': manifest %s has no layers array", s->arg, desc->digest);
		goto out;
	}
	img->layer = xcalloc(j.tok[layers].size + 1, sizeof(*img->layer));
	for (int i = 0; i < j.tok[layers].size; i++) {
		struct blob *b = &img->layer[img->nr_layers++];
		long long want;
		char *name;

		if ((ret = read_descriptor(&j, json_at(&j, layers, i), b, s->arg)))
			goto out;
		want = b->size;
		name = blob_name(b->digest);
		ret = locate_layer(s, name, b);
		free(name);
		if (ret)
			goto out;
		if (b->size != want) {
			ret = error_code(EXIT_DATA, "'%s': layer %s has %lld bytes, its descriptor says %lld", s->arg,
				    b->digest, b->size, want);
			goto out;
		}
	}
	img->manifest.digest = xstrdup(desc->digest);
	img->manifest.size = text.len;
	img->manifest.media_type = xstrdup(desc->media_type ? desc->media_type : MT_OCI_MANIFEST);
	img->manifest.data = strbuf_detach(&text, NULL);
out:
	json_release(&j);
	strbuf_release(&text);
	strbuf_release(&cfg);
	if (ret)
		image_free(img);
	else
		add_image(set, img);
	return ret;
}

static int is_attestation(const struct json *j, int d)
{
	int ann = json_get(j, d, "annotations");

	return json_streq(j, json_get(j, ann, "vnd.docker.reference.type"), "attestation-manifest");
}

/* Walk an index (index.json or a nested one) down to the image manifests. */
static int load_oci_index(struct image_set *set, struct source *s, const char *text, size_t len, int depth)
{
	struct json j;
	int list, ret = 0;

	if (depth > 4)
		return error_code(EXIT_DATA, "'%s': image indexes nest too deep", s->arg);
	if (json_parse(&j, text, len) < 0 || (list = json_get(&j, 0, "manifests")) < 0 ||
	    j.tok[list].type != JSMN_ARRAY)
		return error_code(EXIT_DATA, "'%s': an image index is not JSON with a manifests array", s->arg);
	for (int i = 0; i < j.tok[list].size && !ret; i++) {
		int d = json_at(&j, list, i);
		struct blob desc = { 0 };

		if (is_attestation(&j, d))
			continue;
		ret = read_descriptor(&j, d, &desc, s->arg);
		if (!ret && desc.media_type && (!strcmp(desc.media_type, MT_OCI_INDEX) ||
						!strcmp(desc.media_type, MT_DOCKER_LIST))) {
			struct strbuf sub = STRBUF_INIT;

			ret = read_blob(s, desc.digest, desc.size, &sub);
			if (!ret)
				ret = load_oci_index(set, s, sub.buf, sub.len, depth + 1);
			strbuf_release(&sub);
		} else if (!ret) {
			ret = load_oci_manifest(set, s, &desc);
		}
		blob_release(&desc);
	}
	json_release(&j);
	return ret;
}

/* Keep the images of platform; the configs must agree with it. */
static int filter_platform(struct image_set *set, size_t from, const char *platform, const char *arg)
{
	char *os, *arch, *variant;
	size_t keep = from;
	int ret = 0;
	char *found;

	if (parse_platform(platform, &os, &arch, &variant) < 0)
		return error_code(EXIT_USAGE, "'%s' is not a platform: write OS/ARCH[/VARIANT], e.g. linux/arm64", platform);
	found = set->nr > from ? image_platform(set->image[from]) : xstrdup("none");
	for (size_t i = from; i < set->nr; i++) {
		struct image *img = set->image[i];
		int same = !strcmp(img->os, os) && !strcmp(img->arch, arch) &&
			(!variant || !img->variant || !strcmp(img->variant, variant));

		if (!same) {
			image_free(img);
			continue;
		}
		if (variant && !img->variant)
			img->variant = xstrdup(variant);
		set->image[keep++] = img;
	}
	if (keep == from)
		ret = error_code(EXIT_DATA, "'%s' was given as %s but its image config says %s", arg, platform, found);
	free(found);
	set->nr = keep;
	free(os);
	free(arch);
	free(variant);
	return ret;
}

int image_load(struct image_set *set, const char *arg, const char *platform)
{
	struct source s;
	struct strbuf index = STRBUF_INIT;
	size_t from = set->nr;
	int ret = src_open(&s, arg, arg);

	if (!ret) {
		ret = src_read(&s, "index.json", &index);
		if (ret == 1)
			ret = load_classic(set, &s);
		else if (!ret)
			ret = load_oci_index(set, &s, index.buf, index.len, 0);
	}
	if (!ret && set->nr == from)
		ret = error_code(EXIT_DATA, "'%s' holds no image", arg);
	if (!ret && platform)
		ret = filter_platform(set, from, platform, arg);
	strbuf_release(&index);
	src_close(&s);
	return ret;
}

void image_index(const struct image_set *set, struct strbuf *out)
{
	strbuf_addstr(out, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[");
	for (size_t i = 0; i < set->nr; i++) {
		const struct image *img = set->image[i];

		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, "{\"mediaType\":");
		json_add_string(out, img->manifest.media_type);
		strbuf_addstr(out, ",\"digest\":");
		json_add_string(out, img->manifest.digest);
		strbuf_addf(out, ",\"size\":%lld,\"platform\":{\"architecture\":", img->manifest.size);
		json_add_string(out, img->arch);
		strbuf_addstr(out, ",\"os\":");
		json_add_string(out, img->os);
		if (img->variant) {
			strbuf_addstr(out, ",\"variant\":");
			json_add_string(out, img->variant);
		}
		strbuf_addstr(out, "}}");
	}
	strbuf_addstr(out, "]}");
}
