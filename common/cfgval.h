/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cfgval - the value syntax of the configuration file
 * SYNOPSIS
 *	#include "cfgval.h"
 * DESCRIPTION
 *	One parser per value syntax of config(3): 0, or -1 for anything
 *	but exactly that syntax. Ranges are the caller's.
 */
#ifndef SLUICE_CFGVAL_H
#define SLUICE_CFGVAL_H

#include <stddef.h>
#include <stdint.h>

/* cfgval_bool - true/yes/on/1, false/no/off/0 (any case) */
int cfgval_bool(const char *s, int *out);
/* cfgval_uint - decimal digits only, no overflow */
int cfgval_uint(const char *s, uint64_t *out);
/* cfgval_double - a finite decimal number */
int cfgval_double(const char *s, double *out);
/* cfgval_duration - "250ms", "1s", "5m", "1h", "2d", bare seconds; in ns */
int cfgval_duration(const char *s, uint64_t *ns);
/* cfgval_size - "512k", "64M", "1G", "1T", bare bytes; in bytes */
int cfgval_size(const char *s, uint64_t *bytes);
/* cfgval_split - ';' or ',' separated, trimmed, empty elements dropped
   (g_strfreev) */
char **cfgval_split(const char *s);
/* cfgval_duration_text, cfgval_size_text - a bound for an error ("1h") */
void cfgval_duration_text(uint64_t ns, char *buf, size_t len);
void cfgval_size_text(uint64_t bytes, char *buf, size_t len);
/* cfgval_choices - "a, b or c" */
void cfgval_choices(const char *const *choices, char *buf, size_t len);
/* cfgval_show - a value as printable ASCII for an error, cut at 80 bytes */
void cfgval_show(const char *v, char *buf, size_t len);

#endif
