/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowsrc - a file of flow records, whatever its format
 * SYNOPSIS
 *	#include "flowsrc.h"
 * DESCRIPTION
 *	Opens a conntrack log, a Zeek conn.log (TSV or JSON) or a pcap
 *	file ("-" is standard input, text formats only), guessing the
 *	format from its first bytes unless told, and hands out its records
 *	in file order. Lines are read in large blocks and capped at
 *	FLOWREC_LINE_MAX bytes; a line that cannot be used is counted and
 *	passed to the warning callback with its number and the reason,
 *	and reading goes on.
 */
#ifndef SLUICE_FLOWSRC_H
#define SLUICE_FLOWSRC_H

#include <stdint.h>
#include "flowrec.h"

typedef void flowsrc_warn_fn(void *ctx, const char *path, uint64_t line,
			     const char *why);

struct flowsrc;

/* flowsrc_open - FLOWREC_UNKNOWN guesses; NULL with the reason in err */
struct flowsrc *flowsrc_open(const char *path, enum flowrec_format fmt,
			     flowsrc_warn_fn *warn, void *ctx, char *err,
			     size_t errlen);
/* flowsrc_close - accepts NULL */
void flowsrc_close(struct flowsrc *s);
/* flowsrc_next - the next record: 1, or 0 at the end */
int flowsrc_next(struct flowsrc *s, struct flowrec *out);
/* flowsrc_format - what the file was read as */
enum flowrec_format flowsrc_format(const struct flowsrc *s);
/* flowsrc_lines - lines (packets, for pcap) read; flowsrc_bad - of
   them unusable */
uint64_t flowsrc_lines(const struct flowsrc *s);
uint64_t flowsrc_bad(const struct flowsrc *s);

#endif
