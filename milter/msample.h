/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	msample - keep a honeytoken message as a sample, named by SHA-256
 * SYNOPSIS
 *	#include "msample.h"
 * DESCRIPTION
 *	A message sent to a honeytoken is, by construction, what the worm
 *	sends: worth keeping for the operator. The headers and body the
 *	MTA hands over are collected up to a byte limit (the rest is
 *	counted, not kept) and written once, at the end of the message,
 *	to DIR/<sha256 of the kept bytes>.eml: through a temporary file
 *	and rename(2), so a reader never sees half a sample, and the same
 *	message sent twice is stored once.
 */
#ifndef SLUICE_MSAMPLE_H
#define SLUICE_MSAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define MSAMPLE_HEX 65		/* SHA-256 in hex with its NUL */

struct msample;

/* msample_create - an empty sample keeping at most max bytes; NULL on ENOMEM */
struct msample *msample_create(size_t max);
/* msample_free - accepts NULL */
void msample_free(struct msample *s);
/* msample_reset - empty it for the next message */
void msample_reset(struct msample *s);
/* msample_header - append "name: value\r\n" */
void msample_header(struct msample *s, const char *name, const char *value);
/* msample_add - append raw bytes (the blank line, body chunks) */
void msample_add(struct msample *s, const void *data, size_t len);
/* msample_size - bytes seen (kept or not) */
uint64_t msample_size(const struct msample *s);
/* msample_truncated - more was seen than kept */
int msample_truncated(const struct msample *s);
/* msample_write - store in dir; hex gets the name's hash; 0 or -1 errno */
int msample_write(const struct msample *s, const char *dir,
		  char hex[MSAMPLE_HEX]);

#endif
