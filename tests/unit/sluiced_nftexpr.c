/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_nftexpr - libnftnl setter failures reach sluiced's callers
 *	(nft-expr/table/nftexpr.c, nftrules.c, nftset.c)
 * DESCRIPTION
 *	libnftnl's setters that copy (strings, blobs) return -1 when they
 *	fail. The test links the table room with those setters wrapped
 *	(ld --wrap): armed with k, the k-th call fails with ENOMEM. Every
 *	expression builder must then return -1, never a rule with an
 *	expression missing; nftrules_install must stop at "building the
 *	ruleset" before anything reaches the kernel, for every k (a zone
 *	outbound policy included, outnft_fill); and the
 *	set element helpers must return NULL or -1. The install runs in a
 *	network namespace of the test's own (unshare), so the machine's
 *	ruleset is never touched; unarmed, the same install succeeds
 *	there, which shows the wrappers pass calls through.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <stdlib.h>
#include <unistd.h>

#include "daemon/sdconf.h"
#include "outbound/outnft.h"
#include "table/nftexpr.h"
#include "table/nftrules.h"
#include "table/nftset.h"
#include "../tap.h"

static unsigned calls, fail_at;

/* hit - count one wrapped call; 1 if this one is to fail */
static int hit(void)
{
	if (fail_at != 0 && ++calls == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	if (fail_at == 0)
		calls++;
	return 0;
}

#define WRAP_STR(fn, type) \
	int __real_##fn(type *o, uint16_t a, const char *s); \
	int __wrap_##fn(type *o, uint16_t a, const char *s); \
	int __wrap_##fn(type *o, uint16_t a, const char *s) \
	{ return hit() ? -1 : __real_##fn(o, a, s); }
WRAP_STR(nftnl_expr_set_str, struct nftnl_expr)
WRAP_STR(nftnl_rule_set_str, struct nftnl_rule)
WRAP_STR(nftnl_set_set_str, struct nftnl_set)
WRAP_STR(nftnl_chain_set_str, struct nftnl_chain)
WRAP_STR(nftnl_table_set_str, struct nftnl_table)

int __real_nftnl_expr_set(struct nftnl_expr *e, uint16_t a, const void *d,
			  uint32_t len);
int __wrap_nftnl_expr_set(struct nftnl_expr *e, uint16_t a, const void *d,
			  uint32_t len);
/* __wrap_nftnl_expr_set - the blob setter, failing when armed */
int __wrap_nftnl_expr_set(struct nftnl_expr *e, uint16_t a, const void *d,
			  uint32_t len)
{
	return hit() ? -1 : __real_nftnl_expr_set(e, a, d, len);
}

int __real_nftnl_set_elem_set(struct nftnl_set_elem *e, uint16_t a,
			      const void *d, uint32_t len);
int __wrap_nftnl_set_elem_set(struct nftnl_set_elem *e, uint16_t a,
			      const void *d, uint32_t len);
/* __wrap_nftnl_set_elem_set - the element key setter, failing when armed */
int __wrap_nftnl_set_elem_set(struct nftnl_set_elem *e, uint16_t a,
			      const void *d, uint32_t len)
{
	return hit() ? -1 : __real_nftnl_set_elem_set(e, a, d, len);
}

/* arm - the k-th wrapped call from now fails (0: none) */
static void arm(unsigned k)
{
	calls = 0;
	fail_at = k;
}

enum which { B_L4PROTO, B_CTNEW, B_IN, B_NOTIN, B_JUMP, B_COMPAT, B_CTEST,
	     B_SPORT };

/* build - run one builder on a fresh rule; its result, and the number
   of expressions the rule got in *nexpr */
static int build(enum which w, int *nexpr)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	int rc = -1;

	switch (w) {
	case B_L4PROTO: rc = nftexpr_l4proto(r, 17); break;
	case B_CTNEW: rc = nftexpr_ct_not_new(r); break;
	case B_IN: rc = nftexpr_addr_in(r, 4, 1, "whitelist4", 3); break;
	case B_NOTIN: rc = nftexpr_addr_not_in(r, 6, 0, "queued6", 8); break;
	case B_JUMP: rc = nftexpr_verdict(r, NFT_JUMP, "first_contact"); break;
	case B_COMPAT: rc = nftexpr_queue(r, NFTQ_COMPAT, 7, 1); break;
	case B_CTEST: rc = nftexpr_ct_established(r); break;
	case B_SPORT: rc = nftexpr_th_sport(r, 53); break;
	}
	*nexpr = 0;
	if ((it = nftnl_expr_iter_create(r)) != NULL) {
		while (nftnl_expr_iter_next(it) != NULL)
			(*nexpr)++;
		nftnl_expr_iter_destroy(it);
	}
	nftnl_rule_free(r);
	return rc;
}

/* test_builders - every failing setter call makes its builder fail */
static void test_builders(void)
{
	static const struct { enum which w; const char *name; } b[] = {
		{ B_L4PROTO, "l4proto" },
		{ B_CTNEW, "ct_not_new" }, { B_IN, "addr_in" },
		{ B_NOTIN, "addr_not_in" }, { B_JUMP, "verdict jump" },
		{ B_COMPAT, "queue (compat target)" },
		{ B_CTEST, "ct_established" }, { B_SPORT, "th_sport" },
	};
	size_t i;
	unsigned k, n;
	int whole, got, rc;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		arm(0);
		is_int(build(b[i].w, &whole), 0, "%s builds unarmed", b[i].name);
		n = calls;
		ok(n > 0, "%s calls a setter that can fail (%u)", b[i].name, n);
		for (k = 1; k <= n; k++) {
			arm(k);
			errno = 0;
			rc = build(b[i].w, &got);
			if (!ok(rc == -1 && errno == ENOMEM,
				"%s: setter call %u of %u fails, so does the builder",
				b[i].name, k, n))
				diag("  got %d (errno %d), want -1 (ENOMEM %d)",
				     rc, errno, ENOMEM);
			ok(got < whole, "%s: the rule is left short (%d of %d "
			   "expressions)", b[i].name, got, whole);
		}
	}
}

/* policy - a zone policy with every kind of rule (sources, prefixes
   of both families, ports, a protocol alone, a default), for the
   install's outbound callback */
static int policy(struct sd_conf *pc)
{
	static const char text[] =
		"[zone lan]\nprefixes = 10.77.1.0/24, fd77:1::/64\noutbound = deny\n"
		"allow_out = tcp/80,443,1000-2000 to any; icmp to 10.0.0.0/8\n"
		"deny_out = udp/53 to 10.0.0.53, fd00::53\n";
	char path[] = "/tmp/sluiced_nftexpr.XXXXXX", err[512];
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, sizeof(text) - 1) < 0)
		return -1;
	close(fd);
	rc = sdconf_load(path, pc, err, sizeof(err));
	unlink(path);
	if (rc < 0)
		diag("  %s", err);
	return rc;
}

/* test_install - nftrules_install stops while building, every time,
   the zones' outbound policy (outnft_fill) included */
static void test_install(void)
{
	struct sd_conf pc;
	struct nftrules_conf c = { "sluice_t", NFTRULES_HOOK_OUTPUT
				   | NFTRULES_HOOK_FORWARD, 0, 0, 1, 1, 2, NULL, NULL,
				   NULL, NULL, 1, 64, 1, 53, 2, 7 };
	struct nftrules *n;
	char err[256];
	unsigned k, total, bad = 0;
	int rc;

	if (!ok(policy(&pc) == 0, "the install's zone policy loads"))
		return;
	c.outbound = outnft_fill;
	c.outbound_ctx = &pc;
	if (unshare(CLONE_NEWNET) < 0) {
		ok(0, "unshare(CLONE_NEWNET): %s (the test needs root)",
		   strerror(errno));
		return;
	}
	arm(0);
	n = nftrules_open();
	err[0] = 0;
	rc = n ? nftrules_install(n, &c, err, sizeof(err)) : -1;
	total = calls;
	if (!ok(rc == 0, "unarmed, the table installs in the test's namespace"))
		diag("  got %d: %s", rc, err);
	if (n != NULL)
		(void)nftrules_remove(n, err, sizeof(err));
	nftrules_close(n);
	cmp_ok(total, >, 20, "an install makes many failable setter calls");
	for (k = 1; k <= total; k++) {
		n = nftrules_open();
		arm(k);
		err[0] = 0;
		rc = n ? nftrules_install(n, &c, err, sizeof(err)) : 0;
		arm(0);
		if (rc != -1 || strncmp(err, "building the ruleset", 20) != 0) {
			if (bad++ == 0)
				diag("  call %u: got %d \"%s\", want -1 \"building "
				     "the ruleset: ...\"", k, rc, err);
			if (rc == 0)
				(void)nftrules_remove(n, err, sizeof(err));
		}
		nftrules_close(n);
	}
	is_int(bad, 0, "each of the %u setter calls failing stops the install "
	       "before the kernel sees it", total);
	sdconf_release(&pc);
}

/* test_sets - the set element helpers report their setters' failures */
static void test_sets(void)
{
	static const uint8_t key[16] = { 10, 1, 2, 3 };
	struct nftnl_set *s;
	unsigned k;
	int rc;

	for (k = 1; k <= 2; k++) {
		arm(k);
		s = nftset_for("sluice", "quarantine", 4);
		ok(s == NULL, "nftset_for: setter call %u fails, NULL", k);
		if (s != NULL)
			nftnl_set_free(s);
	}
	arm(0);
	s = nftset_for("sluice", "quarantine", 4);
	ok(s != NULL, "nftset_for unarmed");
	arm(1);
	rc = s ? nftset_elem(s, key, 4, 0, 1000) : 0;
	is_int(rc, -1, "nftset_elem: the key setter fails, -1");
	arm(0);
	is_int(s ? nftset_elem(s, key, 4, 0, 1000) : -1, 0, "nftset_elem unarmed");
	if (s != NULL)
		nftnl_set_free(s);
}

int main(void)
{
	test_builders();
	test_sets();
	test_install();
	return done_testing();
}
