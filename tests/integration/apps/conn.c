/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conn - connect once to 127.0.0.1:PORT and exit: 0 connected, 3 refused
 * by the per-application policy (EPERM), 4 anything else; with -t it
 * prints how long it lived, in microseconds, from main to exit.
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
#include <sys/socket.h>

/* us - monotonic microseconds */
static long long us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long long t0 = us();
	int fd, rc, timed = argc > 2 && strcmp(argv[2], "-t") == 0;

	if (argc < 2)
		return 2;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0
	     : errno == EPERM ? 3 : 4;
	close(fd);
	if (timed)
		printf("%d %lld\n", rc, us() - t0);
	return rc;
}
