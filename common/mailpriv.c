/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailpriv - the privileged release helper of the mail filters
 * DESCRIPTION
 *	See mailpriv.h. SOCK_SEQPACKET keeps each request one message,
 *	so the helper never reassembles a stream, and a request longer
 *	than MAILPRIV_REQ_MAX arrives truncated (MSG_TRUNC) and is
 *	refused. The helper dies with its parent (PR_SET_PDEATHSIG), so
 *	a killed filter leaves no root process behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "mailpriv.h"

struct mailpriv {
	pid_t pid;		/* 0 once reaped */
	int fd;			/* -1 once the helper is known gone */
	int status;		/* its wait status, if reaped */
	int lost;		/* gone, not yet reported */
};

/* mailpriv_parse - a request's ids into r (emptied first) */
int mailpriv_parse(struct mailrelease *r, const char *req, size_t n)
{
	char id[MAILRELEASE_QID_MAX];
	const char *p = req, *end = req + n, *nl;
	size_t len;

	mailrelease_clear(r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if (len == 0 || len >= sizeof(id))
			goto bad;	/* an empty line, or too long an id */
		memcpy(id, p, len);
		id[len] = 0;
		if (strlen(id) != len || mailrelease_add(r, id) < 0)
			goto bad;	/* a NUL, not a queue id, too many */
		p += len + 1;
	}
	if (mailrelease_pending(r) > 0)
		return 0;
bad:
	mailrelease_clear(r);
	return -1;
}

/* serve_one - check and run one request; its reply byte */
static char serve_one(struct mailrelease *r, const char *req, size_t n)
{
	int rc;

	if (mailpriv_parse(r, req, n) < 0)
		return MAILPRIV_BAD;
	rc = mailrelease_run_wait(r, MAILPRIV_TIMEOUT);
	return rc == 0 ? MAILPRIV_OK : rc == 3 ? MAILPRIV_LATE
					       : MAILPRIV_FAILED;
}

/* serve - the helper's life: requests until the other end closes */
static void serve(int fd, struct mailrelease *r)
{
	static char req[MAILPRIV_REQ_MAX];
	ssize_t n;
	char reply;

	for (;;) {
		n = recv(fd, req, MAILPRIV_REQ_MAX, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		reply = n >= MAILPRIV_REQ_MAX ? MAILPRIV_BAD	/* truncated */
			: serve_one(r, req, (size_t)n);
		if (send(fd, &reply, 1, MSG_NOSIGNAL) < 0 && errno != EINTR)
			return;
	}
}

/* helper - in the child: nothing of the filter's but the socket */
static void helper(int fd, const char *postsuper, const char *config_dir)
{
	struct mailrelease *r = mailrelease_create(postsuper, config_dir);
	sigset_t none;
	int null, sig;

	(void)prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		_exit(0);	/* the filter died before the line above */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (r == NULL || dup2(fd, 3) < 0)
		_exit(1);
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	/* stderr stays: postsuper's own complaints reach the filter's log */
	(void)close_range(4, ~0U, 0);
	serve(3, r);
	_exit(0);
}

/* mailpriv_start - fork the helper */
struct mailpriv *mailpriv_start(const char *postsuper, const char *config_dir)
{
	struct mailpriv *p = calloc(1, sizeof(*p));
	int sv[2], saved;

	if (p == NULL)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	if ((p->pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (p->pid == 0) {
		close(sv[0]);
		helper(sv[1], postsuper, config_dir);
	}
	close(sv[1]);
	p->fd = sv[0];
	(void)fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return p;
fail:
	saved = errno;
	free(p);
	errno = saved;
	return NULL;
}

/* gone - the helper's end is closed or it was reaped */
static void gone(struct mailpriv *p)
{
	if (p->fd < 0)
		return;
	close(p->fd);
	p->fd = -1;
	p->lost = 1;
}

/* mailpriv_run - hand the queued ids over */
int mailpriv_run(struct mailpriv *p, struct mailrelease *r)
{
	static char req[MAILPRIV_REQ_MAX];
	int n = (int)mailrelease_pending(r), len;

	if (n == 0)
		return 0;
	if (p->fd < 0) {
		errno = EPIPE;
		return -1;
	}
	if ((len = mailrelease_join(r, req, sizeof(req))) < 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (send(p->fd, req, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		if (errno == EPIPE || errno == ECONNRESET) {
			gone(p);
			errno = EPIPE;
		}
		return -1;
	}
	mailrelease_clear(r);
	return n;
}

/* mailpriv_release - through the helper, or a child of our own */
int mailpriv_release(struct mailpriv *p, struct mailrelease *r)
{
	return p ? mailpriv_run(p, r) : mailrelease_run(r);
}

/* mailpriv_queue - one id, a full batch handed over first */
int mailpriv_queue(struct mailpriv *p, struct mailrelease *r,
		   const char *queue_id)
{
	if (mailrelease_pending(r) == MAILRELEASE_BATCH &&
	    mailpriv_release(p, r) < 0)
		return -1;
	return mailrelease_add(r, queue_id);
}

/* mailpriv_replies - read what is waiting */
int mailpriv_replies(struct mailpriv *p)
{
	char buf[64];
	ssize_t n, i;
	int failed = 0;

	while (p->fd >= 0) {
		n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			gone(p);
			break;
		}
		if (n < 0)
			break;
		for (i = 0; i < n; i++)
			failed += buf[i] != MAILPRIV_OK;
	}
	return failed;
}

/* mailpriv_reap - the claim function for the helper's SIGCHLD */
int mailpriv_reap(void *ctx, pid_t pid, int status)
{
	struct mailpriv *p = ctx;

	if (p == NULL || p->pid <= 0 || pid != p->pid)
		return 0;
	p->pid = 0;
	p->status = status;
	(void)mailpriv_replies(p);	/* what it answered before */
	gone(p);
	p->lost = 1;
	return 1;
}

/* mailpriv_lost - report a death once */
int mailpriv_lost(struct mailpriv *p, char *why, size_t len)
{
	if (p == NULL || !p->lost)
		return 0;
	p->lost = 0;
	if (p->pid > 0)
		snprintf(why, len, "its socket closed (pid %d)", (int)p->pid);
	else if (WIFSIGNALED(p->status))
		snprintf(why, len, "killed by signal %d", WTERMSIG(p->status));
	else
		snprintf(why, len, "exited with status %d",
			 WEXITSTATUS(p->status));
	return 1;
}

/* mailpriv_pid - the helper's pid */
pid_t mailpriv_pid(const struct mailpriv *p)
{
	return p ? p->pid : 0;
}

/* mailpriv_fd - the unprivileged end */
int mailpriv_fd(const struct mailpriv *p)
{
	return p ? p->fd : -1;
}

/* mailpriv_free - close and wait (the helper exits at end of input) */
void mailpriv_free(struct mailpriv *p)
{
	if (p == NULL)
		return;
	if (p->fd >= 0)
		close(p->fd);
	while (p->pid > 0 && waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(p);
}
