/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quar - the verdict engine's quarantines and the operator's release
 * SYNOPSIS
 *	#include "quarantine/quar.h"
 * DESCRIPTION
 *	A quarantine is kept three ways: the host record's deadline, the
 *	kernel set element with its timeout (through verdict_ops), and a
 *	bounded list that says when it ran out. quar_release lifts it and
 *	every other hold on the host.
 */
#ifndef SLUICE_QUAR_H
#define SLUICE_QUAR_H

#include <stdint.h>
#include "addr.h"

struct verdict;
struct vzone;

/* quar_host - quarantine the host of key (address a) for its zone's
   TTL (an hour without a zone): held packets dropped, set element
   added, event; -1 if whitelisted */
int quar_host(struct verdict *v, struct vzone *z, const uint8_t *key,
	      const struct sl_addr *a, const char *reason, uint64_t now);
/* quar_expire - quarantines whose TTL ran out: event, record cleared */
void quar_expire(struct verdict *v, uint64_t now);
/* quar_addr - operator: quarantine a; reason NULL or "operator", a
   signal ("honeytoken"), or the operator's own words (then the event
   says reason operator and keeps the words as operator_reason); -1 if
   whitelisted */
int quar_addr(struct verdict *v, const struct sl_addr *a,
	      const char *reason, uint64_t now);
/* quar_addr_for - quarantine a for ttl_ns whatever its zone
   says (a quarantine restored after a restart); reason NULL: no event
   (a restart's bulk, said once by the caller); -1 if whitelisted */
int quar_addr_for(struct verdict *v, const struct sl_addr *a,
		  uint64_t ttl_ns, const char *reason, uint64_t now);
/* quar_react - a countermeasure's quarantine of a (react(3)) for
   ttl_ns; dry (or an observe zone): the events marked observe,
   nothing enforced; -1 if whitelisted */
int quar_react(struct verdict *v, const struct sl_addr *a, uint64_t ttl_ns,
	       const char *reason, int dry, uint64_t now);
typedef void quar_fn(void *ctx, const struct sl_addr *a, uint64_t left_ns);
/* quar_each - every running quarantine with its time left */
void quar_each(const struct verdict *v, uint64_t now, quar_fn *fn,
	       void *ctx);
/* quar_release - operator: lift quarantine and lockout, release
   held packets, reset credit and TRW; note (NULL: none) is the
   operator's reason for the events; -1 if nothing was known */
int quar_release(struct verdict *v, const struct sl_addr *a, const char *note,
		 uint64_t now);

#endif
