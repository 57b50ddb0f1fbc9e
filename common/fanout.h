/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fanout - distinct destinations per (source, destination port) in a window
 * SYNOPSIS
 *	#include "fanout.h"
 * DESCRIPTION
 *	Counts how many distinct destinations one source reached on one
 *	destination port within the last window_ns (sliding). Worms that
 *	spread through one service (445, 25, 22) show a fan-out no
 *	legitimate client has. Memory is bounded by mem_cap (LRU).
 */
#ifndef SLUICE_FANOUT_H
#define SLUICE_FANOUT_H

#include <stddef.h>
#include <stdint.h>

struct fanout;

/* fanout_create - threshold 20, window 60 s by default; NULL on error */
struct fanout *fanout_create(unsigned threshold, uint64_t window_ns,
			     size_t mem_cap, const uint8_t seed[16]);
/* fanout_free - accepts NULL */
void fanout_free(struct fanout *f);
/* fanout_add - record a contact; returns the distinct count in the
   window after it, and sets *crossed when this contact reached the
   threshold (once per crossing) */
unsigned fanout_add(struct fanout *f, const void *src, size_t src_len,
		    uint16_t dport, const void *dst, size_t dst_len,
		    uint64_t now, int *crossed);

#endif
