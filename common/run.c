/* Run a program from argv, feeding stdin and capturing output through poll(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "strbuf.h"
#include "util.h"

extern char **environ;

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

static noreturn void exec_child(const struct run_cmd *cmd, int in[2], int out[2], int err[2], int report)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	dup2(cmd->in ? in[0] : null, 0);
	if (cmd->out)
		dup2(out[1], 1);
	if (cmd->err)
		dup2(err[1], 2);
	if (cmd->dir && chdir(cmd->dir) < 0)
		goto fail;
	for (const char *const *e = cmd->env; e && *e; e++)
		putenv((char *)*e);
	signal(SIGPIPE, SIG_DFL);
	execvp(cmd->argv[0], (char *const *)cmd->argv);
fail:
	{
		int e = errno;
		(void)!write(report, &e, sizeof(e));
	}
	_exit(127);
}

/* Milliseconds until deadline, for poll(): -1 when there is none, never below 0. */
static int ms_left(long long deadline)
{
	long long left;

	if (!deadline)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/*
 * Shovel input in and output out until both outputs reach end of file: 0,
 * or -1 when the deadline passed first (the pipes are closed then).
 */
static int pump(const struct run_cmd *cmd, int in_fd, int out_fd, int err_fd, long long deadline)
{
	size_t in_done = 0;
	struct pollfd p[3];

	for (;;) {
		int n = 0, ready;

		if (in_fd >= 0)
			p[n++] = (struct pollfd){ .fd = in_fd, .events = POLLOUT };
		if (out_fd >= 0)
			p[n++] = (struct pollfd){ .fd = out_fd, .events = POLLIN };
		if (err_fd >= 0)
			p[n++] = (struct pollfd){ .fd = err_fd, .events = POLLIN };
		if (!n)
			return 0;
		ready = poll(p, n, ms_left(deadline));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			die_errno("poll");
		if (!ready) {
			/* A grandchild may hold the pipes open: stop reading them. */
			for (int i = 0; i < n; i++)
				close(p[i].fd);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == in_fd) {
				ssize_t w = write(in_fd, cmd->in + in_done, cmd->in_len - in_done);
				if (w > 0)
					in_done += (size_t)w;
				if ((w < 0 && errno != EINTR && errno != EAGAIN) || in_done == cmd->in_len) {
					close(in_fd);
					in_fd = -1;
				}
				continue;
			}
			{
				struct strbuf *sb = p[i].fd == out_fd ? cmd->out : cmd->err;
				ssize_t r;

				strbuf_grow(sb, 8192);
				r = read(p[i].fd, sb->buf + sb->len, 8192);
				if (r < 0 && (errno == EINTR || errno == EAGAIN))
					continue;
				if (r <= 0) {
					close(p[i].fd);
					if (p[i].fd == out_fd)
						out_fd = -1;
					else
						err_fd = -1;
					continue;
				}
				sb->len += (size_t)r;
				sb->buf[sb->len] = '\0';
			}
		}
	}
}

/* Wait until the child exits or the deadline passes: 0, or -1 at the deadline. */
static int wait_exit(pid_t pid, long long deadline)
{
	struct pollfd p = { .events = POLLIN };
	int ready;

	if (!deadline)
		return 0;
	p.fd = pidfd_open(pid, 0);
	if (p.fd < 0)
		return 0;	/* a kernel without pidfds: wait as long as it runs */
	while ((ready = poll(&p, 1, ms_left(deadline))) < 0 && errno == EINTR)
		;
	close(p.fd);
	return ready == 0 ? -1 : 0;
}

/* Has the child exited? It stays a zombie for waitpid(). */
static int has_exited(pid_t pid)
{
	siginfo_t info = { 0 };

	return !waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) && info.si_pid == pid;
}

int run_command_within(const struct run_cmd *cmd, long timeout_ms)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, report[2] = { -1, -1 };
	int status, child_errno = 0, timed_out;
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	void (*old_pipe)(int);
	pid_t pid;

	if ((cmd->in && pipe2(in, O_CLOEXEC) < 0) || (cmd->out && pipe2(out, O_CLOEXEC) < 0) ||
	    (cmd->err && pipe2(err, O_CLOEXEC) < 0) || pipe2(report, O_CLOEXEC) < 0) {
		error_errno("cannot create a pipe for '%s'", cmd->argv[0]);
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error_errno("cannot start '%s'", cmd->argv[0]);
		goto fail;
	}
	if (pid == 0)
		exec_child(cmd, in, out, err, report[1]);

	close(report[1]);
	report[1] = -1;
	if (in[0] >= 0) { close(in[0]); in[0] = -1; }
	if (out[1] >= 0) { close(out[1]); out[1] = -1; }
	if (err[1] >= 0) { close(err[1]); err[1] = -1; }
	if (in[1] >= 0)
		fcntl(in[1], F_SETFL, O_NONBLOCK);

	old_pipe = signal(SIGPIPE, SIG_IGN);
	timed_out = (pump(cmd, in[1], out[0], err[0], deadline) < 0 || wait_exit(pid, deadline) < 0) &&
		    !has_exited(pid);
	signal(SIGPIPE, old_pipe);
	if (timed_out)
		kill(pid, SIGKILL);
	while (read(report[0], &child_errno, sizeof(child_errno)) < 0 && errno == EINTR)
		;
	close(report[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_errno("cannot wait for '%s'", cmd->argv[0]);
	if (child_errno) {
		errno = child_errno;
		return error_errno("cannot run '%s'", cmd->argv[0]);
	}
	if (timed_out)
		return RUN_TIMED_OUT;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
fail:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	close_pair(report);
	return -1;
}

int run_command(const struct run_cmd *cmd)
{
	return run_command_within(cmd, 0);
}

int run_capture(const char *const *argv, struct strbuf *out)
{
	struct run_cmd cmd = { .argv = argv, .out = out };

	return run_command(&cmd);
}
