/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_bounded - sluiced's engine stays inside its memory caps
 * SYNOPSIS
 *	bench_bounded [-D destinations] [-S sources] [-m mem_cap] [-f file]
 * DESCRIPTION
 *	The verdict engine linked in-process, as sluiced runs it (one
 *	williamson zone over 10.0.0.0/8, [sluiced] mem_cap, max_held and
 *	the contact table as configured), time passed in at 20 us per
 *	packet with verdict_tick whenever it has work:
 *
 *	  scan     D first contacts (default ten million), every one to a
 *	           distinct destination (20.0.0.0 up), from 256 scanning
 *	           sources in turn
 *	  sources  S first contacts (default ten million), each from a
 *	           distinct source of 10.0.0.0/8, one destination
 *
 *	Every million packets it prints the packets so far, VmRSS and
 *	VmHWM (/proc/self/status), the hosts the engine keeps and the
 *	zone throttle's evictions. At the end the state snapshot as
 *	sluiced writes it while running: a forked child (vdsave_write
 *	through atomicfile_write) while the parent times its wait for the
 *	fork; the file's size. Nothing is judged here: tests/bench/bounded.sh
 *	compares the figures with the caps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "vdstub.h"

#define STEP_NS 20000ULL	/* simulated time per packet */

static const uint8_t seed[16] = { 7 };

/* status_kb - a "Vm...:" line of /proc/self/status, in kB */
static long status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	while (fp && fgets(line, sizeof(line), fp))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (fp)
		fclose(fp);
	return v;
}

/* conf - one williamson zone, mem_cap as given */
static struct sd_conf *conf(const char *mem_cap)
{
	char text[512];

	snprintf(text, sizeof(text), "[core]\nevents =\n[sluiced]\n"
		 "mem_cap = %s\n[zone lan]\nprefixes = 10.0.0.0/8\n", mem_cap);
	return vdstub_conf(text);
}

struct run {
	struct verdict *v;
	struct pkt_info p;
	uint64_t now, cookie, next;
};

/* report - one line of figures */
static void report(struct run *r, const char *phase, unsigned long done)
{
	struct throttle_stats ts;
	struct verdict_stats st;
	const char *name;

	verdict_stats(r->v, &st);
	memset(&ts, 0, sizeof(ts));
	(void)verdict_zone_stats(r->v, 0, &name, &ts);
	printf("%s %lu packets: rss %ld kB hwm %ld kB hosts %zu "
	       "throttle_hosts %zu evictions %llu held %zu\n", phase, done,
	       status_kb("VmRSS"), status_kb("VmHWM"), st.hosts, ts.hosts,
	       (unsigned long long)ts.evictions, st.held_now);
	fflush(stdout);
}

/* one - a first contact src -> dst, time moving on */
static void one(struct run *r, uint32_t src, uint32_t dst)
{
	uint8_t s[4] = { (uint8_t)(src >> 24), (uint8_t)(src >> 16),
			 (uint8_t)(src >> 8), (uint8_t)src };
	uint8_t d[4] = { (uint8_t)(dst >> 24), (uint8_t)(dst >> 16),
			 (uint8_t)(dst >> 8), (uint8_t)dst };

	addr_from_bytes(&r->p.src, 4, s);
	addr_from_bytes(&r->p.dst, 4, d);
	verdict_packet(r->v, &r->p, ++r->cookie, r->now);
	r->now += STEP_NS;
	if (r->now >= r->next) {
		verdict_tick(r->v, r->now);
		r->next = verdict_next(r->v, r->now);
	}
}

/* snapshot - as sluiced while running: a child writes, the parent
   waits for the fork only */
static void snapshot(struct run *r, const char *path)
{
	struct vdstub_save wc = { r->v, r->now };
	struct stat sb;
	uint64_t t = sl_monotonic_ns();
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(atomicfile_write(path, 0600, vdstub_write, &wc) < 0);
	t = sl_monotonic_ns() - t;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0) {
		fprintf(stderr, "bench_bounded: snapshot failed\n");
		exit(1);
	}
	if (stat(path, &sb) == 0)
		printf("snapshot: %lld bytes, the loop waited %.2f ms for "
		       "the fork\n", (long long)sb.st_size, (double)t / 1e6);
	unlink(path);
}

int main(int argc, char **argv)
{
	unsigned long dests = 10000000, sources = 10000000, i;
	const char *cap = "64M", *path = "/tmp/bench_bounded.state";
	struct run r;
	int o;

	while ((o = getopt(argc, argv, "D:S:m:f:")) != -1) {
		if (o == 'D')
			dests = strtoul(optarg, NULL, 10);
		else if (o == 'S')
			sources = strtoul(optarg, NULL, 10);
		else if (o == 'm')
			cap = optarg;
		else if (o == 'f')
			path = optarg;
		else
			return 2;
	}
	if (sources > (1UL << 24) - 2)
		sources = (1UL << 24) - 2;
	memset(&r, 0, sizeof(r));
	r.v = vdsetup_create(conf(cap), &vdstub_ops, NULL, seed, (char[64]){0}, 64);
	if (r.v == NULL)
		return 1;
	r.p.kind = PKT_TCP;
	r.p.proto = 6;
	r.p.dport = 445;
	r.p.tcp_flags = 0x02;
	r.now = r.next = 1000 * NS_PER_SEC;
	printf("mem_cap %s\n", cap);
	report(&r, "start", 0);
	for (i = 0; i < dests; i++) {
		one(&r, 0x0a000000u | (uint32_t)(i % 256 + 1),
		    0x14000000u + (uint32_t)i);
		if ((i + 1) % 1000000 == 0 || i + 1 == dests)
			report(&r, "scan", i + 1);
	}
	for (i = 0; i < sources; i++) {
		one(&r, 0x0a000000u | (uint32_t)(i + 1), 0x14000001u);
		if ((i + 1) % 1000000 == 0 || i + 1 == sources)
			report(&r, "sources", i + 1);
	}
	snapshot(&r, path);
	printf("peak: hwm %ld kB\n", status_kb("VmHWM"));
	vdsetup_free(r.v);
	return 0;
}
