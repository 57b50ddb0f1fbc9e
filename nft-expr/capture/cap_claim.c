/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_claim - on-link addresses nobody answers for, claimed by ARP
 * DESCRIPTION
 *	See cap_claim.h. An address's record holds when it was first
 *	asked for without having spoken since, when it last spoke, and
 *	whether it is claimed. The table is open-addressed by address with
 *	a short probe; when the probe finds no free slot an unclaimed
 *	record in it is reused, and a request finding only claimed ones
 *	is counted and left unanswered. The gateway's own ARP answers are
 *	outgoing packets with its address as the sender: they count as
 *	that address speaking, ours (a claimed sender) do not. The first
 *	request for an address, and one a minute for a claimed one, makes
 *	us ask for it too, from the interface's address: a host's answer to
 *	another host crosses a switch or bridge without reaching us, its
 *	answer to us does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "capture/cap_claim.h"

#define PROBE 16
#define ARP_LEN 28
#define REFRESH_NS (60ULL * 1000000000ULL)	/* claimed set element
						   renewed this often */

struct slot {
	uint32_t addr;			/* network order; 0 = free */
	uint8_t claimed;
	uint64_t asked, spoke, renewed;
};

struct link {
	int fd, ifindex;
	uint8_t mac[6];
	uint32_t self;			/* the interface's address, or 0 */
	uint32_t net, mask;		/* host order */
};

struct cap_claim {
	int ep;
	struct link link[CAP_CLAIMS_MAX];
	size_t nlink;
	uint64_t after_ns;
	const struct cap_claim_ops *ops;
	void *ctx;
	struct slot *slot;
	struct cap_claim_stats st;
};

/* link_open - a packet socket for ARP on ifname, and its MAC */
static int link_open(struct link *l, const struct cap_claim_conf *cc,
		     char *err, size_t errlen)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ARP) };
	struct ifreq ifr;
	uint32_t n;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cc->ifname);
	l->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       htons(ETH_P_ARP));
	if (l->fd < 0 || ioctl(l->fd, SIOCGIFINDEX, &ifr) < 0
	    || (sll.sll_ifindex = l->ifindex = ifr.ifr_ifindex,
		bind(l->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
	    || ioctl(l->fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "capture: claim on interface \"%s\": %s",
			 cc->ifname, strerror(errno));
		return -1;
	}
	memcpy(l->mac, ifr.ifr_hwaddr.sa_data, 6);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(l->fd, SIOCGIFADDR, &ifr) == 0)
		memcpy(&l->self, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
	memcpy(&n, cc->net.b, 4);
	l->mask = cc->plen == 0 ? 0 : 0xffffffffu << (32 - cc->plen);
	l->net = ntohl(n) & l->mask;
	return 0;
}

/* cap_claim_open - packet sockets on the interfaces of c->claims */
struct cap_claim *cap_claim_open(const struct cap_conf *c,
				 const struct cap_claim_ops *ops, void *ctx,
				 char *err, size_t errlen)
{
	struct cap_claim *cl = calloc(1, sizeof(*cl));
	struct epoll_event ev = { .events = EPOLLIN };
	size_t i;

	if (cl == NULL || (cl->slot = calloc(CAP_CLAIM_SLOTS,
					     sizeof(*cl->slot))) == NULL) {
		free(cl);
		snprintf(err, errlen, "capture: claim table: out of memory");
		return NULL;
	}
	cl->ops = ops;
	cl->ctx = ctx;
	cl->after_ns = c->claim_after_ns;
	cl->ep = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < c->nclaims; i++, cl->nlink++) {
		cl->link[i].fd = -1;
		if (cl->ep < 0 || link_open(&cl->link[i], &c->claims[i], err,
					    errlen) < 0)
			break;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(cl->ep, EPOLL_CTL_ADD, cl->link[i].fd, &ev) < 0)
			break;
	}
	if (i < c->nclaims) {
		if (cl->ep < 0)
			snprintf(err, errlen, "capture: claim: epoll: %s",
				 strerror(errno));
		cl->nlink++;
		cap_claim_close(cl);
		return NULL;
	}
	return cl;
}

/* cap_claim_close - accepts NULL */
void cap_claim_close(struct cap_claim *cl)
{
	size_t i;

	if (cl == NULL)
		return;
	for (i = 0; i < cl->nlink; i++)
		if (cl->link[i].fd >= 0)
			close(cl->link[i].fd);
	if (cl->ep >= 0)
		close(cl->ep);
	free(cl->slot);
	free(cl);
}

/* cap_claim_fd - the epoll descriptor */
int cap_claim_fd(const struct cap_claim *cl)
{
	return cl->ep;
}

/* slot_find - addr's record; with make, a new or reused one; NULL */
static struct slot *slot_find(struct cap_claim *cl, uint32_t addr, int make)
{
	uint32_t h = (ntohl(addr) * 2654435761u) % CAP_CLAIM_SLOTS, i;
	struct slot *s, *spare = NULL;

	for (i = 0; i < PROBE; i++) {
		s = &cl->slot[(h + i) % CAP_CLAIM_SLOTS];
		if (s->addr == addr)
			return s;
		if (spare == NULL && (s->addr == 0 || !s->claimed))
			spare = s;
	}
	if (!make)
		return NULL;
	if (spare == NULL) {
		cl->st.table_full++;
		return NULL;
	}
	memset(spare, 0, sizeof(*spare));
	spare->addr = addr;
	return spare;
}

/* tell - ops->claimed for addr */
static void tell(struct cap_claim *cl, uint32_t addr, int on)
{
	struct sl_addr a;

	addr_from_bytes(&a, 4, &addr);
	cl->ops->claimed(cl->ctx, &a, on);
}

/* spoke - addr answered for itself (or is being taken): never ours */
static void spoke(struct cap_claim *cl, uint32_t addr, uint64_t now)
{
	struct slot *s = slot_find(cl, addr, 1);

	if (s == NULL)
		return;
	s->spoke = now;
	s->asked = 0;
	if (s->claimed) {
		s->claimed = 0;
		cl->st.released++;
		cl->st.claimed_now--;
		tell(cl, addr, 0);
	}
}

/* arp_send - op (1 request, 2 reply) from our MAC as spa, to tha/tpa;
   tha all zero: broadcast; 0 or -1 */
static int arp_send(struct link *l, int op, const uint8_t spa[4],
		    const uint8_t tha[6], const uint8_t tpa[4])
{
	static const uint8_t head[6] = { 0, 1, 8, 0, 6, 4 };
	static const uint8_t zero[6];
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = l->ifindex, .sll_halen = 6 };
	uint8_t r[ARP_LEN];

	memcpy(r, head, 6);
	r[6] = 0;
	r[7] = (uint8_t)op;
	memcpy(r + 8, l->mac, 6);
	memcpy(r + 14, spa, 4);
	memcpy(r + 18, tha, 6);
	memcpy(r + 24, tpa, 4);
	memset(to.sll_addr, 0xff, 6);
	if (memcmp(tha, zero, 6) != 0)
		memcpy(to.sll_addr, tha, 6);
	return sendto(l->fd, r, sizeof(r), 0, (struct sockaddr *)&to,
		      sizeof(to)) == (ssize_t)sizeof(r) ? 0 : -1;
}

/* answer - an ARP reply: the address asked for is at our MAC */
static void answer(struct cap_claim *cl, struct link *l, const uint8_t *req)
{
	if (arp_send(l, 2, req + 24, req + 8, req + 14) == 0)
		cl->st.answered++;
}

/* verify - ask for addr ourselves, from the interface's address: a
   host's answer comes to our MAC, where we see it (answers to others
   cross a bridge or switch unseen) */
static void verify(struct link *l, uint32_t addr)
{
	static const uint8_t zero[6];

	(void)arp_send(l, 1, (const uint8_t *)&l->self, zero,
		       (const uint8_t *)&addr);
}

/* asked - a request for addr from a live sender: claim it when it has
   been asked for and silent for after_ns */
static void asked(struct cap_claim *cl, struct link *l, uint32_t addr,
		  const uint8_t *req, uint64_t now)
{
	struct slot *s = slot_find(cl, addr, 1);

	cl->st.requests++;
	if (s == NULL)
		return;
	if (!s->claimed) {
		if (s->asked == 0) {
			s->asked = now;
			verify(l, addr);
		}
		if (now - s->asked < cl->after_ns)
			return;
		s->claimed = 1;
		s->renewed = now;
		cl->st.claims++;
		cl->st.claimed_now++;
		tell(cl, addr, 1);
	} else if (now - s->renewed >= REFRESH_NS) {
		s->renewed = now;	/* still nobody's? */
		verify(l, addr);
		tell(cl, addr, 1);
	}
	answer(cl, l, req);
}

/* on_link - is addr (network order) in l's prefix */
static int on_link(const struct link *l, uint32_t addr)
{
	return (ntohl(addr) & l->mask) == l->net;
}

/* claimable - on link, and neither the prefix's network nor its
   broadcast address (a /31 or /32 has neither) */
static int claimable(const struct link *l, uint32_t addr)
{
	uint32_t h = ntohl(addr);

	return on_link(l, addr) && (l->mask >= 0xfffffffeu
				    || (h != l->net && h != (l->net | ~l->mask)));
}

/* cap_claim_arp - one ARP packet seen on link i */
void cap_claim_arp(struct cap_claim *cl, size_t i, const uint8_t *p,
		   size_t len, int outgoing, uint64_t now)
{
	static const uint8_t eth_ip[6] = { 0, 1, 8, 0, 6, 4 };
	struct link *l = &cl->link[i];
	struct slot *s;
	uint32_t spa, tpa;

	if (i >= cl->nlink || len < ARP_LEN || memcmp(p, eth_ip, 6) != 0
	    || p[6] != 0 || (p[7] != 1 && p[7] != 2))
		return;
	memcpy(&spa, p + 14, 4);
	memcpy(&tpa, p + 24, 4);
	if (outgoing) {
		s = slot_find(cl, spa, 0);
		if (spa != 0 && on_link(l, spa) && (s == NULL || !s->claimed))
			spoke(cl, spa, now);	/* the gateway's own */
		return;
	}
	if (spa != 0 && on_link(l, spa))
		spoke(cl, spa, now);
	if (p[7] != 1 || !claimable(l, tpa) || tpa == spa)
		return;
	if (spa == 0) {			/* a probe: someone takes tpa */
		cl->st.probes++;
		spoke(cl, tpa, now);
		return;
	}
	asked(cl, l, tpa, p, now);
}

/* cap_claim_read - drain every ready socket */
int cap_claim_read(struct cap_claim *cl, uint64_t now)
{
	struct epoll_event ev[CAP_CLAIMS_MAX];
	struct sockaddr_ll from;
	socklen_t fl;
	uint8_t buf[256];
	ssize_t n;
	int k, j, burst;

	if ((k = epoll_wait(cl->ep, ev, CAP_CLAIMS_MAX, 0)) < 0)
		return -1;
	for (j = 0; j < k; j++)
		for (burst = 0; burst < 256; burst++) {
			fl = sizeof(from);
			n = recvfrom(cl->link[ev[j].data.u32].fd, buf,
				     sizeof(buf), 0, (struct sockaddr *)&from,
				     &fl);
			if (n < 0)
				break;
			cap_claim_arp(cl, ev[j].data.u32, buf, (size_t)n,
				      from.sll_pkttype == PACKET_OUTGOING, now);
		}
	return 0;
}

/* cap_claim_stats - counters */
void cap_claim_stats(const struct cap_claim *cl, struct cap_claim_stats *out)
{
	*out = cl->st;
}
