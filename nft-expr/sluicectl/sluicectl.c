/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluicectl - talk to sluiced over its control socket
 * SYNOPSIS
 *	sluicectl [-s SOCKET | -c FILE] [--json] COMMAND [ARG...]
 * DESCRIPTION
 *	Builds one request line from the words, prints the reply body on
 *	stdout, or the reason of an ERR on stderr. "events" keeps the
 *	connection and prints events as they come until interrupted.
 *	Exit status: 0 OK, 1 the daemon refused (ERR) or could not be
 *	reached, 2 bad command line. sluicectl(8) is the manual.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "coreconf.h"
#include "ctl.h"
#include "endpoint.h"

#define REPLY_MAX (16 * 1024 * 1024)
#define TIMEOUT_MS 10000

static const char usage_text[] =
	"usage: sluicectl [-s SOCKET | -c FILE] [--json] COMMAND [ARG...]\n"
	"       sluicectl -V | -h\n"
	"sluiced: status, hosts [all], show HOST, release HOST [REASON],\n"
	"  quarantine HOST [REASON], unquarantine HOST [REASON], whitelist,\n"
	"  events, reload, metrics, bypass on|off, reactions, lift ID [REASON],\n"
	"  apps, approve PATH [SCRIPT], revoke PATH [SCRIPT], fairshare,\n"
	"  contain HOST [DURATION], uncontain HOST\n"
	"sluice-policyd, sluice-milter (-s their control_listen): status,\n"
	"  hosts [all], show IDENTITY, held, release IDENTITY [REASON...],\n"
	"  events, metrics\n";

/* usage - the synopsis, and exit 2 (or 0 for -h) */
static void usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

/* request_build - "[--json ]WORD WORD...", bounded; -1 if too long */
static int request_build(char *buf, size_t len, int json, int argc,
			 char **argv)
{
	size_t o = 0;
	int i, n;

	n = snprintf(buf, len, "%s", json ? "--json" : "");
	o = (size_t)n;
	for (i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") != NULL || argv[i][0] == 0)
			return -1;
		n = snprintf(buf + o, len - o, "%s%s", o ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= len - o)
			return -1;
		o += (size_t)n;
	}
	return o + 1 < CTL_LINE_MAX ? 0 : -1;
}

/* socket_from_config - [core] control_socket of FILE; exits 2 if bad */
static char *socket_from_config(const char *path)
{
	char err[CFG_ERRLEN], *sock;
	struct config *c = config_open(path, err, sizeof(err));
	struct core_conf cc;

	if (c == NULL || coreconf_apply(c, &cc, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluicectl: %s\n", err);
		exit(2);
	}
	sock = strdup(cc.control_socket ? cc.control_socket : CTL_DEFAULT_SOCKET);
	coreconf_release(&cc);
	config_close(c);
	return sock;
}

/* absolute - a relative socket path ("ctl.sock", "unix:run/x.sock")
   made absolute, since the request goes through endpoint_parse, which
   wants a full path; others are returned as given */
static char *absolute(char *sock)
{
	static char buf[4096];
	char cwd[3072];
	const char *p = strncmp(sock, "unix:", 5) == 0 ? sock + 5 : sock;

	if (*p == '/' || strncmp(sock, "inet", 4) == 0 ||
	    strncmp(sock, "local:", 6) == 0 || getcwd(cwd, sizeof(cwd)) == NULL)
		return sock;
	snprintf(buf, sizeof(buf), "%s/%s", cwd, p);
	return buf;
}

/* unreachable - say which socket failed and what to check */
static void unreachable(const char *sock, const char *why)
{
	fprintf(stderr, "sluicectl: %s: %s; check that the daemon runs, or "
		"pass -s SOCKET (sluiced's is [core] control_socket, the mail "
		"filters' their control_listen)\n", sock, why);
}

/* follow - stream events until the daemon or the user ends it */
static int follow(const char *sock, const char *req)
{
	struct endpoint ep;
	char err[256], buf[8192];
	ssize_t n;
	int fd, first = 1;

	if (endpoint_parse(sock, &ep, err, sizeof(err)) < 0
	    || (fd = endpoint_connect(&ep)) < 0) {
		unreachable(sock, errno ? strerror(errno) : err);
		return 1;
	}
	if (dprintf(fd, "%s\n", req) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *body = buf;

		if (first) {	/* the status line */
			char *nl = memchr(buf, '\n', (size_t)n);

			first = 0;
			if (strncmp(buf, "OK", 2) != 0) {
				fprintf(stderr, "sluicectl: %.*s\n", (int)n, buf);
				return 1;
			}
			body = nl ? nl + 1 : buf + n;
		}
		fwrite(body, 1, (size_t)(buf + n - body), stdout);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *sock = NULL, req[CTL_LINE_MAX], *reply;
	int json = 0, c, rc;

	while ((c = getopt_long(argc, argv, "+s:c:jhV", longs, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'c': sock = socket_from_config(optarg); break;
		case 'j': json = 1; break;
		case 'h': usage(0); break;
		case 'V': printf("sluicectl %s\n", SLUICE_VERSION); return 0;
		default: usage(2);
		}
	}
	if (optind >= argc)
		usage(2);
	if (request_build(req, sizeof(req), json, argc - optind, argv + optind) < 0) {
		fprintf(stderr, "sluicectl: request too long or has an empty word\n");
		return 2;
	}
	if (sock == NULL)
		sock = CTL_DEFAULT_SOCKET;
	sock = absolute(sock);
	if (strcmp(argv[optind], "events") == 0)
		return follow(sock, req);
	if ((reply = malloc(REPLY_MAX)) == NULL)
		return 1;
	rc = ctl_call(sock, req, reply, REPLY_MAX, TIMEOUT_MS);
	if (rc < 0)
		unreachable(sock, strerror(errno));
	else if (rc == 1)
		fprintf(stderr, "sluicectl: %s\n", reply);
	else
		fputs(reply, stdout);
	free(reply);
	return rc == 0 ? 0 : 1;
}
