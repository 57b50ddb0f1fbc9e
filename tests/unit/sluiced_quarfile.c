/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_quarfile - unit test of the saved quarantines (nft-expr/quarantine/quarfile.c)
 * DESCRIPTION
 *	A round trip keeps addresses of both families and the time left to
 *	the millisecond; wall-clock time spent down is taken off and what
 *	ran out is not restored; a missing file is no error; every kind of
 *	bad line is reported with its number and skipped while the good
 *	lines around it are still read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "quarantine/quarfile.h"
#include "../tap.h"

#define MAXGOT 16

struct got {
	struct quarfile_entry e[MAXGOT];
	size_t n;
	size_t warn_line[MAXGOT];
	char warn_why[MAXGOT][96];
	size_t nwarn;
};

/* on_entry - quarfile_fn: remember it */
static void on_entry(void *ctx, const struct sl_addr *a, uint64_t left_ns)
{
	struct got *g = ctx;

	if (g->n < MAXGOT) {
		g->e[g->n].addr = *a;
		g->e[g->n].left_ns = left_ns;
		g->n++;
	}
}

/* on_warn - quarfile_warn_fn: remember it */
static void on_warn(void *ctx, size_t line, const char *why)
{
	struct got *g = ctx;

	if (g->nwarn < MAXGOT) {
		g->warn_line[g->nwarn] = line;
		snprintf(g->warn_why[g->nwarn], sizeof(g->warn_why[0]), "%s", why);
		g->nwarn++;
	}
}

/* put - write text to path */
static void put(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fwrite(text, 1, len, fp) != len)
		ok(0, "cannot write %s", path);
	if (fp != NULL)
		fclose(fp);
}

/* addr_is - entry i holds the address text */
static int addr_is(const struct got *g, size_t i, const char *text)
{
	char buf[ADDR_STRLEN];

	return i < g->n && strcmp(addr_format(&g->e[i].addr, buf), text) == 0;
}

static void test_round_trip(const char *path)
{
	struct quarfile_entry e[3];
	struct got g = { 0 };

	addr_parse("192.0.2.7", &e[0].addr);
	e[0].left_ns = 3600 * NS_PER_SEC;
	addr_parse("2001:db8::1", &e[1].addr);
	e[1].left_ns = 1234 * NS_PER_MS + 999;	/* below a ms is dropped */
	addr_parse("198.51.100.1", &e[2].addr);
	e[2].left_ns = 5 * NS_PER_SEC;
	is_int(quarfile_write(path, e, 3, 1000), 0, "three quarantines written");
	is_int(quarfile_read(path, 1000, on_entry, on_warn, &g), 3,
	       "read back at once: three restored");
	ok(addr_is(&g, 0, "192.0.2.7") && g.e[0].left_ns == 3600 * NS_PER_SEC,
	   "IPv4 address and an hour left");
	ok(addr_is(&g, 1, "2001:db8::1") && g.e[1].left_ns == 1234 * NS_PER_MS,
	   "IPv6 address and the time left to the millisecond");
	is_uint(g.nwarn, 0, "no warnings for a file we wrote");

	memset(&g, 0, sizeof(g));
	is_int(quarfile_read(path, 1010, on_entry, on_warn, &g), 1,
	       "10 s later: those with 1.2 s and 5 s left ran out while we were down");
	ok(addr_is(&g, 0, "192.0.2.7") && g.e[0].left_ns == 3590 * NS_PER_SEC,
	   "the time spent down is taken off the hour (3590 s left)");

	memset(&g, 0, sizeof(g));
	is_int(quarfile_read(path, 900, on_entry, on_warn, &g), 3,
	       "a clock set back: everything still restored");
	ok(g.e[0].left_ns == 3600 * NS_PER_SEC, "with the time left as saved");

	is_int(quarfile_write(path, NULL, 0, 1000), 0, "no quarantine: a file all the same");
	memset(&g, 0, sizeof(g));
	is_int(quarfile_read(path, 1000, on_entry, on_warn, &g), 0, "which restores none");
	is_uint(g.nwarn, 0, "without a warning");
}

static void test_missing(const char *path)
{
	struct got g = { 0 };

	unlink(path);
	is_int(quarfile_read(path, 1000, on_entry, on_warn, &g), 0,
	       "a missing file (first start) restores none, no error");
	is_int(quarfile_write("/nonexistent-dir/x", NULL, 0, 1), -1,
	       "writing into a missing directory fails");
}

static void test_bad(const char *path)
{
	char text[1024], big[300];
	struct got g = { 0 };
	size_t len, i;
	static const struct { size_t line; const char *why; } want[] = {
		{ 2, "before the \"saved\" line" },
		{ 5, "not an IPv4 or IPv6 address" },
		{ 6, "whole milliseconds" },
		{ 7, "whole milliseconds" },
		{ 8, "whole milliseconds" },
		{ 9, "more than two words" },
		{ 10, "a second \"saved\" line" },
		{ 11, "too long" },
		{ 12, "NUL" },
		{ 13, "\"saved\" needs a time" },
	};

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	len = (size_t)snprintf(text, sizeof(text),
		"# comment\n"			/* 1 */
		"10.0.0.9 5000\n"		/* 2: before saved */
		"saved 100\n"			/* 3 */
		"10.0.0.1 5000\n"		/* 4: good */
		"bogus 5000\n"			/* 5 */
		"10.0.0.2\n"			/* 6 */
		"10.0.0.3 -5\n"			/* 7 */
		"10.0.0.4 99999999999999\n"	/* 8: over 30 days */
		"10.0.0.5 1 2\n"		/* 9 */
		"saved 200\n"			/* 10 */
		"%s\n"				/* 11: overlong */
		"10.0.0.7 X\n"			/* 12: gets a NUL below */
		"saved\n"			/* 13 */
		"\n"				/* 14: blank */
		"  10.0.0.6\t7000\r\n",		/* 15: good, odd spacing */
		big);
	text[strstr(text, "10.0.0.7 X") - text + 9] = '\0';
	put(path, text, len);
	is_int(quarfile_read(path, 100, on_entry, on_warn, &g), 2,
	       "the two good lines are restored around the bad ones");
	ok(addr_is(&g, 0, "10.0.0.1") && g.e[0].left_ns == 5 * NS_PER_SEC,
	   "the first good line");
	ok(addr_is(&g, 1, "10.0.0.6") && g.e[1].left_ns == 7 * NS_PER_SEC,
	   "the last one, with tabs, spaces and a CR");
	is_uint(g.nwarn, sizeof(want) / sizeof(want[0]), "one warning per bad line");
	for (i = 0; i < sizeof(want) / sizeof(want[0]) && i < g.nwarn; i++)
		ok(g.warn_line[i] == want[i].line && strstr(g.warn_why[i], want[i].why),
		   "line %zu: %s (got line %zu: %s)", want[i].line, want[i].why,
		   g.warn_line[i], g.warn_why[i]);
}

static const struct {
	const char *text;
	long restored;
	const char *warn;	/* the one warning, or NULL for none */
} vtab[] = {
	{ "# sluiced quarantines\nsaved 1000\n192.0.2.1 5000\n", 1, NULL },
	{ "# sluiced quarantines: ADDRESS MILLISECONDS_LEFT\nsaved 1000\n"
	  "192.0.2.1 5000\n", 1, NULL },
	{ "# sluiced quarantines 2: ADDRESS MILLISECONDS_LEFT\nsaved 1000\n"
	  "192.0.2.1 5000\n192.0.2.2 5000\n# end 2\n", 2, NULL },
	{ "# sluiced quarantines 2: x\nsaved 1000\n192.0.2.1 5000\n"
	  "192.0.2.2 5000\n", 2, "no \"# end\" line: the file was cut short" },
	{ "# sluiced quarantines 2: x\nsaved 1000\n192.0.2.1 5000\n"
	  "192.0.2.2 5000\n# end 3\n", 2, "\"# end\" counts another number "
	  "of entries: the file was changed or cut" },
	{ "# sluiced quarantines 2: x\nsaved 1000\n192.0.2.1 5000\n# end 1\n"
	  "192.0.2.2 5000\n", 1, "a line after the \"# end\" line" },
	{ "# sluiced quarantines 2: x\nsaved 1000\n# end x\n", 0,
	  "\"# end\" needs the number of entries" },
	{ "# sluiced quarantines 3: x\nsaved 1000\n192.0.2.1 5000\n", 0,
	  "a version of the format this sluiced does not know: nothing restored" },
};

/* test_versions - version 1 loads, version 2's end line is checked, an
   unknown version restores nothing */
static void test_versions(const char *path)
{
	struct got g;
	size_t i;

	for (i = 0; i < sizeof(vtab) / sizeof(vtab[0]); i++) {
		memset(&g, 0, sizeof(g));
		put(path, vtab[i].text, strlen(vtab[i].text));
		is_int(quarfile_read(path, 1000, on_entry, on_warn, &g),
		       vtab[i].restored, "versions %zu: restored", i);
		is_uint(g.nwarn, vtab[i].warn ? 1 : 0, "versions %zu: warnings", i);
		if (vtab[i].warn)
			is_str(g.warn_why[0], vtab[i].warn, "versions %zu: why", i);
	}
}

int main(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/sluice-quarfile-%ld", (long)getpid());
	test_round_trip(path);
	test_missing(path);
	test_bad(path);
	test_versions(path);
	unlink(path);
	return done_testing();
}
