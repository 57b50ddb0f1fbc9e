/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowpcap - flow records from a packet capture (libpcap)
 * SYNOPSIS
 *	#include "flowpcap.h"
 * DESCRIPTION
 *	The flow table is keyed by the flow as its initiator sent it
 *	(source, destination, ports, protocol); a packet is looked up both
 *	ways round. A packet that yields nothing (a data segment, a later
 *	datagram) is not an error: flowpcap_next simply reads on.
 */
#include <glib.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "flowpcap.h"
#include "queue/pkt.h"

struct fkey {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto, family, pad[2];
};

struct fval {
	uint64_t last;
	int replied;
};

struct flowpcap {
	pcap_t *pc;
	int dlt;
	uint64_t packets;
	uint64_t next_sweep;
	int done;		/* the capture ended or broke */
	GHashTable *flows;	/* struct fkey -> struct fval */
};

/* fkey_hash - the flow key's hash */
static guint fkey_hash(gconstpointer k)
{
	return flowrec_hash(k, sizeof(struct fkey));
}

/* fkey_equal - byte equality */
static gboolean fkey_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct fkey)) == 0;
}

/* flowpcap_setup - the state around an open pcap handle */
static struct flowpcap *flowpcap_setup(pcap_t *pc, char *err, size_t errlen)
{
	struct flowpcap *f;

	if (pc == NULL)
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		pcap_close(pc);
		return NULL;
	}
	f->pc = pc;
	f->dlt = pcap_datalink(pc);
	f->flows = g_hash_table_new_full(fkey_hash, fkey_equal, g_free, g_free);
	return f;
}

/* flowpcap_open - read path; NULL with the reason in err */
struct flowpcap *flowpcap_open(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, perr);

	if (pc == NULL)
		snprintf(err, errlen, "%s: %s", path, perr);
	return flowpcap_setup(pc, err, errlen);
}

/* flowpcap_fopen - read an open stream (taken over); NULL with err */
struct flowpcap *flowpcap_fopen(FILE *fp, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(
		fp, PCAP_TSTAMP_PRECISION_NANO, perr);

	if (pc == NULL) {
		snprintf(err, errlen, "%s", perr);
		fclose(fp);
	}
	return flowpcap_setup(pc, err, errlen);
}

/* flowpcap_close - accepts NULL */
void flowpcap_close(struct flowpcap *f)
{
	if (f == NULL)
		return;
	pcap_close(f->pc);
	g_hash_table_destroy(f->flows);
	free(f);
}

/* flowpcap_packets - packets read so far */
uint64_t flowpcap_packets(const struct flowpcap *f)
{
	return f->packets;
}

/* l3_offset - where the IP header starts for this link type; -1 if
   the frame carries no IP */
static long l3_offset(int dlt, const uint8_t *p, size_t len)
{
	size_t off;
	uint16_t et;

	switch (dlt) {
	case DLT_EN10MB:
		for (off = 12; off + 2 <= len; off += 4) {
			et = (uint16_t)(p[off] << 8 | p[off + 1]);
			if (et != 0x8100 && et != 0x88a8)	/* VLAN tags */
				return et == 0x0800 || et == 0x86dd ? (long)off + 2 : -1;
		}
		return -1;
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		et = (uint16_t)(p[14] << 8 | p[15]);
		return et == 0x0800 || et == 0x86dd ? 16 : -1;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return -1;
		et = (uint16_t)(p[0] << 8 | p[1]);
		return et == 0x0800 || et == 0x86dd ? 20 : -1;
	case DLT_NULL:
	case DLT_LOOP:
		return len >= 4 ? 4 : -1;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	default:
		return -1;
	}
}

/* key_make - the flow key of src:sport -> dst:dport */
static void key_make(struct fkey *k, uint8_t proto, const struct sl_addr *src,
		     uint16_t sport, const struct sl_addr *dst, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, src->b, 16);
	memcpy(k->dst, dst->b, 16);
	k->sport = sport;
	k->dport = dport;
	k->proto = proto;
	k->family = src->family;
}

/* record - fill out from the flow src:sport -> dst:dport */
static int record(struct flowrec *out, enum flowrec_kind kind, int success,
		  uint64_t ts, uint8_t proto, const struct sl_addr *src,
		  uint16_t sport, const struct sl_addr *dst, uint16_t dport)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->success = (int8_t)success;
	out->ts_ns = ts;
	out->proto = proto;
	out->src = *src;
	out->dst = *dst;
	out->sport = sport;
	out->dport = dport;
	return 1;
}

/* sweep_one - forget flows idle too long */
static gboolean sweep_one(gpointer k, gpointer v, gpointer ctx)
{
	(void)k;
	return ((struct fval *)v)->last + FLOWPCAP_IDLE_NS
	    < *(const uint64_t *)ctx;
}

/* flow_start - a new flow, unless it is known (a retransmission) */
static int flow_start(struct flowpcap *f, const struct fkey *k, uint64_t ts)
{
	struct fval *v = g_hash_table_lookup(f->flows, k);

	if (v != NULL) {
		v->last = ts;
		return 0;
	}
	if (g_hash_table_size(f->flows) >= FLOWPCAP_MAX_FLOWS)
		g_hash_table_remove_all(f->flows);	/* bounded, fail-open */
	v = g_new0(struct fval, 1);
	v->last = ts;
	g_hash_table_insert(f->flows, g_memdup2(k, sizeof(*k)), v);
	return 1;
}

/* flow_reply - a packet of the responder: 1 if it is the first one */
static int flow_reply(struct flowpcap *f, const struct fkey *k, uint64_t ts)
{
	struct fval *v = g_hash_table_lookup(f->flows, k);

	if (v == NULL || v->replied)
		return 0;
	v->replied = 1;
	v->last = ts;
	return 1;
}

/* tcp_flow - SYN starts, SYN-ACK succeeds, a responder's RST fails */
static int tcp_flow(struct flowpcap *f, const struct pkt_info *p, uint64_t ts,
		    struct flowrec *out)
{
	uint8_t fl = p->tcp_flags;
	struct fkey k;

	if ((fl & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN) {
		key_make(&k, 6, &p->src, p->sport, &p->dst, p->dport);
		return flow_start(f, &k, ts)
		    && record(out, FLOWREC_START, 0, ts, 6, &p->src, p->sport,
			      &p->dst, p->dport);
	}
	if (!(fl & (PKT_TCP_SYN | PKT_TCP_RST)))
		return 0;
	key_make(&k, 6, &p->dst, p->dport, &p->src, p->sport);
	if (!flow_reply(f, &k, ts))
		return 0;
	return record(out, FLOWREC_OUTCOME, (fl & PKT_TCP_SYN) != 0, ts, 6,
		      &p->dst, p->dport, &p->src, p->sport);
}

/* udp_flow - a first datagram starts, the first one back succeeds */
static int udp_flow(struct flowpcap *f, const struct pkt_info *p, uint64_t ts,
		    struct flowrec *out)
{
	struct fkey k;

	key_make(&k, 17, &p->dst, p->dport, &p->src, p->sport);
	if (g_hash_table_contains(f->flows, &k))
		return flow_reply(f, &k, ts)
		    && record(out, FLOWREC_OUTCOME, 1, ts, 17, &p->dst,
			      p->dport, &p->src, p->sport);
	key_make(&k, 17, &p->src, p->sport, &p->dst, p->dport);
	return flow_start(f, &k, ts)
	    && record(out, FLOWREC_START, 0, ts, 17, &p->src, p->sport,
		      &p->dst, p->dport);
}

/* icmp_flow - an ICMP error quoting a flow we saw start: its failure */
static int icmp_flow(struct flowpcap *f, const struct pkt_info *p,
		     uint64_t ts, struct flowrec *out)
{
	const struct pkt_quote *q = &p->quote;
	struct fkey k;

	if (!p->icmp_error || !q->valid || (q->proto != 6 && q->proto != 17))
		return 0;
	key_make(&k, q->proto, &q->src, q->sport, &q->dst, q->dport);
	return flow_reply(f, &k, ts)
	    && record(out, FLOWREC_OUTCOME, 0, ts, q->proto, &q->src, q->sport,
		      &q->dst, q->dport);
}

/* packet - one captured frame: 1 record, 0 none, -1 unreadable */
static int packet(struct flowpcap *f, const struct pcap_pkthdr *h,
		  const uint8_t *data, struct flowrec *out, const char **why)
{
	uint64_t ts = (uint64_t)h->ts.tv_sec * NS_PER_SEC + (uint64_t)h->ts.tv_usec;
	long off = l3_offset(f->dlt, data, h->caplen);
	struct pkt_info p;

	if (ts >= f->next_sweep) {
		g_hash_table_foreach_remove(f->flows, sweep_one, &ts);
		f->next_sweep = ts + FLOWPCAP_IDLE_NS / 2;
	}
	if (off < 0)
		return 0;	/* ARP, other link types: not a flow */
	switch (pkt_parse(data + off, h->caplen - (size_t)off, &p)) {
	case PKT_TCP:
		return tcp_flow(f, &p, ts, out);
	case PKT_UDP:
		return udp_flow(f, &p, ts, out);
	case PKT_ICMP:
		return icmp_flow(f, &p, ts, out);
	case PKT_BAD:
		*why = "not a readable IP packet";
		return -1;
	case PKT_OTHER:
	default:
		return 0;
	}
}

/* flowpcap_next - the next record: 1, 0 at the end, -1 unusable */
int flowpcap_next(struct flowpcap *f, struct flowrec *out, const char **why)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	while (!f->done) {
		if ((r = pcap_next_ex(f->pc, &h, &data)) == PCAP_ERROR_BREAK) {
			f->done = 1;
			return 0;
		}
		if (r != 1) {
			/* a damaged file cannot be resynchronised: stop */
			f->done = 1;
			*why = "truncated or damaged capture";
			return -1;
		}
		f->packets++;
		if ((r = packet(f, h, data, out, why)) != 0)
			return r;
	}
	return 0;
}
