/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdreload - sluiced's configuration read again, all state kept
 * SYNOPSIS
 *	#include "daemon/sdreload.h"
 * DESCRIPTION
 *	The new configuration is loaded beside the old one and takes over
 *	only once the verdict engine has accepted it, so a bad file leaves
 *	sluiced as it was. The sets are refilled and conntrack events
 *	turned on or off for the new zones; the event file is reopened
 *	(log rotation).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "event.h"
#include "apps/apps.h"
#include "capture/capture.h"
#include "react/react.h"
#include "daemon/sdconf.h"
#include "daemon/sdreload.h"
#include "daemon/sdsetup.h"
#include "daemon/sluiced.h"
#include "outbound/outd.h"
#include "outbound/outnft.h"
#include "dns/dnsd.h"
#include "verdict/vdsetup.h"

/* ruleset_change - the key whose change a reload cannot apply, or NULL */
static const char *ruleset_change(const struct sd_conf *a,
				  const struct sd_conf *b)
{
	if (a->ruleset != b->ruleset)
		return "ruleset";
	if (strcmp(a->table, b->table) != 0)
		return "table";
	if (a->hook_mask != b->hook_mask)
		return "hooks";
	if (a->queue_num != b->queue_num || a->queue_count != b->queue_count)
		return "queue_num";
	if (a->closed_queue_num != b->closed_queue_num)
		return "closed_queue_num";
	if (a->fail_open != b->fail_open)
		return "fail_open";
	if (a->process_priority != b->process_priority)
		return "process_priority";
	if (a->chain_priority != b->chain_priority)
		return "priority";
	if (a->outbound_log_group != b->outbound_log_group)
		return "outbound_log_group";
	/* the fast rule masks IPv6 sources with it, installed at start */
	if (a->v6_prefix != b->v6_prefix)
		return "v6_prefix";
	if (!fs_conf_same(&a->fairshare, &b->fairshare))
		return "[fairshare] keys";
	return NULL;
}

/* capture_change - the [capture] key whose change a reload cannot
   apply, or NULL: dark, ports, action and quarantine_ttl can change
   (claim's sockets are opened at start, like goat_dirs' watches) */
static const char *capture_change(const struct cap_conf *a,
				  const struct cap_conf *b)
{
	static char *const none[] = { NULL };

	if (!g_strv_equal((const gchar *const *)(a->goat_dirs ? a->goat_dirs : none),
			  (const gchar *const *)(b->goat_dirs ? b->goat_dirs : none))
	    || a->goat_sweep_ns != b->goat_sweep_ns)
		return "goat_dirs or goat_sweep";
	if (!g_strv_equal((const gchar *const *)(a->claim_text ? a->claim_text : none),
			  (const gchar *const *)(b->claim_text ? b->claim_text : none))
	    || a->claim_after_ns != b->claim_after_ns)
		return "claim or claim_after";
	if (cap_conf_on(a) != cap_conf_on(b))
		return "dark (on or off)";
	if (!cap_conf_on(a))
		return NULL;
	if (a->queue != b->queue)
		return "queue";
	if ((a->sample_dir == NULL) != (b->sample_dir == NULL)
	    || (a->sample_dir && strcmp(a->sample_dir, b->sample_dir) != 0))
		return "sample_dir";
	if (a->sample_bytes != b->sample_bytes || a->sample_cap != b->sample_cap
	    || a->sample_max_age_ns != b->sample_max_age_ns)
		return "sample_bytes, sample_cap or sample_max_age";
	if (a->events_per_second != b->events_per_second)
		return "events_per_second";
	if (a->mem_cap != b->mem_cap || a->hold_timeout_ns != b->hold_timeout_ns)
		return "mem_cap or hold_timeout";
	return NULL;
}

/* apps_change - the [applications] key a reload cannot apply, or
   NULL: mode (but not to or from off) and approve can change */
static const char *apps_change(const struct app_conf *a,
			       const struct app_conf *b)
{
	if ((a->mode == APPCONF_OFF) != (b->mode == APPCONF_OFF))
		return "mode (on or off)";
	if (a->package_verified != b->package_verified)
		return "package_verified";
	if (g_strcmp0(a->cgroup ? a->cgroup : "", b->cgroup ? b->cgroup : "") != 0)
		return "cgroup";
	return NULL;
}

/* access_change - the control socket's groups: given to the socket at
   start (after which we may no longer chown it) */
static const char *access_change(const struct core_conf *a,
				 const struct core_conf *b)
{
	if (a->access.control_gid != b->access.control_gid)
		return "control_group";
	return a->access.admin_gid != b->access.admin_gid ? "admin_group" : NULL;
}

/* sdreload_run - read the configuration again, keeping all state */
int sdreload_run(struct sluiced *s, char *err, size_t errlen)
{
	struct sd_conf *next = calloc(1, sizeof(*next)), *old = s->conf;
	const char *key, *group = "sluiced";

	if (next == NULL || sdconf_load(s->path, next, err, errlen) < 0) {
		free(next);
		return -1;
	}
	if ((key = ruleset_change(old, next)) != NULL
	    || (group = "capture",
		key = capture_change(&old->capture, &next->capture)) != NULL
	    || (group = "applications",
		key = apps_change(&old->apps, &next->apps)) != NULL
	    || (group = "core", key = access_change(&old->core, &next->core))
	    != NULL
	    || (group = "dns", key = dnsd_change(old, next)) != NULL) {
		snprintf(err, errlen, "%s: [%s] %s changed: that needs a restart",
			 s->path, group, key);
		sdconf_release(next);
		free(next);
		return -1;
	}
	/* the zones' policy first: a kernel that refuses it refuses the
	   reload, and the engine's refusal puts the old policy back */
	if (s->nft != NULL && outnft_replace(s->nft, old, next, err, errlen) < 0) {
		sdconf_release(next);
		free(next);
		return -1;
	}
	if (vdsetup_reconfigure(s->v, next, err, errlen) < 0) {
		char undo[256];

		if (s->nft != NULL
		    && outnft_replace(s->nft, next, old, undo, sizeof(undo)) < 0)
			daemon_log(LOG_ERR, "the outbound policy of the refused "
				   "configuration stays in force: %s", undo);
		sdconf_release(next);
		free(next);
		return -1;
	}
	if (s->apps != NULL && apps_reconf(s->apps, &next->apps, err, errlen) < 0)
		daemon_log(LOG_WARNING, "%s", err);	/* a file is missing: the rest holds */
	s->conf = next;
	if (react_reconf(s->react, next) < 0)	/* checked by sdconf_load */
		daemon_log(LOG_ERR, "countermeasures kept their old settings: %s",
			   strerror(errno));
	if (s->cap != NULL)
		capture_reconf(s->cap, &next->capture);
	sdconf_release(old);
	free(old);
	(void)sdsetup_exempt(s, NULL);
	if (sdsetup_sets(s) < 0)
		s->set_errors++;
	sdsetup_outcomes(s);
	if (outd_sync(s, err, errlen) < 0)
		daemon_log(LOG_WARNING, "the outbound policy is in force, but "
			   "its violations are not read: %s", err);
	if (s->events != NULL && event_reopen(s->events) < 0)
		daemon_log(LOG_WARNING, "reopening the event file: %s",
			   strerror(errno));
	s->reloads++;
	daemon_log(LOG_INFO, "configuration reloaded from %s, %zu zone(s)",
		   s->path, s->conf->nzones);
	return 0;
}
