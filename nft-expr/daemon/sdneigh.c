/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdneigh - the operator's base chains beside sluiced's, reported
 * SYNOPSIS
 *	#include "daemon/sdneigh.h"
 * DESCRIPTION
 *	Base chains of one hook run in priority order, each to its end:
 *	an accept ends only its own chain, a drop ends the packet. So a
 *	chain before sluiced's that drops a flow keeps it from sluiced; a
 *	chain after sluiced's sees only what sluiced let through. Equal
 *	priorities run in the order the chains were added.
 */
#include <stdio.h>

#include "daemon/sdneigh.h"
#include "table/nftlist.h"
#include "table/nftrules.h"

/* order - where chain x runs relative to priority ours */
static const char *order(const struct nftlist_chain *x, int ours, int own)
{
	if (!own)
		return "(ruleset = none: your queue rule's place decides)";
	if (x->priority < ours)
		return "runs before sluiced's chains";
	if (x->priority > ours)
		return "runs after sluiced's chains: flows it drops have "
		       "taken a working-set slot";
	return "runs at sluiced's priority: the one added first goes first";
}

/* sdneigh_report - one line per other base chain on sluiced's hooks */
void sdneigh_report(const struct sd_conf *c, sdcheck_warn_fn *fn, void *ctx)
{
	struct nftlist_chain ch[NFTLIST_MAX];
	int own = c->ruleset == SD_RULESET_OWN;
	char line[512], err[256];
	int n, i;

	n = nftlist_base_chains(c->hook_mask, c->table, ch, NFTLIST_MAX, err,
				sizeof(err));
	if (n < 0) {
		snprintf(line, sizeof(line), "%.255s (so sluiced cannot say which "
			 "run before its own)", err);
		fn(ctx, line);
		return;
	}
	if (n == 0) {
		snprintf(line, sizeof(line), "no other base chain on sluiced's "
			 "hooks; sluiced's at priority %d", c->chain_priority);
		fn(ctx, line);
	}
	for (i = 0; i < n && i < NFTLIST_MAX; i++) {
		snprintf(line, sizeof(line), "%s hook: %.7s %.63s %.63s, priority %d, "
			 "policy %s, %s", nftlist_hook_name(ch[i].hook),
			 ch[i].family, ch[i].table, ch[i].chain, ch[i].priority,
			 ch[i].policy_drop ? "drop" : "accept",
			 order(&ch[i], c->chain_priority, own));
		fn(ctx, line);
	}
	if (own && n > 0) {
		snprintf(line, sizeof(line), "sluiced's chains: priority %d (%s)",
			 c->chain_priority, c->priority_renamed
			 ? SD_CHAIN_PRIORITY_DEF : c->priority_text);
		fn(ctx, line);
	}
	if (n > NFTLIST_MAX) {
		snprintf(line, sizeof(line), "and %d more base chains not listed",
			 n - NFTLIST_MAX);
		fn(ctx, line);
	}
}
