/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_react_hook - unit test of the operator's hook
 *	(nft-expr/react/react_hook.c)
 * DESCRIPTION
 *	A hook gets its own arguments, then the target and the signal, as
 *	separate words: no shell ever parses them (a target with shell
 *	syntax in it stays one argument); a hook that outlives its timeout
 *	is killed at the next tick; at most REACT_HOOKS run at once; no
 *	hook configured is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "clock.h"
#include "react/react_hook.h"
#include "../tap.h"

/* wait_file - poll up to 3 s for path to exist with content */
static int wait_file(const char *path, char *buf, size_t len)
{
	FILE *f;
	int i;
	size_t n;

	for (i = 0; i < 300; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			n = fread(buf, 1, len - 1, f);
			fclose(f);
			buf[n] = 0;
			if (n > 0 && buf[n - 1] == '\n')
				return 0;
		}
		usleep(10000);
	}
	return -1;
}

int main(void)
{
	char dir[] = "/tmp/sluice-hook.XXXXXX", out[256], script[300], got[512];
	char *argv[] = { script, out, NULL };
	char slow[300], *sleeper[] = { slow, NULL };
	struct react_hook *h = react_hook_create();
	uint64_t t0 = sl_monotonic_ns();
	FILE *f;
	int i, rc;

	if (mkdtemp(dir) == NULL || h == NULL)
		return 1;
	snprintf(out, sizeof(out), "%s/args", dir);
	snprintf(script, sizeof(script), "%s/hook", dir);
	/* the hook itself may be a script: the kernel runs its #! line */
	f = fopen(script, "w");
	fprintf(f, "#!/bin/sh\nout=$1; shift\nfor a in \"$@\"; do printf '[%%s]' \"$a\"; done >\"$out.tmp\"\n"
		"echo >>\"$out.tmp\"; mv \"$out.tmp\" \"$out\"\n");
	fclose(f);
	chmod(script, 0755);
	snprintf(slow, sizeof(slow), "%s/slow", dir);
	f = fopen(slow, "w");
	fprintf(f, "#!/bin/sh\nexec sleep 30\n");	/* takes its time, whatever it gets */
	fclose(f);
	chmod(slow, 0755);
	is_int(react_hook_run(h, argv, 5 * NS_PER_SEC, "10.77.1.11/32; touch /tmp/x",
			      "honeypot", t0), 0, "the hook starts");
	ok(wait_file(out, got, sizeof(got)) == 0 &&
	   strcmp(got, "[10.77.1.11/32; touch /tmp/x][honeypot]\n") == 0,
	   "it gets the target and the signal as two words, no shell between: %s", got);
	react_hook_tick(h, t0 + NS_PER_SEC);
	is_int(react_hook_run(h, sleeper, NS_PER_SEC, "a", "b", t0), 0, "a slow hook starts");
	for (i = 1, rc = 0; i < REACT_HOOKS && rc == 0; i++)
		rc = react_hook_run(h, sleeper, 100 * NS_PER_SEC, "a", "b", t0);
	ok(rc == 0 && react_hook_run(h, sleeper, NS_PER_SEC, "a", "b", t0) < 0 && errno == EBUSY,
	   "at most %d run at once (EBUSY)", REACT_HOOKS);
	react_hook_tick(h, t0 + 2 * NS_PER_SEC);	/* kills the first */
	usleep(100000);
	react_hook_tick(h, t0 + 2 * NS_PER_SEC);	/* reaps it */
	is_int(react_hook_run(h, sleeper, NS_PER_SEC, "a", "b", t0), 0,
	       "past its timeout a hook is killed and its slot free again");
	ok(react_hook_run(h, NULL, NS_PER_SEC, "a", "b", t0) < 0 && errno == ENOENT,
	   "no hook configured: refused");
	react_hook_tick(h, UINT64_MAX - 1);	/* kill the rest */
	usleep(100000);
	react_hook_tick(h, UINT64_MAX - 1);
	react_hook_free(h);
	react_hook_free(NULL);
	snprintf(got, sizeof(got), "rm -rf '%s'", dir);
	if (system(got) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
