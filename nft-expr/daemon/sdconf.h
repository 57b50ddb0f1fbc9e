/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdconf - sluiced's configuration: [core], [sluiced], [capture], [dns], [zone NAME]
 * SYNOPSIS
 *	#include "daemon/sdconf.h"
 * DESCRIPTION
 *	sdconf_load() reads the file, applies the schemas and the checks a
 *	schema cannot express (watermarks in order, hooks known, every zone
 *	with prefixes, no prefix in two zones), and builds the zone map: a
 *	prefix set whose longest match for a source address gives its zone
 *	(value = zone index + 1). Errors name the file, group, key, value
 *	and what is accepted, as config(3) does. sluice.conf(5) documents
 *	every key.
 */
#ifndef SLUICE_SDCONF_H
#define SLUICE_SDCONF_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "coreconf.h"
#include "prefixset.h"
#include "apps/appconf.h"
#include "capture/cap_conf.h"
#include "fairshare/fs_conf.h"
#include "outbound/outpol.h"
#include "dns/dnsconf.h"

#define SD_ZONE_NAME_MAX 32

enum sd_mode { SD_MODE_WILLIAMSON, SD_MODE_CREDIT, SD_MODE_OFF };
enum sd_fail { SD_FAIL_OPEN, SD_FAIL_CLOSED };
enum sd_ruleset { SD_RULESET_OWN, SD_RULESET_NONE };
enum sd_credit_action { SD_CREDIT_DELAY, SD_CREDIT_DROP };
enum sd_trw { SD_TRW_OFF, SD_TRW_LOG, SD_TRW_QUARANTINE };
enum sd_priority { SD_PRIO_NORMAL, SD_PRIO_HIGH };

#define SD_HIGH_NICE (-10)	/* process_priority = high */
/* [sluiced] priority: after the usual firewalls' filter chains (iptables
   and Docker at filter, firewalld at filter + 10), so flows they drop
   never take working-set slots; above conntrack's -200 */
#define SD_QUEUES_MAX 16	/* queue_num range: queues (threads) */
#define SD_CHAIN_PRIORITY_DEF "filter + 20"
#define SD_CHAIN_PRIORITY_MIN (-199)
#define SD_CHAIN_PRIORITY_MAX 1000

struct sd_zone {
	char name[SD_ZONE_NAME_MAX + 1];
	struct prefixset *prefixes;
	int mode;		/* enum sd_mode */
	int fail;		/* enum sd_fail */
	unsigned wset_size;
	uint64_t release_ns;
	unsigned high, low;
	uint64_t quarantine_ttl_ns;	/* 0: lockout without quarantine */
	unsigned credit_start, credit_debit, credit_credit, credit_cap;
	int credit_action;	/* enum sd_credit_action */
	int trw;		/* enum sd_trw */
	int observe;		/* decide and report, enforce nothing */
	int protected;		/* isolated when its attackers are acted on */
	unsigned share;		/* [fairshare] weight of its hosts */
	/* the reverse firewall (outbound/): enforced by the kernel */
	int outbound;		/* enum outpol_default */
	char *allow_text, *deny_text;	/* allow_out, deny_out as written */
	struct outpol_list allow_out, deny_out;
	int fast_path;		/* working sets mirrored into the kernel */
};

struct sd_conf {
	struct core_conf core;
	/* [sluiced] */
	int ruleset;		/* enum sd_ruleset */
	char *queue_text;	/* queue_num as written: "N" or "N-M" */
	unsigned queue_num;	/* the first fail-open queue */
	unsigned queue_count;	/* fail-open queues, one thread each if > 1 */
	char *closed_text;	/* closed_queue_num as written, "" = auto */
	unsigned closed_queue_num;	/* fail-closed zones' queue */
	char *table;
	char **hooks;
	unsigned hook_mask;	/* NFTRULES_HOOK_*, from hooks */
	int fail_open;
	unsigned max_held;
	uint64_t mem_cap;
	unsigned queue_maxlen;
	uint64_t socket_buffer;
	uint64_t contact_timeout_ns;
	unsigned v6_prefix;
	int process_priority;	/* enum sd_priority */
	char *priority_text;	/* [sluiced] priority as written */
	int chain_priority;	/* of the base chains, from priority_text */
	int priority_renamed;	/* priority = high|normal: the old meaning */
	uint64_t bypass_warn_ns;	/* 0: no bypass notice */
	uint64_t snapshot_ns;	/* throttle state saved this often */
	unsigned outbound_log_group;	/* NFLOG group of zone violations */
	unsigned outbound_events;	/* "outbound" events per source a second */
	char *user;
	char *pidfile;
	int exempt_self;	/* own addresses join the whitelist */
	int exempt_resolvers;	/* so do resolv_conf's nameservers */
	char *resolv_conf;
	/* [capture] */
	struct cap_conf capture;
	/* [countermeasures] */
	struct coreconf_cm cm;
	/* [applications] */
	struct app_conf apps;
	/* [fairshare] */
	struct fs_conf fairshare;
	/* [dns] */
	struct dns_conf dns;
	/* [zone NAME] */
	struct sd_zone *zones;
	size_t nzones;
	struct prefixset *zonemap;	/* source -> zone index + 1 */
};

/* sdconf_load - read and check path; 0, or -1 with the error in err */
int sdconf_load(const char *path, struct sd_conf *out, char *err,
		size_t errlen);
/* sdconf_release - free everything sdconf_load allocated; NULL ok */
void sdconf_release(struct sd_conf *c);
/* sdconf_zone - the zone of source address a, or NULL */
const struct sd_zone *sdconf_zone(const struct sd_conf *c,
				  const struct sl_addr *a);
/* sdconf_zone_policed - has zone z an outbound policy (a deny default
   or a rule) */
int sdconf_zone_policed(const struct sd_zone *z);
/* sdconf_queue_ours - is queue num one of sluiced's (the range or the
   fail-closed queue) */
int sdconf_queue_ours(const struct sd_conf *s, unsigned num);
/* sdconf_mode_name - "williamson", "credit", "off" */
const char *sdconf_mode_name(int mode);

#endif
