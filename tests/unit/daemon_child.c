/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	daemon_child - unit test of daemon_child_end (common/daemon.c)
 * DESCRIPTION
 *	A child that exits in time is reaped with its status (0); one that
 *	hangs, as a snapshot child stuck on a lock inherited through fork
 *	would, is killed once the wait is over (1) and is gone; a pid
 *	that is no child of ours is -1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "daemon.h"
#include "../tap.h"

int main(void)
{
	uint64_t t0;
	pid_t pid;
	int st = -1;

	if ((pid = fork()) == 0) {
		usleep(100000);
		_exit(3);
	}
	is_int(daemon_child_end(pid, 10, &st), 0, "a child that exits in time");
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 3, "with its status (3)");

	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	t0 = sl_monotonic_ns();
	is_int(daemon_child_end(pid, 1, &st), 1, "a hanging child is killed");
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "by SIGKILL");
	cmp_ok(sl_monotonic_ns() - t0, >=, 900 * NS_PER_MS,
	       "after the wait asked for (1 s)");
	ok(kill(pid, 0) < 0 && errno == ESRCH, "and it is gone (reaped)");

	errno = 0;
	is_int(daemon_child_end(getpid(), 1, &st), -1, "not our child: -1");
	is_int(errno, ECHILD, "ECHILD");
	return done_testing();
}
