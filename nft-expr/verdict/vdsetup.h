/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdsetup - create, reconfigure and free the verdict engine
 * SYNOPSIS
 *	#include "verdict/vdsetup.h"
 * DESCRIPTION
 *	One throttle per williamson zone, one host table for all, the
 *	credit queue and the contact table; a reload keeps the state of
 *	zones that keep their name.
 */
#ifndef SLUICE_VDSETUP_H
#define SLUICE_VDSETUP_H

#include <stddef.h>
#include <stdint.h>
#include "daemon/sdconf.h"
#include "verdict/verdict.h"

/* vdsetup_create - NULL with the reason in err; conf is borrowed and
   must live until vdsetup_reconfigure or vdsetup_free */
struct verdict *vdsetup_create(const struct sd_conf *conf,
			       const struct verdict_ops *ops, void *ctx,
			       const uint8_t seed[16], char *err, size_t errlen);
/* vdsetup_free - accepts NULL; held packets are accepted first */
void vdsetup_free(struct verdict *v);
/* vdsetup_reconfigure - new zones and limits, state kept where the
   zone name stays; -1 with err (the old conf stays in force) */
int vdsetup_reconfigure(struct verdict *v, const struct sd_conf *conf,
			char *err, size_t errlen);

/* vdsetup_release_all - accept every held packet now (sluicectl
   bypass on); working sets, credit and quarantines stay */
void vdsetup_release_all(struct verdict *v, uint64_t now);

#endif
