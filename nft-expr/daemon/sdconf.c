/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdconf - sluiced's configuration: [core], [sluiced] and [zone NAME]
 * SYNOPSIS
 *	#include "daemon/sdconf.h"
 * DESCRIPTION
 *	Two schemas (one for [sluiced], one applied to every [zone NAME])
 *	do the value checks; the functions below do what a single key
 *	cannot: relations between keys, the hook names, the zone map. A
 *	bad configuration is refused whole; the caller keeps its old one
 *	(SIGHUP) or exits 2 (start-up).
 */
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon/sdconf.h"
#include "table/nftrules.h"

#define SD(f) offsetof(struct sd_conf, f)
#define ZN(f) offsetof(struct sd_zone, f)
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static const char *const ruleset_choices[] = { "own", "none", NULL };
static const char *const mode_choices[] = { "williamson", "credit", "off", NULL };
static const char *const fail_choices[] = { "open", "closed", NULL };
static const char *const action_choices[] = { "delay", "drop", NULL };
static const char *const trw_choices[] = { "off", "log", "quarantine", NULL };
static const char *const priority_choices[] = { "normal", "high", NULL };
static const char *const outbound_choices[] = { "allow", "deny", NULL };

static const struct cfg_key sluiced_keys[] = {
	{ .name = "ruleset", .type = CFG_ENUM, .offset = SD(ruleset), .def = "own",
	  .choices = ruleset_choices,
	  .help = "own: install tables ip and ip6 TABLE; none: the operator queues to us" },
	{ .name = "queue_num", .type = CFG_STRING, .offset = SD(queue_text), .def = "0",
	  .help = "NFQUEUE number N, or a range N-M of up to 16 queues, one "
		  "thread each, sources spread by a hash of the source" },
	{ .name = "closed_queue_num", .type = CFG_STRING,
	  .offset = SD(closed_text), .def = "",
	  .help = "fail-closed zones' queue, outside queue_num; empty: the "
		  "number after queue_num's last" },
	{ .name = "table", .type = CFG_STRING, .offset = SD(table), .def = "sluice",
	  .help = "name of the ip and ip6 tables sluiced installs" },
	{ .name = "hooks", .type = CFG_LIST, .offset = SD(hooks),
	  .def = "forward, output", .help = "forward and/or output" },
	{ .name = "fail_open", .type = CFG_BOOL, .offset = SD(fail_open), .def = "true",
	  .help = "accept packets when sluiced is gone or its queue is full" },
	{ .name = "max_held", .type = CFG_UINT, .offset = SD(max_held), .def = "10000",
	  .min = 1, .max = 1000000, .help = "packets held in delay queues, all hosts" },
	{ .name = "mem_cap", .type = CFG_SIZE, .offset = SD(mem_cap), .def = "64M",
	  .min = 1024 * 1024, .max = 16ULL << 30, .help = "bytes of per-host state" },
	{ .name = "queue_maxlen", .type = CFG_UINT, .offset = SD(queue_maxlen),
	  .def = "65536", .min = 64, .max = 4194304,
	  .help = "packets the kernel queues for us before failing open" },
	{ .name = "socket_buffer", .type = CFG_SIZE, .offset = SD(socket_buffer),
	  .def = "16M", .min = 65536, .max = 1ULL << 30,
	  .help = "receive buffer of the queue socket" },
	{ .name = "contact_timeout", .type = CFG_DURATION,
	  .offset = SD(contact_timeout_ns), .def = "3s",
	  .min = 100 * 1000000ULL, .max = 60 * 1000000000ULL,
	  .help = "a first contact unanswered this long has failed" },
	{ .name = "v6_prefix", .type = CFG_UINT, .offset = SD(v6_prefix), .def = "128",
	  .min = 32, .max = 128, .help = "IPv6 sources are counted per this prefix" },
	{ .name = "process_priority", .type = CFG_ENUM,
	  .offset = SD(process_priority), .def = "high",
	  .choices = priority_choices,
	  .help = "high: nice -10, served before batch jobs on a busy machine" },
	{ .name = "priority", .type = CFG_STRING, .offset = SD(priority_text),
	  .def = SD_CHAIN_PRIORITY_DEF,
	  .help = "of sluiced's base chains: N, or mangle, filter or security "
		  "[+|- N]" },
	{ .name = "bypass_warn", .type = CFG_DURATION, .offset = SD(bypass_warn_ns),
	  .def = "60s", .min = 0, .max = 86400 * 1000000000ULL,
	  .help = "warn when a throttled zone's new flows miss the queue this "
		  "long; 0 = never" },
	{ .name = "snapshot_interval", .type = CFG_DURATION,
	  .offset = SD(snapshot_ns), .def = "60s", .min = 1000000000ULL,
	  .max = 86400 * 1000000000ULL,
	  .help = "save the throttle state to [core] state_dir this often "
		  "(and at stop), as the mail filters' key" },
	{ .name = "outbound_log_group", .type = CFG_UINT,
	  .offset = SD(outbound_log_group), .def = "13", .min = 0, .max = 65535,
	  .help = "NFLOG group the zones' outbound violations are logged to" },
	{ .name = "outbound_events_per_second", .type = CFG_UINT,
	  .offset = SD(outbound_events), .def = "5", .min = 1, .max = 10000,
	  .help = "\"outbound\" events per source and second; the rest counted" },
	{ .name = "user", .type = CFG_STRING, .offset = SD(user),
	  .help = "run as this user after start-up (keeps CAP_NET_ADMIN)" },
	{ .name = "pidfile", .type = CFG_STRING, .offset = SD(pidfile),
	  .help = "write the pid here" },
	{ .name = "exempt_self", .type = CFG_BOOL, .offset = SD(exempt_self),
	  .def = "yes", .help = "never act against this machine's own addresses" },
	{ .name = "exempt_resolvers", .type = CFG_BOOL,
	  .offset = SD(exempt_resolvers), .def = "yes",
	  .help = "never act against the resolvers of resolv_conf" },
	{ .name = "resolv_conf", .type = CFG_STRING, .offset = SD(resolv_conf),
	  .def = "/etc/resolv.conf", .help = "where the resolvers are read" },
};

static const struct cfg_key zone_keys[] = {
	{ .name = "prefixes", .type = CFG_PREFIXES, .offset = ZN(prefixes),
	  .help = "source networks of the zone" },
	{ .name = "mode", .type = CFG_ENUM, .offset = ZN(mode), .def = "williamson",
	  .choices = mode_choices, .help = "throttle of the zone" },
	{ .name = "fail", .type = CFG_ENUM, .offset = ZN(fail), .def = "open",
	  .choices = fail_choices, .help = "what happens when sluiced is gone" },
	{ .name = "wset_size", .type = CFG_UINT, .offset = ZN(wset_size), .def = "5",
	  .min = 1, .max = 64, .help = "working-set size" },
	{ .name = "release_interval", .type = CFG_DURATION, .offset = ZN(release_ns),
	  .def = "1s", .min = 1000000ULL, .max = 3600 * 1000000000ULL,
	  .help = "one held destination released per interval" },
	{ .name = "high_watermark", .type = CFG_UINT, .offset = ZN(high), .def = "100",
	  .min = 2, .max = 1000000, .help = "queue length that quarantines the host" },
	{ .name = "low_watermark", .type = CFG_UINT, .offset = ZN(low), .def = "60",
	  .min = 1, .max = 999999, .help = "queue length that lifts the lockout" },
	{ .name = "quarantine_ttl", .type = CFG_DURATION,
	  .offset = ZN(quarantine_ttl_ns), .def = "1h", .min = 0,
	  .max = 30 * 86400 * 1000000000ULL, .help = "0 = no quarantine set entry" },
	{ .name = "credit_start", .type = CFG_UINT, .offset = ZN(credit_start),
	  .def = "10", .min = 0, .max = 1000000, .help = "credit balance of a new host" },
	{ .name = "credit_debit", .type = CFG_UINT, .offset = ZN(credit_debit),
	  .def = "1", .min = 1, .max = 1000, .help = "cost of a first contact" },
	{ .name = "credit_credit", .type = CFG_UINT, .offset = ZN(credit_credit),
	  .def = "2", .min = 0, .max = 1000, .help = "earned by a successful one" },
	{ .name = "credit_cap", .type = CFG_UINT, .offset = ZN(credit_cap),
	  .def = "10", .min = 1, .max = 1000000, .help = "balances above are pared" },
	{ .name = "credit_action", .type = CFG_ENUM, .offset = ZN(credit_action),
	  .def = "delay", .choices = action_choices,
	  .help = "at zero balance: delay (hold) or drop" },
	{ .name = "trw", .type = CFG_ENUM, .offset = ZN(trw), .def = "log",
	  .choices = trw_choices, .help = "when TRW calls a host a scanner" },
	{ .name = "observe", .type = CFG_BOOL, .offset = ZN(observe), .def = "no",
	  .help = "decide and report (\"observe\": true), enforce nothing" },
	{ .name = "protected", .type = CFG_BOOL, .offset = ZN(protected), .def = "no",
	  .help = "isolated (no new inbound flows) when its attackers are acted on" },
	{ .name = "share", .type = CFG_UINT, .offset = ZN(share), .def = "1",
	  .min = 1, .max = FS_SHARE_MAX,
	  .help = "[fairshare] weight of each of the zone's hosts" },
	{ .name = "outbound", .type = CFG_ENUM, .offset = ZN(outbound), .def = "allow",
	  .choices = outbound_choices,
	  .help = "new outbound flows no allow_out/deny_out rule matches" },
	{ .name = "allow_out", .type = CFG_STRING, .offset = ZN(allow_text),
	  .help = "PROTO[/PORTS] to PREFIXES; ... that may leave the zone" },
	{ .name = "deny_out", .type = CFG_STRING, .offset = ZN(deny_text),
	  .help = "PROTO[/PORTS] to PREFIXES; ... that may not (checked first)" },
	{ .name = "fast_path", .type = CFG_BOOL, .offset = ZN(fast_path),
	  .def = "yes", .help = "working sets mirrored into the kernel: "
	  "recent destinations never queued" },
};

/* sd_fail - "FILE: [GROUP] KEY = "VALUE": WHY"; returns -1 */
static int __attribute__((format(printf, 6, 7)))
sd_fail(char *err, size_t len, const struct config *c, const char *group,
	const char *key, const char *fmt, ...)
{
	char why[CFG_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, len, "%s: [%s] %s%s", config_name(c), group, key, why);
	return -1;
}

/* hooks_parse - the hooks list into NFTRULES_HOOK_* bits */
static int hooks_parse(struct config *c, struct sd_conf *s, char *err,
		       size_t len)
{
	char **h;

	s->hook_mask = 0;
	for (h = s->hooks; h && *h; h++) {
		if (strcmp(*h, "forward") == 0)
			s->hook_mask |= NFTRULES_HOOK_FORWARD;
		else if (strcmp(*h, "output") == 0)
			s->hook_mask |= NFTRULES_HOOK_OUTPUT;
		else
			return sd_fail(err, len, c, "sluiced", "hooks",
				       " = \"%.64s\": expected forward and/or output", *h);
	}
	if (s->hook_mask == 0)
		return sd_fail(err, len, c, "sluiced", "hooks",
			       " = \"\": expected forward and/or output");
	return 0;
}

static const struct { const char *name; int value; } prio_names[] = {
	{ "mangle", -150 }, { "filter", 0 }, { "security", 50 },
};

/* prio_value - "N", "NAME", "NAME + N", "NAME - N" into *out; -1 if
   it is none of those */
static int prio_value(const char *t, int *out)
{
	char name[16], sign[2], extra;
	long n = 0;
	size_t i;
	int base = 0, got;

	if (sscanf(t, " %ld %c", &n, &extra) == 1) {
		*out = n < INT_MIN / 2 || n > INT_MAX / 2 ? INT_MIN : (int)n;
		return *out == INT_MIN ? -1 : 0;
	}
	got = sscanf(t, " %15[a-z] %1[-+] %ld %c", name, sign, &n, &extra);
	if (got != 1 && got != 3)
		return -1;
	for (i = 0; i < NKEYS(prio_names); i++)
		if (strcmp(prio_names[i].name, name) == 0)
			break;
	if (i == NKEYS(prio_names) || n < 0 || n > SD_CHAIN_PRIORITY_MAX)
		return -1;
	base = prio_names[i].value;
	*out = got == 1 ? base : sign[0] == '+' ? base + (int)n : base - (int)n;
	return 0;
}

/* priority_parse - [sluiced] priority into chain_priority. The key once
   meant the process priority: "high" and "normal" still do, with a
   warning (sdcheck), and leave the chains at the default. */
static int priority_parse(struct config *c, struct sd_conf *s, char *err,
			  size_t len)
{
	const char *t = s->priority_text ? s->priority_text : "";

	if (strcmp(t, "high") == 0 || strcmp(t, "normal") == 0) {
		s->process_priority = t[0] == 'h' ? SD_PRIO_HIGH : SD_PRIO_NORMAL;
		s->priority_renamed = 1;
		t = SD_CHAIN_PRIORITY_DEF;
	}
	if (prio_value(t, &s->chain_priority) < 0
	    || s->chain_priority < SD_CHAIN_PRIORITY_MIN
	    || s->chain_priority > SD_CHAIN_PRIORITY_MAX)
		return sd_fail(err, len, c, "sluiced", "priority",
			       " = \"%.64s\": expected a number from %d to %d, or "
			       "mangle, filter or security, optionally + or - "
			       "a number (below %d the chains would run before "
			       "conntrack, which sluiced needs)", t,
			       SD_CHAIN_PRIORITY_MIN, SD_CHAIN_PRIORITY_MAX,
			       SD_CHAIN_PRIORITY_MIN);
	return 0;
}

/* table_check - a table name nft accepts without quoting */
static int table_check(struct config *c, const char *t, char *err, size_t len)
{
	size_t i, n = strlen(t);

	for (i = 0; i < n; i++)
		if (!g_ascii_isalnum(t[i]) && t[i] != '_' && t[i] != '-')
			break;
	if (n == 0 || n > 32 || i < n || !g_ascii_isalpha(t[0]))
		return sd_fail(err, len, c, "sluiced", "table",
			       " = \"%.64s\": expected a letter, then up to 31 "
			       "letters, digits, _ or -", t);
	return 0;
}

/* zone_check - relations between a zone's keys */
static int zone_check(struct config *c, const char *group,
		      const struct sd_zone *z, char *err, size_t len)
{
	if (z->prefixes == NULL || prefixset_count(z->prefixes) == 0)
		return sd_fail(err, len, c, group, "prefixes",
			       ": missing: a zone needs at least one ADDR[/LEN]");
	if (z->low >= z->high)
		return sd_fail(err, len, c, group, "low_watermark",
			       " = \"%u\": expected a number below high_watermark (%u)",
			       z->low, z->high);
	return 0;
}

/* zone_policy - allow_out and deny_out into rules */
static int zone_policy(struct config *c, const char *group, struct sd_zone *z,
		       char *err, size_t len)
{
	char why[CFG_ERRLEN];

	if (outpol_parse(z->deny_text, &z->deny_out, why, sizeof(why)) < 0)
		return sd_fail(err, len, c, group, "deny_out", "%s", why);
	if (outpol_parse(z->allow_text, &z->allow_out, why, sizeof(why)) < 0)
		return sd_fail(err, len, c, group, "allow_out", "%s", why);
	return 0;
}

/* zone_name - NAME of "zone NAME": letters, digits, _ and - */
static int zone_name(struct config *c, const char *group, struct sd_zone *z,
		     char *err, size_t len)
{
	const char *n = group + strlen("zone ");
	size_t i, l = strlen(n);

	for (i = 0; i < l; i++)
		if (!g_ascii_isalnum(n[i]) && n[i] != '_' && n[i] != '-')
			break;
	if (l == 0 || l > SD_ZONE_NAME_MAX || i < l) {
		snprintf(err, len, "%s: [%.80s]: a zone name is 1 to %d letters, "
			 "digits, _ or -", config_name(c), group, SD_ZONE_NAME_MAX);
		return -1;
	}
	memcpy(z->name, n, l + 1);
	return 0;
}

struct map_ctx {
	struct prefixset *map;
	struct config *c;
	const char *group;
	uintptr_t zone;
	char *err;
	size_t len;
	int failed;
};

struct prefix_probe {
	const struct sl_addr *a;
	unsigned plen;
	uintptr_t hit;		/* zone holding exactly this prefix */
};

/* same_prefix - walk callback: is (a, plen) exactly this one */
static int same_prefix(void *ctx, const struct sl_addr *a, unsigned plen,
		       uintptr_t value)
{
	struct prefix_probe *q = ctx;

	if (plen == q->plen && addr_equal(a, q->a)) {
		q->hit = value;
		return 1;
	}
	return 0;
}

/* map_add - walk callback: one zone prefix into the map, refusing a
   prefix another zone already has */
static int map_add(void *ctx, const struct sl_addr *a, unsigned plen,
		   uintptr_t value)
{
	struct map_ctx *m = ctx;
	struct prefix_probe q = { a, plen, 0 };
	char buf[ADDR_STRLEN];

	(void)value;
	prefixset_walk(m->map, same_prefix, &q);
	if (q.hit) {
		sd_fail(m->err, m->len, m->c, m->group, "prefixes",
			": %s/%u is already in another zone", addr_format(a, buf), plen);
		m->failed = 1;
		return 1;
	}
	if (prefixset_add(m->map, a, plen, m->zone) < 0) {
		snprintf(m->err, m->len, "out of memory");
		m->failed = 1;
		return 1;
	}
	return 0;
}

/* zones_load - every [zone NAME] group, and the zone map */
static int zones_load(struct config *c, struct sd_conf *s, char *err,
		      size_t len)
{
	char **groups = config_groups(c, "zone ");
	size_t n = groups ? g_strv_length(groups) : 0, i;
	struct map_ctx m = { .c = c, .err = err, .len = len };
	int rc = 0;

	s->zones = calloc(n ? n : 1, sizeof(*s->zones));
	s->zonemap = prefixset_create();
	if (s->zones == NULL || s->zonemap == NULL) {
		snprintf(err, len, "out of memory");
		g_strfreev(groups);
		return -1;
	}
	m.map = s->zonemap;
	for (i = 0; i < n && rc == 0; i++) {
		struct sd_zone *z = &s->zones[i];

		if (zone_name(c, groups[i], z, err, len) < 0
		    || config_apply(c, groups[i], zone_keys, NKEYS(zone_keys), z,
				    err, len) < 0) {
			rc = -1;
			break;
		}
		s->nzones = i + 1;
		m.group = groups[i];
		m.zone = i + 1;
		if (zone_check(c, groups[i], z, err, len) < 0
		    || zone_policy(c, groups[i], z, err, len) < 0)
			rc = -1;
		else
			prefixset_walk(z->prefixes, map_add, &m);
		if (m.failed)
			rc = -1;
	}
	g_strfreev(groups);
	return rc;
}

/* queue_number - "N" (0-65535) into *out; -1 if it is not one */
static int queue_number(const char *t, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*t < '0' || *t > '9')
		return -1;
	errno = 0;
	v = strtoul(t, &end, 10);
	if (errno != 0 || *end != 0 || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* queues_parse - queue_num ("N" or "N-M") and closed_queue_num: the
   range of fail-open queues, at most SD_QUEUES_MAX, and the fail-closed
   queue outside it */
static int queues_parse(struct config *c, struct sd_conf *s, char *err,
			size_t len)
{
	const char *t = s->queue_text ? s->queue_text : "";
	char first[8], last[8], extra;
	unsigned hi;

	if (sscanf(t, "%7[0-9]-%7[0-9]%c", first, last, &extra) == 2) {
		if (queue_number(first, &s->queue_num) < 0
		    || queue_number(last, &hi) < 0 || hi < s->queue_num)
			return sd_fail(err, len, c, "sluiced", "queue_num",
				       " = \"%.32s\": expected N or N-M with "
				       "N <= M <= 65535", t);
	} else if (queue_number(t, &s->queue_num) == 0)
		hi = s->queue_num;
	else
		return sd_fail(err, len, c, "sluiced", "queue_num",
			       " = \"%.32s\": expected a queue number (0-65535) "
			       "or a range N-M", t);
	s->queue_count = hi - s->queue_num + 1;
	if (s->queue_count > SD_QUEUES_MAX)
		return sd_fail(err, len, c, "sluiced", "queue_num",
			       " = \"%.32s\": %u queues; expected at most %u "
			       "(one thread each)", t, s->queue_count, SD_QUEUES_MAX);
	if (s->closed_text == NULL || *s->closed_text == 0) {
		if (hi == 65535)
			return sd_fail(err, len, c, "sluiced", "queue_num",
				       " = \"%.32s\": the fail-closed queue would be "
				       "%u + 1; set closed_queue_num", t, hi);
		s->closed_queue_num = hi + 1;
	} else if (queue_number(s->closed_text, &s->closed_queue_num) < 0)
		return sd_fail(err, len, c, "sluiced", "closed_queue_num",
			       " = \"%.32s\": expected a queue number (0-65535)",
			       s->closed_text);
	if (s->closed_queue_num >= s->queue_num && s->closed_queue_num <= hi)
		return sd_fail(err, len, c, "sluiced", "closed_queue_num",
			       " = \"%u\": expected a queue outside queue_num "
			       "(%u-%u)", s->closed_queue_num, s->queue_num, hi);
	return 0;
}

/* sdconf_queue_ours - is queue num one of sluiced's (the range or the
   fail-closed queue) */
int sdconf_queue_ours(const struct sd_conf *s, unsigned num)
{
	return (num >= s->queue_num && num < s->queue_num + s->queue_count)
	    || num == s->closed_queue_num;
}

/* capture_load - [capture], whose queue must be neither of ours */
static int capture_load(struct config *c, struct sd_conf *s, char *err,
			size_t len)
{
	unsigned q;

	if (cap_conf_apply(c, &s->capture, err, len) < 0)
		return -1;
	q = s->capture.queue;
	if (cap_conf_on(&s->capture) && sdconf_queue_ours(s, q))
		return sd_fail(err, len, c, "capture", "queue",
			       " = \"%u\": expected a queue other than [sluiced] "
			       "queue_num (%s) and closed_queue_num (%u)", q,
			       s->queue_text, s->closed_queue_num);
	return 0;
}

/* sluiced_load - [core], [sluiced], [capture], [applications] and [dns] */
static int sluiced_load(struct config *c, struct sd_conf *s, char *err,
			size_t len)
{
	if (config_check_groups(c, coreconf_known_groups, err, len) < 0
	    || coreconf_apply(c, &s->core, err, len) < 0
	    || config_apply(c, "sluiced", sluiced_keys, NKEYS(sluiced_keys), s,
			    err, len) < 0)
		return -1;
	if (hooks_parse(c, s, err, len) < 0
	    || queues_parse(c, s, err, len) < 0
	    || priority_parse(c, s, err, len) < 0
	    || table_check(c, s->table ? s->table : "", err, len) < 0
	    || capture_load(c, s, err, len) < 0
	    || coreconf_countermeasures(c, &s->cm, err, len) < 0
	    || appconf_apply(c, &s->apps, err, len) < 0
	    || fs_conf_apply(c, &s->fairshare, err, len) < 0
	    || dnsconf_apply(c, &s->dns, err, len) < 0)
		return -1;
	if (fs_conf_on(&s->fairshare) && s->ruleset == SD_RULESET_NONE)
		return sd_fail(err, len, c, "fairshare", "interface",
			       " = \"%s\": fair sharing needs [sluiced] ruleset "
			       "= own (its map and rules live in sluiced's "
			       "tables)", s->fairshare.interface);
	/* one listener per group: the DNS snooping's would take ours */
	if (s->dns.nodns && s->dns.log_group == s->outbound_log_group)
		return sd_fail(err, len, c, "sluiced", "outbound_log_group",
			       " = \"%u\": expected a group other than [dns] "
			       "log_group (%u)", s->outbound_log_group,
			       s->dns.log_group);
	return 0;
}

/* sdconf_load - read and check path; 0, or -1 with the error in err */
int sdconf_load(const char *path, struct sd_conf *out, char *err,
		size_t errlen)
{
	struct config *c = config_open(path, err, errlen);
	int rc;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return -1;
	rc = sluiced_load(c, out, err, errlen);
	if (rc == 0)
		rc = zones_load(c, out, err, errlen);
	config_close(c);
	if (rc < 0)
		sdconf_release(out);
	return rc;
}

/* sdconf_release - free everything sdconf_load allocated; NULL ok */
void sdconf_release(struct sd_conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	coreconf_release(&c->core);
	coreconf_cm_release(&c->cm);
	cap_conf_release(&c->capture);
	appconf_release(&c->apps);
	fs_conf_release(&c->fairshare);
	dnsconf_release(&c->dns);
	config_release(sluiced_keys, NKEYS(sluiced_keys), c);
	for (i = 0; i < c->nzones; i++) {
		config_release(zone_keys, NKEYS(zone_keys), &c->zones[i]);
		outpol_free(&c->zones[i].allow_out);
		outpol_free(&c->zones[i].deny_out);
	}
	free(c->zones);
	prefixset_free(c->zonemap);
	memset(c, 0, sizeof(*c));
}

/* sdconf_zone - the zone of source address a, or NULL */
const struct sd_zone *sdconf_zone(const struct sd_conf *c,
				  const struct sl_addr *a)
{
	uintptr_t v;

	if (c->zonemap == NULL || !prefixset_lookup(c->zonemap, a, &v)
	    || v == 0 || v > c->nzones)
		return NULL;
	return &c->zones[v - 1];
}

/* sdconf_zone_policed - has zone z an outbound policy */
int sdconf_zone_policed(const struct sd_zone *z)
{
	return z->outbound == OUTPOL_DENY || z->allow_out.n || z->deny_out.n;
}

/* sdconf_mode_name - "williamson", "credit", "off" */
const char *sdconf_mode_name(int mode)
{
	return mode >= 0 && mode <= SD_MODE_OFF ? mode_choices[mode] : "?";
}
