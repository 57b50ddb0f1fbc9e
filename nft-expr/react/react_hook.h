/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_hook - the operator's hook: a program, no shell, a timeout
 * SYNOPSIS
 *	#include "react/react_hook.h"
 * DESCRIPTION
 *	react_hook_run() starts argv with two more arguments (the target
 *	and the signal), without a shell; react_hook_tick() reaps the
 *	ones that ended and kills (SIGKILL) those past their timeout.
 */
#ifndef SLUICE_REACT_HOOK_H
#define SLUICE_REACT_HOOK_H

#include <stdint.h>

#define REACT_HOOKS 8		/* hooks running at once */
#define REACT_HOOK_ARGS 30	/* words of [countermeasures] hook used */

struct react_hook;

/* react_hook_create - none running; NULL on error */
struct react_hook *react_hook_create(void);
/* react_hook_free - accepts NULL; running hooks are left to finish */
void react_hook_free(struct react_hook *h);
/* react_hook_run - start argv (absolute path first) with target and
   signal appended, killed after timeout_ns; 0, or -1 with errno
   (EBUSY: REACT_HOOKS running) */
int react_hook_run(struct react_hook *h, char *const *argv, uint64_t timeout_ns,
		   const char *target, const char *signal, uint64_t now);
/* react_hook_tick - reap the hooks that ended, kill the late ones */
void react_hook_tick(struct react_hook *h, uint64_t now);

#endif
