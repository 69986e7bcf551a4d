/* atomic: the target is replaced whole or not at all, mode and owner kept, links kept, no temp left behind. */
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

static int is_link_to(const char *path, const char *want)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = '\0';
	return !strcmp(buf, want);
}

/* A link is followed to its file, which is replaced; the link stays a link. */
static void test_symlinks(const char *dir)
{
	char *docs = xstrfmt("%s/docs", dir), *target = xstrfmt("%s/docs/CHANGELOG.md", dir);
	char *link = xstrfmt("%s/CHANGELOG.md", dir), *link2 = xstrfmt("%s/HISTORY.md", dir);
	char *dangling = xstrfmt("%s/NEWS.md", dir), *loop = xstrfmt("%s/loop", dir), *content;
	struct stat st;

	mkdir(docs, 0755);
	atomic_write_file(target, "old\n", 4);
	chmod(target, 0640);
	symlink("docs/CHANGELOG.md", link);
	symlink("CHANGELOG.md", link2);

	CHECK(atomic_write_file(link, "new\n", 4) == 0, "writes through a relative link");
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
	CHECK(is_link_to(link, "docs/CHANGELOG.md"), "and still points where it pointed");
	content = slurp(target);
	CHECK_STR(content, "new\n", "the file the link names holds the new data");
	free(content);
	CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0640, "the target's mode is kept, not the link's");
	CHECK(count_entries(docs) == 1 && count_entries(dir) == 4, "no temp file is left next to the link or the target");

	CHECK(atomic_write_file(link2, "chain\n", 6) == 0, "writes through a chain of links");
	CHECK(is_link_to(link2, "CHANGELOG.md") && is_link_to(link, "docs/CHANGELOG.md"), "every link of the chain stays");
	content = slurp(target);
	CHECK_STR(content, "chain\n", "the end of the chain holds the data");
	free(content);

	symlink("docs/NEWS.md", dangling);
	CHECK(atomic_write_file(dangling, "news\n", 5) == 0, "a dangling link gets its file created");
	CHECK(is_link_to(dangling, "docs/NEWS.md"), "and stays a link");
	content = xstrfmt("%s/docs/NEWS.md", dir);
	CHECK(stat(content, &st) == 0 && S_ISREG(st.st_mode), "the file it names now exists");
	unlink(content);
	free(content);

	symlink("loop", loop);
	CHECK(atomic_write_file(loop, "x", 1) == -1, "a link to itself fails with -1");
	CHECK(is_link_to(loop, "loop"), "and leaves the link alone");

	if (geteuid() == 0) {
		chown(target, 4242, 4343);
		CHECK(atomic_write_file(link, "owned\n", 6) == 0, "root replaces a file that another user owns");
		CHECK(stat(target, &st) == 0 && st.st_uid == 4242 && st.st_gid == 4343,
		      "the file keeps its owner and group");
	}

	unlink(loop);
	unlink(dangling);
	unlink(link2);
	unlink(link);
	unlink(target);
	rmdir(docs);
	free(loop);
	free(dangling);
	free(link2);
	free(link);
	free(target);
	free(docs);
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
	test_symlinks(dir);
	unlink(path);
	free(path);
	rmdir(dir);
	return test_done();
}
