/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_detect - the detectors that live in react: port fan-out,
 *	throttling spikes, contacts with protected zones
 * SYNOPSIS
 *	#include "react/react_detect.h"
 * DESCRIPTION
 *	Port fan-out (fanout(3)) both ways: react_detect_out for first
 *	contacts of zone sources, react_detect_in for flows from outside
 *	the zones to our hosts; each says when a source (by the key its
 *	reaction would have) crossed fanout_threshold distinct
 *	destinations on one port within fanout_window. react_detect_spike
 *	finds the zones that entered a spike (spike_hosts hosts delayed
 *	at once) and their delayed hosts. react_detect_contact notes
 *	which protected zone a source of another zone reached, and
 *	react_detect_protected_of says it back, so an isolation knows
 *	which zone it protects.
 */
#ifndef SLUICE_REACT_DETECT_H
#define SLUICE_REACT_DETECT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define REACT_DETECT_KEY 16	/* IPv6, or IPv4 mapped (fanout keys are <= 16) */

struct react_detect;
struct sd_conf;
struct sd_zone;
struct verdict;

/* react_detect_create - fan-out with threshold and window; NULL on
   error */
struct react_detect *react_detect_create(unsigned threshold, uint64_t window_ns,
					 size_t mem, const uint8_t seed[16]);
/* react_detect_retune - new fan-out threshold and window (a reload):
   the fan-out counts start over; -1 (old settings kept) if no memory */
int react_detect_retune(struct react_detect *d, unsigned threshold,
			uint64_t window_ns);
/* react_detect_free - accepts NULL */
void react_detect_free(struct react_detect *d);
/* react_detect_keyof - the detectors' key of an address */
void react_detect_keyof(const struct sl_addr *a, uint8_t k[REACT_DETECT_KEY]);
/* react_detect_out - a first contact from key to dst:dport; 1 when it
   crossed the fan-out threshold */
int react_detect_out(struct react_detect *d, const uint8_t key[REACT_DETECT_KEY],
		     const struct sl_addr *dst, uint16_t dport, uint64_t now);
/* react_detect_in - the same for a flow from outside the zones */
int react_detect_in(struct react_detect *d, const uint8_t key[REACT_DETECT_KEY],
		    const struct sl_addr *dst, uint16_t dport, uint64_t now);
/* react_detect_contact - src reached dst: note a protected zone of c
   other than src's */
void react_detect_contact(struct react_detect *d, const struct sd_conf *c,
			  const struct sl_addr *src, const struct sl_addr *dst,
			  uint64_t now);
/* react_detect_protected_of - the protected zone src reached within
   window_ns, or NULL */
const struct sd_zone *react_detect_protected_of(const struct react_detect *d,
						const struct sd_conf *c,
						const struct sl_addr *src,
						uint64_t window_ns, uint64_t now);
/* react_detect_spike - once a second: the delayed hosts (at most max,
   into out) of the zones of c that just entered a spike; how many */
size_t react_detect_spike(struct react_detect *d, struct verdict *v,
			  const struct sd_conf *c, unsigned spike_hosts,
			  uint64_t now, struct sl_addr *out, size_t max);

#endif
