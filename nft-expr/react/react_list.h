/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_list - the reactions in force, by id
 * SYNOPSIS
 *	#include "react/react_list.h"
 * DESCRIPTION
 *	A bounded table from id to reaction (react_int.h), its listing
 *	for sluicectl reactions, and the names of a signal mask.
 */
#ifndef SLUICE_REACT_LIST_H
#define SLUICE_REACT_LIST_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include "react/react_int.h"

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
/* react_list_find - the reaction of action on net (and port), or NULL */
struct react_entry *react_list_find(struct react_list *l, unsigned action,
				    const struct sl_addr *net, uint16_t port);
typedef void react_list_fn(void *ctx, const struct react_entry *e);
typedef void react_list_each_fn(void *ctx, struct react_entry *e);
/* react_list_each - every reaction to fn, which may change its values
   (not its action, target or port) */
void react_list_each(struct react_list *l, react_list_each_fn *fn, void *ctx);
/* react_list_expired - hand every reaction expired by now to fn, then
   forget it */
void react_list_expired(struct react_list *l, uint64_t now,
			react_list_fn *fn, void *ctx);
/* react_list_format - the reactions in force, text or JSON lines (an
   isolation with the name of its zone in c) */
void react_list_format(struct react_list *l, const struct sd_conf *c,
		       int json, uint64_t now, GString *out);
/* react_list_signals - "honeypot,lockout" of a signal mask */
void react_list_signals(unsigned mask, char *buf, size_t len);

#endif
