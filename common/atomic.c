/* Atomic file replacement: temp file, fsync, keep mode, rename, fsync dir. */
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

int atomic_begin(struct atomic_file *af, const char *path)
{
	char *dir = dir_of(path);

	af->path = xstrdup(path);
	af->tmp = xstrfmt("%s/.%s.tmpXXXXXX", dir, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
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

static int target_mode(const char *path, mode_t *mode)
{
	struct stat st;
	mode_t mask;

	*mode = 0600;
	if (!stat(path, &st)) {
		*mode = st.st_mode & 07777;
		return 0;
	}
	if (errno != ENOENT)
		return error_errno("cannot stat '%s'", path);
	mask = umask(0);
	umask(mask);
	*mode = 0666 & ~mask;
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
	mode_t mode;
	int ret;

	if (!af->tmp)
		return error("no temporary file to commit for '%s'", af->path ? af->path : "?");
	if (target_mode(af->path, &mode) < 0)
		goto fail;
	if (fchmod(af->fd, mode) < 0) {
		error_errno("cannot set the mode of '%s'", af->tmp);
		goto fail;
	}
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
