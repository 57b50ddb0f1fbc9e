/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cfgval - the value syntax of the configuration file
 * SYNOPSIS
 *	#include "cfgval.h"
 * DESCRIPTION
 *	Parsers for one value each, strict and bounded: digits only (no
 *	sign, no base prefix, no blanks, no wrap-around on overflow), a
 *	unit from a fixed table, nothing after it. config(3) checks the
 *	ranges and writes the errors; these only say yes or no. The text
 *	helpers format bounds and values for those errors.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfgval.h"

#define CFGVAL_SHOW_MAX 80	/* value bytes quoted in an error */

/* cfgval_show - the value as printable text for an error, cut */
void cfgval_show(const char *v, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t o = 0, i;

	for (i = 0; p[i] && o + 8 < len; i++) {
		if (i == CFGVAL_SHOW_MAX) {
			o += (size_t)snprintf(buf + o, len - o, "...");
			break;
		}
		if (p[i] == '"' || p[i] == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i]);
		else
			buf[o++] = (char)p[i];
	}
	buf[o] = 0;
}

/* cfgval_digits - unsigned decimal, digits only, no overflow; -1 otherwise */
static int cfgval_digits(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* cfgval_scaled - digits then a unit from table; -1 on junk or overflow */
static int cfgval_scaled(const char *s, const char *const *units,
			 const uint64_t *mult, uint64_t bare, uint64_t *out)
{
	size_t n = strspn(s, "0123456789"), i;
	uint64_t v, m = bare;

	if (cfgval_digits(s, n, &v) < 0)
		return -1;
	if (s[n]) {
		for (i = 0; units[i] && strcmp(s + n, units[i]) != 0; i++)
			;
		if (units[i] == NULL)
			return -1;
		m = mult[i];
	}
	if (m && v > UINT64_MAX / m)
		return -1;
	*out = v * m;
	return 0;
}

static const char *const dur_units[] = { "ms", "s", "m", "h", "d", NULL };
static const uint64_t dur_mult[] = { 1000000ULL, 1000000000ULL,
	60000000000ULL, 3600000000000ULL, 86400000000000ULL };
static const char *const size_units[] = { "k", "K", "M", "G", "T", NULL };
static const uint64_t size_mult[] = { 1ULL << 10, 1ULL << 10, 1ULL << 20,
	1ULL << 30, 1ULL << 40 };

/* cfgval_human - a bound as the largest whole unit of its table */
static void cfgval_human(uint64_t v, const char *const *units,
			 const uint64_t *mult, size_t nunits, char *buf, size_t len)
{
	size_t i;

	for (i = nunits; i-- > 0;) {
		/* of two spellings of one unit ("k", "K") show the first */
		if (i > 0 && mult[i] == mult[i - 1])
			continue;
		if (v && v % mult[i] == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(v / mult[i]), units[i]);
			return;
		}
	}
	/* not a whole number of any unit: only 0, or sub-ms durations */
	snprintf(buf, len, "%llu%s", (unsigned long long)v,
		 mult == dur_mult ? (v ? "ns" : "s") : "");
}

/* cfgval_bool - the accepted spellings of a bool */
int cfgval_bool(const char *s, int *out)
{
	static const char *const t[] = { "true", "yes", "on", "1", NULL };
	static const char *const f[] = { "false", "no", "off", "0", NULL };
	int i;

	for (i = 0; t[i]; i++) {
		if (g_ascii_strcasecmp(s, t[i]) == 0)
			return *out = 1, 0;
		if (g_ascii_strcasecmp(s, f[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

/* cfgval_double - a finite decimal number, nothing else */
int cfgval_double(const char *s, double *out)
{
	char *end;
	double d;

	if (*s == 0 || s[strspn(s, "0123456789.eE+-")] != 0)
		return -1;
	d = g_ascii_strtod(s, &end);
	if (*end != 0 || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

/* cfgval_split - a list value into trimmed, non-empty elements */
char **cfgval_split(const char *s)
{
	char **v = g_strsplit_set(s, ";,", -1);
	size_t i, o = 0;

	for (i = 0; v[i]; i++) {
		g_strstrip(v[i]);
		if (*v[i])
			v[o++] = v[i];
		else
			g_free(v[i]);
	}
	v[o] = NULL;
	return v;
}

/* cfgval_choices - "a, b or c" for an error */
void cfgval_choices(const char *const *choices, char *buf, size_t len)
{
	size_t o = 0, i;

	buf[0] = 0;
	for (i = 0; choices && choices[i] && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i == 0 ? "" :
				      choices[i + 1] ? ", " : " or ", choices[i]);
}

/* cfgval_uint - decimal digits only, no overflow; 0 or -1 */
int cfgval_uint(const char *s, uint64_t *out)
{
	return cfgval_digits(s, strlen(s), out);
}

/* cfgval_duration - "250ms", "1s", "5m", "1h", "2d", bare seconds; in ns */
int cfgval_duration(const char *s, uint64_t *ns)
{
	return cfgval_scaled(s, dur_units, dur_mult, dur_mult[1], ns);
}

/* cfgval_size - "512k", "64M", "1G", "1T", bare bytes; in bytes */
int cfgval_size(const char *s, uint64_t *bytes)
{
	return cfgval_scaled(s, size_units, size_mult, 1, bytes);
}

/* cfgval_duration_text - a duration as its largest whole unit */
void cfgval_duration_text(uint64_t ns, char *buf, size_t len)
{
	cfgval_human(ns, dur_units, dur_mult, 5, buf, len);
}

/* cfgval_size_text - a size as its largest whole unit */
void cfgval_size_text(uint64_t bytes, char *buf, size_t len)
{
	cfgval_human(bytes, size_units, size_mult, 5, buf, len);
}
