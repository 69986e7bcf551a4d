/*
 * CI's bytes for a local publish: the artifact that the tag's successful
 * release run kept, downloaded, unpacked into a fresh directory with nothing
 * but plain files and directories, and checked against the manifest it
 * holds, so that what publish ships is what CI validated.
 */
#define _XOPEN_SOURCE 700
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "github.h"
#include "sha256.h"
#include "strvec.h"
#include "util.h"

#define MANIFEST "shipsync-manifest"
#define MAX_ENTRIES 10000
#define MAX_NAME 1024
#define MAX_MANIFEST (1L << 20)
/* Bounds on what a zip may unpack to: in all, and as a multiple of its own size. */
#define MAX_TOTAL (64LL << 30)
#define MAX_RATIO 200

struct artifact {
	const char *want;	/* its name */
	long long id, size;
	char *digest;		/* "sha256:HEX", or NULL on artifacts made before GitHub kept one */
	int found;
};

static int collect_artifact(const struct json *j, int t, void *arg)
{
	struct artifact *a = arg;
	long long id, size;
	char *name = json_string(j, json_get(j, t, "name"));
	int ret = 0;

	if (json_int(j, json_get(j, t, "id"), &id) || json_int(j, json_get(j, t, "size_in_bytes"), &size))
		ret = error_code(EXIT_DATA, "an artifact came without an id or a size");
	else if (name && !strcmp(name, a->want) && !json_is_true(j, json_get(j, t, "expired")) && id > a->id) {
		/* The newest of that name wins. */
		a->id = id;
		a->size = size;
		free(a->digest);
		a->digest = json_string(j, json_get(j, t, "digest"));
		a->found = 1;
	}
	free(name);
	return ret;
}

static int find_artifact(struct gh *g, long long run, const char *name, struct artifact *a)
{
	struct strbuf url = STRBUF_INIT;
	int ret;

	strbuf_addf(&url, "/repos/%s/%s/actions/runs/%lld/artifacts?name=", g->owner, g->repo, run);
	encode_percent(&url, name);
	ret = gh_get_all(g, url.buf, "artifacts", collect_artifact, a);
	strbuf_release(&url);
	if (!ret && !a->found)
		ret = error_code(EXIT_NOTFOUND, "run %lld kept no artifact '%s' (or it expired): publish from "
				 "a local validate instead", run, name);
	if (!ret && (a->size < 0 || a->size > MAX_TOTAL))
		ret = error_code(EXIT_DATA, "artifact '%s' claims %lld bytes; refusing it", name, a->size);
	return ret;
}

int artifact_safe_name(const char *name, size_t len)
{
	size_t start = 0;

	if (!len || len > MAX_NAME)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '/') {
			if ((unsigned char)name[i] < ' ' || name[i] == 0x7f || name[i] == '\\')
				return 0;
			continue;
		}
		if (i == start || (i - start == 1 && name[start] == '.') ||
		    (i - start == 2 && name[start] == '.' && name[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Make dir/path and each directory above it inside dir; an existing non-directory fails. */
static int make_dirs(const char *dir, const char *path, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	strbuf_addstr(&sb, dir);
	for (size_t i = 0; i <= len && !ret; i++) {
		struct stat st;

		if (i < len && path[i] != '/')
			continue;
		strbuf_setlen(&sb, strlen(dir));
		strbuf_addch(&sb, '/');
		strbuf_add(&sb, path, i);
		if (mkdir(sb.buf, 0755) && (errno != EEXIST || lstat(sb.buf, &st) || !S_ISDIR(st.st_mode)))
			ret = error("cannot make the directory '%.*s' of the artifact", (int)i, path);
	}
	strbuf_release(&sb);
	return ret;
}

struct unpack {
	const char *dir;
	struct strvec names;	/* every entry, to refuse a second of one name */
	struct strvec files;	/* the regular files */
	long long total, limit;
};

static int write_entry(struct archive *ar, struct unpack *u, const char *name)
{
	char *path = xstrfmt("%s/%s", u->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int ret = fd < 0 ? error_errno("cannot write '%s'", path) : 0;
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while (!ret && (r = archive_read_data_block(ar, &buf, &len, &off)) == ARCHIVE_OK) {
		u->total += len;
		if (u->total > u->limit)
			ret = error_code(EXIT_DATA, "the artifact unpacks to more than %lld bytes; refusing it", u->limit);
		else if (write_all(fd, buf, len))
			ret = error_errno("cannot write '%s'", path);
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = error_code(EXIT_DATA, "the artifact's entry '%s' is damaged: %s", name, archive_error_string(ar));
	if (fd >= 0 && close(fd) && !ret)
		ret = error_errno("cannot write '%s'", path);
	free(path);
	return ret;
}

static int unpack_entry(struct archive *ar, struct archive_entry *e, struct unpack *u)
{
	const char *name = archive_entry_pathname(e);
	int type = archive_entry_filetype(e);
	size_t len = name ? strlen(name) : 0;
	char *shown, *clean;
	int ret = 0;

	if (type == AE_IFDIR && len && name[len - 1] == '/')
		len--;
	shown = xprintable(name ? name : "", name ? strlen(name) : 0, 200);
	if (u->names.nr >= MAX_ENTRIES)
		ret = error_code(EXIT_DATA, "the artifact holds more than %d entries; refusing it", MAX_ENTRIES);
	else if (!name || !artifact_safe_name(name, len))
		ret = error_code(EXIT_DATA, "the artifact's entry '%s' is not a plain relative path; refusing it", shown);
	else if (archive_entry_hardlink(e) || archive_entry_symlink(e) || (type != AE_IFREG && type != AE_IFDIR))
		ret = error_code(EXIT_DATA, "the artifact's entry '%s' is a link or a special file; refusing it", shown);
	if (ret) {
		free(shown);
		return ret;
	}
	clean = xstrndup(name, len);
	for (size_t i = 0; i < u->names.nr && !ret; i++)
		if (!strcmp(u->names.v[i], clean))
			ret = error_code(EXIT_DATA, "the artifact holds '%s' twice; refusing it", shown);
	if (!ret) {
		const char *slash = strrchr(clean, '/');

		strvec_push(&u->names, clean);
		if (type == AE_IFDIR)
			ret = make_dirs(u->dir, clean, len);
		else if (!(ret = slash ? make_dirs(u->dir, clean, slash - clean) : 0))
			ret = write_entry(ar, u, clean);
		if (!ret && type == AE_IFREG)
			strvec_push(&u->files, clean);
	}
	free(clean);
	free(shown);
	return ret;
}

/*
 * The zip is read through callbacks that can seek, so that libarchive reads
 * the central directory: only there does an entry say it is a link.
 */
struct zip_source {
	FILE *f;
	char buf[65536];
};

static la_ssize_t zip_read(struct archive *ar, void *arg, const void **buf)
{
	struct zip_source *z = arg;
	size_t n = fread(z->buf, 1, sizeof(z->buf), z->f);

	if (!n && ferror(z->f)) {
		archive_set_error(ar, errno, "cannot read the downloaded artifact");
		return -1;
	}
	*buf = z->buf;
	return (la_ssize_t)n;
}

static la_int64_t zip_seek(struct archive *ar, void *arg, la_int64_t offset, int whence)
{
	struct zip_source *z = arg;

	(void)ar;
	if (fseeko(z->f, offset, whence))
		return ARCHIVE_FATAL;
	return ftello(z->f);
}

static int unpack(FILE *zip, struct unpack *u)
{
	struct archive *ar = archive_read_new();
	struct zip_source *z = xmalloc(sizeof(*z));
	struct archive_entry *e;
	int r, ret = 0;

	archive_read_support_format_zip_seekable(ar);
	rewind(zip);
	z->f = zip;
	archive_read_set_callback_data(ar, z);
	archive_read_set_read_callback(ar, zip_read);
	archive_read_set_seek_callback(ar, zip_seek);
	if (archive_read_open1(ar) != ARCHIVE_OK)
		ret = error_code(EXIT_DATA, "the artifact is not a zip archive: %s", archive_error_string(ar));
	while (!ret && (r = archive_read_next_header(ar, &e)) == ARCHIVE_OK)
		ret = unpack_entry(ar, e, u);
	if (!ret && r != ARCHIVE_EOF)
		ret = error_code(EXIT_DATA, "the artifact is not a readable zip archive: %s", archive_error_string(ar));
	archive_read_free(ar);
	free(z);
	return ret;
}

/* One "SHA256 SIZE NAME" line of the manifest checked against the file it names; other lines are publish's. */
static int check_line(const struct unpack *u, char *line, int *listed)
{
	char *f[4] = { NULL };
	int n = 0;
	unsigned long size;
	char hex[SHA256_HEX_LEN + 1], *path;
	struct stat st;
	int ret = 0;

	for (char *p = line; *p && n < 4;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		f[n++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
	if (n != 3 || strlen(f[0]) != SHA256_HEX_LEN || strspn(f[0], "0123456789abcdef") != SHA256_HEX_LEN ||
	    parse_ulong(f[1], &size))
		return 0;
	for (size_t i = 0; i < u->files.nr; i++)
		if (!strcmp(u->files.v[i], f[2]))
			listed[i] = 1;
	path = xstrfmt("%s/%s", u->dir, f[2]);
	if (!artifact_safe_name(f[2], strlen(f[2])) || lstat(path, &st) || !S_ISREG(st.st_mode))
		ret = error_code(EXIT_DATA, "the manifest names '%s', which the artifact does not hold", f[2]);
	else if ((unsigned long)st.st_size != size || sha256_file_hex(path, hex) || strcmp(hex, f[0]))
		ret = error_code(EXIT_DATA, "'%s' in the artifact is not what its manifest says (size or sha256 "
				 "differs): it changed after validation; refusing it", f[2]);
	free(path);
	return ret;
}

static int verify(const struct unpack *u)
{
	struct strbuf text = STRBUF_INIT;
	char *path = xstrfmt("%s/%s", u->dir, MANIFEST), *line, *next;
	int *listed = xcalloc(u->files.nr + 1, sizeof(*listed));
	struct stat st;
	int ret = 0, checked = 0;

	if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_MANIFEST || strbuf_read_file(&text, path) < 0)
		ret = error_code(EXIT_DATA, "the artifact holds no readable '%s'; refusing it", MANIFEST);
	for (line = text.buf; !ret && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ret = check_line(u, line, listed);
	}
	for (size_t i = 0; !ret && i < u->files.nr; i++) {
		if (!strcmp(u->files.v[i], MANIFEST))
			continue;
		if (!listed[i])
			ret = error_code(EXIT_DATA, "'%s' is in the artifact but not in its manifest; refusing it",
					 u->files.v[i]);
		checked++;
	}
	if (!ret && !checked)
		ret = error_code(EXIT_DATA, "the artifact's manifest lists no file; refusing it");
	free(listed);
	free(path);
	strbuf_release(&text);
	return ret;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *dir)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
		warn("cannot remove '%s' entirely", dir);
}

/* dir must be absent or an empty directory: publish's files never mix with others. */
static int usable_dir(const char *dir, int *exists)
{
	struct stat st;
	struct dirent *d;
	DIR *dh;
	int empty = 1;

	*exists = !lstat(dir, &st);
	if (!*exists)
		return errno == ENOENT ? 0 : error_errno("cannot look at '%s'", dir);
	dh = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	while (dh && empty && (d = readdir(dh)))
		empty = !strcmp(d->d_name, ".") || !strcmp(d->d_name, "..");
	if (dh)
		closedir(dh);
	return dh && empty ? 0 : error_code(EXIT_CONFLICT, "'%s' is there and is not an empty directory: "
					    "remove it or download into another", dir);
}

static int hash_stream(FILE *f, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 h;
	char buf[65536];
	size_t n;

	rewind(f);
	sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&h, buf, n);
	sha256_final_hex(&h, hex);
	return ferror(f) ? error_errno("cannot read the downloaded artifact") : 0;
}

static int download_zip(struct gh *g, const struct artifact *a, FILE *zip)
{
	struct strbuf url = STRBUF_INIT;
	struct http_response resp = HTTP_RESPONSE_INIT;
	/* GitHub answers with a redirect to its storage; the token stays with the API (common/http). */
	struct gh_call call = { .url = NULL, .download = zip };
	char hex[SHA256_HEX_LEN + 1];
	int ret;

	strbuf_addf(&url, "/repos/%s/%s/actions/artifacts/%lld/zip", g->owner, g->repo, a->id);
	call.url = url.buf;
	ret = gh_send(g, &call, &resp);
	if (!ret && fflush(zip))
		ret = error_errno("cannot keep the downloaded artifact");
	if (!ret && a->digest && starts_with(a->digest, "sha256:")) {
		if (hash_stream(zip, hex) || strcmp(hex, a->digest + 7))
			ret = error_code(EXIT_DATA, "the downloaded artifact's sha256 is not the %s GitHub recorded; "
					 "refusing it", a->digest);
	}
	http_response_release(&resp);
	strbuf_release(&url);
	return ret;
}

/* An unnamed temporary file on the directory's own file system, where there is room for what it unpacks to. */
static FILE *beside(const char *dir)
{
	char *path = xstrfmt("%s.zip-XXXXXX", dir);
	int fd = mkstemp(path);
	FILE *f = NULL;

	if (fd >= 0) {
		unlink(path);
		f = fdopen(fd, "w+b");
		if (!f)
			close(fd);
	}
	free(path);
	return f;
}

static int fetch_into(struct gh *g, const struct artifact *a, const char *dir, int exists)
{
	struct unpack u = { .names = STRVEC_INIT, .files = STRVEC_INIT };
	char *stage = xstrfmt("%s.download-XXXXXX", dir);
	FILE *zip = beside(dir);
	int ret = zip ? 0 : error_errno("cannot make a temporary file beside '%s'", dir);

	if (!ret && !mkdtemp(stage))
		ret = error_errno("cannot make a directory beside '%s'", dir);
	if (ret) {
		if (zip)
			fclose(zip);
		free(stage);
		return ret;
	}
	u.dir = stage;
	u.limit = a->size * MAX_RATIO + (1LL << 20);
	if (u.limit > MAX_TOTAL)
		u.limit = MAX_TOTAL;
	ret = download_zip(g, a, zip);
	if (!ret)
		ret = unpack(zip, &u);
	if (!ret)
		ret = verify(&u);
	if (!ret && ((exists && rmdir(dir)) || rename(stage, dir)))
		ret = error_errno("cannot move the artifact into '%s'", dir);
	if (ret)
		remove_tree(stage);
	fclose(zip);
	strvec_clear(&u.names);
	strvec_clear(&u.files);
	free(stage);
	return ret;
}

int artifact_download(struct gh *g, const char *tag, const struct artifact_options *o, const char *where)
{
	struct artifact a = { .want = o->name, .id = -1 };
	long long run = 0;
	char *sha = NULL, *dir = xstrdup(where);
	size_t len = strlen(dir);
	int exists, ret;

	/* "dist/" names dist: the new directory is made beside it, never inside. */
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	ret = usable_dir(dir, &exists);

	if (!ret)
		ret = gh_tag_commit(g, tag, o->commit, &sha);
	if (!ret)
		ret = ci_passed_run(g, tag, sha, o->workflow, &run);
	if (!ret)
		ret = find_artifact(g, run, o->name, &a);
	if (!ret && g->dry_run)
		printf("download artifact '%s' (%lld bytes) of run %lld of %s into %s\n", o->name, a.size, run,
		       o->workflow, dir);
	else if (!ret)
		ret = fetch_into(g, &a, dir, exists);
	if (!ret && !g->dry_run)
		note("'%s' holds artifact '%s' of run %lld, checked against its manifest", dir, o->name, run);
	free(a.digest);
	free(sha);
	free(dir);
	return ret;
}
