/*
 * A minimal TAP producer for C unit tests: each check prints "ok N - what"
 * or "not ok N - what" with the file and line; test_done() returns the exit
 * status. Used as: CHECK(cond, "what it asserts"); return test_done();
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int test_count, test_failed;

static int test_result(int ok, const char *what, const char *file, int line)
{
	test_count++;
	if (ok) {
		printf("ok %d - %s\n", test_count, what);
	} else {
		test_failed++;
		printf("not ok %d - %s\n#   at %s:%d\n", test_count, what, file, line);
	}
	fflush(stdout);
	return ok;
}

#define CHECK(cond, what) test_result(!!(cond), (what), __FILE__, __LINE__)
#define CHECK_STR(got, want, what) do { \
		const char *g_ = (got), *w_ = (want); \
		if (!test_result(g_ && w_ && !strcmp(g_, w_), (what), __FILE__, __LINE__)) \
			printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)
#define CHECK_INT(got, want, what) do { \
		long long g_ = (got), w_ = (want); \
		if (!test_result(g_ == w_, (what), __FILE__, __LINE__)) \
			printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
	} while (0)

/*
 * The directory of one conformance suite, SHIPSYNC_VECTORS/SUITE, or NULL
 * when it is missing: then a skip is reported, or a failure when CI=true,
 * as require_vectors does in the bats tests (tests/run lists the missing
 * suites by this message). The path lives until the next call.
 */
static inline const char *test_vectors(const char *suite)
{
	static char path[4096];
	char what[4200];
	const char *dir = getenv("SHIPSYNC_VECTORS");
	const char *ci = getenv("CI");
	struct stat st;
	int n;

	if (!dir || !*dir)
		dir = "(SHIPSYNC_VECTORS unset)";
	n = snprintf(path, sizeof(path), "%s/%s", dir, suite);
	if (n > 0 && (size_t)n < sizeof(path) && !stat(path, &st) && S_ISDIR(st.st_mode))
		return path;
	snprintf(what, sizeof(what), "conformance suite '%s' is missing from '%s'", suite, dir);
	if (ci && !strcmp(ci, "true")) {
		test_result(0, what, __FILE__, __LINE__);
		printf("#   CI=true makes a missing requirement a failure\n");
	} else {
		printf("ok %d # skip %s\n", ++test_count, what);
	}
	fflush(stdout);
	return NULL;
}

static int test_done(void)
{
	printf("1..%d\n", test_count);
	return test_failed ? 1 : 0;
}

#endif
