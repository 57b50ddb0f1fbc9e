/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	load - policy-protocol load client for the benchmark
 * SYNOPSIS
 *	policy-load PORT CONNECTIONS SECONDS [lat]
 * DESCRIPTION
 *	One thread per persistent connection to 127.0.0.1:PORT; each sends
 *	a request of the size and shape Postfix 3.7 sends at RCPT, waits
 *	for the reply, and repeats. Connection i is SASL user "user<i>"
 *	mailing five recipients in turn (a person's working set), so a
 *	throttle passes every request. Prints the requests per second
 *	answered by all connections together; with "lat", also the median
 *	and 99th percentile of the request latency in microseconds (10 us
 *	buckets, over 100 ms counted as 100 ms).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define LAT_BUCKETS 10001	/* 10 us each */

static int port, seconds, lat;
static volatile int stop;

struct worker {
	pthread_t th;
	int id;
	unsigned long done;
	int failed;
	unsigned long hist[LAT_BUCKETS];
};

/* us_since - microseconds from a to now */
static long us_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000L + (b.tv_nsec - a->tv_nsec) / 1000;
}

/* request - a Postfix-like RCPT request */
static size_t request(char *buf, size_t len, int id, unsigned long n)
{
	return (size_t)snprintf(buf, len,
		"request=smtpd_access_policy\nprotocol_state=RCPT\n"
		"protocol_name=ESMTP\nclient_address=192.0.2.%d\n"
		"client_name=host%d.example.org\nclient_port=%lu\n"
		"reverse_client_name=host%d.example.org\n"
		"server_address=127.0.0.1\nserver_port=25\n"
		"helo_name=host%d.example.org\nsender=user%d@example.org\n"
		"recipient=friend%lu@example.net\nrecipient_count=0\n"
		"queue_id=\nstress=\nsize=0\netrn_domain=\n"
		"instance=%x.%lx\nsasl_method=PLAIN\nsasl_username=user%d\n"
		"sasl_sender=\nccert_subject=\nccert_issuer=\n"
		"ccert_fingerprint=\nccert_pubkey_fingerprint=\n"
		"encryption_protocol=TLSv1.3\n"
		"encryption_cipher=TLS_AES_256_GCM_SHA384\n"
		"encryption_keysize=256\npolicy_context=\n"
		"compatibility_level=3.6\nmail_version=3.7.11\n\n",
		id % 250 + 1, id, 40000 + n % 20000, id, id, id, n % 5,
		id, n, id);
}

/* run - one connection's loop */
static void *run(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char req[2048], buf[4096];
	size_t rl, have;
	ssize_t r;
	int fd, one = 1;

	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		w->failed = 1;
		return NULL;
	}
	while (!stop) {
		struct timespec t0;
		long us;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rl = request(req, sizeof(req), w->id, w->done);
		if (write(fd, req, rl) != (ssize_t)rl) {
			w->failed = 1;
			break;
		}
		have = 0;
		do {
			r = read(fd, buf + have, sizeof(buf) - have - 1);
			if (r <= 0) {
				w->failed = 1;
				goto out;
			}
			have += (size_t)r;
			buf[have] = 0;
		} while (!(have >= 2 && buf[have - 1] == '\n' &&
			   buf[have - 2] == '\n'));
		w->done++;
		us = us_since(&t0) / 10;
		w->hist[us < LAT_BUCKETS ? us : LAT_BUCKETS - 1]++;
	}
out:
	close(fd);
	return NULL;
}

/* pct - the latency (us) below which q of all requests fell */
static long pct(const struct worker *w, int n, unsigned long total, double q)
{
	unsigned long want = (unsigned long)(q * (double)total), seen = 0;
	long b;
	int i;

	for (b = 0; b < LAT_BUCKETS; b++) {
		for (i = 0; i < n; i++)
			seen += w[i].hist[b];
		if (seen > want)
			return b * 10;
	}
	return (LAT_BUCKETS - 1) * 10;
}

/* main - run the connections for SECONDS and report */
int main(int argc, char **argv)
{
	struct worker *w;
	struct timespec a, b;
	unsigned long total = 0;
	int n, i, failed = 0;
	double el;

	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "lat") == 0)) {
		fprintf(stderr, "usage: policy-load PORT CONNECTIONS SECONDS [lat]\n");
		return 2;
	}
	lat = argc == 5;
	port = atoi(argv[1]);
	n = atoi(argv[2]);
	seconds = atoi(argv[3]);
	w = calloc((size_t)n, sizeof(*w));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		w[i].id = i;
		pthread_create(&w[i].th, NULL, run, &w[i]);
	}
	sleep((unsigned)seconds);
	stop = 1;
	for (i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].done;
		failed += w[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	el = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (lat)
		printf("%.0f %ld %ld\n", (double)total / el, pct(w, n, total, 0.5),
		       pct(w, n, total, 0.99));
	else
		printf("%.0f\n", (double)total / el);
	if (failed)
		fprintf(stderr, "policy-load: %d connection(s) failed\n", failed);
	free(w);
	return failed ? 1 : 0;
}
