/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_conf - unit test of sluiced's configuration (nft-expr/daemon/sdconf.c)
 * DESCRIPTION
 *	A good file gives the documented defaults and the zone map; each
 *	kind of mistake is refused with a message naming the file, the
 *	group, the key and the value, as `sluiced -n` prints it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon/sdconf.h"
#include "table/nftrules.h"
#include "../tap.h"

/* load - text through a temporary file named NAME.conf; 0 or -1 */
static int load(const char *text, struct sd_conf *c, char *err, size_t len)
{
	char path[] = "/tmp/sluiced_conf.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return -2;
	close(fd);
	rc = sdconf_load(path, c, err, len);
	unlink(path);
	return rc;
}

/* test_defaults - a zone with only its prefixes */
static void test_defaults(void)
{
	struct sd_conf c;
	const struct sd_zone *z;
	struct sl_addr a;
	char err[512];

	is_int(load("[zone lan]\nprefixes = 10.0.0.0/8, fd00::/8\n"
		    "[zone dmz]\nprefixes = 10.5.0.0/16\nmode = off\n", &c, err,
		    sizeof(err)), 0, "minimal file loads");
	is_int(c.ruleset, SD_RULESET_OWN, "ruleset own");
	is_str(c.table, "sluice", "table sluice");
	is_uint(c.hook_mask, NFTRULES_HOOK_FORWARD | NFTRULES_HOOK_OUTPUT,
		"hooks forward and output");
	ok(c.fail_open && c.queue_num == 0, "fail-open queue 0");
	is_uint(c.v6_prefix, 128, "v6_prefix 128");
	is_int(c.process_priority, SD_PRIO_HIGH, "process_priority high");
	is_int(c.chain_priority, 20, "priority filter + 20 (the chains)");
	is_uint(c.nzones, 2, "two zones");
	z = &c.zones[0];
	ok(z->mode == SD_MODE_WILLIAMSON && z->wset_size == 5 && z->high == 100
	   && z->low == 60 && z->release_ns == NS_PER_SEC, "williamson 5, 1 s, 100/60");
	is_uint(z->quarantine_ttl_ns, 3600 * NS_PER_SEC, "quarantine 1 h");
	ok(z->credit_start == 10 && z->credit_debit == 1 && z->credit_credit == 2
	   && z->credit_cap == 10, "credit 10/1/2/10");
	addr_parse("10.5.1.1", &a);
	ok(sdconf_zone(&c, &a) == &c.zones[1], "the more specific zone wins");
	addr_parse("10.6.1.1", &a);
	ok(sdconf_zone(&c, &a) == &c.zones[0], "the wider zone holds the rest");
	addr_parse("fd00::1", &a);
	ok(sdconf_zone(&c, &a) == &c.zones[0], "ipv6 source in its zone");
	addr_parse("192.0.2.1", &a);
	ok(sdconf_zone(&c, &a) == NULL, "a source in no zone");
	is_str(sdconf_mode_name(SD_MODE_CREDIT), "credit", "mode name");
	sdconf_release(&c);
	sdconf_release(NULL);
}

/* test_queues - queue_num as a number or a range, and where the
   fail-closed queue goes */
static void test_queues(void)
{
	static const struct {
		const char *text;
		unsigned first, count, closed;
	} t[] = {
		{ "", 0, 1, 1 },
		{ "queue_num = 7\n", 7, 1, 8 },
		{ "queue_num = 0-1\n", 0, 2, 2 },
		{ "queue_num = 4-4\n", 4, 1, 5 },
		{ "queue_num = 10-25\n", 10, 16, 26 },
		{ "queue_num = 2-5\nclosed_queue_num = 0\n", 2, 4, 0 },
		{ "queue_num = 65535\nclosed_queue_num = 9\n", 65535, 1, 9 },
	};
	struct sd_conf c;
	char text[256], err[512];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[sluiced]\n%s", t[i].text);
		if (!ok(load(text, &c, err, sizeof(err)) == 0, "queues %zu loads", i)) {
			diag("  %s", err);
			continue;
		}
		if (!ok(c.queue_num == t[i].first && c.queue_count == t[i].count
			&& c.closed_queue_num == t[i].closed, "queues %zu: %u, %u "
			"queues, closed %u", i, t[i].first, t[i].count, t[i].closed))
			diag("  got %u, %u, %u", c.queue_num, c.queue_count,
			     c.closed_queue_num);
		ok(sdconf_queue_ours(&c, t[i].first + t[i].count - 1)
		   && sdconf_queue_ours(&c, t[i].closed)
		   && (t[i].first + t[i].count > 65535
		       || t[i].first + t[i].count == t[i].closed
		       || !sdconf_queue_ours(&c, t[i].first + t[i].count)),
		   "queues %zu: ours are the range and the closed queue", i);
		sdconf_release(&c);
	}
}

/* test_priority - the forms of [sluiced] priority, and its old meaning */
static void test_priority(void)
{
	static const struct { const char *v; int chain, proc, renamed; } t[] = {
		{ "35", 35, SD_PRIO_HIGH, 0 }, { "-199", -199, SD_PRIO_HIGH, 0 },
		{ "filter", 0, SD_PRIO_HIGH, 0 }, { "mangle - 10", -160, SD_PRIO_HIGH, 0 },
		{ "security + 5", 55, SD_PRIO_HIGH, 0 }, { "filter-5", -5, SD_PRIO_HIGH, 0 },
		{ "high", 20, SD_PRIO_HIGH, 1 }, { "normal", 20, SD_PRIO_NORMAL, 1 },
	};
	char text[128], err[512];
	struct sd_conf c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[sluiced]\npriority = %s\n", t[i].v);
		if (load(text, &c, err, sizeof(err)) < 0) {
			ok(0, "priority = %s loads", t[i].v);
			diag("  got \"%s\"", err);
			continue;
		}
		if (!ok(c.chain_priority == t[i].chain && c.process_priority == t[i].proc
			&& c.priority_renamed == t[i].renamed, "priority = %s", t[i].v))
			diag("  got chains %d, process %d, renamed %d; want %d, %d, %d",
			     c.chain_priority, c.process_priority, c.priority_renamed,
			     t[i].chain, t[i].proc, t[i].renamed);
		sdconf_release(&c);
	}
}

struct bad {
	const char *text;
	const char *want;	/* substring of the error */
};

static const struct bad bad[] = {
	{ "[sluiced]\nruleset = mine\n", "[sluiced] ruleset = \"mine\"" },
	{ "[sluiced]\nqueue_num = 65535\n", "[sluiced] queue_num = \"65535\"" },
	{ "[sluiced]\nqueue_num = -1\n", "queue_num" },
	{ "[sluiced]\nqueue_num = 0-16\n", "[sluiced] queue_num = \"0-16\": 17 queues; expected at most 16" },
	{ "[sluiced]\nqueue_num = 3-1\n", "[sluiced] queue_num = \"3-1\": expected N or N-M" },
	{ "[sluiced]\nqueue_num = 1-\n", "[sluiced] queue_num = \"1-\"" },
	{ "[sluiced]\nqueue_num = 0-70000\n", "[sluiced] queue_num = \"0-70000\"" },
	{ "[sluiced]\nqueue_num = 0-1x\n", "[sluiced] queue_num = \"0-1x\"" },
	{ "[sluiced]\nqueue_num = 0-3\nclosed_queue_num = 3\n",
	  "[sluiced] closed_queue_num = \"3\": expected a queue outside queue_num (0-3)" },
	{ "[sluiced]\nclosed_queue_num = 0\n", "[sluiced] closed_queue_num = \"0\": expected a queue outside" },
	{ "[sluiced]\nclosed_queue_num = x\n", "[sluiced] closed_queue_num = \"x\"" },
	{ "[sluiced]\nqueue_num = 65530-65535\n", "the fail-closed queue would be 65535 + 1" },
	{ "[sluiced]\nhooks = forward, input\n", "[sluiced] hooks = \"input\": expected forward and/or output" },
	{ "[sluiced]\nhooks =\n", "[sluiced] hooks" },
	{ "[sluiced]\ntable = 1table\n", "[sluiced] table = \"1table\"" },
	{ "[sluiced]\ntable = a table\n", "[sluiced] table" },
	{ "[sluiced]\nfail_open = perhaps\n", "[sluiced] fail_open = \"perhaps\"" },
	{ "[sluiced]\nmax_held = 0\n", "[sluiced] max_held = \"0\"" },
	{ "[sluiced]\nmem_cap = 12\n", "[sluiced] mem_cap = \"12\"" },
	{ "[sluiced]\ncontact_timeout = 5x\n", "[sluiced] contact_timeout = \"5x\"" },
	{ "[sluiced]\nv6_prefix = 16\n", "[sluiced] v6_prefix = \"16\"" },
	{ "[sluiced]\nqueue_nun = 1\n", "queue_nun" },
	{ "[sluiced]\nprocess_priority = urgent\n", "[sluiced] process_priority = \"urgent\"" },
	{ "[sluiced]\npriority = urgent\n", "[sluiced] priority = \"urgent\": expected a number" },
	{ "[sluiced]\npriority = raw\n", "[sluiced] priority = \"raw\": expected" },
	{ "[sluiced]\npriority = -200\n", "[sluiced] priority = \"-200\": expected" },
	{ "[sluiced]\npriority = filter + x\n", "[sluiced] priority = \"filter + x\"" },
	{ "[sluiced]\npriority = filter + 2000\n", "[sluiced] priority = \"filter + 2000\"" },
	{ "[sluicd]\n", "sluicd" },
	{ "[zone lan]\nmode = williamson\n", "[zone lan] prefixes: missing" },
	{ "[zone lan]\nprefixes = 10.0.0.0/33\n", "[zone lan] prefixes = \"10.0.0.0/33\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nmode = fast\n", "[zone lan] mode = \"fast\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nfail = maybe\n", "[zone lan] fail = \"maybe\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nwset_size = 0\n", "[zone lan] wset_size = \"0\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nwset_size = 65\n", "[zone lan] wset_size = \"65\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nrelease_interval = 0\n", "release_interval" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nlow_watermark = 100\n",
	  "[zone lan] low_watermark = \"100\": expected a number below high_watermark (100)" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\ncredit_action = wait\n", "credit_action = \"wait\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\ncredit_debit = 0\n", "credit_debit = \"0\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\ntrw = always\n", "trw = \"always\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nspeed = 3\n", "speed" },
	{ "[zone a]\nprefixes = 10.0.0.0/8\n[zone b]\nprefixes = 10.0.0.0/8\n",
	  "[zone b] prefixes: 10.0.0.0/8 is already in another zone" },
	{ "[zone ]\nprefixes = 10.0.0.0/8\n", "[zone ]" },
	{ "[zone a/b]\nprefixes = 10.0.0.0/8\n", "a zone name is" },
	{ "[core]\nwhitelist = 300.1.1.1\n", "[core] whitelist" },
	{ "[core]\ncontrol_socket = inet:127.0.0.1:99\n", "[core] control_socket" },
	{ "[fairshare]\nrate = 100mbit\n", "[fairshare] interface: missing" },
	{ "[fairshare]\ninterface = eth0\n", "[fairshare] rate: missing" },
	{ "[fairshare]\ninterface = eth0\nrate = fast\n", "[fairshare] rate = \"fast\": expected a rate in tc units" },
	{ "[fairshare]\ninterface = eth0\nrate = 100mbits\n", "[fairshare] rate = \"100mbits\"" },
	{ "[fairshare]\ninterface = eth0\nrate = 1kbit\n", "[fairshare] rate = \"1kbit\"" },
	{ "[fairshare]\ninterface = eth0\nrate = 2tbit\n", "[fairshare] rate = \"2tbit\"" },
	{ "[fairshare]\ninterface = eth0\nrate = 10mbit\ncontain_rate = 10mbit\n",
	  "[fairshare] contain_rate = \"10mbit\": expected a rate below rate (10mbit)" },
	{ "[fairshare]\ninterface = eth0\nlan_interface = eth0\nrate = 10mbit\n",
	  "[fairshare] lan_interface = \"eth0\": expected an interface other than" },
	{ "[fairshare]\ninterface = eth0\nrate = 10mbit\nclasses = 4096\n", "[fairshare] classes = \"4096\"" },
	{ "[fairshare]\ninterface = eth0\nrate = 10mbit\nmethod = sfq\n", "[fairshare] method = \"sfq\"" },
	{ "[fairshare]\ninterface = eth0\nrate = 10mbit\ncontain = quarantine\n", "[fairshare] contain = \"quarantine\"" },
	{ "[sluiced]\nruleset = none\n[fairshare]\ninterface = eth0\nrate = 10mbit\n",
	  "[fairshare] interface = \"eth0\": fair sharing needs [sluiced] ruleset = own" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nshare = 0\n", "[zone lan] share = \"0\"" },
	{ "[zone lan]\nprefixes = 10.0.0.0/8\nshare = 101\n", "[zone lan] share = \"101\"" },
	{ "not an ini file", "" },
};

/* test_rates - tc's units into bits/s */
static void test_rates(void)
{
	static const struct { const char *text; uint64_t bits; } t[] = {
		{ "100mbit", 100000000 }, { "1.5gbit", 1500000000 },
		{ "500kbit", 500000 }, { "10mbps", 80000000 }, { "8000", 8000 },
		{ "1mibit", 1048576 }, { "2kibps", 16384 }, { "1Gbit", 1000000000 },
		{ "1tbit", 1000000000000ULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t got = 0;

		if (!ok(fs_conf_rate(t[i].text, &got) == 0 && got == t[i].bits,
			"rate %s", t[i].text))
			diag("  got %llu, want %llu", (unsigned long long)got,
			     (unsigned long long)t[i].bits);
	}
}

/* test_bad - every kind of mistake, with file, group, key and value */
static void test_bad(void)
{
	struct sd_conf c;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load(bad[i].text, &c, err, sizeof(err));

		if (!ok(rc == -1 && strstr(err, bad[i].want) != NULL
			&& strstr(err, "/tmp/sluiced_conf.") != NULL,
			"refused: %s", bad[i].want[0] ? bad[i].want : "garbage"))
			diag("  got rc %d, \"%s\"", rc, rc == -1 ? err : "");
	}
}

int main(void)
{
	test_defaults();
	test_queues();
	test_priority();
	test_bad();
	test_rates();
	return done_testing();
}
