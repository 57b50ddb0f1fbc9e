/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vd - the verdict engine's state and its per-packet helpers
 * SYNOPSIS
 *	#include "verdict/vd.h"
 * DESCRIPTION
 *	Private to the verdict engine (verdict/ and quarantine/quar.c):
 *	the engine record, its per-zone and per-host records, and the
 *	small helpers every per-packet path calls: a source's zone and
 *	host record, the whitelist, events, recent destinations and the
 *	answer to a packet. They call nothing above them, so the engine's
 *	files form layers: vd, then quar (quarantine), then vdflow
 *	(outcomes), then verdict (packets and timers); vdhost (views) and
 *	vdsetup (create, reload, free) sit on vd alone.
 */
#ifndef SLUICE_VD_H
#define SLUICE_VD_H

#include "credit.h"
#include "hosttab.h"
#include "throttle.h"
#include "trw.h"
#include "wset.h"
#include "verdict/contact.h"
#include "verdict/creditq.h"
#include "verdict/vdfast.h"
#include "verdict/hostkey.h"
#include "verdict/verdict.h"

#define VD_RECENT 8		/* recent destinations per host (first contacts) */
#define VD_QUAR_MAX 262144	/* quarantined hosts tracked for expiry */
#define VD_CONTACTS 65536	/* first contacts waiting for an outcome */
#define VD_CREDIT_PASS_NS (100 * 1000000ULL)	/* credit queue pass */
/* The cookie a delay queue holds for a packet of an observe zone: the
   packet itself was accepted when it came, so answering this cookie
   later only counts what would have happened (vd_answer). Real
   cookies are queue << 32 | packet id and never have this bit. */
#define VD_OBSERVED (1ULL << 63)

struct vzone {
	char name[SD_ZONE_NAME_MAX + 1];
	const struct sd_zone *p;	/* in the current conf */
	struct throttle *thr;		/* williamson */
	struct credit_params cp;	/* credit */
	int moved;			/* thr came from the previous conf */
	struct vdfast *fast;		/* the kernel mirror, or NULL */
};

struct vhost {
	struct credit credit;
	struct trw trw;
	uint64_t quarantined_until;	/* monotonic ns; 0 = not */
	uint64_t observed_until;	/* observe mode: would be quarantined */
	uint64_t last_seen;
	uint32_t recent[VD_RECENT];
	uint8_t nrecent;
	uint8_t credit_ready;
	uint16_t credit_waiting;
	uint32_t contacts, delayed, dropped, ok, failed;
	uint32_t observed;		/* observe mode: would have held or dropped */
};

struct vddns;

struct vrel {			/* a release waiting for its pairs */
	uint8_t key[HOSTKEY_LEN];
	uint64_t cookie;
	struct vzone *z;
};

struct vquar {
	uint8_t key[HOSTKEY_LEN];
	struct sl_addr addr;
	uint64_t until;
};

struct verdict {
	const struct sd_conf *conf;
	struct verdict_ops ops;
	void *ctx;
	uint8_t seed[16];
	struct wset_key wk;
	struct vzone *zones;
	size_t nzones;
	struct hosttab *hosts;		/* host key -> struct vhost */
	struct hosttab *meta;		/* cookie -> struct contact_key */
	struct contacts *contacts;
	struct creditq *cq;
	struct trw_params trwp;
	struct vquar *quar;
	size_t nquar;
	struct hosttab *quar_ix;	/* host key -> its index in quar */
	uint64_t quar_burst_s;		/* second of the last quarantine start */
	unsigned quar_burst_n;		/* starts in that second */
	uint64_t quar_rand;		/* jitter's generator state */
	uint64_t next_credit_pass;
	uint64_t now;			/* of the call in progress, for callbacks */
	int observing;			/* the call in progress is for a source
					   of an observe zone: events say so */
	struct vddns *dns;		/* the no-DNS signal; NULL = off */

	int fast_dirty;			/* pair removals noted: commit them
					   before the next answer */
	struct vzone *deferring;	/* its releases wait in rel */
	struct vrel *rel;
	size_t nrel, relcap;
	struct verdict_stats st;
};

/* vd_zone_of - the zone record of source a, or NULL */
struct vzone *vd_zone_of(struct verdict *v, const struct sl_addr *a);
/* vd_host - the record of key, created if new; NULL if none fits */
struct vhost *vd_host(struct verdict *v, const uint8_t key[HOSTKEY_LEN],
		      struct vzone *z, uint64_t now);
/* vd_observing - does zone z decide without enforcing: its observe
   key, or [countermeasures] dry_run */
int vd_observing(const struct verdict *v, const struct vzone *z);
/* vd_whitelisted - does [core] whitelist hold a */
int vd_whitelisted(const struct verdict *v, const struct sl_addr *a);
/* vd_event - write one event with zone and extra fields */
void vd_event(struct verdict *v, const char *type, const struct sl_addr *src,
	      const struct sl_addr *dst, uint16_t dport, uint8_t proto,
	      const struct event_field *f, size_t nf);
/* vd_recent - 1 if tag is among h's recent destinations; enters it */
int vd_recent(struct vhost *h, uint32_t tag);
/* vd_contact_out - a first contact went out: wait for its outcome */
void vd_contact_out(struct verdict *v, const struct contact_key *k,
		    uint64_t now);
/* vd_answer - give a packet its verdict now */
void vd_answer(struct verdict *v, uint64_t cookie, int accept);
/* vd_answer_cookie - answer a held packet, starting its contact wait */
void vd_answer_cookie(struct verdict *v, uint64_t cookie, int accept,
		      uint64_t now);
/* vd_drop_held - drop a held packet of the host of key (counted for it) */
void vd_drop_held(struct verdict *v, const void *key, uint64_t cookie);

#endif
