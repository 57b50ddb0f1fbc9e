/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	senders - many distinct senders through sluice-policyd's socket
 * SYNOPSIS
 *	policy-senders PORT N PID [PROBE_SECONDS]
 * DESCRIPTION
 *	N distinct senders (identity = sender), one RCPT request each,
 *	pipelined in chunks of 2,000 on each of 4 connections to
 *	127.0.0.1:PORT. Every million answers it prints the count, the
 *	seconds so far, and VmRSS and VmHWM of process PID (the policy
 *	server) from /proc/PID/status. Then, for PROBE_SECONDS (default
 *	5), one request at a time from one more sender: the answers and
 *	the longest wait between two (what a snapshot written meanwhile
 *	would stall).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define CONNS 4
#define CHUNK 2000
#define REQ "request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"client_address=10.9.0.1\nsender=s%lu@fill.example.org\n" \
	"recipient=r@example.net\n\n"

static char buf[CHUNK * 192];

/* now_s - monotonic seconds */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* vm_kb - a "Vm...:" line of /proc/PID/status in kB, -1 if none */
static long vm_kb(long pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(fp);
	return v;
}

/* dial - a connection to 127.0.0.1:port */
static int dial(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("policy-senders: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* send_all - all of b */
static void send_all(int fd, const char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, b, n)) <= 0) {
			perror("policy-senders: write");
			exit(1);
		}
		b += w;
		n -= (size_t)w;
	}
}

/* answers - read until want answers (each ends with an empty line) */
static void answers(int fd, unsigned long want)
{
	char r[65536];
	int nl = 0;
	ssize_t n, i;

	while (want > 0) {
		if ((n = read(fd, r, sizeof(r))) <= 0) {
			fprintf(stderr, "policy-senders: the server hung up\n");
			exit(1);
		}
		for (i = 0; i < n; i++) {
			if (r[i] == '\n' && nl) {
				want--;
				nl = 0;
			} else {
				nl = r[i] == '\n';
			}
		}
	}
}

/* chunk - requests from senders first .. first + k - 1 */
static size_t chunk(unsigned long first, unsigned long k)
{
	size_t len = 0;
	unsigned long j;

	for (j = 0; j < k; j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, REQ,
					first + j);
	return len;
}

/* probe - one request at a time for secs: answers and longest gap */
static void probe(int port, double secs)
{
	int fd = dial(port);
	size_t len = (size_t)snprintf(buf, sizeof(buf), REQ, 0UL);
	double end = now_s() + secs, last = now_s(), t, gap = 0;
	unsigned long n = 0;

	while ((t = now_s()) < end) {
		send_all(fd, buf, len);
		answers(fd, 1);
		t = now_s();
		if (t - last > gap)
			gap = t - last;
		last = t;
		n++;
	}
	printf("probe: %lu answers in %.0f s, longest wait %.1f ms\n", n,
	       secs, gap * 1e3);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long n, i = 1, k[CONNS], next = 1000000;
	double t0, secs = 5;
	int fd[CONNS], port, c;
	long pid;

	if (argc < 4) {
		fprintf(stderr, "usage: policy-senders PORT N PID "
			"[PROBE_SECONDS]\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = strtoul(argv[2], NULL, 10);
	pid = strtol(argv[3], NULL, 10);
	if (argc > 4)
		secs = atof(argv[4]);
	for (c = 0; c < CONNS; c++)
		fd[c] = dial(port);
	t0 = now_s();
	printf("senders 0: rss %ld kB hwm %ld kB\n", vm_kb(pid, "VmRSS"),
	       vm_kb(pid, "VmHWM"));
	while (i <= n) {
		for (c = 0; c < CONNS; c++) {
			k[c] = i <= n ? (n - i + 1 < CHUNK ? n - i + 1 : CHUNK) : 0;
			if (k[c])
				send_all(fd[c], buf, chunk(i, k[c]));
			i += k[c];
		}
		for (c = 0; c < CONNS; c++)
			answers(fd[c], k[c]);
		if (i - 1 >= next || i > n) {
			printf("senders %lu: %.1f s rss %ld kB hwm %ld kB\n",
			       i - 1, now_s() - t0, vm_kb(pid, "VmRSS"),
			       vm_kb(pid, "VmHWM"));
			fflush(stdout);
			next += 1000000;
		}
	}
	for (c = 0; c < CONNS; c++)
		close(fd[c]);
	probe(port, secs);
	return 0;
}
