/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	config.t - the schema-driven loader: every type's refusals and values
 * DESCRIPTION
 *	Each bad value goes through a one-key file; the error must name the
 *	file, the group, the key, the value and what is accepted.
 */
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "coreconf.h"
#include "prefixset.h"
#include "../tap.h"

struct all {
	int flag;
	unsigned count;
	double ratio;
	uint64_t interval;
	uint64_t cap;
	char *name;
	int mode;
	char **items;
	struct prefixset *nets;
	char *listen;
};

static const char *const modes[] = { "observe", "enforce", "dry-run", NULL };

#define O(f) offsetof(struct all, f)
static const struct cfg_key keys[] = {
	{ "flag", CFG_BOOL, O(flag), "no", 0, 0, 0, 0, NULL, "a flag" },
	{ "count", CFG_UINT, O(count), "5", 1, 64, 0, 0, NULL, "slots" },
	{ "ratio", CFG_DOUBLE, O(ratio), "0.5", 0, 0, 0.0, 1.0, NULL, "ratio" },
	{ "interval", CFG_DURATION, O(interval), "1s", 1000000ULL, 3600000000000ULL, 0, 0, NULL, "interval" },
	{ "cap", CFG_SIZE, O(cap), "64M", 1024, 1ULL << 30, 0, 0, NULL, "memory cap" },
	{ "name", CFG_STRING, O(name), NULL, 0, 0, 0, 0, NULL, "a name" },
	{ "mode", CFG_ENUM, O(mode), "observe", 0, 0, 0, 0, modes, "mode" },
	{ "items", CFG_LIST, O(items), NULL, 0, 0, 0, 0, NULL, "items" },
	{ "nets", CFG_PREFIXES, O(nets), NULL, 0, 0, 0, 0, NULL, "networks" },
	{ "listen", CFG_ENDPOINT, O(listen), "inet:127.0.0.1:10040", 0, 0, 0, 0, NULL, "socket" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* bad values: key, value, a phrase the accepted part must hold */
static const struct { const char *key, *value, *accepted; } bad[] = {
	{ "flag", "", "true/false, yes/no, on/off or 1/0" },
	{ "flag", "maybe", "true/false, yes/no, on/off or 1/0" },
	{ "flag", "2", "true/false" },
	{ "flag", "-1", "true/false" },
	{ "flag", "yes please", "true/false" },
	{ "count", "", "a whole number from 1 to 64" },
	{ "count", "-1", "a whole number from 1 to 64" },
	{ "count", "0", "a whole number from 1 to 64" },
	{ "count", "65", "a whole number from 1 to 64" },
	{ "count", "99999999999999999999999", "a whole number from 1 to 64" },
	{ "count", "18446744073709551616", "a whole number from 1 to 64" },
	{ "count", "4294967301", "a whole number from 1 to 64" },
	{ "count", "12abc", "a whole number from 1 to 64" },
	{ "count", "1.5", "a whole number from 1 to 64" },
	{ "count", "+5", "a whole number from 1 to 64" },
	{ "count", "0x10", "a whole number from 1 to 64" },
	{ "count", "5 # five", "a whole number from 1 to 64" },
	{ "ratio", "", "a number from 0 to 1" },
	{ "ratio", "abc", "a number from 0 to 1" },
	{ "ratio", "-0.1", "a number from 0 to 1" },
	{ "ratio", "1.1", "a number from 0 to 1" },
	{ "ratio", "0.5x", "a number from 0 to 1" },
	{ "ratio", "nan", "a number from 0 to 1" },
	{ "ratio", "inf", "a number from 0 to 1" },
	{ "ratio", "1e999", "a number from 0 to 1" },
	{ "ratio", "0x1p-1", "a number from 0 to 1" },
	{ "ratio", "1..2", "a number from 0 to 1" },
	{ "interval", "", "a duration from 1ms to 1h" },
	{ "interval", "-1s", "a duration from 1ms to 1h" },
	{ "interval", "0", "a duration from 1ms to 1h" },
	{ "interval", "2h", "a duration from 1ms to 1h" },
	{ "interval", "5x", "unit ms, s, m, h or d" },
	{ "interval", "2w", "unit ms, s, m, h or d" },
	{ "interval", "5 s", "unit ms, s, m, h or d" },
	{ "interval", "1.5s", "a duration from 1ms to 1h" },
	{ "interval", "5S", "a duration from 1ms to 1h" },
	{ "interval", "99999999999999999999d", "a duration from 1ms to 1h" },
	{ "interval", "18446744073709551615d", "a duration from 1ms to 1h" },
	{ "interval", "s", "a duration from 1ms to 1h" },
	{ "cap", "", "a size from 1k to 1G" },
	{ "cap", "-1", "a size from 1k to 1G" },
	{ "cap", "1", "a size from 1k to 1G" },
	{ "cap", "2G", "a size from 1k to 1G" },
	{ "cap", "5Q", "unit k, M, G or T" },
	{ "cap", "12kk", "a size from 1k to 1G" },
	{ "cap", "99999999999999999999", "a size from 1k to 1G" },
	{ "cap", "17179869184T", "a size from 1k to 1G" },
	{ "mode", "", "one of observe, enforce or dry-run" },
	{ "mode", "block", "one of observe, enforce or dry-run" },
	{ "mode", "Observe", "one of observe, enforce or dry-run" },
	{ "mode", "observe enforce", "one of observe, enforce or dry-run" },
	{ "nets", "10.0.0.0/33", "ADDR or ADDR/LEN" },
	{ "nets", "10.0.0.0/8; bogus", "\"bogus\" is not an address or prefix" },
	{ "nets", "::/129", "ADDR or ADDR/LEN" },
	{ "nets", "1.2.3.4/", "ADDR or ADDR/LEN" },
	{ "nets", "10.0.0.0/8,,300.1.1.1", "\"300.1.1.1\" is not" },
	{ "nets", "example.com", "ADDR or ADDR/LEN" },
	{ "listen", "tcp:1.2.3.4:25", "inet:host:port" },
	{ "listen", "inet:host.example:25", "literal address" },
	{ "listen", "inet:1.2.3.4:0", "1 to 65535" },
	{ "listen", "unix:relative", "absolute" },
	{ "colour", "red", "unknown key in [test]; known keys: flag, count, ratio" },
};

/* apply_one - "[test]\nKEY = VALUE\n" through config_apply */
static int apply_one(const char *key, const char *value, struct all *a,
		     char *err, size_t len)
{
	char *text = g_strdup_printf("# test\n[test]\n%s = %s\n", key, value);
	struct config *c;
	int r = -2;

	memset(a, 0, sizeof(*a));
	c = config_open_data("test.conf", text, strlen(text), err, len);
	if (c)
		r = config_apply(c, "test", keys, NKEYS, a, err, len);
	config_close(c);
	g_free(text);
	return r;
}

static void test_bad(void)
{
	char err[CFG_ERRLEN], want[256];
	struct all a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		err[0] = 0;
		r = apply_one(bad[i].key, bad[i].value, &a, err, sizeof(err));
		is_int(r, -1, "refuse %s = \"%s\"", bad[i].key, bad[i].value);
		snprintf(want, sizeof(want), "test.conf: [test] %s = \"%s\": ",
			 bad[i].key, bad[i].value);
		if (!ok(strncmp(err, want, strlen(want)) == 0,
			"error names file, group, key and value"))
			diag("  got \"%s\", want prefix \"%s\"", err, want);
		if (!ok(strstr(err, bad[i].accepted) != NULL, "error says what is accepted"))
			diag("  got \"%s\", want \"%s\" in it", err, bad[i].accepted);
		ok(a.name == NULL && a.items == NULL && a.nets == NULL && a.listen == NULL,
		   "nothing left allocated after a refusal");
	}
}

static void test_good(void)
{
	const char *text =
		"# comment\n[test]\nflag = on\ncount = 64\nratio = 1\n"
		"interval = 250ms\ncap = 512k\nname = hello world  \nmode = dry-run\n"
		"items = a; b ,c;;\nnets = 10.0.0.0/8, 2001:db8::/32; 192.0.2.1\n"
		"listen = inet:8891@localhost\n[other]\nx = 1\n";
	char err[CFG_ERRLEN];
	struct config *c = config_open_data("good.conf", text, strlen(text), err, sizeof(err));
	struct sl_addr ad;
	struct all a;

	if (!ok(c != NULL, "a good file parses"))
		diag("  %s", err);
	if (c == NULL)
		return;
	if (!ok(config_apply(c, "test", keys, NKEYS, &a, err, sizeof(err)) == 0, "and applies"))
		diag("  %s", err);
	is_int(a.flag, 1, "bool on");
	is_uint(a.count, 64, "uint at its maximum");
	cmp_ok(a.ratio, ==, 1.0, "double");
	is_uint(a.interval, 250000000ULL, "250ms in ns");
	is_uint(a.cap, 512 * 1024, "512k in bytes");
	is_str(a.name, "hello world", "string, trailing blanks trimmed");
	is_int(a.mode, 2, "enum index");
	ok(a.items && a.items[0] && !strcmp(a.items[0], "a") && !strcmp(a.items[1], "b") &&
	   !strcmp(a.items[2], "c") && a.items[3] == NULL, "list split on ; and , and trimmed");
	is_uint(prefixset_count(a.nets), 3, "three prefixes");
	addr_parse("2001:db8:ffff::1", &ad);
	ok(prefixset_lookup(a.nets, &ad, NULL), "prefix list matches inside 2001:db8::/32");
	is_str(a.listen, "inet:8891@localhost", "endpoint kept as written");
	config_release(keys, NKEYS, &a);
	ok(a.name == NULL && a.nets == NULL, "config_release clears");
	{
		const char *t2 = "[test]\nname =\nlisten = \n";
		struct config *c2 = config_open_data("e.conf", t2, strlen(t2), err, sizeof(err));

		ok(c2 && config_apply(c2, "test", keys, NKEYS, &a, err, sizeof(err)) == 0,
		   "empty string and endpoint accepted");
		ok(a.name == NULL, "empty without a default is NULL");
		ok(a.listen == NULL, "empty with a default turns the key off: got %s, want NULL",
		   a.listen ? a.listen : "NULL");
		config_release(keys, NKEYS, &a);
		config_close(c2);
	}
	config_release(keys, NKEYS, &a);	/* twice is harmless */

	ok(config_apply(c, "absent", keys, NKEYS, &a, err, sizeof(err)) == 0,
	   "an absent group gives the defaults");
	is_uint(a.count, 5, "default uint");
	is_uint(a.interval, 1000000000ULL, "default duration");
	is_uint(a.cap, 64ULL << 20, "default size");
	ok(a.name == NULL, "no default string is NULL");
	ok(a.items && a.items[0] == NULL, "absent list is empty, not NULL");
	ok(a.nets && prefixset_count(a.nets) == 0, "absent prefixes: an empty set");
	is_str(a.listen, "inet:127.0.0.1:10040", "default endpoint");
	config_release(keys, NKEYS, &a);
	ok(config_defaults(keys, NKEYS, &a, err, sizeof(err)) == 0 && a.count == 5,
	   "config_defaults");
	config_release(keys, NKEYS, &a);
	is_str(config_name(c), "good.conf", "config_name");
	config_close(c);
	config_close(NULL);
}

static void test_files_and_groups(void)
{
	static const char *const known[] = { "core", "test", "zone ", NULL };
	char err[CFG_ERRLEN], path[64], **g;
	struct config *c;
	const char *text = "[core]\n[zone lan]\n[zone dmz]\n[zonefoo]\n";
	FILE *fp;

	c = config_open("/nonexistent/sluice.conf", err, sizeof(err));
	ok(c == NULL && strstr(err, "/nonexistent/sluice.conf") &&
	   strstr(err, "No such file"), "a missing file is an error naming the path: %s", err);
	c = config_open_data("syntax.conf", "[core\nx=1\n", 10, err, sizeof(err));
	ok(c == NULL && strncmp(err, "syntax.conf: ", 13) == 0,
	   "a syntax error names the file: %s", err);
	c = config_open_data("dup.conf", "[core]\nx = 1\n# x = 3\n[zone a]\nx=1\n\n"
			     "[core]\n  x =2\n", 49, err, sizeof(err));
	ok(c == NULL && strstr(err, "dup.conf:8:") && strstr(err, "[core] x")
	   && strstr(err, "twice") && strstr(err, "line 2"),
	   "a key set twice in a group (opened twice) names both lines: %s", err);
	config_close(c);
	c = config_open_data("dup.conf", "[core]\nx = 1\n[zone a]\nx = 1\n", 28, err, sizeof(err));
	ok(c != NULL, "one key in two groups is no duplicate");
	config_close(c);
	c = config_open_data("g.conf", text, strlen(text), err, sizeof(err));
	ok(c != NULL, "groups file parses");
	if (c == NULL)
		return;
	g = config_groups(c, "zone ");
	ok(g && g[0] && g[1] && !g[2] && !strcmp(g[0], "zone lan") && !strcmp(g[1], "zone dmz"),
	   "config_groups finds the two zones");
	g_strfreev(g);
	is_int(config_check_groups(c, known, err, sizeof(err)), -1, "[zonefoo] is unknown");
	ok(strstr(err, "g.conf") && strstr(err, "[zonefoo]") && strstr(err, "[zone NAME]"),
	   "the error names file, group and the known ones: %s", err);
	config_close(c);
	c = config_open_data("g.conf", "[zone ]\n", 8, err, sizeof(err));
	is_int(c ? config_check_groups(c, known, err, sizeof(err)) : 0, -1,
	       "a zone needs a name");
	config_close(c);

	snprintf(path, sizeof(path), "/tmp/sluice-config-%ld.conf", (long)getpid());
	fp = fopen(path, "w");
	fprintf(fp, "[core]\ncontrol_socket = unix:/tmp/x.sock\nwhitelist = 192.0.2.0/24\n"
		"syslog_events = no\nevents = -\n");
	fclose(fp);
	c = config_open(path, err, sizeof(err));
	ok(c != NULL, "config_open reads a file");
	if (c) {
		struct core_conf cc;

		ok(config_check_groups(c, coreconf_known_groups, err, sizeof(err)) == 0,
		   "[core] is a known group");
		ok(coreconf_apply(c, &cc, err, sizeof(err)) == 0, "coreconf_apply");
		is_str(cc.control_socket, "/tmp/x.sock", "unix: prefix removed");
		is_str(cc.events, "-", "events to stdout");
		is_str(cc.state_dir, "/var/lib/sluice", "default state_dir");
		is_int(cc.syslog_events, 0, "syslog_events off");
		is_uint(prefixset_count(cc.whitelist), 1, "whitelist replaced");
		coreconf_release(&cc);
		config_close(c);
	}
	unlink(path);
	text = "[core]\ncontrol_socket = inet:127.0.0.1:99\n";
	c = config_open_data("c.conf", text, strlen(text), err, sizeof(err));
	{
		struct core_conf cc;

		ok(c && coreconf_apply(c, &cc, err, sizeof(err)) < 0 &&
		   strstr(err, "c.conf: [core] control_socket = \"inet:127.0.0.1:99\": expected a unix socket"),
		   "an inet control socket is refused: %s", err);
	}
	config_close(c);
	text = "[core]\nstate_dir =\nevents =\n";
	c = config_open_data("c2.conf", text, strlen(text), err, sizeof(err));
	{
		struct core_conf cc;

		ok(c && coreconf_apply(c, &cc, err, sizeof(err)) == 0, "empty state_dir and events accepted");
		ok(cc.state_dir == NULL, "empty state_dir turns state off: got %s, want NULL",
		   cc.state_dir ? cc.state_dir : "NULL");
		ok(cc.events == NULL, "empty events turns the event file off: got %s, want NULL",
		   cc.events ? cc.events : "NULL");
		coreconf_release(&cc);
	}
	config_close(c);
	text = "[core]\ncontrol_socket =\n";
	c = config_open_data("c3.conf", text, strlen(text), err, sizeof(err));
	{
		struct core_conf cc;

		ok(c && coreconf_apply(c, &cc, err, sizeof(err)) < 0 &&
		   strstr(err, "c3.conf: [core] control_socket = \"\": expected a unix socket"),
		   "an empty control socket, which every program needs, is refused: %s", err);
	}
	config_close(c);
	c = config_open_data("d.conf", "", 0, err, sizeof(err));
	{
		struct core_conf cc;
		struct sl_addr lo;

		ok(c && coreconf_apply(c, &cc, err, sizeof(err)) == 0, "core defaults");
		is_str(cc.events, "/var/log/sluice/events.json", "default events path");
		is_str(cc.control_socket, "/run/sluice/sluiced.sock", "default control socket");
		addr_parse("127.0.0.1", &lo);
		ok(prefixset_lookup(cc.whitelist, &lo, NULL), "loopback whitelisted by default");
		coreconf_release(&cc);
		coreconf_release(NULL);
	}
	config_close(c);
}

/* test_core_dry_run - [countermeasures] dry_run reaches every program's
   core_conf; the keys nothing acts on are named; a misspelt key fails */
static void test_core_dry_run(void)
{
	static const struct {
		const char *text;
		int rc, dry_run;
		const char *inert;	/* or the error's fragment when rc < 0 */
	} t[] = {
		{ "", 0, 0, NULL },
		{ "[countermeasures]\ndry_run = yes\n", 0, 1, NULL },
		{ "[countermeasures]\ndry_run = no\n", 0, 0, NULL },
		{ "[countermeasures]\nrate_cap = 5\ndry_run = on\nttl_hook = 2h\n",
		  0, 1, NULL },
		{ "[countermeasures]\nprotected_ports = 22, 0\n", -1, 0,
		  "i.conf: [countermeasures] protected_ports = \"0\": expected port numbers" },
		{ "[countermeasures]\nhook = stop-smb now\n", -1, 0,
		  "i.conf: [countermeasures] hook = \"stop-smb now\": expected an absolute" },
		{ "[countermeasures]\ndryrun = yes\n", -1, 0,
		  "i.conf: [countermeasures] dryrun = \"yes\": unknown key" },
		{ "[countermeasures]\ndry_run = maybe\n", -1, 0,
		  "i.conf: [countermeasures] dry_run = \"maybe\"" },
	};
	char err[CFG_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config *c = config_open_data("i.conf", t[i].text,
						    strlen(t[i].text), err, sizeof(err));
		struct core_conf cc;
		int rc = c ? coreconf_apply(c, &cc, err, sizeof(err)) : -2;

		if (t[i].rc < 0) {
			ok(rc < 0 && strstr(err, t[i].inert),
			   "case %zu refused: got \"%s\", want \"%s\"", i,
			   rc < 0 ? err : "accepted", t[i].inert);
			config_close(c);
			continue;
		}
		ok(rc == 0 && cc.dry_run == t[i].dry_run,
		   "case %zu dry_run: got %d (rc %d %s), want %d", i,
		   rc == 0 ? cc.dry_run : -1, rc, rc ? err : "", t[i].dry_run);
		if (rc == 0)
			coreconf_release(&cc);
		config_close(c);
	}
}

/* test_countermeasures - [countermeasures] defaults agree with cmeasure_defaults */
static void test_countermeasures(void)
{
	struct coreconf_cm gc;
	struct cmeasure_params want;
	char err[CFG_ERRLEN];
	struct config *c;
	const char *text = "[countermeasures]\ndry_run = yes\nrate_cap = 10\n"
		"ttl_quarantine = 2h\nrung_isolate = 500\n";
	int i, same = 1;

	cmeasure_defaults(&want);
	c = config_open_data("e.conf", "", 0, err, sizeof(err));
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) == 0, "empty [countermeasures]");
	for (i = 0; i < CMEASURE_SIG_COUNT; i++)
		same &= gc.p.weight[i] == want.weight[i];
	for (i = 0; i < CMEASURE_ACTION_COUNT; i++)
		same &= gc.p.rung[i] == want.rung[i] && gc.p.ttl_ns[i] == want.ttl_ns[i];
	same &= gc.p.score_decay_ns == want.score_decay_ns && gc.p.rate_cap == want.rate_cap &&
		gc.p.dry_run == want.dry_run;
	ok(same, "its defaults are cmeasure_defaults()");
	ok(gc.block_port_sources == 10 && gc.escalate_v6 == 4 &&
	   coreconf_port_protected(&gc, 22) && coreconf_port_protected(&gc, 53) &&
	   coreconf_port_protected(&gc, 443) && !coreconf_port_protected(&gc, 445) &&
	   gc.hook == NULL, "reaction defaults: block_port_sources %u escalate_v6 %u, "
	   "protected 22 53 443 and not 445, no hook", gc.block_port_sources, gc.escalate_v6);
	coreconf_cm_release(&gc);
	config_close(c);
	c = config_open_data("f.conf", text, strlen(text), err, sizeof(err));
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) == 0, "set values: %s", err);
	ok(gc.p.dry_run == 1 && gc.p.rate_cap == 10 && gc.p.ttl_ns[CMEASURE_QUARANTINE] == 7200ULL * 1000000000ULL
	   && gc.p.rung[CMEASURE_ISOLATE] == 500, "values land in cmeasure_params");
	coreconf_cm_release(&gc);
	config_close(c);
	text = "[countermeasures]\nhook = /bin/echo 'a b' c\nprotected_ports = 25\n";
	c = config_open_data("k.conf", text, strlen(text), err, sizeof(err));
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) == 0 && gc.hook &&
	   g_strv_length(gc.hook) == 3 && strcmp(gc.hook[1], "a b") == 0 &&
	   coreconf_port_protected(&gc, 25) && !coreconf_port_protected(&gc, 22),
	   "hook split into 3 words, protected_ports replaced: %s", err);
	coreconf_cm_release(&gc);
	config_close(c);
	text = "[countermeasures]\nrate_cap = 0\n";
	c = config_open_data("g.conf", text, strlen(text), err, sizeof(err));
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) < 0 &&
	   strstr(err, "g.conf: [countermeasures] rate_cap = \"0\": expected a whole number from 1 to 100000"),
	   "rate_cap 0 refused: %s", err);
	config_close(c);
	test_core_dry_run();
	text = "[countermeasures]\nweight_nodsn = 5\n";
	c = config_open_data("h.conf", text, strlen(text), err, sizeof(err));
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) < 0 &&
	   strstr(err, "weight_nodsn") && strstr(err, "unknown key"), "a misspelt key is refused: %s", err);
	config_close(c);
}

/* test_example - examples/sluice.conf is valid and shows the defaults */
static void test_example(void)
{
	const char *top = getenv("SLUICE_TOP");
	char path[512], err[CFG_ERRLEN];
	struct coreconf_cm gc;
	struct cmeasure_params want;
	struct core_conf cc;
	struct config *c;
	int i, same = 1;

	snprintf(path, sizeof(path), "%s/examples/sluice.conf", top ? top : ".");
	c = config_open(path, err, sizeof(err));
	if (!ok(c != NULL, "%s opens", path)) {
		diag("  %s", err);
		return;
	}
	ok(config_check_groups(c, coreconf_known_groups, err, sizeof(err)) == 0,
	   "its groups are known: %s", err);
	ok(coreconf_apply(c, &cc, err, sizeof(err)) == 0, "its [core] applies: %s", err);
	is_str(cc.events, "/var/log/sluice/events.json", "it shows the default events path");
	coreconf_release(&cc);
	ok(coreconf_countermeasures(c, &gc, err, sizeof(err)) == 0,
	   "its [countermeasures] applies: %s", err);
	cmeasure_defaults(&want);
	for (i = 0; i < CMEASURE_SIG_COUNT; i++)
		same &= gc.p.weight[i] == want.weight[i];
	for (i = 0; i < CMEASURE_ACTION_COUNT; i++)
		same &= gc.p.rung[i] == want.rung[i] && gc.p.ttl_ns[i] == want.ttl_ns[i];
	same &= gc.p.score_decay_ns == want.score_decay_ns && gc.p.rate_cap == want.rate_cap &&
		gc.p.dry_run == want.dry_run;
	ok(same, "its [countermeasures] values are the defaults");
	coreconf_cm_release(&gc);
	config_close(c);
}

/* test_host_bits - a prefix with host bits set is refused, naming both
   the network and the host it may have meant (issue 20 point 5) */
static void test_host_bits(void)
{
	static const struct { const char *v, *want; } t[] = {
		{ "10.1.2.3/8", "\"10.1.2.3/8\" has host bits set: expected the network "
		  "10.0.0.0/8, or 10.1.2.3/32 for the one host" },
		{ "192.0.2.0/24, 192.0.2.129/25", "\"192.0.2.129/25\" has host bits set: "
		  "expected the network 192.0.2.128/25, or 192.0.2.129/32" },
		{ "fd77:1::5/64", "expected the network fd77:1::/64, or fd77:1::5/128" },
		{ "10.0.0.0/8", NULL }, { "10.1.2.3", NULL }, { "10.1.2.3/32", NULL },
		{ "0.0.0.0/0", NULL }, { "::/0; fd77:1::/64", NULL },
	};
	char text[256], err[CFG_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config *c;
		struct core_conf cc;
		int rc;

		snprintf(text, sizeof(text), "[core]\nwhitelist = %s\n", t[i].v);
		c = config_open_data("hb.conf", text, strlen(text), err, sizeof(err));
		rc = c ? coreconf_apply(c, &cc, err, sizeof(err)) : -2;
		if (t[i].want == NULL) {
			ok(rc == 0, "whitelist = %s: accepted (got %s)", t[i].v,
			   rc == 0 ? "accepted" : err);
			if (rc == 0)
				coreconf_release(&cc);
		} else
			ok(rc < 0 && strstr(err, "hb.conf: [core] whitelist") &&
			   strstr(err, t[i].want), "whitelist = %s: got \"%s\", want \"%s\"",
			   t[i].v, rc < 0 ? err : "accepted", t[i].want);
		config_close(c);
	}
}

int main(void)
{
	test_host_bits();
	test_example();
	test_countermeasures();
	test_bad();
	test_good();
	test_files_and_groups();
	return done_testing();
}
