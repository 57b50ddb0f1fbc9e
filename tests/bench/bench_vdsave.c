/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_vdsave - how long sluiced's state snapshot stalls its loop
 * SYNOPSIS
 *	bench_vdsave [-H hosts] [-r runs] [-f file]
 * DESCRIPTION
 *	One williamson zone over 10.0.0.0/8 and H source hosts (default a
 *	million), each of which has sent five packets to five destinations
 *	(a full working set); every tenth host also three more, held. Then,
 *	r times: the snapshot as sluiced writes it (vdsave_write through
 *	atomicfile_write to file, fsync and rename included), timed by the
 *	wall clock since that is how long packets wait; and the load into
 *	a fresh engine, as sluiced's start does; and how long the loop
 *	waits when, as sluiced does while running, a forked child writes
 *	the snapshot (the fork's return in the parent). Prints medians and
 *	the file's size. Building the state is not timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "benchutil.h"
#include "vdstub.h"

#define RUNS_MAX 20

static const uint8_t seed[16] = { 5 };

static const char conf_text[] =
	"[core]\nevents =\n[sluiced]\nmem_cap = 4G\nmax_held = 1000000\n"
	"[zone lan]\nprefixes = 10.0.0.0/8\nhigh_watermark = 1000\n"
	"low_watermark = 900\n";

/* wall - monotonic seconds */
static double wall(void)
{
	return (double)sl_monotonic_ns() / 1e9;
}

/* fill - h hosts with full working sets, a tenth with three held */
static void fill(struct verdict *v, unsigned long h, uint64_t now)
{
	struct pkt_info p;
	unsigned long i, j, n;
	uint64_t cookie = 0;

	memset(&p, 0, sizeof(p));
	p.kind = PKT_TCP;
	p.proto = 6;
	p.dport = 80;
	p.tcp_flags = 0x02;
	for (i = 0; i < h; i++) {
		n = i % 10 == 0 ? 8 : 5;
		for (j = 0; j < n; j++) {
			uint8_t s[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
					 (uint8_t)i };
			uint8_t d[4] = { 192, 0, (uint8_t)(i >> 5), (uint8_t)(j + (i & 31) * 8) };

			addr_from_bytes(&p.src, 4, s);
			addr_from_bytes(&p.dst, 4, d);
			verdict_packet(v, &p, cookie++, now);
		}
	}
}

/* load_file - the file into a fresh engine; the engine */
static struct verdict *load_file(const struct sd_conf *c, const char *path,
				 uint64_t now)
{
	FILE *fp = fopen(path, "r");
	struct verdict *v = vdsetup_create(c, &vdstub_ops, NULL, seed, (char[64]){0}, 64);
	struct vdsave_info in;
	const char *why = "";
	unsigned char *b;
	size_t len;

	if (fp == NULL || v == NULL
	    || (b = atomicfile_read(fp, (size_t)16 << 30, &len)) == NULL
	    || vdsave_load(v, b, len, now, &in, &why) < 0) {
		fprintf(stderr, "bench_vdsave: load: %s\n", why);
		exit(1);
	}
	fclose(fp);
	free(b);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long hosts = 1000000;
	int runs = 5, r, o;
	const char *path = "/tmp/bench_vdsave.state";
	double ws[RUNS_MAX], ls[RUNS_MAX], fs[RUNS_MAX], t;
	pid_t pid;
	struct sd_conf *c = vdstub_conf(conf_text);
	struct verdict_stats st;
	struct verdict *v, *w;
	struct vdstub_save wc;
	struct stat sb;
	uint64_t now = 1000 * NS_PER_SEC;

	while ((o = getopt(argc, argv, "H:r:f:")) != -1) {
		if (o == 'H')
			hosts = strtoul(optarg, NULL, 10);
		else if (o == 'r')
			runs = atoi(optarg);
		else if (o == 'f')
			path = optarg;
		else
			return 2;
	}
	if (runs < 1 || runs > RUNS_MAX)
		runs = 5;
	v = vdsetup_create(c, &vdstub_ops, NULL, seed, (char[64]){0}, 64);
	if (v == NULL)
		return 1;
	fill(v, hosts, now);
	verdict_stats(v, &st);
	wc.v = v;
	wc.now = now;
	for (r = 0; r < runs; r++) {
		t = wall();
		if (atomicfile_write(path, 0600, vdstub_write, &wc) < 0) {
			perror(path);
			return 1;
		}
		ws[r] = wall() - t;
		t = wall();
		w = load_file(c, path, now);
		ls[r] = wall() - t;
		vdsetup_free(w);
		t = wall();
		if ((pid = fork()) == 0)
			_exit(atomicfile_write(path, 0600, vdstub_write, &wc) < 0);
		fs[r] = wall() - t;
		if (pid < 0 || waitpid(pid, &o, 0) != pid || o != 0)
			return 1;
	}
	qsort(ws, (size_t)runs, sizeof(double), cmp_double);
	qsort(ls, (size_t)runs, sizeof(double), cmp_double);
	qsort(fs, (size_t)runs, sizeof(double), cmp_double);
	(void)stat(path, &sb);
	printf("hosts %zu, held %zu, file %.1f MB (%s)\n", st.hosts, st.held_now,
	       (double)sb.st_size / 1e6, path);
	printf("snapshot (write, fsync, rename): median %.1f ms of %d runs\n",
	       ws[runs / 2] * 1e3, runs);
	printf("loop's wait when a forked child writes it: median %.2f ms\n",
	       fs[runs / 2] * 1e3);
	printf("load at start: median %.1f ms\n", ls[runs / 2] * 1e3);
	unlink(path);
	return 0;
}
