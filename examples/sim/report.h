/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	report - the replay's findings per host and per zone, text or JSON
 * SYNOPSIS
 *	#include "report.h"
 * DESCRIPTION
 *	Text: one line per source host that sluiced would have touched
 *	(or every host with all = 1), then one line per zone and a line
 *	about the input. JSON: one object holding "input", "hosts" and
 *	"zones", for scripts.
 */
#ifndef SLUICE_REPORT_H
#define SLUICE_REPORT_H

#include <stdio.h>
#include "replay.h"

struct report_input {
	const char *path;
	const char *format;
	uint64_t lines, bad;
};

/* report_write - the whole report to fp; json selects the format */
void report_write(FILE *fp, struct replay *r, const struct sd_conf *conf,
		  const struct report_input *in, size_t nin, int json, int all);

#endif
