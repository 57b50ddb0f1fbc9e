/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_int - the react room's shared types
 * SYNOPSIS
 *	#include "react/react_int.h"
 * DESCRIPTION
 *	Private to nft-expr/react/: the engine record (react.c decides and
 *	owns it, react_act.c enforces through it), what a reaction covers
 *	and a reaction in force. Each module's functions are in its own
 *	header; calls go one way: react, then react_act, then react_list,
 *	react_port, react_hook and react_detect.
 */
#ifndef SLUICE_REACT_INT_H
#define SLUICE_REACT_INT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "cmeasure.h"
#include "react/react.h"

#define REACT_MEM (32u << 20)	/* scores, actions, reactions, /56 counts */
#define REACT_ZONES 64		/* zones watched for spikes, isolated */
#define REACT_REFRESH_NS (60ULL * 1000000000ULL)	/* refreshed this long
							   before the end */

struct hosttab;
struct react_list;
struct react_port;
struct react_hook;
struct react_detect;

/* what a reaction covers */
struct react_key {
	struct sl_addr net;	/* the network address; family 0: every source */
	unsigned plen;		/* 32, v6_prefix, 64 or 56 */
	int zone;		/* the source is in a zone */
};

struct react_entry {
	uint64_t id;
	struct react_key key;
	uint64_t started, expires;	/* monotonic ns */
	uint64_t ttl, last_signal;	/* its length; its cause seen again */
	unsigned signals, score;
	uint16_t port;
	uint8_t action;		/* enum cmeasure_action */
	uint8_t signal;		/* enum cmeasure_signal */
	uint8_t dry_run;
	uint16_t zone;		/* isolate: the zone's index + 1 */
};

struct react {
	const struct sd_conf *conf;
	react_event_fn *event;
	void *ctx;
	struct cmeasure *cm;
	struct hosttab *esc;		/* /56 -> its /64s acted on */
	struct react_list *list;	/* reactions in force */
	struct react_port *votes;	/* for port blocks */
	struct react_hook *hooks;	/* the operator's hook running */
	struct react_detect *det;	/* fan-out, spikes, protected zones */
	uint64_t iso_until[REACT_ZONES];	/* zones isolated, until */
	uint64_t *port_until;		/* [65536]: ports blocked, until */
	int throttle_warned;
	uint64_t capped[CMEASURE_SIG_COUNT];	/* refused this second */
	struct sl_addr capped_example;
	struct react_stats st;
};

#endif
