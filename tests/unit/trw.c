/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	trw.t - threshold random walk decisions
 * DESCRIPTION
 *	Outcome sequences (F failure, S success) with the state expected
 *	after each step (P pending, X scanner, B benign), for the paper's
 *	parameters and a stricter PD/PF; then parameter validation.
 */
#include <math.h>
#include <string.h>

#include "trw.h"
#include "../tap.h"

/* state_char - P, X or B */
static char state_char(enum trw_state s)
{
	return s == TRW_SCANNER ? 'X' : s == TRW_BENIGN ? 'B' : 'P';
}

/* test_walks - sequences and their states */
static void test_walks(void)
{
	static const struct {
		const char *name;
		double pd, pf;
		const char *in, *want;
	} vec[] = {
		{ "five failures", 0.99, 0.01, "FFFFF", "PPPXX" },
		{ "five successes", 0.99, 0.01, "SSSSS", "PPPBB" },
		{ "alternating stays pending", 0.99, 0.01,
		  "FSFSFSFSFSFSFSFSFSFS", "PPPPPPPPPPPPPPPPPPPP" },
		{ "a success sets a scanner back", 0.99, 0.01, "FFFSFF",
		  "PPPPPX" },
		{ "decided stays decided", 0.99, 0.01, "FFFFSSSSSS",
		  "PPPXXXXXXX" },
		{ "benign stays benign", 0.99, 0.01, "SSSSFFFFFF",
		  "PPPBBBBBBB" },
		{ "PD 0.999 PF 0.001 needs five", 0.999, 0.001, "FFFFF",
		  "PPPPX" },
	};
	struct trw_params p;
	struct trw w;
	char got[32];
	size_t i, j;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		trw_defaults(&p);
		p.pd = vec[i].pd;
		p.pf = vec[i].pf;
		trw_init(&w);
		for (j = 0; vec[i].in[j]; j++)
			got[j] = state_char(trw_outcome(&w, &p,
							vec[i].in[j] == 'S'));
		got[j] = 0;
		is_str(got, vec[i].want, "%s (%s)", vec[i].name, vec[i].in);
	}
	trw_defaults(&p);
	trw_init(&w);
	trw_outcome(&w, &p, 0);
	cmp_ok(w.ratio, ==, 4.0, "one failure multiplies by 4");
	trw_outcome(&w, &p, 1);
	trw_outcome(&w, &p, 1);
	cmp_ok(w.ratio, ==, 0.25, "two successes multiply by 1/16");
}

/* test_params - defaults and validation */
static void test_params(void)
{
	static const struct {
		const char *name;
		double t0, t1, pd, pf;
		int want;
	} vec[] = {
		{ "paper", 0.8, 0.2, 0.99, 0.01, 0 },
		{ "theta1 = theta0", 0.5, 0.5, 0.99, 0.01, -1 },
		{ "theta1 > theta0", 0.2, 0.8, 0.99, 0.01, -1 },
		{ "theta0 = 1", 1.0, 0.2, 0.99, 0.01, -1 },
		{ "theta1 = 0", 0.8, 0.0, 0.99, 0.01, -1 },
		{ "pf = pd", 0.8, 0.2, 0.5, 0.5, -1 },
		{ "pd = 1", 0.8, 0.2, 1.0, 0.01, -1 },
		{ "pf = 0", 0.8, 0.2, 0.99, 0.0, -1 },
		{ "NaN", NAN, 0.2, 0.99, 0.01, -1 },
	};
	struct trw_params p;
	const char *why;
	size_t i;

	trw_defaults(&p);
	ok(p.theta0 == 0.8 && p.theta1 == 0.2 && p.pd == 0.99 && p.pf == 0.01,
	   "defaults 0.8 0.2 0.99 0.01");
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		p.theta0 = vec[i].t0;
		p.theta1 = vec[i].t1;
		p.pd = vec[i].pd;
		p.pf = vec[i].pf;
		why = NULL;
		is_int(trw_check_params(&p, &why), vec[i].want, "params %s",
		       vec[i].name);
		ok((why == NULL) == (vec[i].want == 0), "  reason: %s",
		   why ? why : "(none)");
	}
}

int main(void)
{
	test_walks();
	test_params();
	return done_testing();
}
