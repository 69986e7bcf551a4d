/* Atomic file replacement: temp file, fsync, keep mode and owner, rename, fsync dir. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/* The text of a symbolic link, NULL with errno set when it cannot be read. */
static char *read_link(const char *path)
{
	size_t size = 256;

	for (;;) {
		char *buf = xmalloc(size);
		ssize_t n = readlink(path, buf, size);

		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < size) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		size *= 2;
	}
}

/*
 * The file that path names once every symbolic link on the way is followed,
 * whether or not that file exists yet: replacing it keeps the links, which
 * is what a project that links CHANGELOG.md to docs/ expects.
 */
static char *resolve_links(const char *path)
{
	char *cur = xstrdup(path), *target, *dir;
	struct stat st;
	int hops;

	/* The kernel's own limit on links followed in one lookup. */
	for (hops = 0; hops < 40; hops++) {
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (!(target = read_link(cur))) {
			error_errno("cannot read the symbolic link '%s'", cur);
			free(cur);
			return NULL;
		}
		if (target[0] != '/') {
			dir = dir_of(cur);
			free(cur);
			cur = xstrfmt("%s/%s", dir, target);
			free(dir);
			free(target);
		} else {
			free(cur);
			cur = target;
		}
	}
	error("too many levels of symbolic links from '%s'", path);
	free(cur);
	return NULL;
}

int atomic_begin(struct atomic_file *af, const char *path)
{
	char *real = resolve_links(path), *dir, *slash;

	af->fd = -1;
	af->path = af->tmp = NULL;
	if (!real)
		return -1;
	dir = dir_of(real);
	slash = strrchr(real, '/');
	af->path = real;
	af->tmp = xstrfmt("%s/.%s.tmpXXXXXX", dir, slash ? slash + 1 : real);
	free(dir);
	af->fd = mkostemp(af->tmp, O_CLOEXEC);
	if (af->fd < 0) {
		int ret = error_errno("cannot create a temporary file next to '%s'", path);
		free(af->tmp);
		free(af->path);
		af->tmp = af->path = NULL;
		return ret;
	}
	return 0;
}

/*
 * Give the temp file what the replaced file had: its owner and group where
 * we may (root may; anyone may keep a group they belong to; otherwise the
 * file becomes ours, as any editor's save would make it), then its mode,
 * after the owner because chown clears the set-id bits. A new file gets
 * 0666 less the umask.
 */
static void keep_owner(int fd, const struct stat *st)
{
	if (st->st_uid == geteuid() && st->st_gid == getegid())
		return;
	if (fchown(fd, st->st_uid, st->st_gid) < 0 && fchown(fd, (uid_t)-1, st->st_gid) < 0)
		return;	/* not ours to give: the new file stays the writer's */
}

static int take_attributes(int fd, const char *path)
{
	struct stat st;
	mode_t mode;

	if (!stat(path, &st)) {
		keep_owner(fd, &st);
		mode = st.st_mode & 07777;
	} else if (errno == ENOENT) {
		mode = umask(0);
		umask(mode);
		mode = 0666 & ~mode;
	} else {
		return error_errno("cannot stat '%s'", path);
	}
	if (fchmod(fd, mode) < 0)
		return error_errno("cannot set the mode of '%s'", path);
	return 0;
}

static int fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0 || fsync(fd) < 0)
		ret = error_errno("cannot sync directory '%s'", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int atomic_commit(struct atomic_file *af)
{
	int ret;

	if (!af->tmp)
		return error("no temporary file to commit for '%s'", af->path ? af->path : "?");
	if (take_attributes(af->fd, af->path) < 0)
		goto fail;
	if (fsync(af->fd) < 0) {
		error_errno("cannot write '%s'", af->tmp);
		goto fail;
	}
	if (close(af->fd) < 0) {
		af->fd = -1;
		error_errno("cannot write '%s'", af->tmp);
		goto fail;
	}
	af->fd = -1;
	if (rename(af->tmp, af->path) < 0) {
		error_errno("cannot replace '%s'", af->path);
		goto fail;
	}
	free(af->tmp);
	af->tmp = NULL;
	/* The rename is durable only once the directory is on disk too. */
	ret = fsync_dir(af->path);
	free(af->path);
	af->path = NULL;
	return ret;
fail:
	atomic_abort(af);
	return -1;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	af->tmp = NULL;
	free(af->path);
	af->path = NULL;
}

int atomic_write_file(const char *path, const void *data, size_t len)
{
	struct atomic_file af;

	if (atomic_begin(&af, path) < 0)
		return -1;
	if (write_all(af.fd, data, len) < 0) {
		error_errno("cannot write '%s'", af.tmp);
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af);
}
