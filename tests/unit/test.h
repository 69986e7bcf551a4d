/*
 * A minimal TAP producer for C unit tests: each check prints "ok N - what"
 * or "not ok N - what" with the file and line; test_done() returns the exit
 * status. Used as: CHECK(cond, "what it asserts"); return test_done();
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <string.h>

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

static int test_done(void)
{
	printf("1..%d\n", test_count);
	return test_failed ? 1 : 0;
}

#endif
