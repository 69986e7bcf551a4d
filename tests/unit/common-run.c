/* run: argv only, output captured without deadlock, exit codes and signals reported. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "strbuf.h"
#include "util.h"
#include "test.h"

static int run_sh(const char *script, const char *in, size_t in_len, struct strbuf *out, struct strbuf *err)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct run_cmd cmd = { .argv = argv, .in = in, .in_len = in_len, .out = out, .err = err };

	return run_command(&cmd);
}

int main(int argc, char **argv)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *echo_argv[] = { "printf", "%s|", "a b", "$(id)", ";rm", NULL };
	const char *missing[] = { "shipsync-no-such-program", NULL };
	char *big;
	size_t big_len = 4 << 20;
	int status;

	(void)argc;
	setup_tool(argv[0]);

	status = run_capture(echo_argv, &out);
	CHECK(status == 0, "a successful program returns 0");
	CHECK_STR(out.buf, "a b|$(id)|;rm|", "arguments reach the program verbatim, never through a shell");
	strbuf_reset(&out);

	CHECK(run_sh("exit 3", NULL, 0, NULL, NULL) == 3, "the exit status is returned");
	CHECK(run_sh("kill -TERM $$", NULL, 0, NULL, NULL) == 128 + 15, "a signal death is 128+signal");

	status = run_sh("echo out; echo err >&2", NULL, 0, &out, &err);
	CHECK_STR(out.buf, "out\n", "stdout is captured");
	CHECK_STR(err.buf, "err\n", "stderr is captured apart");
	strbuf_reset(&out);
	strbuf_reset(&err);

	/* 4 MiB in, 4 MiB out and 4 MiB on stderr: a naive runner deadlocks here. */
	big = xmalloc(big_len);
	memset(big, 'x', big_len);
	status = run_sh("tee /dev/stderr", big, big_len, &out, &err);
	CHECK(status == 0 && out.len == big_len && err.len == big_len, "large input and two large outputs do not deadlock");
	free(big);
	strbuf_reset(&out);
	strbuf_reset(&err);

	status = run_sh("head -c 1 >/dev/null", "0123456789", 10, &out, NULL);
	CHECK(status == 0, "a child that stops reading its input early is not an error");

	CHECK(run_sh("read x; echo \"[$x]\"", NULL, 0, &out, NULL) == 0 && !strcmp(out.buf, "[]\n"),
	      "without input, stdin is /dev/null");
	strbuf_reset(&out);

	CHECK(run_capture(missing, &out) == -1, "a program that cannot start gives -1");

	{
		const char *env_argv[] = { "sh", "-c", "echo $SHIPSYNC_TEST_VAR; pwd", NULL };
		const char *env[] = { "SHIPSYNC_TEST_VAR=set-by-test", NULL };
		struct run_cmd cmd = { .argv = env_argv, .env = env, .dir = "/", .out = &out };

		CHECK(run_command(&cmd) == 0 && !strcmp(out.buf, "set-by-test\n/\n"), "extra environment and working directory apply");
		CHECK(getenv("SHIPSYNC_TEST_VAR") == NULL, "the caller's environment is untouched");
	}
	{
		const char *slow[] = { "sh", "-c", "echo started; exec sleep 30", NULL };
		const char *quiet[] = { "sleep", "30", NULL };
		const char *quick[] = { "sh", "-c", "echo done; exit 4", NULL };
		const char *orphan[] = { "sh", "-c", "sleep 30 & echo $!; exit 5", NULL };
		struct run_cmd cmd = { .argv = slow, .out = &out };
		long long start = now_ms();

		strbuf_reset(&out);
		CHECK_INT(run_command_within(&cmd, 300), RUN_TIMED_OUT, "a program that outlives its timeout is killed");
		CHECK(now_ms() - start < 10000, "and the caller does not wait for it");
		CHECK_STR(out.buf, "started\n", "what it printed before is kept");
		cmd = (struct run_cmd){ .argv = quiet };
		CHECK_INT(run_command_within(&cmd, 300), RUN_TIMED_OUT, "the timeout holds with nothing captured");
		strbuf_reset(&out);
		cmd = (struct run_cmd){ .argv = quick, .out = &out };
		CHECK_INT(run_command_within(&cmd, 20000), 4, "a program that ends in time gives its status");
		CHECK_STR(out.buf, "done\n", "and its output");
		strbuf_reset(&out);
		start = now_ms();
		cmd = (struct run_cmd){ .argv = orphan, .out = &out };
		CHECK_INT(run_command_within(&cmd, 500), 5, "a program that ended in time gives its status, though a grandchild holds the pipe");
		CHECK(now_ms() - start < 10000, "the wait ends at the timeout, not with the grandchild");
		if (atoi(out.buf) > 0)
			kill(atoi(out.buf), SIGKILL);
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return test_done();
}
