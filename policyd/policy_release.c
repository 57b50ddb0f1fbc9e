/*
 * NAME
 *	policy_release - release held messages with postsuper(1)
 * DESCRIPTION
 *	See policy_release.h. A batch fits in a pipe buffer (512 ids of
 *	at most 32 bytes, well under 64 KiB), so the parent writes it
 *	whole and never blocks on the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "policy_release.h"
#include "policy_held.h"

struct policy_release {
	char *postsuper;
	char *config_dir;
	char ids[RELEASE_BATCH][HELD_QID_MAX];
	size_t n;
};

/* policy_release_create - remember how to run postsuper */
struct policy_release *policy_release_create(const char *postsuper,
					     const char *config_dir)
{
	struct policy_release *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->postsuper = strdup(postsuper ? postsuper : "/usr/sbin/postsuper");
	r->config_dir = config_dir && *config_dir ? strdup(config_dir) : NULL;
	if (r->postsuper == NULL) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

/* policy_release_free - accepts NULL */
void policy_release_free(struct policy_release *r)
{
	if (r == NULL)
		return;
	free(r->postsuper);
	free(r->config_dir);
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
	return i > 0 && i < HELD_QID_MAX;
}

/* policy_release_add - queue one id */
int policy_release_add(struct policy_release *r, const char *queue_id)
{
	if (!qid_ok(queue_id) || r->n == RELEASE_BATCH)
		return -1;
	strcpy(r->ids[r->n++], queue_id);
	return 0;
}

/* child_exec - in the child: ids on stdin, run postsuper */
static void child_exec(struct policy_release *r, int rfd)
{
	char *argv[6];
	int i = 0;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the daemon blocks some */
	dup2(rfd, 0);
	argv[i++] = r->postsuper;
	if (r->config_dir) {
		argv[i++] = "-c";
		argv[i++] = r->config_dir;
	}
	argv[i++] = "-H";
	argv[i++] = "-";
	argv[i] = NULL;
	execv(r->postsuper, argv);
	_exit(127);
}

/* policy_release_run - hand the batch to a postsuper child */
int policy_release_run(struct policy_release *r)
{
	int p[2], n = (int)r->n;
	pid_t pid;
	size_t i;
	ssize_t w;

	if (r->n == 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		child_exec(r, p[0]);
	close(p[0]);
	for (i = 0; i < r->n; i++) {
		char line[HELD_QID_MAX + 1];
		size_t l = strlen(r->ids[i]);

		memcpy(line, r->ids[i], l);
		line[l] = '\n';
		do
			w = write(p[1], line, l + 1);
		while (w < 0 && errno == EINTR);
	}
	close(p[1]);
	r->n = 0;
	return n;
}

/* policy_release_pending - ids waiting */
size_t policy_release_pending(const struct policy_release *r)
{
	return r->n;
}

/* policy_release_reap - collect children */
int policy_release_reap(struct policy_release *r)
{
	int st, failed = 0;
	pid_t pid;

	(void)r;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	return failed;
}
