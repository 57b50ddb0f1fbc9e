/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailnotify - a notice when a mail filter starts holding mail
 * DESCRIPTION
 *	See mailnotify.h. The child writes the whole message into the
 *	command's standard input and waits for it, so the daemon itself
 *	only pays for a fork.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/wait.h>

#include "daemon.h"
#include "mailnotify.h"

/* child - in the child: run the command with the message as input */
static void child(const char *command, const char *to, const char *subject,
		  const char *body)
{
	sigset_t none;
	FILE *fp;
	int st;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the daemon blocks some */
	if ((fp = popen(command, "w")) == NULL)
		_exit(1);
	fprintf(fp, "To: %s\nSubject: %s\nAuto-Submitted: auto-generated\n"
		"\n%s\n", to, subject, body);
	st = pclose(fp);
	_exit(st == 0 ? 0 : 1);
}

/* mailnotify_send - fork and forget */
int mailnotify_send(const char *command, const char *to,
		    const char *subject, const char *body)
{
	pid_t pid;

	if (command == NULL || to == NULL || strpbrk(to, "\r\n") != NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		child(command, to, subject, body);
	return 0;
}

/* mailnotify_held - the log line, and the mail if asked */
void mailnotify_held(const struct mailconf *mc, const char *prog,
		     const char *identity, const char *why)
{
	char subject[256], body[1024];

	daemon_log(LOG_NOTICE, "holding the mail of %s (%s) until an "
		   "operator releases it: sluicectl -s %s release %s",
		   identity, why, mc->control_socket ? mc->control_socket :
		   "SOCKET", identity);
	if (mc->notify == NULL)
		return;
	snprintf(subject, sizeof(subject), "%s: mail of %s held (%s)", prog,
		 identity, why);
	snprintf(body, sizeof(body), "%s holds the mail of %s (%s) until an "
		 "operator releases it.\n\nHeld messages:  sluicectl -s %s "
		 "held\nRelease:        sluicectl -s %s release %s REASON\n",
		 prog, identity, why, mc->control_socket ? mc->control_socket :
		 "SOCKET", mc->control_socket ? mc->control_socket : "SOCKET",
		 identity);
	if (mailnotify_send(mc->notify_command, mc->notify, subject, body) < 0)
		daemon_log(LOG_WARNING, "notify %s: %s", mc->notify,
			   strerror(errno));
}
