/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apps_connect - added latency of the per-application check per new
 * outbound connection (tests/bench/apps.sh).
 *
 *	apps_connect PORT N CG_ON CG_OFF
 *
 * Forks a listener on 127.0.0.1:PORT (it stays in the cgroup it was
 * started in), then makes 2 N connections to it, timing each
 * socket()+connect() (the close, with SO_LINGER 0 so no TIME_WAIT
 * piles up, is outside the timing). Blocks of BLOCK (apps.sh: 10) alternate between
 * CG_ON (sluiced's program attached) and CG_OFF (none): the process
 * moves itself by writing its pid to cgroup.procs between blocks, so
 * both sides see the same machine at the same moments. Prints, per
 * side, the median and p99 in microseconds and the connections that
 * failed (EPERM for the approved executable would be a
 * misattribution). With N negative it only connects -N times in CG_ON
 * and prints how many were denied (the unapproved copy's run).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#ifndef BLOCK
#define BLOCK 100
#endif

/* ns - monotonic nanoseconds */
static long long ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* listener - accept and close, forever */
static void listener(int fd)
{
	int c;

	for (;;)
		if ((c = accept(fd, NULL, NULL)) >= 0)
			close(c);
}

/* move_to - this process into cgroup dir */
static void move_to(const char *dir)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if ((fp = fopen(path, "w")) == NULL || fprintf(fp, "%d\n", getpid()) < 0
	    || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* one - one timed connection; its nanoseconds, or -errno */
static long long one(const struct sockaddr_in *sa)
{
	struct linger lg = { 1, 0 };
	long long t0 = ns(), t;
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	t = ns() - t0;
	if (rc < 0)
		t = -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return t;
}

/* cmp_ll - qsort */
static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* report - median and p99 of n samples */
static void report(const char *name, long long *v, int n, int failed)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_ll);
	printf("%s n=%d median_us=%.2f p99_us=%.2f failed=%d\n", name, n,
	       v[n / 2] / 1000.0, v[(int)(n * 0.99)] / 1000.0, failed);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long long *on, *off, t;
	int n, lfd, one_ = 1, i, non = 0, noff = 0, fon = 0, foff = 0;
	pid_t lp;

	if (argc != 5)
		return 2;
	n = atoi(argv[2]);
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (n < 0) {		/* the unapproved copy: count denials */
		move_to(argv[3]);
		for (i = 0; i < -n; i++)
			fon += one(&sa) == -EPERM;
		printf("denied %d of %d\n", fon, -n);
		return 0;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one_, sizeof(one_));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4096) < 0) {
		perror("listen");
		return 1;
	}
	if ((lp = fork()) == 0)
		listener(lfd);
	close(lfd);
	on = calloc((size_t)n, sizeof(*on));
	off = calloc((size_t)n, sizeof(*off));
	for (i = 0; i < 2 * n; i++) {
		int side = (i / BLOCK) % 2;

		if (i % BLOCK == 0)
			move_to(side ? argv[4] : argv[3]);
		t = one(&sa);
		if (side == 0 && non < n) {
			if (t < 0)
				fon++;
			else
				on[non++] = t;
		} else if (side == 1 && noff < n) {
			if (t < 0)
				foff++;
			else
				off[noff++] = t;
		}
	}
	kill(lp, SIGKILL);
	waitpid(lp, NULL, 0);
	report("on", on, non, fon);
	report("off", off, noff, foff);
	return 0;
}
