/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_claim - on-link addresses nobody answers for, claimed by ARP
 *	(IPv4) and neighbour discovery (IPv6)
 * DESCRIPTION
 *	See cap_claim.h. An address's record holds when it was first
 *	asked for without having spoken since, when it last spoke, and
 *	whether it is claimed; the same state machine serves both
 *	families, only the packets differ. The table is open-addressed by
 *	address with a short probe; when the probe finds no free slot an
 *	unclaimed record in it is reused, and a request finding only
 *	claimed ones is counted and left unanswered. The gateway's own
 *	answers (ARP replies, neighbour advertisements) are outgoing
 *	packets with its address as the sender or target: they count as
 *	that address speaking, ours (for a claimed address) do not. The
 *	first request for an address, and one a minute for a claimed one,
 *	makes us ask for it too, from the interface's address: a host's
 *	answer to another host crosses a switch or bridge without reaching
 *	us, its answer to us does not. IPv6 solicitations go to
 *	solicited-node multicast groups the gateway never joined, so the
 *	packet socket sees them where the IP stack would not; a socket
 *	filter passes it only ICMPv6 types 135 and 136.
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
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "capture/cap_claim.h"
#include "capture/cap_nd.h"

#define PROBE 16
#define ARP_LEN 28
#define REFRESH_NS (60ULL * 1000000000ULL)	/* claimed set element
						   renewed this often */

struct slot {
	uint8_t fam;			/* 4 or 6; 0 = free */
	uint8_t claimed;
	uint8_t a[16];			/* network order, first 4 for IPv4 */
	uint64_t asked, spoke, renewed;
};

struct link {
	int fd, ifindex, fam;
	uint8_t mac[6];
	uint8_t self[16];		/* the interface's address, or zero
					   (IPv6: its link-local one) */
	struct sl_addr net;
	unsigned plen;
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

/* alen - address bytes of a family */
static size_t alen(int fam)
{
	return fam == 6 ? 16 : 4;
}

/* self6 - an IPv6 address of ifname into out, the link-local one if
   any (neighbour discovery's own source) */
static void self6(const char *ifname, uint8_t out[16])
{
	struct ifaddrs *ifa, *i;
	const uint8_t *b;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6
		    || strcmp(i->ifa_name, ifname) != 0)
			continue;
		b = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
		if (out[0] == 0 || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
			memcpy(out, b, 16);
	}
	freeifaddrs(ifa);
}

/* link_socket - a packet socket for ARP or IPv6 (filtered to neighbour
   discovery) bound to ifindex; -1 */
static int link_socket(int fam, int ifindex)
{
	uint16_t proto = htons(fam == 6 ? ETH_P_IPV6 : ETH_P_ARP);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = proto,
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			proto);

	if (fd >= 0 && ((fam == 6 && setsockopt(fd, SOL_SOCKET,
						 SO_ATTACH_FILTER,
						 cap_nd_filter(),
						 sizeof(struct sock_fprog)) < 0)
			|| bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* link_open - the packet socket on cc's interface, its MAC and address */
static int link_open(struct link *l, const struct cap_claim_conf *cc,
		     char *err, size_t errlen)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cc->ifname);
	l->fam = cc->net.family;
	if (s < 0 || ioctl(s, SIOCGIFINDEX, &ifr) < 0
	    || (l->ifindex = ifr.ifr_ifindex,
		(l->fd = link_socket(l->fam, l->ifindex)) < 0)
	    || ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "capture: claim on interface \"%s\": %s",
			 cc->ifname, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	memcpy(l->mac, ifr.ifr_hwaddr.sa_data, 6);
	ifr.ifr_addr.sa_family = AF_INET;
	if (l->fam == 4 && ioctl(s, SIOCGIFADDR, &ifr) == 0)
		memcpy(l->self, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
	if (l->fam == 6)
		self6(cc->ifname, l->self);
	close(s);
	l->net = cc->net;
	l->plen = cc->plen;
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

/* slot_hash - where a's probe starts */
static uint32_t slot_hash(int fam, const uint8_t *a)
{
	uint32_t h = (uint32_t)fam;
	size_t i;

	for (i = 0; i < alen(fam); i++)
		h = (h ^ a[i]) * 16777619u;
	return (h * 2654435761u) % CAP_CLAIM_SLOTS;
}

/* slot_find - a's record; with make, a new or reused one; NULL */
static struct slot *slot_find(struct cap_claim *cl, int fam, const uint8_t *a,
			      int make)
{
	uint32_t h = slot_hash(fam, a), i;
	struct slot *s, *spare = NULL;

	for (i = 0; i < PROBE; i++) {
		s = &cl->slot[(h + i) % CAP_CLAIM_SLOTS];
		if (s->fam == fam && memcmp(s->a, a, alen(fam)) == 0)
			return s;
		if (spare == NULL && (s->fam == 0 || !s->claimed))
			spare = s;
	}
	if (!make)
		return NULL;
	if (spare == NULL) {
		cl->st.table_full++;
		return NULL;
	}
	memset(spare, 0, sizeof(*spare));
	spare->fam = (uint8_t)fam;
	memcpy(spare->a, a, alen(fam));
	return spare;
}

/* tell - ops->claimed for the slot's address */
static void tell(struct cap_claim *cl, const struct slot *s, int on)
{
	struct sl_addr a;

	addr_from_bytes(&a, s->fam, s->a);
	cl->ops->claimed(cl->ctx, &a, on);
}

/* is_claimed - is a claimed now */
static int is_claimed(struct cap_claim *cl, int fam, const uint8_t *a)
{
	struct slot *s = slot_find(cl, fam, a, 0);

	return s != NULL && s->claimed;
}

/* spoke - a answered for itself (or is being taken): never ours */
static void spoke(struct cap_claim *cl, int fam, const uint8_t *a,
		  uint64_t now)
{
	struct slot *s = slot_find(cl, fam, a, 1);

	if (s == NULL)
		return;
	s->spoke = now;
	s->asked = 0;
	if (s->claimed) {
		s->claimed = 0;
		cl->st.released++;
		cl->st.claimed_now--;
		tell(cl, s, 0);
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

/* nd_send - a neighbour solicitation or advertisement to the MAC dmac;
   0 or -1 */
static int nd_send(struct link *l, int type, const uint8_t src[16],
		   const uint8_t dst[16], const uint8_t target[16],
		   const uint8_t dmac[6])
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IPV6),
				  .sll_ifindex = l->ifindex, .sll_halen = 6 };
	uint8_t r[CAP_ND_LEN];
	size_t n = cap_nd_build(r, type, src, dst, target, l->mac);

	memcpy(to.sll_addr, dmac, 6);
	return sendto(l->fd, r, n, 0, (struct sockaddr *)&to,
		      sizeof(to)) == (ssize_t)n ? 0 : -1;
}

/* verify - ask for a ourselves, from the interface's address: a host's
   answer comes to our MAC, where we see it (answers to others cross a
   bridge or switch unseen) */
static void verify(struct link *l, const uint8_t *a)
{
	static const uint8_t zero[6];
	uint8_t group[16], gmac[6];

	if (l->fam == 4) {
		(void)arp_send(l, 1, l->self, zero, a);
		return;
	}
	cap_nd_solicited(a, group, gmac);
	(void)nd_send(l, CAP_ND_NS, l->self, group, a, gmac);
}

/* asked - a request for a from a live sender: 1 when a is ours to
   answer for (asked for and silent for after_ns), else 0 */
static int asked(struct cap_claim *cl, struct link *l, const uint8_t *a,
		 uint64_t now)
{
	struct slot *s = slot_find(cl, l->fam, a, 1);

	cl->st.requests++;
	if (s == NULL)
		return 0;
	if (!s->claimed) {
		if (s->asked == 0) {
			s->asked = now;
			verify(l, a);
		}
		if (now - s->asked < cl->after_ns)
			return 0;
		s->claimed = 1;
		s->renewed = now;
		cl->st.claims++;
		cl->st.claimed_now++;
		tell(cl, s, 1);
	} else if (now - s->renewed >= REFRESH_NS) {
		s->renewed = now;	/* still nobody's? */
		verify(l, a);
		tell(cl, s, 1);
	}
	return 1;
}

/* on_link - is a (l's family, network order) in l's prefix */
static int on_link(const struct link *l, const uint8_t *a)
{
	struct sl_addr x, net;

	addr_from_bytes(&x, l->fam, a);
	(void)prefix_network(&x, l->plen, &net);
	return addr_equal(&net, &l->net);
}

/* claimable - on link, and not the prefix's network address (IPv4: nor
   its broadcast; a /31 or /32 has neither; IPv6: the subnet-router
   anycast address) */
static int claimable(const struct link *l, const uint8_t *a)
{
	struct sl_addr x;
	uint32_t h, mask;

	if (!on_link(l, a))
		return 0;
	addr_from_bytes(&x, l->fam, a);
	if (l->fam == 6)
		return l->plen == 128 || !addr_equal(&x, &l->net);
	memcpy(&h, a, 4);
	h = ntohl(h);
	mask = l->plen == 0 ? 0 : 0xffffffffu << (32 - l->plen);
	return mask >= 0xfffffffeu
	       || (h != (h & mask) && h != ((h & mask) | ~mask));
}

/* cap_claim_arp - one ARP packet seen on link i */
void cap_claim_arp(struct cap_claim *cl, size_t i, const uint8_t *p,
		   size_t len, int outgoing, uint64_t now)
{
	static const uint8_t eth_ip[6] = { 0, 1, 8, 0, 6, 4 };
	static const uint8_t any[4];
	struct link *l = &cl->link[i];
	const uint8_t *spa = p + 14, *tpa = p + 24;

	if (i >= cl->nlink || l->fam != 4 || len < ARP_LEN
	    || memcmp(p, eth_ip, 6) != 0 || p[6] != 0
	    || (p[7] != 1 && p[7] != 2))
		return;
	if (outgoing) {
		if (memcmp(spa, any, 4) != 0 && on_link(l, spa)
		    && !is_claimed(cl, 4, spa))
			spoke(cl, 4, spa, now);	/* the gateway's own */
		return;
	}
	if (memcmp(spa, any, 4) != 0 && on_link(l, spa))
		spoke(cl, 4, spa, now);
	if (p[7] != 1 || !claimable(l, tpa) || memcmp(tpa, spa, 4) == 0)
		return;
	if (memcmp(spa, any, 4) == 0) {	/* a probe: someone takes tpa */
		cl->st.probes++;
		spoke(cl, 4, tpa, now);
		return;
	}
	if (asked(cl, l, tpa, now)
	    && arp_send(l, 2, tpa, p + 8, spa) == 0)
		cl->st.answered++;
}

/* cap_claim_nd - one IPv6 packet (neighbour discovery) seen on link i,
   from the MAC smac */
void cap_claim_nd(struct cap_claim *cl, size_t i, const uint8_t *p,
		  size_t len, int outgoing, const uint8_t smac[6],
		  uint64_t now)
{
	static const uint8_t any[16];
	struct link *l = &cl->link[i];
	struct cap_nd m;

	if (i >= cl->nlink || l->fam != 6 || cap_nd_parse(p, len, &m) < 0)
		return;
	if (outgoing) {			/* the gateway answering for its own */
		if (m.type == CAP_ND_NA && on_link(l, m.target)
		    && !is_claimed(cl, 6, m.target))
			spoke(cl, 6, m.target, now);
		return;
	}
	if (memcmp(m.src, any, 16) != 0 && on_link(l, m.src))
		spoke(cl, 6, m.src, now);
	if (m.type == CAP_ND_NA) {	/* a host answering for target */
		if (on_link(l, m.target))
			spoke(cl, 6, m.target, now);
		return;
	}
	if (!claimable(l, m.target) || memcmp(m.target, m.src, 16) == 0)
		return;
	if (memcmp(m.src, any, 16) == 0) {	/* duplicate-address detection */
		cl->st.probes++;
		spoke(cl, 6, m.target, now);
		return;
	}
	if (asked(cl, l, m.target, now)
	    && nd_send(l, CAP_ND_NA, m.target, m.src, m.target,
		       m.lladdr != NULL ? m.lladdr : smac) == 0)
		cl->st.answered++;
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
	size_t li;

	if ((k = epoll_wait(cl->ep, ev, CAP_CLAIMS_MAX, 0)) < 0)
		return -1;
	for (j = 0; j < k; j++)
		for (burst = 0, li = ev[j].data.u32; burst < 256; burst++) {
			fl = sizeof(from);
			n = recvfrom(cl->link[li].fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);
			if (n < 0)
				break;
			if (cl->link[li].fam == 4)
				cap_claim_arp(cl, li, buf, (size_t)n,
					      from.sll_pkttype == PACKET_OUTGOING,
					      now);
			else
				cap_claim_nd(cl, li, buf, (size_t)n,
					     from.sll_pkttype == PACKET_OUTGOING,
					     from.sll_addr, now);
		}
	return 0;
}

/* cap_claim_stats - counters */
void cap_claim_stats(const struct cap_claim *cl, struct cap_claim_stats *out)
{
	*out = cl->st;
}
