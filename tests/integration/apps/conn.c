/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conn - connect once to 127.0.0.1:PORT and exit: 0 connected, 3 refused
 * by the per-application policy (EPERM), 4 anything else (ECONNREFUSED:
 * the connection got past the policy to a port nobody listens on); with
 * -t it prints how long it lived, in microseconds, from main to exit;
 * with -u it sends one unconnected UDP datagram instead (0 sent); with
 * -6 it connects to [::1]:PORT.
 * Built by sluiced_apps.t; copies of it are the executables judged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/types.h>
#include <sys/socket.h>

/* us - monotonic microseconds */
static long long us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* attempt - the one connection (or datagram) argv asks for; 0, 3 or 4 */
static int attempt(const char *port, const char *opt)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	int six = opt && strcmp(opt, "-6") == 0, udp = opt && strcmp(opt, "-u") == 0;
	int fd, rc;

	sa.sin_port = sa6.sin6_port = htons((unsigned short)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa6.sin6_addr = in6addr_loopback;
	fd = socket(six ? AF_INET6 : AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (udp)
		rc = sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)) == 1 ? 0 : -1;
	else if (six)
		rc = connect(fd, (struct sockaddr *)&sa6, sizeof(sa6));
	else
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	rc = rc == 0 ? 0 : errno == EPERM ? 3 : 4;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	long long t0 = us();
	int rc;

	if (argc < 2)
		return 2;
	rc = attempt(argv[1], argc > 2 ? argv[2] : NULL);
	if (argc > 2 && strcmp(argv[2], "-t") == 0)
		printf("%d %lld\n", rc, us() - t0);
	return rc;
}
