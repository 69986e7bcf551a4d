/*
 * Replace a file so that readers see either the old or the new content,
 * never a mix: a temp file in the same directory, written, fsync'ed, given
 * the old file's mode (and owner and group where permitted), renamed over
 * the target, then the directory fsync'ed. A symbolic link is followed to
 * the file it names, which is replaced; the link stays as it was.
 * On every failure the temp file is removed and the target left untouched.
 */
#ifndef ATOMIC_H
#define ATOMIC_H

#include <stddef.h>

struct atomic_file {
	int fd;
	char *path;	/* the target, symbolic links followed */
	char *tmp;	/* the temp file, NULL once committed or aborted */
};

/* Open a temp file next to path: 0, or -1 with the error printed. */
int atomic_begin(struct atomic_file *af, const char *path);
/* fsync, take the target's owner and mode (0666 & ~umask when it is new), rename, fsync dir. */
int atomic_commit(struct atomic_file *af);
/* Remove the temp file; safe to call after a commit, and twice. */
void atomic_abort(struct atomic_file *af);

/* The whole sequence for a buffer in memory. */
int atomic_write_file(const char *path, const void *data, size_t len);

#endif
