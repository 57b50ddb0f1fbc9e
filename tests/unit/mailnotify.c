/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailnotify.t - the notice when a mail filter starts holding mail
 * DESCRIPTION
 *	notify_command is a shell command writing its input to a file, so
 *	the test reads the very message a sendmail would get; the log line
 *	is read back from stderr, where daemon_log writes in a test. The
 *	send must return before the command ends: a command that sleeps
 *	for 2 s is timed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "clock.h"
#include "daemon.h"
#include "mailnotify.h"
#include "../tap.h"

/* slurp - a file's text */
static const char *slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = 0;
	return buf;
}

/* reap - wait for every child */
static void reap(void)
{
	while (wait(NULL) > 0)
		;
}

int main(void)
{
	char dir[] = "/tmp/mailnotify.XXXXXX", out[64], log[64], cmd[128];
	struct mailconf mc = { 0 };
	uint64_t t0;
	int saved = dup(2), fd;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(out, sizeof(out), "%s/mail", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(cmd, sizeof(cmd), "sleep 2; cat > %s", out);
	t0 = sl_monotonic_ns();
	is_int(mailnotify_send(cmd, "ops@example.org", "subj", "body"), 0,
	       "handed over");
	cmp_ok((int)((sl_monotonic_ns() - t0) / 1000000), <, 1000,
	       "the send returns before a slow command ends (ms)");
	reap();
	is_str(slurp(out), "To: ops@example.org\nSubject: subj\n"
	       "Auto-Submitted: auto-generated\n\nbody\n",
	       "the command gets headers, a blank line and the body");
	is_int(mailnotify_send(cmd, "a@b\nBcc: x@y", "s", "b"), -1,
	       "an address with a line break is refused");

	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	daemon_log_open("mailnotify.t", 1, LOG_MAIL);
	unlink(out);
	snprintf(cmd, sizeof(cmd), "cat > %s", out);
	mc.control_socket = "/run/sluice/policyd.sock";
	mailnotify_held(&mc, "sluice-policyd", "sasl:alice", "locked out");
	reap();
	ok(access(out, F_OK) != 0, "no notify address: no mail");
	mc.notify = "ops@example.org";
	mc.notify_command = cmd;
	mailnotify_held(&mc, "sluice-policyd", "sasl:alice", "locked out");
	reap();
	fflush(stderr);
	dup2(saved, 2);
	ok(strstr(slurp(log), "holding the mail of sasl:alice (locked out) "
		  "until an operator releases it: sluicectl -s "
		  "/run/sluice/policyd.sock release sasl:alice") != NULL,
	   "the log line says what is held and how to release it");
	ok(strstr(slurp(out), "Subject: sluice-policyd: mail of sasl:alice "
		  "held (locked out)\n") != NULL &&
	   strstr(slurp(out), "sluicectl -s /run/sluice/policyd.sock release "
		  "sasl:alice REASON") != NULL,
	   "the mail to notify says the same: %s", slurp(out));
	unlink(out);
	unlink(log);
	rmdir(dir);
	return done_testing();
}
