/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsd - sluiced's no-DNS signal: the NFLOG reader and its wiring
 * SYNOPSIS
 *	#include "dns/dnsd.h"
 * DESCRIPTION
 *	With [dns] nodns = yes, dnsd_up() binds [dns] log_group, which
 *	sluiced's own table feeds (table/nftrules.c: udp and tcp replies
 *	from port 53 to the hosts of throttled zones, on the forward and
 *	output hooks; with ruleset = none the operator's rules do), and
 *	attaches the answers read (dnssnoop) to the verdict engine, whose
 *	first contacts then raise the signal (verdict/vddns.c). A group it
 *	cannot bind (another program holds it) leaves the signal off with
 *	a warning: it is weak, and sluiced throttles without it.
 */
#ifndef SLUICE_DNSD_H
#define SLUICE_DNSD_H

#include <glib.h>
#include <stdint.h>

struct sluiced;
struct sd_conf;

/* dnsd_up - bind the log group and attach the signal, after the
   engine and before the ruleset (whose rules it decides) */
void dnsd_up(struct sluiced *s);
/* dnsd_down - detach and close; before the engine is freed */
void dnsd_down(struct sluiced *s);
/* dnsd_fd - the NFLOG socket for epoll, or -1 */
int dnsd_fd(const struct sluiced *s);
/* dnsd_read - the answers waiting */
void dnsd_read(struct sluiced *s);
/* dnsd_tick - once a second: suppressed event counts */
void dnsd_tick(struct sluiced *s, uint64_t now);
/* dnsd_report - what reads the answers, one line to fn (sluiced -n, start) */
void dnsd_report(const struct sd_conf *c, void (*fn)(void *, const char *),
		 void *ctx);
/* dnsd_status - sluicectl status's line, when the signal is on */
void dnsd_status(const struct sluiced *s, GString *out);
/* dnsd_metrics - the Prometheus lines */
void dnsd_metrics(const struct sluiced *s, GString *out);
/* dnsd_change - the [dns] key a reload cannot apply, or NULL */
const char *dnsd_change(const struct sd_conf *a, const struct sd_conf *b);

#endif
