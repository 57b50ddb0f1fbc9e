/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_mix - a LAN's usual first packets, as fast as one core sends
 * SYNOPSIS
 *	bench_mix -s SRC_BASE -n SOURCES -d DST_BASE -D DESTS -t SECONDS
 *		[-r REPEAT_PERCENT] [-p PORT]
 * DESCRIPTION
 *	Sends TCP SYNs through a raw socket (IP_HDRINCL), each from one of
 *	SOURCES consecutive IPv4 addresses from SRC_BASE chosen uniformly
 *	at random, each a new flow (a source port of its own). REPEAT
 *	percent of them (default 90) go to one of that source's five usual
 *	destinations, the rest to a destination chosen at random among
 *	DESTS addresses from DST_BASE (a one-off: the usual five stay).
 *	Packets are built beforehand (a ring of 1 M), so the random
 *	choices are not timed, and go out 64 to a sendmmsg(2). Prints the
 *	packets sent and the seconds taken. Needs CAP_NET_RAW.
 *	BENCH_MIX_DUMP=1 writes the first packet to stdout and exits, to
 *	check it (scapy: checksums).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RING (1u << 20)
#define RECENT 5
#define BATCH 64

struct pkt {
	struct iphdr ip;
	struct tcphdr tcp;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* next - xorshift64 */
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* sum16 - the one's complement sum of len bytes (big-endian words)
   added to sum */
static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

/* csum - the Internet checksum of a sum, in network order */
static uint16_t csum(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* build - one SYN from src to dst, source port sport */
static void build(struct pkt *k, uint32_t src, uint32_t dst, uint16_t sport,
		  uint16_t dport)
{
	uint8_t ph[12];
	uint16_t tl = htons(sizeof(k->tcp));

	memset(k, 0, sizeof(*k));
	k->ip.ihl = 5;
	k->ip.version = 4;
	k->ip.tot_len = htons(sizeof(*k));
	k->ip.ttl = 64;
	k->ip.protocol = IPPROTO_TCP;
	k->ip.saddr = htonl(src);
	k->ip.daddr = htonl(dst);
	k->ip.check = csum(sum16(&k->ip, sizeof(k->ip), 0));
	k->tcp.source = htons(sport);
	k->tcp.dest = htons(dport);
	k->tcp.seq = htonl(next());
	k->tcp.doff = 5;
	k->tcp.syn = 1;
	k->tcp.window = htons(64240);
	/* the pseudo-header: addresses, zero, protocol, TCP length */
	memcpy(ph, &k->ip.saddr, 4);
	memcpy(ph + 4, &k->ip.daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	memcpy(ph + 10, &tl, 2);
	k->tcp.check = csum(sum16(&k->tcp, sizeof(k->tcp),
				  sum16(ph, sizeof(ph), 0)));
}

/* send_batch - BATCH packets of the ring from index at, one syscall */
static void send_batch(int fd, const struct pkt *ring, uint64_t at)
{
	struct sockaddr_in to[BATCH];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	unsigned i;

	memset(m, 0, sizeof(m));
	for (i = 0; i < BATCH; i++) {
		const struct pkt *k = &ring[(at + i) % RING];

		memset(&to[i], 0, sizeof(to[i]));
		to[i].sin_family = AF_INET;
		to[i].sin_addr.s_addr = k->ip.daddr;
		iov[i].iov_base = (void *)k;
		iov[i].iov_len = sizeof(*k);
		m[i].msg_hdr.msg_name = &to[i];
		m[i].msg_hdr.msg_namelen = sizeof(to[i]);
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	if (sendmmsg(fd, m, BATCH, 0) < 0 && errno != ENOBUFS)
		perror("bench_mix: sendmmsg");
}

int main(int argc, char **argv)
{
	uint32_t sbase = 0, dbase = 0, nsrc = 1000, ndst = 4096, pct = 90;
	uint32_t *recent, i, s, d;
	uint16_t port = 9;
	double secs = 5, took;
	struct timespec t0, t1;
	struct pkt *ring;
	uint64_t sent = 0;
	int c, fd, one = 1;

	while ((c = getopt(argc, argv, "s:n:d:D:t:r:p:")) != -1)
		switch (c) {
		case 's': sbase = ntohl(inet_addr(optarg)); break;
		case 'n': nsrc = (uint32_t)atoi(optarg); break;
		case 'd': dbase = ntohl(inet_addr(optarg)); break;
		case 'D': ndst = (uint32_t)atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'r': pct = (uint32_t)atoi(optarg); break;
		case 'p': port = (uint16_t)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_mix -s SRC -n N -d DST -D N "
				"-t SECONDS [-r PCT] [-p PORT]\n");
			return 2;
		}
	if (sbase == 0 || dbase == 0 || nsrc == 0 || ndst < RECENT)
		return 2;
	recent = malloc((size_t)nsrc * RECENT * sizeof(*recent));
	ring = malloc(RING * sizeof(*ring));
	if (recent == NULL || ring == NULL)
		return 1;
	for (i = 0; i < nsrc * RECENT; i++)
		recent[i] = next() % ndst;
	for (i = 0; i < RING; i++) {
		s = next() % nsrc;
		if (next() % 100 < pct)
			d = recent[s * RECENT + next() % RECENT];
		else
			d = next() % ndst;
		build(&ring[i], sbase + s, dbase + d, (uint16_t)(1024 + i % 60000),
		      port);
	}
	if (getenv("BENCH_MIX_DUMP")) {	/* the first packet, for checking */
		fwrite(&ring[0], sizeof(ring[0]), 1, stdout);
		return 0;
	}
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0
	    || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("bench_mix: raw socket");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (i = 0; i < 4096; i += BATCH)
			send_batch(fd, ring, (sent + i) % RING);
		sent += 4096;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		took = (double)(t1.tv_sec - t0.tv_sec)
		    + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (took >= secs)
			break;
	}
	printf("%llu %.3f\n", (unsigned long long)sent, took);
	return 0;
}
