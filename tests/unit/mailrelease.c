/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailrelease.t - held mail handed to postsuper, in batches
 * DESCRIPTION
 *	Stand-ins for postsuper and postqueue (shell scripts in a
 *	temporary directory) record their arguments and input, so the
 *	test sees exactly what a real Postfix would be told: which
 *	instance (-c DIR), which ids, and postqueue -i after postsuper -H.
 *	strdup() is replaced to fail on demand: the paths must never be
 *	half copied (a lost config_dir would release mail of the default
 *	Postfix instance instead).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "mailpriv.h"
#include "mailrelease.h"
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <sys/socket.h>
#include "../tap.h"

static int strdup_fail_at, strdup_calls, strdup_kept;

/* strdup - counts calls; the strdup_fail_at-th one fails */
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (++strdup_calls == strdup_fail_at) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(n)) != NULL) {
		memcpy(p, s, n);
		strdup_kept++;
	}
	return p;
}

static char dir[] = "/tmp/mailrelease.XXXXXX";
static char postsuper[64], log_path[64];

/* script - write an executable stand-in */
static void script(const char *name, const char *body)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fprintf(fp, "#!/bin/sh\n%s", body);
	fclose(fp);
	chmod(path, 0755);
}

/* slurp - the log, "" if none; then truncate it */
static const char *slurp(void)
{
	static char buf[65536];
	FILE *fp = fopen(log_path, "r");
	size_t n = 0;

	if (fp) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = 0;
	if (truncate(log_path, 0) < 0 && errno != ENOENT)
		abort();
	return buf;
}

/* reap - wait for the children of one run; how many failed. Up to a
   minute: a batch of postqueue runs took over the old 5 s under
   sanitizers on a loaded machine, and a child still running then wrote
   its lines into the next test's log */
static int reap(struct mailrelease *r)
{
	int failed = 0, i;
	siginfo_t info;

	for (i = 0; i < 6000; i++) {
		failed += mailrelease_reap(r);
		/* any child left? WNOWAIT: look, never reap one ourselves,
		   or its failure would not be counted */
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0
		    && errno == ECHILD)
			break;
		usleep(10000);
	}
	return failed;
}

static void setup(void)
{
	char body[1024];

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(postsuper, sizeof(postsuper), "%s/postsuper", dir);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	snprintf(body, sizeof(body), "echo \"postsuper $*\" >>%s\n"
		 "while read id; do echo \"stdin $id\" >>%s; done\n"
		 "[ -e %s/slow ] && { echo $$ >%s/slow.pid; exec sleep 30; }\n"
		 "[ -e %s/fail ] && exit 1\nexit 0\n", log_path, log_path, dir,
		 dir, dir);
	script("postsuper", body);
	snprintf(body, sizeof(body), "echo \"postqueue $*\" >>%s\n", log_path);
	script("postqueue", body);
}

/* fail_path - the flag that makes the stand-in postsuper fail */
static const char *fail_path(void)
{
	static char flag[300];

	snprintf(flag, sizeof(flag), "%s/fail", dir);
	return flag;
}

static void test_release(void)
{
	struct mailrelease *r = mailrelease_create(postsuper, "/etc/postfix-x");

	ok(r != NULL, "created");
	is_int(mailrelease_add(r, "4XyZ1b2C3d"), 0, "a long queue id");
	is_int(mailrelease_add(r, "A1B2C3"), 0, "a short queue id");
	is_uint(mailrelease_pending(r), 2, "two pending");
	is_int(mailrelease_run(r), 2, "both handed over");
	is_uint(mailrelease_pending(r), 0, "none pending after the run");
	is_int(reap(r), 0, "postsuper and postqueue succeeded");
	is_str(slurp(), "postsuper -c /etc/postfix-x -H -\n"
	       "stdin 4XyZ1b2C3d\nstdin A1B2C3\n"
	       "postqueue -c /etc/postfix-x -i 4XyZ1b2C3d\n"
	       "postqueue -c /etc/postfix-x -i A1B2C3\n",
	       "postsuper -H on the right instance, then postqueue -i each");
	is_int(mailrelease_run(r), 0, "an empty run starts nothing");
	mailrelease_free(r);

	r = mailrelease_create(postsuper, NULL);
	mailrelease_add(r, "B1");
	mailrelease_run(r);
	reap(r);
	is_str(slurp(), "postsuper -H -\nstdin B1\npostqueue -i B1\n",
	       "no config_dir: Postfix's default instance, no -c");
	mailrelease_free(r);
	mailrelease_free(NULL);
}

static void test_bounds(void)
{
	static const char *const bad[] = { "", "../etc", "A1 B2", "a;rm",
		"0123456789012345678901234567890123", "x\n" };
	struct mailrelease *r = mailrelease_create(postsuper, "");
	char id[16];
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(mailrelease_add(r, bad[i]), -1, "not a queue id: \"%s\"",
		       bad[i]);
	is_uint(mailrelease_pending(r), 0, "nothing queued from them");
	for (i = 0; i < MAILRELEASE_BATCH; i++) {
		snprintf(id, sizeof(id), "Q%zu", i);
		n += mailrelease_add(r, id) == 0;
	}
	is_int(n, MAILRELEASE_BATCH, "a full batch");
	is_int(mailrelease_add(r, "QFULL"), -1, "add refuses past the batch");
	is_int(mailrelease_queue(r, "QNEXT"), 0,
	       "queue hands the full batch over and takes the id");
	is_uint(mailrelease_pending(r), 1, "the new batch holds it");
	is_int(mailrelease_queue(r, "../x"), -1, "queue refuses a bad id too");
	reap(r);
	slurp();
	mailrelease_run(r);
	is_int(reap(r), 0, "the second batch went out");
	ok(strstr(slurp(), "postqueue -i QNEXT") != NULL, "with QNEXT in it");
	mailrelease_free(r);
}

static void test_failure(void)
{
	const char *flag = fail_path();
	struct mailrelease *r = mailrelease_create(postsuper, NULL);
	FILE *fp;

	fp = fopen(flag, "w");
	fclose(fp);
	mailrelease_add(r, "C1");
	mailrelease_run(r);
	is_int(reap(r), 1, "a failing postsuper is counted");
	ok(strstr(slurp(), "postqueue") == NULL,
	   "and postqueue is not run after it");
	unlink(flag);
	mailrelease_free(r);
	{
		struct mailrelease *none = mailrelease_create("", NULL);
		int e = errno;

		ok(none == NULL && e == EINVAL, "an empty postsuper path is "
		   "refused: got errno %d, want EINVAL", none ? 0 : e);
	}
	{
		char *longp = malloc(MAILRELEASE_PATH_MAX + 1);

		memset(longp, 'x', MAILRELEASE_PATH_MAX);
		longp[MAILRELEASE_PATH_MAX] = 0;
		ok(mailrelease_create(postsuper, longp) == NULL &&
		   errno == ENAMETOOLONG, "an over-long config_dir is refused");
		free(longp);
	}
}

struct claim { pid_t pid; int status, calls; };

/* claim_own - mailrelease_claim_fn: takes the child c->pid */
static int claim_own(void *ctx, pid_t pid, int status)
{
	struct claim *c = ctx;

	c->calls++;
	if (pid != c->pid)
		return 0;
	c->status = status;
	c->pid = 0;
	return 1;
}

/* test_claim - another child of the process (sluice-policyd's
   snapshot) goes to its owner, with its status, and is not counted */
static void test_claim(void)
{
	struct mailrelease *r = mailrelease_create(postsuper, NULL);
	struct claim c = { 0, -1, 0 };
	int failed = 0, i;

	if ((c.pid = fork()) == 0)
		_exit(3);
	mailrelease_add(r, "D1");
	mailrelease_run(r);
	for (i = 0; i < 6000; i++) {
		failed += mailrelease_reap_with(r, claim_own, &c);
		if (waitid(P_ALL, 0, &(siginfo_t){ 0 },
			   WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD)
			break;
		usleep(10000);
	}
	is_int(c.pid, 0, "the other child was claimed by its owner");
	ok(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 3,
	   "with its exit status (3)");
	is_int(failed, 0, "and not counted as a failed postsuper run");
	ok(c.calls >= 2, "the postsuper child was offered too, and declined");
	slurp();
	mailrelease_free(r);
}

static void test_copies(void)
{
	struct mailrelease *r;
	int kept;

	/* the first copy (of the postsuper path) fails */
	strdup_calls = strdup_kept = 0;
	strdup_fail_at = 1;
	r = mailrelease_create(postsuper, "/etc/postfix-y");
	kept = strdup_kept;
	strdup_fail_at = 0;
	ok(r != NULL || kept == 0, "a failed copy leaves no other copy "
	   "behind: got %d kept after the failure, want 0", kept);
	if (r) {
		mailrelease_add(r, "D1");
		mailrelease_run(r);
		reap(r);
		is_str(slurp(), "postsuper -c /etc/postfix-y -H -\nstdin D1\n"
		       "postqueue -c /etc/postfix-y -i D1\n",
		       "... and the release still goes to the right instance");
	}
	mailrelease_free(r);
	/* the second copy (of config_dir) fails */
	strdup_calls = 0;
	strdup_fail_at = 2;
	r = mailrelease_create(postsuper, "/etc/postfix-y");
	strdup_fail_at = 0;
	if (r) {
		mailrelease_add(r, "D2");
		mailrelease_run(r);
		reap(r);
		ok(strstr(slurp(), "postsuper -c /etc/postfix-y -H -") != NULL,
		   "a failed copy of config_dir never sends postsuper to the "
		   "default instance");
	} else {
		ok(errno == ENOMEM, "a failed copy of config_dir fails the "
		   "create (errno %d)", errno);
	}
	mailrelease_free(r);
}

/* priv_reply - the helper's next reply byte (10 s at most), 0 if none */
static char priv_reply(struct mailpriv *p)
{
	struct pollfd pf = { .fd = mailpriv_fd(p), .events = POLLIN };
	char c = 0;

	if (poll(&pf, 1, 10000) == 1 && recv(pf.fd, &c, 1, 0) != 1)
		c = 0;
	return c;
}

/* priv_raw - one request as a compromised filter could send it: the
   helper's reply */
static char priv_raw(struct mailpriv *p, const char *req, size_t len)
{
	if (send(mailpriv_fd(p), req, len, MSG_NOSIGNAL) != (ssize_t)len)
		return 0;
	return priv_reply(p);
}

/* test_priv - the privileged helper: good ids run postsuper and
   postqueue with the fixed argv; anything that is not a list of queue
   ids is refused unrun; a failed postsuper is counted; its death is
   reported once and later releases fail */
static void test_priv(void)
{
	static char big[MAILPRIV_REQ_MAX + 100];
	struct mailrelease *r = mailrelease_create(postsuper, "/etc/pfx");
	struct mailpriv *p = mailpriv_start(postsuper, "/etc/pfx");
	char why[128];
	pid_t pid;
	int st;

	if (!ok(r != NULL && p != NULL && mailpriv_pid(p) > 0,
		"helper started"))
		return;
	slurp();
	mailrelease_add(r, "4XyZ1b2C3d");
	mailrelease_add(r, "ABC123");
	is_int(mailpriv_run(p, r), 2, "two ids handed to the helper");
	is_int(mailrelease_pending(r), 0, "and no longer queued here");
	is_int(priv_reply(p), MAILPRIV_OK, "the helper says released");
	is_str(slurp(), "postsuper -c /etc/pfx -H -\nstdin 4XyZ1b2C3d\n"
	       "stdin ABC123\npostqueue -c /etc/pfx -i 4XyZ1b2C3d\n"
	       "postqueue -c /etc/pfx -i ABC123\n",
	       "postsuper -H and postqueue -i with the fixed argv");
	is_int(priv_raw(p, "ABC123\n../../etc/passwd\n", 24), MAILPRIV_BAD,
	       "a path among the ids: refused");
	is_int(priv_raw(p, "ABC;rm -rf /\n", 13), MAILPRIV_BAD,
	       "shell words: refused");
	is_int(priv_raw(p, "-d ALL\n", 7), MAILPRIV_BAD,
	       "a postsuper option: refused");
	is_int(priv_raw(p, "ABC\0DEF\n", 8), MAILPRIV_BAD, "a NUL: refused");
	is_int(priv_raw(p, "\n", 1), MAILPRIV_BAD, "no id: refused");
	memset(big, 'A', sizeof(big));
	is_int(priv_raw(p, big, sizeof(big)), MAILPRIV_BAD,
	       "a request past %d bytes: refused", MAILPRIV_REQ_MAX);
	is_str(slurp(), "", "and none of them ran postsuper");
	is_int(priv_raw(p, "DEF456\n", 7), MAILPRIV_OK,
	       "a good id after them still runs (control)");
	is_str(slurp(), "postsuper -c /etc/pfx -H -\nstdin DEF456\n"
	       "postqueue -c /etc/pfx -i DEF456\n", "... that id alone");
	close(open(fail_path(), O_WRONLY | O_CREAT, 0600));
	mailrelease_add(r, "FAIL1");
	mailpriv_run(p, r);
	usleep(1000);
	st = 0;
	for (pid = 0; pid < 1000 && (st = mailpriv_replies(p)) == 0; pid++)
		usleep(10000);
	is_int(st, 1, "a failed postsuper is counted");
	unlink(fail_path());
	slurp();
	is_int(mailpriv_lost(p, why, sizeof(why)), 0, "alive: nothing lost");
	pid = mailpriv_pid(p);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	is_int(mailpriv_reap(p, pid + 1, st), 0, "another child is not the helper");
	is_int(mailpriv_reap(p, pid, st), 1, "the helper's end is claimed");
	is_int(mailpriv_lost(p, why, sizeof(why)), 1, "its death is reported");
	is_str(why, "killed by signal 9", "with the signal");
	is_int(mailpriv_lost(p, why, sizeof(why)), 0, "once");
	mailrelease_add(r, "GHI789");
	errno = 0;
	is_int(mailpriv_run(p, r), -1, "a release after it fails");
	is_int(errno, EPIPE, "with EPIPE");
	mailpriv_free(p);
	mailrelease_free(r);
}

/* gone_pid - the pid in PATH.pid no longer runs (5 s to go) */
static int gone_pid(const char *path)
{
	char f[320];
	FILE *fp;
	int pid = 0, i;

	snprintf(f, sizeof(f), "%s.pid", path);
	if ((fp = fopen(f, "r")) == NULL || fscanf(fp, "%d", &pid) != 1)
		pid = 0;
	if (fp)
		fclose(fp);
	unlink(f);
	for (i = 0; pid > 0 && i < 500 && kill(pid, 0) == 0; i++)
		usleep(10000);
	return pid > 0 && kill(pid, 0) < 0;
}

/* test_late - a postsuper past the timeout is killed, with its whole
   process group: run_wait says 3 in about the timeout, not 30 s */
static void test_late(void)
{
	struct mailrelease *r = mailrelease_create(postsuper, NULL);
	char slow[300];
	time_t t0;
	int rc;

	snprintf(slow, sizeof(slow), "%s/slow", dir);
	close(open(slow, O_WRONLY | O_CREAT, 0600));
	mailrelease_add(r, "SLOW1");
	t0 = time(NULL);
	rc = mailrelease_run_wait(r, 1);
	is_int(rc, 3, "a postsuper that hangs is killed after the timeout");
	ok(time(NULL) - t0 < 20, "well before it would have ended (%ld s)",
	   (long)(time(NULL) - t0));
	unlink(slow);
	ok(gone_pid(slow), "and the hanging postsuper is gone too");
	slurp();
	mailrelease_add(r, "FAST1");
	is_int(mailrelease_run_wait(r, 10), 0, "a prompt one is not (control)");
	slurp();
	mailrelease_free(r);
}

/* test_priv_eof - a helper gone without our SIGCHLD (its socket
   closed): noticed by the reply reader, reported once */
static void test_priv_eof(void)
{
	struct mailpriv *p = mailpriv_start(postsuper, NULL);
	char why[128];
	int st;

	if (!ok(p != NULL, "another helper"))
		return;
	kill(mailpriv_pid(p), SIGTERM);
	for (st = 0; st < 1000 && mailpriv_fd(p) >= 0; st++) {
		mailpriv_replies(p);
		usleep(10000);
	}
	is_int(mailpriv_lost(p, why, sizeof(why)), 1,
	       "a closed socket is a lost helper");
	ok(strstr(why, "socket closed") != NULL, "said so: %s", why);
	mailpriv_free(p);
}

int main(void)
{
	char cmd[300];

	setup();
	test_release();
	test_bounds();
	test_failure();
	test_claim();
	test_copies();
	test_priv();
	test_priv_eof();
	test_late();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
