/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdmetrics - sluiced's counters in the Prometheus text format
 * SYNOPSIS
 *	#include "daemon/sdmetrics.h"
 * DESCRIPTION
 *	Counters end in _total, gauges do not (Prometheus naming). One
 *	table says name, type, help and where the value comes from, so a
 *	new counter is one line.
 */
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "promtext.h"
#include "apps/apps.h"
#include "apps/appseen.h"
#include "capture/capture.h"
#include "daemon/sdbypass.h"
#include "dns/dnsd.h"
#include "daemon/sdconf.h"
#include "daemon/sdmetrics.h"
#include "daemon/sdqstat.h"
#include "daemon/sluiced.h"
#include "outbound/outd.h"
#include "fairshare/fs_metrics.h"
#include "queue/nfqueue.h"
#include "verdict/verdict.h"
#include "quarantine/quarshare.h"

struct metric {
	const char *name;
	const char *type;
	const char *help;
	size_t off;		/* in struct verdict_stats */
	int is_size;		/* size_t rather than uint64_t */
};

#define VC(n, f, h) { n, "counter", h, offsetof(struct verdict_stats, f), 0 }
#define VG(n, f, h) { n, "gauge", h, offsetof(struct verdict_stats, f), 1 }

static const struct metric metrics[] = {
	VC("sluice_packets_total", packets, "queued packets decided"),
	VC("sluice_accepted_total", accepted, "packets accepted"),
	VC("sluice_held_total", held, "packets held in a delay queue"),
	VC("sluice_released_total", released, "held packets released"),
	VC("sluice_dropped_total", dropped, "packets dropped"),
	VC("sluice_unreadable_total", bad, "packets that were not readable IP"),
	VC("sluice_other_total", other, "packets without a readable TCP or UDP header (ICMP accepted, the rest decided as contacts)"),
	VC("sluice_unzoned_total", unzoned, "queued packets from sources in no zone"),
	VC("sluice_whitelisted_total", whitelisted, "packets from or to the whitelist"),
	VC("sluice_full_total", full, "packets accepted for lack of room to hold them"),
	VC("sluice_lockouts_total", lockouts, "delay queues over the high watermark"),
	VC("sluice_quarantines_total", quarantines, "hosts quarantined"),
	VC("sluice_releases_total", releases, "hosts released by the operator"),
	VC("sluice_quarantine_expired_total", expired, "quarantines that ran out"),
	VC("sluice_credit_zero_total", credit_zero, "first contacts met by a zero balance"),
	VC("sluice_contact_success_total", outcome_ok, "first contacts answered"),
	VC("sluice_contact_failure_total", outcome_fail, "first contacts refused or unanswered"),
	VC("sluice_trw_scanners_total", trw_scanners, "hosts TRW called scanners"),
	VC("sluice_observed_holds_total", observed_holds, "packets an observe zone would have held (accepted at once)"),
	VC("sluice_observed_drops_total", observed_drops, "packets an observe zone would have dropped (accepted)"),
	VC("sluice_observed_quarantines_total", observed_quarantines, "quarantines an observe zone would have made (none made)"),
	VG("sluice_hosts", hosts, "source hosts tracked"),
	VG("sluice_held", held_now, "packets held now"),
	VG("sluice_contacts_waiting", contacts_waiting, "first contacts awaiting an outcome"),
	VG("sluice_quarantined", quarantined, "hosts in quarantine now"),
	VG("sluice_fast_hosts", fast_hosts, "hosts whose working set is mirrored into the kernel"),
	VG("sluice_fast_pairs", fast_pairs, "source . destination pairs the kernel accepts (fast path)"),
};

/* zone_metric - one metric with a value per williamson zone */
static void zone_metric(const struct sluiced *s, GString *out, const char *name,
			const char *type, const char *help, size_t off)
{
	struct throttle_stats ts;
	const char *zone;
	size_t i;
	int head = 0;

	for (i = 0; i < s->conf->nzones; i++) {
		if (verdict_zone_stats(s->v, i, &zone, &ts) < 0)
			continue;
		if (!head++)
			g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n",
					       name, help, name, type);
		g_string_append_printf(out, "%s{zone=\"%s\"} %llu\n", name, zone,
				       (unsigned long long)*(const uint64_t *)(const void *)
				       ((const char *)&ts + off));
	}
}

/* proto_metric - one metric with a value for TCP and one for UDP */
static void proto_metric(GString *out, const char *name, const char *type,
			 const char *help, uint64_t tcp, uint64_t udp)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n"
			       "%s{proto=\"tcp\"} %llu\n%s{proto=\"udp\"} %llu\n",
			       name, help, name, type, name,
			       (unsigned long long)tcp, name,
			       (unsigned long long)udp);
}

/* share_metrics - the shared quarantines', with [core] redis */
static void share_metrics(const struct sluiced *s, GString *out)
{
	struct quarshare_stats qs;

	if (s->share == NULL)
		return;
	quarshare_stats(s, &qs);
	promtext_put(out, "sluice_redis_shared", "gauge",
		   "1 while quarantines are shared through Redis", (unsigned)qs.shared);
	promtext_put(out, "sluice_redis_published_total", "counter",
		   "quarantines and releases published", qs.published);
	promtext_put(out, "sluice_redis_received_total", "counter",
		   "quarantines and releases of other gateways applied", qs.received);
	promtext_put(out, "sluice_redis_refused_total", "counter",
		   "received quarantines this gateway's whitelist refused", qs.refused);
	promtext_put(out, "sluice_redis_fallbacks_total", "counter",
		   "times Redis stopped answering", qs.fallbacks);
}

/* capture_metrics - the honeypot's counters, when capture is on */
static void capture_metrics(const struct sluiced *s, GString *out)
{
	struct capture_stats cs;
	const struct cap_hit_proto *t, *u;

	if (s->cap == NULL)
		return;
	capture_stats(s->cap, &cs);
	t = &cs.hit.proto[0], u = &cs.hit.proto[1];
	proto_metric(out, "sluice_capture_hits_total", "counter",
		     "hits on dark addresses: SYNs, first datagrams of UDP flows",
		     t->hits, u->hits);
	proto_metric(out, "sluice_capture_payloads_total", "counter",
		     "first payloads of TCP connections, first UDP datagrams",
		     t->payloads, u->hits);
	proto_metric(out, "sluice_capture_repeats_total", "counter",
		     "window probes of held connections, later UDP datagrams",
		     t->probes, u->again);
	promtext_put(out, "sluice_capture_closed_total", "counter",
		   "held connections the client closed", t->closes);
	promtext_put(out, "sluice_capture_held", "gauge",
		   "TCP connections held with a closed window (records)",
		   cs.resp.held);
	promtext_put(out, "sluice_capture_held_active", "gauge",
		   "held connections probed within the last 120 s, at the last "
		   "sweep (every 10 s): approximate", cs.resp.active);
	promtext_put(out, "sluice_capture_records", "gauge",
		   "held-connection and UDP-flow records", cs.resp.records);
	promtext_put(out, "sluice_capture_record_bytes", "gauge",
		   "bytes of the record table (under [capture] mem_cap)",
		   cs.resp.bytes);
	promtext_put(out, "sluice_capture_record_evictions_total", "counter",
		   "records evicted for room", cs.resp.evictions);
	promtext_put(out, "sluice_capture_replies_total", "counter",
		   "segments sent (SYN-ACKs, ACKs)", cs.replies);
	promtext_put(out, "sluice_capture_send_errors_total", "counter",
		   "segments the raw socket did not take", cs.send_errors);
	promtext_put(out, "sluice_capture_ignored_total", "counter",
		   "packets to dark addresses not answered: not TCP or UDP, "
		   "fragments, other ports, not of a connection of ours",
		   cs.other + cs.ports_off + cs.hit.invalid);
	promtext_put(out, "sluice_capture_events_suppressed_total", "counter",
		   "honeypot events left out by the per-source rate",
		   cs.hit.suppressed);
	promtext_put(out, "sluice_capture_samples_stored_total", "counter",
		   "samples written", cs.hit.samples_new);
	promtext_put(out, "sluice_capture_samples_refused_total", "counter",
		   "samples not written: the store was full", cs.hit.samples_refused);
	promtext_put(out, "sluice_capture_samples_failed_total", "counter",
		   "samples not written: the write failed (a full disk)",
		   cs.hit.samples_failed);
	promtext_put(out, "sluice_capture_samples", "gauge",
		   "samples in the store", cs.hit.samples);
	promtext_put(out, "sluice_capture_sample_bytes", "gauge",
		   "bytes of samples in the store", cs.hit.sample_bytes);
}

/* sdmetrics_format - append every metric with HELP and TYPE lines */
void sdmetrics_format(const struct sluiced *s, GString *out)
{
	struct verdict_stats vs;
	struct nfqueue_stats qs;
	size_t i;

	verdict_stats(s->v, &vs);
	sdqstat_total(s, &qs);
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const char *p = (const char *)&vs + metrics[i].off;
		unsigned long long val = metrics[i].is_size
		    ? (unsigned long long)*(const size_t *)(const void *)p
		    : (unsigned long long)*(const uint64_t *)(const void *)p;

		promtext_put(out, metrics[i].name, metrics[i].type, metrics[i].help, val);
	}
	promtext_put(out, "sluice_queue_batch_verdicts_total", "counter",
		   "NFQNL_MSG_VERDICT_BATCH messages sent", qs.batches);
	promtext_put(out, "sluice_queue_single_verdicts_total", "counter",
		   "single verdict messages sent", qs.singles);
	promtext_put(out, "sluice_queue_sends_total", "counter",
		   "netlink sends carrying verdicts", qs.sends);
	promtext_put(out, "sluice_queue_overruns_total", "counter",
		   "times the queue socket overran (kernel failed open)", qs.overruns);
	promtext_put(out, "sluice_queue_waiting", "gauge",
		   "packets in the kernel queue: unread and held", qs.kernel_waiting);
	promtext_put(out, "sluice_queue_kernel_dropped_total", "counter",
		   "packets the kernel dropped, fail-closed queue full", qs.kernel_dropped);
	promtext_put(out, "sluice_queue_lost_total", "counter",
		   "packets the kernel could not deliver to sluiced", qs.kernel_user_dropped);
	promtext_put(out, "sluice_reloads_total", "counter",
		   "configuration reloads", s->reloads);
	promtext_put(out, "sluice_set_errors_total", "counter",
		   "failed changes to the nft sets", s->set_errors);
	promtext_put(out, "sluice_events_lost_total", "counter",
		   "events the event file could not take (a full disk)",
		   event_lost(s->events));
	zone_metric(s, out, "sluice_zone_passed_total", "counter",
		    "contacts passed at once, per williamson zone",
		    offsetof(struct throttle_stats, passed));
	zone_metric(s, out, "sluice_zone_holds_total", "counter",
		    "contacts held, per williamson zone",
		    offsetof(struct throttle_stats, holds));
	zone_metric(s, out, "sluice_zone_lockouts_total", "counter",
		    "delay queues over the high watermark, per williamson zone",
		    offsetof(struct throttle_stats, lockouts));
	capture_metrics(s, out);
	share_metrics(s, out);
	if (s->apps != NULL)
		appseen_metrics(s->apps, out);
	promtext_put(out, "sluice_uptime_seconds", "gauge", "seconds since start",
		   (sl_monotonic_ns() - s->started) / NS_PER_SEC);
	sdbypass_metrics(s, out);
	sdqstat_metrics(s, out);
	fs_metrics_format(s->fair, out);
	dnsd_metrics(s, out);
	outd_metrics(s, out);
}
