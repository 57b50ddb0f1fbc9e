/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	tap.h - a small Test Anything Protocol producer for unit tests
 * SYNOPSIS
 *	#include "tap.h"
 *
 *	plan(n); ok(cond, fmt, ...); is_int(got, want, name);
 *	is_uint(got, want, name); is_str(got, want, name);
 *	cmp_ok(got, op, want, name); diag(fmt, ...); skip(n, why);
 *	return done_testing();
 * DESCRIPTION
 *	Header-only, one test program per process. Comparisons print
 *	"got X, want Y" on failure. done_testing() prints the plan when
 *	none was given and returns the exit status prove expects.
 */
#ifndef SLUICE_TAP_H
#define SLUICE_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned = -1;

/* plan - announce the number of tests */
static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

/* tap_vok - record one result */
static inline int tap_vok(int pass, const char *fmt, va_list ap)
{
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return pass;
}

/* ok - pass when cond is true */
static inline int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond != 0, fmt, ap);
	va_end(ap);
	return r;
}

/* diag - a comment line, shown by prove -v and on failure */
static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\n", stdout);
	fflush(stdout);
}

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		diag("  got %lld, want %lld", g_, w_); \
} while (0)

#define is_uint(got, want, ...) do { \
	unsigned long long g_ = (unsigned long long)(got); \
	unsigned long long w_ = (unsigned long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		diag("  got %llu, want %llu", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
		diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)", \
		     w_ ? w_ : "(null)"); \
} while (0)

#define cmp_ok(got, op, want, ...) do { \
	double g_ = (double)(got), w_ = (double)(want); \
	if (!ok(g_ op w_, __VA_ARGS__)) \
		diag("  got %g, want %s %g", g_, #op, w_); \
} while (0)

/* skip - record n skipped tests with the reason (never in CI: see README) */
static inline void skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_run, why);
}

/* done_testing - close the stream; exit status for main() */
static inline int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_run);
}

#endif
