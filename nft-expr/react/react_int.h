/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_int - the react room's own state, shared by its files
 * SYNOPSIS
 *	#include "react/react_int.h"
 * DESCRIPTION
 *	Private to nft-expr/react/: react.c decides, react_list.c keeps
 *	the reactions in force (ids, listing), react_act.c enforces and
 *	lifts them.
 */
#ifndef SLUICE_REACT_INT_H
#define SLUICE_REACT_INT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "cmeasure.h"
#include "react/react.h"

#define REACT_MEM (32u << 20)	/* scores, actions, reactions, /56 counts */

struct hosttab;
struct react_list;

/* what a reaction covers */
struct react_key {
	struct sl_addr net;	/* the network address */
	unsigned plen;		/* 32, v6_prefix, 64 or 56 */
	int zone;		/* the source is in a zone */
};

struct react_entry {
	uint64_t id;
	struct react_key key;
	uint64_t started, expires;	/* monotonic ns */
	unsigned signals, score;
	uint16_t port;
	uint8_t action;		/* enum cmeasure_action */
	uint8_t signal;		/* enum cmeasure_signal */
	uint8_t dry_run;
};

struct react {
	const struct sd_conf *conf;
	react_event_fn *event;
	void *ctx;
	struct cmeasure *cm;
	struct hosttab *esc;		/* /56 -> its /64s acted on */
	struct react_list *list;	/* reactions in force */
	uint64_t capped[CMEASURE_SIG_COUNT];	/* refused this second */
	struct sl_addr capped_example;
	struct react_stats st;
};

/* react_target - the network a reaction against src covers */
void react_target(const struct react *r, const struct sl_addr *src,
		  struct react_key *out);
/* react_signals_text - "honeypot,lockout" of a signal mask */
void react_signals_text(unsigned mask, char *buf, size_t len);
/* react_event - one "countermeasure" event: d, the source that
   signalled, what it covers, its id, state (started, expired, lifted) */
void react_event(struct react *r, const struct cmeasure_decision *d,
		 const struct sl_addr *src, const struct react_key *k,
		 uint64_t id, const char *state, uint64_t now);
/* react_zone_observing - is src in a zone with observe = yes */
int react_zone_observing(const struct react *r, const struct sl_addr *src);

/* react_list_create - reactions in force within mem bytes; NULL on error */
struct react_list *react_list_create(size_t mem, const uint8_t seed[16]);
/* react_list_free - accepts NULL */
void react_list_free(struct react_list *l);
/* react_list_add - keep e under a new id (set in e); -1 if full */
int react_list_add(struct react_list *l, struct react_entry *e);
/* react_list_get - the reaction of id, or NULL */
struct react_entry *react_list_get(struct react_list *l, uint64_t id);
/* react_list_del - forget id */
void react_list_del(struct react_list *l, uint64_t id);
/* react_list_count - reactions kept */
size_t react_list_count(const struct react_list *l);
typedef void react_list_fn(void *ctx, const struct react_entry *e);
/* react_list_expired - hand every reaction expired by now to fn, then
   forget it */
void react_list_expired(struct react_list *l, uint64_t now,
			react_list_fn *fn, void *ctx);
/* react_list_format - the reactions in force, text or JSON lines */
void react_list_format(struct react_list *l, int json, uint64_t now,
		       GString *out);

/* react_start - enforce the action d decided (unless dry run), keep it,
   write its event */
void react_start(struct sluiced *sd, const struct cmeasure_decision *d,
		 const struct sl_addr *src, const struct react_key *k,
		 uint64_t now);
/* react_expire - reactions whose TTL ran out: undone, events */
void react_expire(struct sluiced *sd, uint64_t now);

#endif
