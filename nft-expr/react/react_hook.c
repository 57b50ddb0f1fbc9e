/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_hook - the operator's hook: a program, no shell, a timeout
 * SYNOPSIS
 *	#include "react/react_hook.h"
 * DESCRIPTION
 *	[countermeasures] hook is split into words at load; the action's
 *	target and signal are appended and the program is run with
 *	execv, never through a shell, so nothing a worm could choose (the
 *	prefix of its own address) is ever parsed as a command line. At
 *	most REACT_HOOKS run at once; each is killed (SIGKILL) once its
 *	timeout passed, and reaped by react_hook_tick.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "react/react_hook.h"

struct react_hook {
	struct {
		pid_t pid;		/* 0: free */
		uint64_t deadline;
		char what[64];
	} run[REACT_HOOKS];
};

/* react_hook_create - none running */
struct react_hook *react_hook_create(void)
{
	return calloc(1, sizeof(struct react_hook));
}

/* react_hook_free - accepts NULL */
void react_hook_free(struct react_hook *h)
{
	free(h);
}

/* hook_child - in the child: stdin from /dev/null, exec */
static void hook_child(char **argv)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0) {
		(void)dup2(fd, 0);
		if (fd > 2)
			close(fd);
	}
	execv(argv[0], argv);
	_exit(127);
}

/* react_hook_run - start argv with target and signal appended */
int react_hook_run(struct react_hook *h, char *const *hook, uint64_t timeout_ns,
		   const char *target, const char *signal, uint64_t now)
{
	char *argv[REACT_HOOK_ARGS + 3];
	size_t n, slot;
	pid_t pid;

	if (hook == NULL || hook[0] == NULL) {
		errno = ENOENT;
		return -1;
	}
	for (slot = 0; slot < REACT_HOOKS && h->run[slot].pid != 0; slot++)
		;
	if (slot == REACT_HOOKS) {
		errno = EBUSY;
		return -1;
	}
	for (n = 0; hook[n] != NULL && n < REACT_HOOK_ARGS; n++)
		argv[n] = hook[n];
	argv[n++] = (char *)target;
	argv[n++] = (char *)signal;
	argv[n] = NULL;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		hook_child(argv);
	h->run[slot].pid = pid;
	h->run[slot].deadline = now + timeout_ns;
	strncpy(h->run[slot].what, target, sizeof(h->run[slot].what) - 1);
	h->run[slot].what[sizeof(h->run[slot].what) - 1] = 0;
	return 0;
}

/* react_hook_tick - reap the hooks that ended, kill the late ones */
void react_hook_tick(struct react_hook *h, uint64_t now)
{
	int st;
	size_t i;

	for (i = 0; i < REACT_HOOKS; i++) {
		if (h->run[i].pid == 0)
			continue;
		if (waitpid(h->run[i].pid, &st, WNOHANG) == h->run[i].pid) {
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				daemon_log(LOG_WARNING, "countermeasures: hook for %s "
					   "ended with status %d", h->run[i].what,
					   WIFEXITED(st) ? WEXITSTATUS(st)
					   : 128 + WTERMSIG(st));
			h->run[i].pid = 0;
		} else if (now >= h->run[i].deadline) {
			(void)kill(h->run[i].pid, SIGKILL);
			daemon_log(LOG_WARNING, "countermeasures: hook for %s took "
				   "longer than hook_timeout: killed", h->run[i].what);
			h->run[i].deadline = UINT64_MAX;	/* reaped next tick */
		}
	}
}
