/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdstub - what the benchmarks that link sluiced's engine share
 * DESCRIPTION
 *	Callbacks that do nothing (no kernel queue behind the engine), a
 *	configuration read from a string through a temporary file, and
 *	the snapshot's writer for atomicfile_write, as sluiced's is.
 *	For bench_vdsave.c and bench_bounded.c (tests/bench/engine.sh).
 */
#ifndef SLUICE_VDSTUB_H
#define SLUICE_VDSTUB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"

static void vs_answer(void *c, uint64_t k, int a) { (void)c; (void)k; (void)a; }
static void vs_hold(void *c, uint64_t k) { (void)c; (void)k; }
static void vs_quar(void *c, const struct sl_addr *a, uint64_t t)
{
	(void)c; (void)a; (void)t;
}
static void vs_event(void *c, const struct event *e) { (void)c; (void)e; }
static const struct verdict_ops vdstub_ops = { vs_answer, vs_hold, vs_quar,
					       vs_event, NULL, NULL, NULL,
					       NULL };

/* vdstub_conf - the configuration text, through a temporary file;
   exits with the error */
static inline struct sd_conf *vdstub_conf(const char *text)
{
	char path[] = "/tmp/bench_vdstub.XXXXXX", err[256];
	struct sd_conf *c = calloc(1, sizeof(*c));
	int fd = mkstemp(path);

	if (c == NULL || fd < 0 || write(fd, text, strlen(text)) < 0)
		exit(1);
	close(fd);
	if (sdconf_load(path, c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	unlink(path);
	return c;
}

struct vdstub_save {			/* vdstub_write's context */
	struct verdict *v;
	uint64_t now;
};

/* vdstub_write - atomicfile_fn: the engine's snapshot */
static inline int vdstub_write(FILE *fp, void *ctx)
{
	struct vdstub_save *w = ctx;

	return vdsave_write(w->v, fp, w->now);
}

#endif
