/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdsetup - sluiced's parts, brought up at start and down at stop
 * SYNOPSIS
 *	#include "daemon/sdsetup.h"
 * DESCRIPTION
 *	The ruleset and its sets, the queue, the control socket, the
 *	conntrack events, the privileges. Order matters and is the
 *	caller's (sluiced_main.c): the queue is bound before the table
 *	that sends to it is installed, and the table is removed before
 *	the queue is unbound, so fail-closed sources never meet a queue
 *	nobody reads. A failure at start-up is fatal (exit 1), after
 *	undoing what was installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "clock.h"
#include "ctl_server.h"
#include "daemon.h"
#include "event.h"
#include "apps/apps.h"
#include "capture/cap_claim.h"
#include "outbound/outnft.h"
#include "quarantine/quarset.h"
#include "capture/cap_goat.h"
#include "capture/capture.h"
#include "react/react.h"
#include "quarantine/quarbatch.h"
#include "ct/ctevents.h"
#include "fairshare/fairshare.h"
#include "daemon/caps.h"
#include "daemon/sdcheck.h"
#include "daemon/sdconf.h"
#include "daemon/sdexempt.h"
#include "daemon/sdqstat.h"
#include "daemon/sdqueues.h"
#include "daemon/sdsetup.h"
#include "daemon/sluiced.h"
#include "queue/nfqueue.h"
#include "table/nftpair.h"
#include "table/nftrules.h"
#include "table/nftset.h"
#include "table/ranges.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"

#define ERRLEN 512
/* IPv4 with options + TCP with options is 120 bytes; IPv6 + TCP with
   options + one 28-byte extension header 128. Every byte more is
   allocated and copied on the core the packet arrived on. */
#define COPY_RANGE 128

/* keep_all - ranges_build filter: every prefix */
static int keep_all(void *ctx, uintptr_t value)
{
	(void)ctx;
	(void)value;
	return 1;
}

/* keep_closed - ranges_build filter: zones that fail closed */
static int keep_closed(void *ctx, uintptr_t value)
{
	const struct sd_conf *c = ctx;

	return value >= 1 && value <= c->nzones
	    && c->zones[value - 1].fail == SD_FAIL_CLOSED;
}

/* keep_queued - ranges_build filter: zones whose packets need sluiced
   (a zone of mode off that fails closed still needs its queue) */
static int keep_queued(void *ctx, uintptr_t value)
{
	const struct sd_conf *c = ctx;

	return value >= 1 && value <= c->nzones
	    && (c->zones[value - 1].mode != SD_MODE_OFF
		|| c->zones[value - 1].fail == SD_FAIL_CLOSED);
}

/* set_fill - one set of the pair from a prefix set */
static int set_fill(struct sluiced *s, const char *base, int family,
		    const struct prefixset *ps, int (*keep)(void *, uintptr_t),
		    struct sl_range *buf)
{
	char err[ERRLEN];
	long n = ps ? ranges_build(ps, family, keep, s->conf, buf, RANGES_MAX) : 0;

	if (n < 0) {
		daemon_log(LOG_ERR, "set %s%d: %s", base, family,
			   strerror(errno));
		return -1;
	}
	if (nftset_fill(s->nft, base, family, buf, (size_t)n, err, sizeof(err)) < 0) {
		daemon_log(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

/* sdsetup_sets - whitelist, fail-closed and queued sets from the
   configuration */
int sdsetup_sets(struct sluiced *s)
{
	struct sl_range *buf;
	int rc = 0, fam;

	if (s->nft == NULL)
		return 0;
	if ((buf = calloc(RANGES_MAX, sizeof(*buf))) == NULL)
		return -1;
	for (fam = 4; fam <= 6; fam += 2) {
		rc |= set_fill(s, "whitelist", fam, s->conf->core.whitelist,
			       keep_all, buf);
		rc |= set_fill(s, "closed", fam, s->conf->zonemap, keep_closed, buf);
		rc |= set_fill(s, "queued", fam, s->conf->zonemap, keep_queued, buf);
		if (s->cap != NULL)
			rc |= set_fill(s, "dark", fam, s->conf->capture.dark,
				       keep_all, buf);
	}
	free(buf);
	return rc;
}

/* sdsetup_ruleset - install our table (ruleset = own) and say which queue
   expression the kernel took */
void sdsetup_ruleset(struct sluiced *s)
{
	struct nftrules_conf nc = {
		.table = s->conf->table, .hooks = s->conf->hook_mask,
		.priority = s->conf->chain_priority, .queue_num = (uint16_t)s->conf->queue_num,
		.queues = (uint16_t)s->conf->queue_count, .hash_seed = s->queue_seed,
		.closed_queue = (uint16_t)s->conf->closed_queue_num,
		.capture = s->cap != NULL,
		.capture_queue = (uint16_t)s->conf->capture.queue,
		.outbound = outnft_fill, .outbound_ctx = s->conf,
		/* always: a reload may turn a zone's fast_path on */
		.fast_path = 1,
		.v6_prefix = s->conf->v6_prefix,
		.dns_log = s->nflog != NULL,
		.dns_group = (uint16_t)s->conf->dns.log_group,
	};
	char err[ERRLEN];

	if (s->conf->ruleset == SD_RULESET_NONE) {
		daemon_log(LOG_INFO, "ruleset none: installing nothing; your "
			   "ruleset queues to %s (and %u for fail-closed "
			   "sources)%s", s->conf->queue_text,
			   s->conf->closed_queue_num, s->conf->queue_count > 1
			   ? ": spread by a hash of the source alone, or a "
			     "host's decisions are split" : "");
		return;
	}
	if ((s->nft = nftrules_open()) == NULL)
		daemon_die(1, "netfilter netlink socket: %s", strerror(errno));
	if (s->fair != NULL)
		fairshare_nft(s->fair, &nc);
	if (nftrules_install(s->nft, &nc, err, sizeof(err)) < 0
	    || (s->fair != NULL
		&& fairshare_attach(s->fair, s->conf->table, err, sizeof(err)) < 0)) {
		sdsetup_ruleset_down(s);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "ruleset own: tables ip and ip6 %s installed, queue %s "
		   "(fail-%s) and %u (fail-closed zones) using the %s",
		   s->conf->table, s->conf->queue_text,
		   s->conf->fail_open ? "open" : "closed", nc.closed_queue,
		   nftrules_kind_name(nftrules_queue_kind(s->nft)));
	if ((s->pairs = nftpair_create()) == NULL)
		daemon_die(1, "fast path: %s", strerror(errno));
	if (sdsetup_sets(s) < 0) {
		(void)nftrules_remove(s->nft, err, sizeof(err));
		daemon_die(1, "filling the whitelist and fail-closed sets "
			   "failed");
	}
}

/* sdsetup_ruleset_down - remove our table, if we installed one, and
   then the fair-sharing trees its rules steered into */
void sdsetup_ruleset_down(struct sluiced *s)
{
	char err[ERRLEN];

	if (s->fair != NULL && s->nft == NULL) {
		fairshare_close(s->fair);
		s->fair = NULL;
	}

	if (s->nft == NULL)
		return;
	if (nftrules_remove(s->nft, err, sizeof(err)) < 0)
		daemon_log(LOG_ERR, "%s", err);
	else
		daemon_log(LOG_INFO, "tables ip and ip6 %s removed",
			   s->conf->table);
	nftrules_close(s->nft);
	s->nft = NULL;
	if (s->fair != NULL) {
		fairshare_close(s->fair);
		s->fair = NULL;
		daemon_log(LOG_INFO, "fairshare: trees removed");
	}
	nftpair_free(s->pairs);
	s->pairs = NULL;
}

/* has_closed_zone - does any zone fail closed */
static int has_closed_zone(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].fail == SD_FAIL_CLOSED)
			return 1;
	return 0;
}

/* queues_range - queue_num = N-M: the fail-closed queue alone on
   s->q, the range on sdqueues, one socket (and later a thread) each */
static void queues_range(struct sluiced *s, struct nfqueue_conf *qc)
{
	char err[ERRLEN];

	if (getrandom(&s->queue_seed, sizeof(s->queue_seed), 0)
	    != (ssize_t)sizeof(s->queue_seed))
		daemon_die(1, "getrandom: %s", strerror(errno));
	qc->queue[0] = (uint16_t)s->conf->queue_num;
	s->mq = sdqueues_open(qc, s->conf->queue_num, s->conf->queue_count, err,
			      sizeof(err));
	if (s->mq == NULL)
		daemon_die(1, "%s", err);
	qc->queue[0] = (uint16_t)s->conf->closed_queue_num;
	qc->fail_open[0] = 0;
	qc->nqueues = 1;
	if ((s->q = nfqueue_open(qc, err, sizeof(err))) == NULL) {
		sdqueues_close(s->mq);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "queues %s: %u reader threads, sources spread "
		   "by jhash seed 0x%08x", s->conf->queue_text,
		   s->conf->queue_count, s->queue_seed);
}

/* sdsetup_queue - bind the fail-open queue and the fail-closed one */
void sdsetup_queue(struct sluiced *s)
{
	struct nfqueue_conf qc = {
		.queue = { (uint16_t)s->conf->queue_num,
			   (uint16_t)s->conf->closed_queue_num },
		.fail_open = { s->conf->fail_open, 0 },
		/* our own ruleset may send to the second queue after a reload */
		.nqueues = s->conf->ruleset == SD_RULESET_OWN
			   || has_closed_zone(s->conf) ? 2 : 1,
		.maxlen = s->conf->queue_maxlen,
		.rcvbuf = (int)s->conf->socket_buffer,
		.copy_range = COPY_RANGE,
	};
	char err[ERRLEN];

	if (s->conf->queue_count > 1) {
		queues_range(s, &qc);
		return;
	}
	if ((s->q = nfqueue_open(&qc, err, sizeof(err))) == NULL)
		daemon_die(1, "%s", err);
}

/* goat_up - the goat files of [capture] goat_dirs, their hashes kept
   in [core] state_dir/goats */
static void goat_up(struct sluiced *s, const struct cap_hit_ops *ops)
{
	const struct cap_conf *c = &s->conf->capture;
	const char *sd = s->conf->core.state_dir;
	char err[ERRLEN], state[4096];

	if (c->goat_dirs == NULL || c->goat_dirs[0] == NULL)
		return;
	if (sd != NULL && *sd)
		snprintf(state, sizeof(state), "%s/goats", sd);
	s->goat = cap_goat_open(c->goat_dirs, sd && *sd ? state : NULL,
				c->goat_sweep_ns, sl_monotonic_ns(),
				ops->goat ? ops->goat : ops->event,
				s, err, sizeof(err));
	if (s->goat == NULL) {
		capture_close(s->cap);
		nfqueue_close(s->q);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "goat files in %u folder(s), swept every %llu s",
		   g_strv_length(c->goat_dirs),
		   (unsigned long long)(c->goat_sweep_ns / NS_PER_SEC));
}

/* claim_on - cap_claim_ops: a claimed address is dark until its
   element times out ([capture] hold_timeout, renewed while claimed) */
static void claim_on(void *ctx, const struct sl_addr *a, int on)
{
	struct sluiced *s = ctx;
	char err[ERRLEN], shown[ADDR_STRLEN];

	daemon_log(LOG_INFO, "capture: %s %s", on ? "claimed" : "let go",
		   addr_format(a, shown));
	if (s->nft != NULL
	    && quarset_change_in(s->nft, "claimed", a,
				 a->family == 6 ? 128 : 32,
				 on ? s->conf->capture.hold_timeout_ns : 0,
				 err, sizeof(err)) < 0)
		daemon_log(LOG_WARNING, "capture: claimed set: %s", err);
}

static const struct cap_claim_ops claim_ops = { claim_on };

/* claim_up - the packet sockets of [capture] claim */
static void claim_up(struct sluiced *s)
{
	const struct cap_conf *c = &s->conf->capture;
	char err[ERRLEN];

	if (c->nclaims == 0)
		return;
	if ((s->claim = cap_claim_open(c, &claim_ops, s, err,
				       sizeof(err))) == NULL) {
		capture_close(s->cap);
		nfqueue_close(s->q);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "capture: claiming unanswered addresses of %zu "
		   "prefix(es) after %llu ms", c->nclaims,
		   (unsigned long long)(c->claim_after_ns / 1000000));
}

/* sdsetup_capture - the capture queue and raw sockets with [capture]
   dark, before the ruleset that queues to it; the goat files with
   goat_dirs */
void sdsetup_capture(struct sluiced *s, const struct cap_hit_ops *ops)
{
	const struct cap_conf *c = &s->conf->capture;
	uint8_t secret[16];
	char err[ERRLEN];

	if (!cap_conf_on(c)) {
		goat_up(s, ops);
		return;
	}
	if (getrandom(secret, sizeof(secret), 0) != (ssize_t)sizeof(secret))
		daemon_die(1, "getrandom: %s", strerror(errno));
	if ((s->cap = capture_open(c, s->conf->fail_open, secret, ops, s, err,
				   sizeof(err))) == NULL) {
		nfqueue_close(s->q);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "capture: %zu dark prefix(es) on queue %u, "
		   "samples %s", prefixset_count(c->dark), c->queue,
		   c->sample_dir ? c->sample_dir : "hashed, not stored");
	claim_up(s);
	goat_up(s, ops);
}

/* apps_warn - apps_open's warnings, to the log */
static void apps_warn(void *ctx, const char *line)
{
	(void)ctx;
	daemon_log(LOG_WARNING, "%s", line);
}

/* sdsetup_apps - the per-application BPF program with [applications]
   mode learn or enforce, while CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN
   are still ours (sdsetup_privileges drops them) */
void sdsetup_apps(struct sluiced *s, void (*event)(void *, const struct event *))
{
	const struct app_conf *c = &s->conf->apps;
	const char *sd = s->conf->core.state_dir;
	char err[ERRLEN], store[4096];

	if (c->mode == APPCONF_OFF)
		return;
	if (sd != NULL && *sd) {
		snprintf(store, sizeof(store), "%s/applications", sd);
		sdcheck_mkparent(store, 0750);
	}
	s->apps = apps_open(c, sd && *sd ? store : NULL, event, apps_warn, s, err,
			    sizeof(err));
	if (s->apps == NULL) {
		sdsetup_ruleset_down(s);
		nfqueue_close(s->q);
		daemon_die(1, "%s", err);
	}
	daemon_log(LOG_INFO, "applications: %s on cgroup %s%s",
		   appconf_mode_name(c->mode), c->cgroup && *c->cgroup ? c->cgroup
		   : "(the root)", c->package_verified ? ", packages verified" : "");
}

/* outcomes_needed - does any zone use first-contact outcomes, or
   does the bypass notice watch a throttling zone's flows */
static int outcomes_needed(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].mode == SD_MODE_CREDIT
		    || (c->zones[i].mode == SD_MODE_WILLIAMSON
			&& (c->zones[i].trw != SD_TRW_OFF || c->bypass_warn_ns)))
			return 1;
	return 0;
}

/* sdsetup_outcomes - conntrack events when a zone needs outcomes (or
   the bypass notice), else none: every reply of every flow would cost
   us a message */
void sdsetup_outcomes(struct sluiced *s)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (!outcomes_needed(s->conf)) {
		if (s->ct != NULL) {
			(void)epoll_ctl(s->efd, EPOLL_CTL_DEL, ctevents_fd(s->ct), NULL);
			ctevents_close(s->ct);
			s->ct = NULL;
		}
		return;
	}
	if (s->ct != NULL)
		return;
	if ((s->ct = ctevents_open((int)s->conf->socket_buffer / 4)) == NULL) {
		daemon_log(LOG_WARNING, "conntrack events: %s: first-contact "
			   "outcomes come from timeouts only", strerror(errno));
		return;
	}
	ev.data.fd = ctevents_fd(s->ct);
	if (epoll_ctl(s->efd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		daemon_log(LOG_WARNING, "epoll_ctl: %s", strerror(errno));
}

/* exempt_log - sdexempt_warn_fn: to the log */
static void exempt_log(void *ctx, const char *line)
{
	(void)ctx;
	daemon_log(LOG_WARNING, "%s", line);
}

/* sdsetup_exempt - own addresses and resolvers into the whitelist in
   force (at start, for -n, after a reload) */
int sdsetup_exempt(struct sluiced *s, void (*warn)(void *, const char *))
{
	char err[ERRLEN];

	if (warn == NULL)
		warn = exempt_log;
	if (s->exempt == NULL && (s->exempt = sdexempt_open()) == NULL) {
		snprintf(err, sizeof(err), "reading this machine's addresses "
			 "(rtnetlink): %s", strerror(errno));
		warn(NULL, err);
		return -1;
	}
	if (sdexempt_conf(s->exempt, s->conf, err, sizeof(err)) < 0)
		warn(NULL, err);
	sdexempt_warn(s->exempt, s->conf, warn, NULL);
	return 0;
}

/* sdsetup_exempt_changed - an own address came or went: the whitelist
   in force, in the engine and in the kernel's sets */
void sdsetup_exempt_changed(struct sluiced *s)
{
	int n = sdexempt_read(s->exempt);

	if (n < 0)
		daemon_log(LOG_WARNING, "this machine's addresses: %s",
			   strerror(errno));
	if (n <= 0)
		return;
	if (sdexempt_update(s->exempt, s->conf) < 0) {
		daemon_log(LOG_ERR, "own addresses changed, but the whitelist "
			   "in force could not be rebuilt: out of memory");
		return;
	}
	if (sdsetup_sets(s) < 0)
		s->set_errors++;
	sdexempt_warn(s->exempt, s->conf, exempt_log, NULL);
	daemon_log(LOG_INFO, "own addresses changed (%d): whitelist in force "
		   "now %zu prefixes", n, prefixset_count(s->conf->core.whitelist));
}

/* sdsetup_control - the control socket, its directory made if missing */
void sdsetup_control(struct sluiced *s, ctl_handler *handle)
{
	char err[ERRLEN];
	const char *path = s->conf->core.control_socket;

	sdcheck_mkparent(path, 0755);
	s->ctl = ctl_server_open(path, &s->conf->core.access, handle, s, err,
				 sizeof(err));
	if (s->ctl == NULL) {
		sdsetup_ruleset_down(s);
		nfqueue_close(s->q);
		daemon_die(1, "%s", err);
	}
}

/* priority_up - nice -10 with process_priority = high: on a busy machine a
   packet waiting for its verdict must not wait for the scheduler too */
static void priority_up(struct sluiced *s)
{
	if (s->conf->process_priority != SD_PRIO_HIGH)
		return;
	if (setpriority(PRIO_PROCESS, 0, SD_HIGH_NICE) < 0)
		daemon_log(LOG_WARNING, "priority high (nice %d): %s",
			   SD_HIGH_NICE, strerror(errno));
}

/* sdsetup_privileges - keep CAP_NET_ADMIN only, as [sluiced] user */
void sdsetup_privileges(struct sluiced *s)
{
	char err[ERRLEN], caps[256];

	priority_up(s);		/* while CAP_SYS_NICE is ours */
	if (caps_drop(s->conf->user, err, sizeof(err)) < 0) {
		if (s->conf->user != NULL) {
			/* a runtime failure: exit 1, so Restart=on-failure
			   and the operator see it */
			s->stop = 1;
			s->status = 1;
			daemon_log(LOG_ERR, "%s", err);
			return;
		}
		daemon_log(LOG_WARNING, "%s", err);
	}
	caps_describe(caps, sizeof(caps));
	daemon_log(LOG_INFO, "running as uid %u with capabilities \"%s\"",
		   (unsigned)getuid(), caps);
}

/* sdsetup_shutdown - held packets out, table away, sockets closed */
void sdsetup_shutdown(struct sluiced *s)
{
	struct nfqueue_stats st;

	sdqstat_total(s, &st);
	daemon_log(LOG_INFO, "queue: %llu packets; %llu batch and %llu single "
		   "verdicts in %llu sends", (unsigned long long)st.packets,
		   (unsigned long long)st.batches,
		   (unsigned long long)st.singles,
		   (unsigned long long)st.sends);
	vdsetup_free(s->v);	/* accepts what it holds */
	react_free(s->react);
	quarbatch_free(s->qb);
	sdsetup_ruleset_down(s);	/* nothing new is queued from here */
	nfqueue_close(s->q);	/* accepts what is still queued */
	sdqueues_close(s->mq);
	capture_close(s->cap);
	cap_claim_close(s->claim);
	cap_goat_close(s->goat);
	apps_close(s->apps);
	ctevents_close(s->ct);
	sdexempt_close(s->exempt);
	ctl_server_close(s->ctl);
	event_close(s->events);
	close(s->efd);
	close(s->sfd);
}

