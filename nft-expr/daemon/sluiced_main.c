/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced - the netfilter agent: Williamson and credit throttles on NFQUEUE
 * SYNOPSIS
 *	sluiced [-f] [-n] [-c FILE]
 * DESCRIPTION
 *	Start-up: read the configuration (exit 2 if it is bad), install
 *	tables ip and ip6 sluice unless "ruleset = none", bind the queues, open
 *	the control socket and the conntrack events, keep only
 *	CAP_NET_ADMIN, then run one epoll loop. SIGHUP reloads the
 *	configuration keeping all state; SIGTERM and SIGINT accept every
 *	held packet, remove the table and exit 0, so `nft list ruleset` is
 *	exactly what it was before the start. sluiced(8) is the manual.
 *	This file holds the loop and the verdict engine's operations;
 *	sdsetup.c brings the parts up and down, sdreload.c reloads.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "clock.h"
#include "ctl_server.h"
#include "daemon.h"
#include "event.h"
#include "apps/apps.h"
#include "capture/cap_claim.h"
#include "capture/cap_goat.h"
#include "capture/capture.h"
#include "ct/ctevents.h"
#include "fairshare/fairshare.h"
#include "fairshare/fs_sluiced.h"
#include "daemon/sdbypass.h"
#include "daemon/sdcheck.h"
#include "daemon/sdconf.h"
#include "daemon/sdctl.h"
#include "daemon/sdexempt.h"
#include "daemon/sdneigh.h"
#include "daemon/sdqstat.h"
#include "daemon/sdqueues.h"
#include "daemon/sdreload.h"
#include "daemon/sdsetup.h"
#include "daemon/sdstate.h"
#include "daemon/sluiced.h"
#include "outbound/outd.h"
#include "outbound/outprint.h"
#include "dns/dnsd.h"
#include "quarantine/quar.h"
#include "quarantine/quarbatch.h"
#include "quarantine/quarsave.h"
#include "quarantine/quarset.h"
#include "queue/nfqueue.h"
#include "queue/pkt.h"
#include "react/react.h"
#include "react/react_goat.h"
#include "table/nftpair.h"
#include "table/nftrules.h"
#include "verdict/vdflow.h"
#include "verdict/vdhost.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "quarantine/quarshare.h"

#define ERRLEN CFG_ERRLEN	/* a config error lists every known key */
#define POLL_NAP_NS (30 * 1000L)	/* under a flood: read this often */
#define POLL_IDLE_NAPS 32	/* naps without a flood, then block again */
#define POLL_FLOOD 2		/* packets in one read that mean a flood */
#define POLL_SLACK_NS 5000UL	/* timer slack: naps that short stay short */
#define FLUSH_WAIT_NS (500 * 1000ULL)	/* verdicts wait at most this */
#define FLUSH_IDLE_NS (50 * 1000ULL)	/* ... or this long without a packet */

static void op_pair_commit(void *ctx);

/* op_answer - verdict_ops: a verdict for a packet */
static void op_answer(void *ctx, uint64_t cookie, int accept)
{
	struct sluiced *s = ctx;

	uint16_t queue = (uint16_t)(cookie >> 32);

	nfqueue_verdict(sdqstat_of(s, queue), queue, (uint32_t)cookie,
			accept ? NF_ACCEPT : NF_DROP);
}

/* op_hold - verdict_ops: the packet waits */
static void op_hold(void *ctx, uint64_t cookie)
{
	struct sluiced *s = ctx;

	uint16_t queue = (uint16_t)(cookie >> 32);

	nfqueue_hold(sdqstat_of(s, queue), queue, (uint32_t)cookie);
}

/* op_quarantine - verdict_ops: the kernel's quarantine set. Additions
   wait for the end of the loop's turn (quarsave_flush), so a burst is one
   transaction; a removal goes at once, after what is pending, so it
   is never undone by an addition noted before it. */
static void op_quarantine(void *ctx, const struct sl_addr *a, uint64_t ttl)
{
	struct sluiced *s = ctx;
	char err[ERRLEN];

	/* every quarantine and release passes here: the other gateways too */
	quarshare_changed(s, a, ttl);
	if (s->nft == NULL)
		return;		/* ruleset none: we drop its packets ourselves */
	/* the engine keys an IPv6 host by its v6_prefix: so does the set */
	if (ttl > 0 && quarbatch_add(s->qb, a, s->conf->v6_prefix, ttl) == 0)
		return;
	quarsave_flush(s);
	if (quarset_change(s->nft, a, s->conf->v6_prefix, ttl, err,
			   sizeof(err)) < 0) {
		s->set_errors++;
		daemon_log(LOG_ERR, "%s", err);
	}
}

/* op_event - verdict_ops: file, syslog, followers */
static void op_event(void *ctx, const struct event *ev)
{
	struct sluiced *s = ctx;
	char json[EVENT_MAX], text[EVENT_MAX];

	(void)event_format(json, sizeof(json), ev);
	(void)event_summary(text, sizeof(text), ev);
	if (s->events != NULL && event_emit(s->events, ev) < 0)
		daemon_log(LOG_WARNING, "event file: %s; events are counted as "
			   "lost (sluice_events_lost_total) until it takes them "
			   "again", strerror(errno));
	if (s->conf->core.syslog_events)
		daemon_log(LOG_NOTICE, "%s", text);
	ctl_server_publish(s->ctl, json, text);
	fs_sluiced_event(s, ev);
}

/* op_signal - verdict_ops: a lockout or TRW verdict for the ladder */
static void op_signal(void *ctx, enum cmeasure_signal sig,
		      const struct sl_addr *src, uint16_t port)
{
	react_signal(ctx, sig, src, port, sl_monotonic_ns());
}

/* op_pair - verdict_ops: note a fast path pair change */
static void op_pair(void *ctx, const struct sl_addr *src,
		    const struct sl_addr *dst, int add)
{
	struct sluiced *s = ctx;

	if (s->pairs == NULL)
		return;		/* ruleset none: no fast sets to fill */
	if (nftpair_queue(s->pairs, src, dst, add) < 0) {
		/* apply what is noted and note again: never lose a removal */
		op_pair_commit(s);
		if (nftpair_queue(s->pairs, src, dst, add) < 0)
			s->set_errors++;
	}
}

/* op_pair_commit - verdict_ops: the noted pair changes into the kernel */
static void op_pair_commit(void *ctx)
{
	struct sluiced *s = ctx;
	char err[ERRLEN];

	if (s->pairs == NULL || nftpair_pending(s->pairs) == 0)
		return;
	if (nftpair_commit(s->pairs, s->nft, err, sizeof(err)) < 0) {
		s->set_errors++;
		daemon_log(LOG_ERR, "%s", err);
	}
}

struct pair_walk {
	void (*fn)(void *arg, const struct sl_addr *src,
		   const struct sl_addr *dst, uint64_t idle_ns);
	void *arg;
};

/* pair_seen - nftpair_fn: milliseconds to the engine's nanoseconds */
static void pair_seen(void *ctx, const struct sl_addr *src,
		      const struct sl_addr *dst, uint64_t idle_ms)
{
	struct pair_walk *w = ctx;

	w->fn(w->arg, src, dst, idle_ms * NS_PER_MS);
}

/* op_pair_walk - verdict_ops: the kernel's pairs, idle times */
static int op_pair_walk(void *ctx,
			void (*fn)(void *arg, const struct sl_addr *src,
				   const struct sl_addr *dst, uint64_t idle_ns),
			void *arg)
{
	struct sluiced *s = ctx;
	struct pair_walk w = { fn, arg };
	char err[ERRLEN];

	if (s->pairs == NULL || nftrules_table(s->nft) == NULL)
		return 0;
	if (nftpair_walk(s->pairs, nftrules_table(s->nft), pair_seen, &w, err,
			 sizeof(err)) < 0) {
		s->set_errors++;
		daemon_log(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

static const struct verdict_ops ops = {
	op_answer, op_hold, op_quarantine, op_event, op_signal,
	op_pair, op_pair_commit, op_pair_walk
};

/* ruleset none: no table of ours, no fast path */
static const struct verdict_ops ops_none = {
	op_answer, op_hold, op_quarantine, op_event, op_signal, NULL, NULL, NULL
};

/* op_hit - cap_hit_ops: a hit on a dark address is a strong signal
   with action = signal; log writes the event alone */
static void op_hit(void *ctx, const struct sl_addr *src, uint16_t dport)
{
	struct sluiced *s = ctx;

	if (s->conf->capture.action == CAP_ACTION_LOG)
		return;
	react_signal(s, CMEASURE_SIG_HONEYPOT, src, dport, sl_monotonic_ns());
}

/* op_goat - cap_hit_ops: a bait changed; the peers connected to our
   file shares are named and signalled (react_goat(3)) */
static void op_goat(void *ctx, const struct event *ev)
{
	react_goat(ctx, ev, op_event, sl_monotonic_ns());
}

static const struct cap_hit_ops cap_ops = { op_event, op_hit, op_goat };

/* on_packet - the verdict for one queued packet */
static void on_packet(void *ctx, const struct nfqueue_pkt *p)
{
	struct sluiced *s = ctx;
	struct pkt_info info;

	if (s->bypass_on) {	/* ruleset = none: the kernel still queues */
		nfqueue_verdict(sdqstat_of(s, p->queue), p->queue, p->id,
				NF_ACCEPT);
		s->bypass_accepted++;
		return;
	}
	(void)pkt_parse(p->data, p->len, &info);
	if (info.proto == 6 || info.proto == 17)	/* a first contact */
		react_contact(s, &info.src, &info.dst, info.dport, s->read_now);
	verdict_packet(s->v, &info, (uint64_t)p->queue << 32 | p->id,
		       s->read_now);
}

/* on_burst - sdqueues_burst_fn: a reader thread's burst, under the
   engine's lock: decided and answered at once (the reader naps under
   a flood, which makes the bursts) */
static void on_burst(void *ctx, struct nfqueue *q)
{
	struct sluiced *s = ctx;

	s->read_now = sl_monotonic_ns();
	if (nfqueue_dispatch(q, on_packet, s) > 0)
		sdbypass_queued(s, s->read_now);
	verdict_commit(s->v);	/* the fast path's additions */
	quarsave_flush(s);
	if (nfqueue_flush(q) < 0)
		daemon_log(LOG_WARNING, "queue verdicts: %s", strerror(errno));
	/* a hold due before the main loop means to wake: wake it, or the
	   release would wait for its next timer */
	if (verdict_next(s->v, s->read_now) < s->wake_at)
		sdqueues_wake(s->mq);
}

/* on_flow - a conntrack event with an outcome */
static void on_flow(void *ctx, const struct ct_flow *f)
{
	struct sluiced *s = ctx;
	uint64_t now = sl_monotonic_ns();

	sdbypass_flow(s, f, now);
	react_inbound(s, &f->src, &f->dst, f->dport, now);
	vdflow_outcome(s->v, &f->src, &f->dst, f->proto, f->dport,
		       f->outcome == CT_SUCCESS, now);
}

/* on_signal - drain the signalfd */
static void on_signal(struct sluiced *s)
{
	struct signalfd_siginfo si;
	char err[ERRLEN];

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP && sdreload_run(s, err, sizeof(err)) < 0)
			daemon_log(LOG_ERR, "reload refused, the running "
				   "configuration stays: %s", err);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			daemon_log(LOG_INFO, "signal %u: stopping",
				   si.ssi_signo);
			s->stop = 1;
		}
	}
}

/* loop_add - watch fd for input */
static void loop_add(struct sluiced *s, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(s->efd, EPOLL_CTL_ADD, fd, &ev) < 0)
		daemon_die(1, "epoll_ctl: %s", strerror(errno));
}

/* loop_timeout - milliseconds until the next timer, rounded up */
static int loop_timeout(struct sluiced *s, uint64_t now)
{
	uint64_t next = verdict_next(s->v, now);

	if (s->next_second < next)
		next = s->next_second;
	if (quarshare_next(s) < next)
		next = quarshare_next(s);
	if (next <= now)
		return 0;
	return (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}

/* loop_timers - what is due now */
static void loop_timers(struct sluiced *s)
{
	uint64_t now = sl_monotonic_ns();

	/* once a second too: verdict_next wakes us a second ahead for
	   quarantine expiry without saying it is due, so an expiry waited
	   for the next other timer (seconds late, or never when idle) */
	if (verdict_next(s->v, now) <= now || now >= s->next_second)
		verdict_tick(s->v, now);
	if (quarshare_next(s) <= now)
		quarshare_tick(s, now);
	if (now >= s->next_second) {
		ctl_server_expire(s->ctl, now);
		if (s->cap != NULL)
			capture_tick(s->cap, now, (int64_t)time(NULL));
		if (s->goat != NULL)
			cap_goat_tick(s->goat, now);
		react_tick(s, now);
		quarsave_tick(s);
		sdstate_tick(s, now);
		sdbypass_tick(s, now);
		sdqstat_tick(s, now);
		fairshare_tick(s->fair, now);
		dnsd_tick(s, now);
		outd_tick(s, now);
		s->next_second = now + NS_PER_SEC;
	}
}

/* loop_dispatch - one ready descriptor; returns queued packets read */
static int loop_dispatch(struct sluiced *s, int fd)
{
	int n = 0;

	if (fd == s->sfd)
		on_signal(s);
	else if (fd == sdqueues_wake_fd(s->mq))
		sdqueues_woken(s->mq);	/* the timers run after the dispatch */
	else if (fd == nfqueue_fd(s->q)) {
		/* One clock read a burst: packets of one read arrived within
		   microseconds, and a read per packet cost 12% of our core. */
		s->read_now = sl_monotonic_ns();
		if ((n = nfqueue_read(s->q, on_packet, s)) < 0)
			daemon_log(LOG_WARNING, "queue read: %s",
				   strerror(errno));
		else if (n > 0)
			sdbypass_queued(s, s->read_now);
	} else if (s->cap != NULL && fd == capture_fd(s->cap)) {
		if (capture_read(s->cap, sl_monotonic_ns()) < 0)
			daemon_log(LOG_WARNING, "capture queue read: %s",
				   strerror(errno));
	} else if (s->claim != NULL && fd == cap_claim_fd(s->claim)) {
		if (cap_claim_read(s->claim, sl_monotonic_ns()) < 0)
			daemon_log(LOG_WARNING, "capture claim read: %s",
				   strerror(errno));
	} else if (s->apps != NULL && fd == apps_bpf_fd(s->apps))
		apps_bpf_read(s->apps, sl_monotonic_ns());
	else if (s->apps != NULL && fd == apps_watch_fd(s->apps))
		apps_watch_read(s->apps);
	else if (outd_owns(s, fd))
		outd_read(s);
	else if (s->goat != NULL && fd == cap_goat_fd(s->goat))
		cap_goat_read(s->goat);
	else if (fd == ctl_server_fd(s->ctl))
		ctl_server_run(s->ctl, sl_monotonic_ns());
	else if (s->ct != NULL && fd == ctevents_fd(s->ct))
		(void)ctevents_read(s->ct, on_flow, s);
	else if (s->exempt != NULL && fd == sdexempt_fd(s->exempt))
		sdsetup_exempt_changed(s);
	return n > 0 ? n : 0;
}

/* loop_flush - send the verdicts, or let more join them: while packets
   keep coming (the last one less than FLUSH_IDLE_NS ago) verdicts wait
   for a burst, at most FLUSH_WAIT_NS. Each send takes the queue's lock
   that the sending core needs for every packet it queues, so under a
   flood fewer sends leave that core more time; a lone packet still
   gets its verdict within FLUSH_IDLE_NS. */
static void loop_flush(struct sluiced *s, int got, int sleeping)
{
	size_t n = nfqueue_pending(s->q) + sdqueues_pending(s->mq);
	uint64_t now;

	verdict_commit(s->v);	/* the fast path's additions */
	if (n == 0)
		return;
	now = sl_monotonic_ns();
	if (got > 0)
		s->last_arrival = now;
	if (s->flush_from == 0)
		s->flush_from = now;
	if (!sleeping && n < NFQ_BURST && now - s->flush_from < FLUSH_WAIT_NS
	    && now - s->last_arrival < FLUSH_IDLE_NS)
		return;
	s->flush_from = 0;
	/* the readers' queues: what our timers released there */
	if (nfqueue_flush(s->q) < 0 || sdqueues_flush(s->mq) < 0)
		daemon_log(LOG_WARNING, "queue verdicts: %s", strerror(errno));
}

/* loop_nap - sleep POLL_NAP_NS */
static void loop_nap(void)
{
	struct timespec ts = { 0, POLL_NAP_NS };

	(void)nanosleep(&ts, NULL);
}

/* loop - until SIGTERM/SIGINT. Idle, the loop blocks in epoll and the
   first packet wakes it. Under a flood (POLL_FLOOD packets found by
   one read) it neither blocks, which would cost the sending core a
   wake-up every few packets, nor polls without pause, which takes
   each packet alone: it naps POLL_NAP_NS and reads what came
   meanwhile, at half the CPU a flow and no cost to the sender
   (BENCHMARKS.md). POLL_IDLE_NAPS naps without a flood and it blocks
   again. With a queue range the readers (sdqueues) run beside it, and
   the loop holds the engine's lock from each wake-up to its next
   wait. */
static void loop(struct sluiced *s)
{
	struct epoll_event ev[8];
	int n, i, got, naps = 0, timeout;

	(void)prctl(PR_SET_TIMERSLACK, POLL_SLACK_NS);
	sdqueues_lock(s->mq);
	while (!s->stop) {
		s->wake_at = sl_monotonic_ns();
		timeout = naps > 0 ? 0 : loop_timeout(s, s->wake_at);
		s->wake_at += (uint64_t)timeout * NS_PER_MS;
		sdqueues_unlock(s->mq);
		if (naps > 0)
			loop_nap();
		n = epoll_wait(s->efd, ev, 8, timeout);
		sdqueues_lock(s->mq);
		if (n < 0 && errno != EINTR)
			daemon_die(1, "epoll_wait: %s", strerror(errno));
		/* DNS answers first: the kernel logged each one before
		   its client could send the contact it justifies */
		for (i = 0; i < n; i++)
			if (ev[i].data.fd == dnsd_fd(s))
				dnsd_read(s);
		for (i = got = 0; i < n; i++)
			if (ev[i].data.fd != dnsd_fd(s))
				got += loop_dispatch(s, ev[i].data.fd);
		naps = got >= POLL_FLOOD ? POLL_IDLE_NAPS : naps > 0 ? naps - 1 : 0;
		loop_timers(s);
		quarsave_flush(s);
		loop_flush(s, got, naps == 0);
	}
	loop_flush(s, 0, 1);
	sdqueues_unlock(s->mq);
	sdqueues_stop(s->mq);	/* the engine is ours alone from here */
}

/* engine_up - events file, verdict engine (with its saved state),
   conntrack events */
static void engine_up(struct sluiced *s)
{
	const char *ev = s->conf->core.events;
	char err[ERRLEN];

	if (ev != NULL && strcmp(ev, "-") != 0)
		sdcheck_mkparent(ev, 0750);
	if (ev != NULL && *ev && (s->events = event_open(ev)) == NULL)
		daemon_die(1, "event file %s: %s", ev, strerror(errno));
	if ((s->qb = quarbatch_create()) == NULL)
		daemon_die(1, "quarantine batch: out of memory");
	sdstate_engine(s, s->conf->ruleset == SD_RULESET_NONE ? &ops_none : &ops);
	if ((s->react = react_create(s->conf, op_event, s, err, sizeof(err))) == NULL)
		daemon_die(1, "%s", err);
	sdsetup_outcomes(s);
}

/* warn_stderr - sdcheck_warn_fn for -n */
static void warn_stderr(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "sluiced: warning: %s\n", line);
}

/* info_stderr - sdcheck_warn_fn of -n for what is not a warning (on
   stderr too: stdout says only "configuration ok") */
static void info_stderr(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "sluiced: %s\n", line);
}

/* info_log - sdcheck_warn_fn at start for what is not a warning */
static void info_log(void *ctx, const char *line)
{
	(void)ctx;
	daemon_log(LOG_INFO, "%s", line);
}

/* warn_log - sdcheck_warn_fn at start */
static void warn_log(void *ctx, const char *line)
{
	(void)ctx;
	daemon_log(LOG_WARNING, "%s", line);
}

/* conf_check - -n: the file, then what start would meet here; the exit
   status */
static int conf_check(struct sluiced *s)
{
	char err[ERRLEN];
	int rc = 0;

	if (sdcheck_host(s->path, s->conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluiced: %s\n", err);
		rc = 2;
	} else {
		sdcheck_warnings(s->path, s->conf, warn_stderr, NULL);
		(void)sdsetup_exempt(s, warn_stderr);
		sdneigh_report(s->conf, info_stderr, NULL);
		dnsd_report(s->conf, info_stderr, NULL);
		if (sdqueues_print(stdout, s->conf) < 0
		    || outprint_policy(stdout, s->conf) < 0) {
			fprintf(stderr, "sluiced: printing the queue rules and "
				"the outbound policy: "
				"%s\n", strerror(errno));
			rc = 2;
		} else
			printf("%s: configuration ok\n", s->path);
	}
	sdexempt_close(s->exempt);
	sdconf_release(s->conf);
	free(s->conf);
	return rc;
}

static const char usage[] = "[-c FILE] [-f] [-n] [-V] [-h]";

int main(int argc, char **argv)
{
	struct sluiced s = { .sfd = -1, .efd = -1 };
	struct daemon_opts o;
	char err[ERRLEN];

	daemon_args(argc, argv, "sluiced", usage, NULL, NULL, &o);
	s.path = o.config;
	if ((s.conf = calloc(1, sizeof(*s.conf))) == NULL
	    || sdconf_load(s.path, s.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluiced: %s\n", s.conf ? err : "out of memory");
		free(s.conf);
		return 2;
	}
	if (o.check_only)
		return conf_check(&s);
	/* what -n would refuse fails the start before anything is in */
	if (sdcheck_host(s.path, s.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluiced: %s\n", err);
		sdconf_release(s.conf);
		free(s.conf);
		return 1;
	}
	daemon_log_open("sluiced", o.foreground, LOG_DAEMON);
	sdcheck_warnings(s.path, s.conf, warn_log, NULL);
	if (!o.foreground && daemon(0, 0) < 0)
		daemon_die(1, "daemon: %s", strerror(errno));
	if ((s.sfd = daemon_signalfd()) < 0 || (s.efd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		daemon_die(1, "signals: %s", strerror(errno));
	s.started = sl_monotonic_ns();
	/* before the engine and the table: both use the whitelist in force */
	if (sdsetup_exempt(&s, NULL) < 0)
		daemon_die(1, "without its own addresses sluiced could "
			   "quarantine this machine: not starting");
	engine_up(&s);
	sdneigh_report(s.conf, info_log, NULL);	/* before ours are in */
	/* the queue first: fail-closed sources are never queued to nobody */
	sdsetup_queue(&s);
	sdsetup_capture(&s, &cap_ops);
	fs_sluiced_up(&s, op_event);	/* its rules go in with the table */
	dnsd_up(&s);		/* before the ruleset: it decides the log rules */
	sdsetup_ruleset(&s);
	outd_up(&s, op_event);	/* binds its group (epoll) if a zone has a policy */
	sdsetup_apps(&s, op_event);
	quarsave_restore(&s);
	quarshare_start(&s);	/* after the restore: those are ours */
	sdsetup_control(&s, sdctl_handle);
	sdcheck_mkparent(s.conf->pidfile, 0755);
	if (daemon_pidfile(s.conf->pidfile) < 0)
		daemon_log(LOG_WARNING, "pidfile %s: %s", s.conf->pidfile,
			   strerror(errno));
	loop_add(&s, s.sfd);
	loop_add(&s, nfqueue_fd(s.q));
	loop_add(&s, ctl_server_fd(s.ctl));
	loop_add(&s, sdexempt_fd(s.exempt));
	if (s.cap != NULL)
		loop_add(&s, capture_fd(s.cap));
	if (s.claim != NULL)
		loop_add(&s, cap_claim_fd(s.claim));
	if (s.goat != NULL)
		loop_add(&s, cap_goat_fd(s.goat));
	if (s.apps != NULL) {
		loop_add(&s, apps_bpf_fd(s.apps));
		loop_add(&s, apps_watch_fd(s.apps));
	}
	if (s.nflog != NULL)
		loop_add(&s, dnsd_fd(&s));
	sdsetup_privileges(&s);
	/* after the drop: each thread keeps the capabilities it starts with */
	if (s.mq != NULL) {
		loop_add(&s, sdqueues_wake_fd(s.mq));
		if (sdqueues_start(s.mq, on_burst, &s) < 0)
			daemon_die(1, "queue threads: %s", strerror(errno));
	}
	daemon_log(LOG_INFO, "sluiced %s started, %zu zone(s)", SLUICE_VERSION,
		   s.conf->nzones);
	loop(&s);
	quarsave_save(&s);
	quarshare_stop(&s);
	sdstate_stop(&s);
	dnsd_down(&s);		/* before the engine goes */
	outd_down(&s);
	sdsetup_shutdown(&s);
	sdconf_release(s.conf);
	free(s.conf);
	daemon_log(LOG_INFO, s.status ? "stopped after a failure" : "stopped");
	return s.status;
}
