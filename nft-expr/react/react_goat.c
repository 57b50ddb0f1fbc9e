/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_goat - a changed goat file names its suspects
 * SYNOPSIS
 *	#include "react/react_goat.h"
 * DESCRIPTION
 *	See react_goat.h. This machine's own addresses come from
 *	getifaddrs() at each read (a share may listen on any of them).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "clock.h"
#include "daemon.h"
#include "capture/cap_conf.h"
#include "ct/ctdump.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "react/react.h"
#include "react/react_goat.h"

#define GOAT_OWN_MAX 256	/* own addresses compared */
#define GOAT_CT_MAX 1000000	/* conntrack entries read at most */
#define GOAT_EVENT_FIELDS 16

struct goat_peer {
	struct sl_addr addr;
	uint16_t port;
};

struct goat_read {
	const struct cap_conf *cc;
	struct sl_addr own[GOAT_OWN_MAX];
	size_t nown;
	struct goat_peer peer[REACT_GOAT_PEERS];
	size_t npeer;
};

/* one read serves the changes of a second */
static struct goat_read last;
static uint64_t last_at;
static int last_ok;

/* own_addrs - this machine's addresses into g->own */
static void own_addrs(struct goat_read *g)
{
	struct ifaddrs *ifa, *i;
	const void *b;
	int fam;

	g->nown = 0;
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i != NULL && g->nown < GOAT_OWN_MAX; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam == AF_INET)
			b = &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr;
		else if (fam == AF_INET6)
			b = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
		else
			continue;
		addr_from_bytes(&g->own[g->nown++], fam == AF_INET ? 4 : 6, b);
	}
	freeifaddrs(ifa);
}

/* is_own - is a one of this machine's addresses */
static int is_own(const struct goat_read *g, const struct sl_addr *a)
{
	size_t i;

	for (i = 0; i < g->nown; i++)
		if (addr_equal(&g->own[i], a))
			return 1;
	return 0;
}

/* peer_one - ctdump_fn: a live connection to our share ports notes
   its peer (each once) */
static int peer_one(void *ctx, const struct ct_flow *f)
{
	struct goat_read *g = ctx;
	size_t i;

	if (!ctmsg_live(f) || !cap_conf_goat_port(g->cc, f->dport)
	    || !is_own(g, &f->dst))
		return 0;
	for (i = 0; i < g->npeer; i++)
		if (addr_equal(&g->peer[i].addr, &f->src))
			return 0;
	g->peer[g->npeer].addr = f->src;
	g->peer[g->npeer].port = f->dport;
	return ++g->npeer >= REACT_GOAT_PEERS;
}

/* goat_peers - the peers now (or as read less than a second ago) */
static const struct goat_read *goat_peers(struct sluiced *sd, uint64_t now)
{
	if (last_ok && now - last_at < NS_PER_SEC)
		return &last;
	memset(&last, 0, sizeof(last));
	last.cc = &sd->conf->capture;
	own_addrs(&last);
	if (ctdump_walk(GOAT_CT_MAX, peer_one, &last) < 0) {
		daemon_log(LOG_WARNING, "goat: the conntrack table could not be "
			   "read (%s): no peer named", strerror(errno));
		last.npeer = 0;
	}
	last_at = now;
	last_ok = 1;
	return &last;
}

/* peers_text - "a:port,b:port" of g's peers */
static void peers_text(const struct goat_read *g, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < g->npeer && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
				      addr_format(&g->peer[i].addr, a));
}

/* seen_at_start - the event's seen_by is "start" */
static int seen_at_start(const struct event *ev)
{
	size_t i;

	for (i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, "seen_by") == 0)
			return ev->fields[i].type == EF_STR && ev->fields[i].v.s
			    && strcmp(ev->fields[i].v.s, "start") == 0;
	return 0;
}

/* react_goat - the peers added to the goat event, then signalled */
void react_goat(struct sluiced *sd, const struct event *ev,
		void (*write)(void *ctx, const struct event *ev), uint64_t now)
{
	struct event_field f[GOAT_EVENT_FIELDS];
	struct event e = *ev;
	const struct goat_read *g;
	char text[REACT_GOAT_PEERS * (ADDR_STRLEN + 1) + 1];
	size_t i;

	if (seen_at_start(ev) || ev->nfields >= GOAT_EVENT_FIELDS) {
		write(sd, ev);
		return;
	}
	g = goat_peers(sd, now);
	peers_text(g, text, sizeof(text));
	memcpy(f, ev->fields, ev->nfields * sizeof(f[0]));
	f[ev->nfields] = (struct event_field)EF_S("peers", text);
	e.fields = f;
	e.nfields = ev->nfields + 1;
	write(sd, &e);
	if (sd->conf->capture.action == CAP_ACTION_LOG)
		return;
	for (i = 0; i < g->npeer; i++)
		react_signal(sd, CMEASURE_SIG_GOAT, &g->peer[i].addr, g->peer[i].port, now);
}
