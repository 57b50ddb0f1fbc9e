/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_contact - unit test of first-contact waits and the credit
 *	queue (nft-expr/verdict/contact.c, verdict/creditq.c)
 * DESCRIPTION
 *	A contact resolved by its outcome never times out; one without an
 *	outcome fails at the timeout, once; a restarted contact counts from
 *	its new start; a full table forgets the oldest. The credit queue
 *	keeps arrival order, lets a caller take packets out as credit
 *	comes, and removes one host's packets alone.
 */
#include <string.h>

#include "clock.h"
#include "verdict/contact.h"
#include "verdict/creditq.h"
#include "../tap.h"

static int failures;

/* on_fail - contact_fn */
static void on_fail(void *ctx, const struct contact_key *k, int success)
{
	(void)ctx;
	(void)k;
	if (!success)
		failures++;
}

/* key - the flow 10.0.0.1 -> 10.9.0.N:80/tcp */
static struct contact_key key(int n)
{
	struct sl_addr s, d;
	struct contact_key k;
	char buf[32];

	addr_parse("10.0.0.1", &s);
	snprintf(buf, sizeof(buf), "10.9.%d.%d", n / 250, 1 + n % 250);
	addr_parse(buf, &d);
	contact_key_make(&k, &s, &d, 6, 80);
	return k;
}

/* test_contacts - outcome, timeout, restart, bound */
static void test_contacts(void)
{
	static const uint8_t seed[16] = { 9 };
	struct contacts *c = contact_create(100, 3 * NS_PER_SEC, seed);
	struct contact_key k0 = key(0), k1 = key(1), k2 = key(2);
	int i;

	contact_start(c, &k0, 0);
	contact_start(c, &k1, 0);
	is_int(contact_resolve(c, &k0), 1, "a waiting contact resolves");
	is_int(contact_resolve(c, &k0), 0, "... once");
	is_uint(contact_next(c), 3 * NS_PER_SEC, "next timeout at start + 3 s");
	contact_expire(c, 2 * NS_PER_SEC, on_fail, NULL);
	is_int(failures, 0, "nothing fails before the timeout");
	contact_expire(c, 3 * NS_PER_SEC, on_fail, NULL);
	is_int(failures, 1, "the unresolved one fails at the timeout");
	contact_expire(c, 10 * NS_PER_SEC, on_fail, NULL);
	is_int(failures, 1, "... and only once; the resolved one never");
	contact_start(c, &k2, 10 * NS_PER_SEC);
	contact_start(c, &k2, 12 * NS_PER_SEC);	/* a new first contact */
	contact_expire(c, 13 * NS_PER_SEC + 1, on_fail, NULL);
	is_int(failures, 1, "a restarted contact counts from its new start");
	contact_expire(c, 15 * NS_PER_SEC, on_fail, NULL);
	is_int(failures, 2, "... and fails 3 s after it");
	for (i = 0; i < 150; i++) {
		struct contact_key k = key(10 + i);

		contact_start(c, &k, 20 * NS_PER_SEC);
	}
	ok(contact_count(c) <= 100, "bounded: %zu waiting of 150 started",
	   contact_count(c));
	failures = 0;
	contact_expire(c, 30 * NS_PER_SEC, on_fail, NULL);
	is_int(failures, 100, "the 50 oldest were forgotten without an outcome");
	is_uint(contact_next(c), UINT64_MAX, "nothing left to expire");
	contact_free(c);
	contact_free(NULL);
}

static uint8_t host_a[HOSTKEY_LEN] = { 1 }, host_b[HOSTKEY_LEN] = { 2 };
static uint64_t seen[16];
static int nseen, credits_a;

/* take_a - creditq_fn: host a's packets go while it has credits */
static int take_a(void *ctx, const uint8_t *k, uint64_t cookie)
{
	(void)ctx;
	if (memcmp(k, host_a, HOSTKEY_LEN) != 0 || credits_a == 0)
		return 0;
	credits_a--;
	seen[nseen++] = cookie;
	return 1;
}

/* record - creditq_fn for removal */
static int record(void *ctx, const uint8_t *k, uint64_t cookie)
{
	(void)ctx;
	(void)k;
	seen[nseen++] = cookie;
	return 1;
}

/* test_creditq - order, partial release, removal, bound */
static void test_creditq(void)
{
	struct creditq *q = creditq_create(4);

	creditq_add(q, host_a, 1);
	creditq_add(q, host_b, 2);
	creditq_add(q, host_a, 3);
	creditq_add(q, host_a, 4);
	is_int(creditq_add(q, host_b, 5), -1, "full at 4");
	credits_a = 2;
	nseen = 0;
	is_uint(creditq_run(q, take_a, NULL), 2, "two credits: two packets go");
	ok(seen[0] == 1 && seen[1] == 3, "host a's oldest first (got %llu, %llu)",
	   (unsigned long long)seen[0], (unsigned long long)seen[1]);
	is_uint(creditq_count(q), 2, "two still wait");
	nseen = 0;
	is_uint(creditq_remove(q, host_b, record, NULL), 1, "remove host b's packets");
	ok(nseen == 1 && seen[0] == 2, "... only its own");
	is_uint(creditq_count(q), 1, "host a's last one waits");
	creditq_free(q);
	creditq_free(NULL);
}

int main(void)
{
	test_contacts();
	test_creditq();
	return done_testing();
}
