/*
 * NAME
 *	verdict - sluiced's decisions: a verdict for each queued first packet
 * SYNOPSIS
 *	#include "verdict.h"
 * DESCRIPTION
 *	Each queued packet is looked up by source in the zones: mode off
 *	(or no zone) is accepted at once; williamson asks the zone's
 *	throttle(3): in the working set or fitting in it, accepted; else
 *	held, and answered when the throttle releases it (or drops it);
 *	credit asks credit(3) for a first contact (a destination not among
 *	the host's recent ones): with credit it goes, at zero balance it is
 *	held until a credit comes (credit_action = delay) or dropped.
 *
 *	A delay queue over the zone's high watermark quarantines the host:
 *	its address goes into the quarantine set with the zone's TTL, a
 *	"quarantine" event is written, and its held packets are dropped.
 *	Outcomes of first contacts (verdict_flow, or contact_timeout
 *	without one) feed credit and TRW; a TRW "scanner" is logged or
 *	quarantined as the zone says. Nothing in [core] whitelist is ever
 *	held, dropped or quarantined.
 *
 *	The engine does no I/O: it answers packets, holds them, changes the
 *	quarantine set and writes events through the caller's verdict_ops,
 *	so unit tests drive it with a fake clock and fake packets. Cookies
 *	identify packets (sluiced uses queue << 32 | packet id).
 */
#ifndef SLUICE_VERDICT_H
#define SLUICE_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "event.h"
#include "pkt.h"
#include "sdconf.h"
#include "throttle.h"

struct verdict_ops {
	void (*answer)(void *ctx, uint64_t cookie, int accept);
	void (*hold)(void *ctx, uint64_t cookie);
	/* ttl_ns > 0: add to the quarantine set; 0: remove */
	void (*quarantine)(void *ctx, const struct sl_addr *a, uint64_t ttl_ns);
	void (*event)(void *ctx, const struct event *ev);
};

struct verdict_stats {
	uint64_t packets, accepted, held, released, dropped;
	uint64_t bad, other, unzoned, whitelisted, mode_off, full;
	uint64_t lockouts, quarantines, releases, expired;
	uint64_t credit_zero, outcome_ok, outcome_fail, trw_scanners;
	size_t hosts, held_now, credit_waiting, contacts_waiting, quarantined;
};

/* one tracked source host, for sluicectl hosts and show */
struct verdict_host {
	struct sl_addr addr;		/* IPv6 cut to v6_prefix */
	const char *zone;		/* NULL if no zone holds it now */
	int mode;			/* enum sd_mode */
	unsigned queued;		/* packets held now */
	unsigned wset_used;
	int locked;			/* delay queue over the watermark */
	uint64_t quarantine_left_ns;	/* 0 = not quarantined */
	int32_t credit;
	double trw_ratio;
	int trw_state;			/* enum trw_state */
	uint32_t contacts, delayed, dropped, ok, failed;
	uint64_t idle_ns;		/* since its last packet */
};

typedef int verdict_walk_fn(void *ctx, const struct verdict_host *h);

struct verdict;

/* verdict_create - NULL with the reason in err; conf is borrowed and
   must live until verdict_reconfigure or verdict_free */
struct verdict *verdict_create(const struct sd_conf *conf,
			       const struct verdict_ops *ops, void *ctx,
			       const uint8_t seed[16], char *err, size_t errlen);
/* verdict_free - accepts NULL; held packets are accepted first */
void verdict_free(struct verdict *v);
/* verdict_reconfigure - new zones and limits, state kept where the
   zone name stays; -1 with err (the old conf stays in force) */
int verdict_reconfigure(struct verdict *v, const struct sd_conf *conf,
			char *err, size_t errlen);
/* verdict_packet - decide one queued packet */
void verdict_packet(struct verdict *v, const struct pkt_info *p,
		    uint64_t cookie, uint64_t now);
/* verdict_flow - the outcome of a flow is known (conntrack) */
void verdict_flow(struct verdict *v, const struct sl_addr *src,
		  const struct sl_addr *dst, uint8_t proto, uint16_t dport,
		  int success, uint64_t now);
/* verdict_tick - releases, credit grants, timeouts, expiries due */
void verdict_tick(struct verdict *v, uint64_t now);
/* verdict_next - the now at which verdict_tick has work */
uint64_t verdict_next(const struct verdict *v, uint64_t now);
/* verdict_quarantine - operator: quarantine a; -1 if whitelisted */
int verdict_quarantine(struct verdict *v, const struct sl_addr *a,
		       const char *reason, uint64_t now);
/* verdict_quarantine_for - quarantine a for ttl_ns whatever its zone
   says (a quarantine restored after a restart); -1 if whitelisted */
int verdict_quarantine_for(struct verdict *v, const struct sl_addr *a,
			   uint64_t ttl_ns, const char *reason, uint64_t now);
typedef void verdict_quar_fn(void *ctx, const struct sl_addr *a,
			     uint64_t left_ns);
/* verdict_quarantines - every running quarantine with its time left */
void verdict_quarantines(const struct verdict *v, uint64_t now,
			 verdict_quar_fn *fn, void *ctx);
/* verdict_release - operator: lift quarantine and lockout, release
   held packets, reset credit and TRW; -1 if nothing was known */
int verdict_release(struct verdict *v, const struct sl_addr *a,
		    uint64_t now);
/* verdict_show - one host; -1 if unknown */
int verdict_show(struct verdict *v, const struct sl_addr *a, uint64_t now,
		 struct verdict_host *out);
/* verdict_walk - every tracked host, most recent first if recent_first
   (about a second per million hosts), else in table order (one quick
   pass) */
void verdict_walk(struct verdict *v, uint64_t now, int recent_first,
		  verdict_walk_fn *fn, void *ctx);
/* verdict_zone_stats - the throttle counters of zone i (a williamson
   zone): its name in *name; -1 if there is no such zone or throttle */
int verdict_zone_stats(const struct verdict *v, size_t i, const char **name,
		       struct throttle_stats *out);
/* verdict_stats - counters and sizes */
void verdict_stats(const struct verdict *v, struct verdict_stats *out);

#endif
