/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailrelease - release held messages with postsuper(1)
 * DESCRIPTION
 *	See mailrelease.h. The daemon forks one child per batch and
 *	goes on; the child runs postsuper and postqueue one after the
 *	other and exits. A batch fits in a pipe buffer (512 ids of at
 *	most 32 bytes, well under 64 KiB), so the child writes it whole
 *	before starting postsuper.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "mailrelease.h"

struct mailrelease {
	char postsuper[MAILRELEASE_PATH_MAX];
	char config_dir[MAILRELEASE_PATH_MAX];	/* "" = Postfix's default */
	char ids[MAILRELEASE_BATCH][MAILRELEASE_QID_MAX];
	size_t n;
};

/* mailrelease_create - remember how to run postsuper; the paths are
   kept in the object itself, so no copy can fail half-way and leave
   config_dir unset, which would send postsuper to the default
   Postfix instance */
struct mailrelease *mailrelease_create(const char *postsuper,
				       const char *config_dir)
{
	struct mailrelease *r;

	if (postsuper == NULL)
		postsuper = "/usr/sbin/postsuper";
	if (config_dir == NULL)
		config_dir = "";
	if (*postsuper == 0 || strlen(postsuper) >= MAILRELEASE_PATH_MAX ||
	    strlen(config_dir) >= MAILRELEASE_PATH_MAX) {
		errno = *postsuper ? ENAMETOOLONG : EINVAL;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	memcpy(r->postsuper, postsuper, strlen(postsuper) + 1);
	memcpy(r->config_dir, config_dir, strlen(config_dir) + 1);
	return r;
}

/* mailrelease_free - accepts NULL */
void mailrelease_free(struct mailrelease *r)
{
	free(r);
}

/* qid_ok - Postfix queue ids are hex (short) or alphanumeric (long) */
static int qid_ok(const char *q)
{
	size_t i;

	for (i = 0; q[i]; i++)
		if (!((q[i] >= '0' && q[i] <= '9') || (q[i] >= 'A' && q[i] <= 'Z')
		      || (q[i] >= 'a' && q[i] <= 'z')))
			return 0;
	return i > 0 && i < MAILRELEASE_QID_MAX;
}

/* mailrelease_add - queue one id */
int mailrelease_add(struct mailrelease *r, const char *queue_id)
{
	if (!qid_ok(queue_id) || r->n == MAILRELEASE_BATCH)
		return -1;
	strcpy(r->ids[r->n++], queue_id);
	return 0;
}

/* mailrelease_queue - queue one id, handing a full batch over first */
int mailrelease_queue(struct mailrelease *r, const char *queue_id)
{
	if (!qid_ok(queue_id))
		return -1;
	if (r->n == MAILRELEASE_BATCH && mailrelease_run(r) < 0)
		return -1;
	return mailrelease_add(r, queue_id);
}

/* run_wait - run argv (stdin from fd, or /dev/null's absence: -1) and
   wait for it; its exit status, or -1 */
static int run_wait(char **argv, int fd)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (fd >= 0)
			dup2(fd, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* postqueue_path - postqueue next to postsuper */
static void postqueue_path(const char *postsuper, char *out, size_t len)
{
	const char *slash = strrchr(postsuper, '/');
	int dir = slash ? (int)(slash - postsuper) : 0;

	snprintf(out, len, "%.*s%spostqueue", dir, postsuper, slash ? "/" : "");
}

/* child_run - in the child: postsuper -H the batch, then postqueue -i
   each id, since -H only moves mail to the deferred queue, which the
   queue manager scans every queue_run_delay (300 s by default) */
static void child_run(struct mailrelease *r)
{
	char *argv[8], pq[4096];
	int p[2], i, failed = 0;
	size_t k;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the daemon blocks some */
	(void)setpgid(0, 0);	/* a timeout kills postsuper with us */
	if (pipe(p) < 0)
		_exit(1);
	i = 0;
	argv[i++] = r->postsuper;
	if (r->config_dir[0]) {
		argv[i++] = "-c";
		argv[i++] = r->config_dir;
	}
	argv[i++] = "-H";
	argv[i++] = "-";
	argv[i] = NULL;
	/* the batch fits in the pipe buffer: write it all, then run */
	for (k = 0; k < r->n; k++)
		if (dprintf(p[1], "%s\n", r->ids[k]) < 0)
			_exit(1);
	close(p[1]);
	if (run_wait(argv, p[0]) != 0)
		_exit(1);
	postqueue_path(r->postsuper, pq, sizeof(pq));
	argv[0] = pq;
	i = r->config_dir[0] ? 3 : 1;
	argv[i] = "-i";
	argv[i + 2] = NULL;
	for (k = 0; k < r->n; k++) {
		argv[i + 1] = r->ids[k];
		failed |= run_wait(argv, -1) != 0;
	}
	_exit(failed ? 2 : 0);
}

/* fork_batch - the child for the queued ids (emptied); its pid, 0 if
   there were none, -1 if fork failed (the ids stay) */
static pid_t fork_batch(struct mailrelease *r)
{
	pid_t pid;

	if (r->n == 0)
		return 0;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		child_run(r);
	r->n = 0;
	return pid;
}

/* mailrelease_run - hand the batch to a child process */
int mailrelease_run(struct mailrelease *r)
{
	int n = (int)r->n;
	pid_t pid = fork_batch(r);

	return pid < 0 ? -1 : pid == 0 ? 0 : n;
}

/* on_alarm - only interrupts the wait below */
static void on_alarm(int sig)
{
	(void)sig;
}

/* mailrelease_run_wait - one batch, waited for, killed if too slow */
int mailrelease_run_wait(struct mailrelease *r, unsigned timeout_s)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	pid_t pid = fork_batch(r);
	int st, late = 0;

	if (pid <= 0)
		return (int)pid;
	sigaction(SIGALRM, &sa, &old);	/* no SA_RESTART: EINTR below */
	alarm(timeout_s);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			break;
		late = 1;
		kill(-pid, SIGKILL);	/* postsuper or postqueue too */
		kill(pid, SIGKILL);
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (late)
		return 3;
	return WIFEXITED(st) && WEXITSTATUS(st) <= 2 ? WEXITSTATUS(st) : 1;
}

/* mailrelease_join - the ids, one per line */
int mailrelease_join(const struct mailrelease *r, char *buf, size_t len)
{
	size_t k, off = 0, n;

	if (len == 0)
		return -1;
	buf[0] = 0;
	for (k = 0; k < r->n; k++) {
		n = strlen(r->ids[k]);
		if (off + n + 2 > len)
			return -1;
		memcpy(buf + off, r->ids[k], n);
		off += n;
		buf[off++] = '\n';
		buf[off] = 0;
	}
	return (int)off;
}

/* mailrelease_clear - forget the queued ids */
void mailrelease_clear(struct mailrelease *r)
{
	r->n = 0;
}

/* mailrelease_pending - ids waiting */
size_t mailrelease_pending(const struct mailrelease *r)
{
	return r->n;
}

/* mailrelease_reap_with - collect children, offering each to claim
   first (one waitpid(-1) for the whole process) */
int mailrelease_reap_with(struct mailrelease *r, mailrelease_claim_fn *claim,
			  void *ctx)
{
	int st, failed = 0;
	pid_t pid;

	(void)r;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (claim != NULL && claim(ctx, pid, st))
			continue;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	return failed;
}

/* mailrelease_reap - collect children */
int mailrelease_reap(struct mailrelease *r)
{
	return mailrelease_reap_with(r, NULL, NULL);
}
