/* atomic: the target is replaced whole or not at all, mode kept, no temp left behind. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

int main(int argc, char **argv)
{
	char dir[] = "atomic-XXXXXX";
	char *path, *content, *ro;
	struct atomic_file af;
	struct stat st;

	(void)argc;
	setup_tool(argv[0]);
	if (!mkdtemp(dir))
		die_errno("mkdtemp");
	path = xstrfmt("%s/pyproject.toml", dir);

	CHECK(atomic_write_file(path, "new\n", 4) == 0, "writes a file that did not exist");
	content = slurp(path);
	CHECK_STR(content, "new\n", "the new file holds the data");
	free(content);
	stat(path, &st);
	CHECK((st.st_mode & 0777) == (0666 & ~umask(022)), "a new file gets 0666 less the umask");

	chmod(path, 0751);
	CHECK(atomic_write_file(path, "second\n", 7) == 0, "replaces an existing file");
	stat(path, &st);
	CHECK((st.st_mode & 07777) == 0751, "the mode of the replaced file is kept");
	CHECK(count_entries(dir) == 1, "no temp file is left after a commit");

	CHECK(atomic_begin(&af, path) == 0, "begin opens a temp file");
	CHECK(count_entries(dir) == 2, "the temp file lives in the target's directory");
	write_all(af.fd, "half", 4);
	atomic_abort(&af);
	content = slurp(path);
	CHECK_STR(content, "second\n", "an aborted write leaves the target untouched");
	free(content);
	CHECK(count_entries(dir) == 1, "abort removes the temp file");
	atomic_abort(&af);
	CHECK(1, "a second abort is harmless");

	ro = xstrfmt("%s/ro", dir);
	mkdir(ro, 0555);
	free(path);
	path = xstrfmt("%s/file", ro);
	if (geteuid() == 0) {
		/* root writes anywhere; a missing directory fails for everyone */
		free(path);
		path = xstrfmt("%s/missing/file", dir);
	}
	CHECK(atomic_write_file(path, "x", 1) == -1, "an unwritable directory fails with -1");
	CHECK(count_entries(ro) == 0, "and leaves nothing behind");
	rmdir(ro);
	free(ro);
	free(path);

	path = xstrfmt("%s/pyproject.toml", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	return test_done();
}
