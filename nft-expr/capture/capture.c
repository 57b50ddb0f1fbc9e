/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture - sluiced's honeypot on dark addresses: queue in, raw out
 * DESCRIPTION
 *	See capture.h. Every queued packet is dropped: the answer, if any,
 *	is ours, and a dark address must never reach whatever the route
 *	says lies behind it. The records are swept every CAP_SWEEP_S, not
 *	every second: the walk visits each record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter.h>

#include "capture/capture.h"
#include "capture/cap_seg.h"
#include "queue/nfqueue.h"

#define CAP_SWEEP_S 10
#define CAP_HEADROOM 128	/* IP and TCP headers before the payload */
#define CAP_QUEUE_MAXLEN 8192
#define CAP_RCVBUF (8 << 20)

struct capture {
	struct nfqueue *q;
	int raw4, raw6;
	struct cap_resp *resp;
	struct cap_hit *hit;
	const struct cap_conf *conf;	/* the daemon's; outlives us */
	uint64_t next_sweep;
	struct capture_stats st;
};

/* raw_open - a raw socket that sends whole IP packets */
static int raw_open(int family, char *err, size_t errlen)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_RAW);

	if (fd < 0)
		snprintf(err, errlen, "capture: raw IPv%d socket: %s",
			 family == AF_INET ? 4 : 6, strerror(errno));
	return fd;
}

/* capture_open - queue, raw sockets, tables */
struct capture *capture_open(const struct cap_conf *c, int fail_open,
			     const uint8_t secret[16],
			     const struct cap_hit_ops *ops, void *ctx,
			     char *err, size_t errlen)
{
	struct nfqueue_conf qc = {
		.queue = { (uint16_t)c->queue }, .fail_open = { fail_open },
		.nqueues = 1, .maxlen = CAP_QUEUE_MAXLEN, .rcvbuf = CAP_RCVBUF,
		.copy_range = c->sample_bytes + CAP_HEADROOM,
	};
	struct capture *cap = calloc(1, sizeof(*cap));

	if (cap == NULL) {
		snprintf(err, errlen, "capture: out of memory");
		return NULL;
	}
	cap->raw4 = cap->raw6 = -1;
	cap->conf = c;
	if ((cap->resp = cap_resp_create(secret, c->mem_cap,
					 c->hold_timeout_ns)) == NULL) {
		snprintf(err, errlen, "capture: [capture] mem_cap: %s",
			 strerror(errno));
		capture_close(cap);
		return NULL;
	}
	if ((cap->hit = cap_hit_create(c, secret, ops, ctx, err, errlen)) == NULL
	    || (cap->raw4 = raw_open(AF_INET, err, errlen)) < 0
	    || (cap->raw6 = raw_open(AF_INET6, err, errlen)) < 0
	    || (cap->q = nfqueue_open(&qc, err, errlen)) == NULL) {
		capture_close(cap);
		return NULL;
	}
	return cap;
}

/* capture_close - accepts NULL */
void capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	nfqueue_close(cap->q);
	if (cap->raw4 >= 0)
		close(cap->raw4);
	if (cap->raw6 >= 0)
		close(cap->raw6);
	cap_hit_free(cap->hit);
	cap_resp_free(cap->resp);
	free(cap);
}

/* capture_fd - for epoll */
int capture_fd(const struct capture *cap)
{
	return nfqueue_fd(cap->q);
}

/* send_reply - one segment through the raw socket of its family */
static void send_reply(struct capture *cap, const struct cap_reply *r)
{
	uint8_t buf[CAP_SEG_MAX];
	size_t n = cap_seg_build(r, buf, sizeof(buf));
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	ssize_t rc;

	if (n == 0) {
		cap->st.send_errors++;
		return;
	}
	if (r->dst.family == 4) {
		memcpy(&s4.sin_addr, r->dst.b, 4);
		rc = sendto(cap->raw4, buf, n, 0, (struct sockaddr *)&s4, sizeof(s4));
	} else {
		memcpy(&s6.sin6_addr, r->dst.b, 16);
		rc = sendto(cap->raw6, buf, n, 0, (struct sockaddr *)&s6, sizeof(s6));
	}
	if (rc == (ssize_t)n)
		cap->st.replies++;
	else
		cap->st.send_errors++;
}

/* capture_packet - one packet: answer and note */
void capture_packet(struct capture *cap, const uint8_t *p, size_t len,
		    uint64_t now_ns)
{
	struct cap_reply r;
	struct cap_seg s;
	enum cap_what w;
	int answer = 0;

	cap->st.packets++;
	if (cap_seg_parse(p, len, &s) != CAP_SEG_TCP && s.kind != CAP_SEG_UDP) {
		cap->st.other++;
		return;
	}
	if (!cap_conf_port(cap->conf, s.dport)) {
		cap->st.ports_off++;
		return;
	}
	w = cap_resp_segment(cap->resp, &s, now_ns, &r, &answer);
	if (answer)
		send_reply(cap, &r);
	cap_hit_note(cap->hit, &s, w, now_ns);
}

struct burst {
	struct capture *cap;
	uint64_t now;
};

/* on_packet - nfqueue_fn: every packet dropped, then looked at */
static void on_packet(void *ctx, const struct nfqueue_pkt *p)
{
	struct burst *b = ctx;

	nfqueue_verdict(b->cap->q, p->queue, p->id, NF_DROP);
	capture_packet(b->cap, p->data, p->len, b->now);
}

/* capture_read - one burst, verdicts sent at once; packets read, or
   -1 with errno */
int capture_read(struct capture *cap, uint64_t now_ns)
{
	struct burst b = { cap, now_ns };

	int n = nfqueue_read(cap->q, on_packet, &b), e = errno;

	if (nfqueue_flush(cap->q) < 0 && n >= 0)
		return -1;
	errno = e;
	return n;
}

/* capture_tick - once a second */
void capture_tick(struct capture *cap, uint64_t now_ns, int64_t wall_s)
{
	cap_hit_tick(cap->hit, now_ns, wall_s);
	if (now_ns < cap->next_sweep)
		return;
	cap->next_sweep = now_ns + CAP_SWEEP_S * 1000000000ULL;
	cap_resp_sweep(cap->resp, now_ns, CAPTURE_PROBE_NS);
}

/* capture_reconf - follow the daemon's reloaded configuration */
void capture_reconf(struct capture *cap, const struct cap_conf *c)
{
	cap->conf = c;
}

/* capture_stats - counters */
void capture_stats(const struct capture *cap, struct capture_stats *out)
{
	*out = cap->st;
	cap_hit_stats(cap->hit, &out->hit);
	cap_resp_stats(cap->resp, &out->resp);
}
