/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_conf - the [fairshare] group: interfaces, rates, classes, containment
 * SYNOPSIS
 *	#include "fairshare/fs_conf.h"
 * DESCRIPTION
 *	fs_conf_apply() reads [fairshare] into a struct fs_conf with the
 *	schema's checks, parses the rates in tc(8)'s units (fs_conf_rate)
 *	and checks what one key cannot: a rate needs an interface, the
 *	slow class is slower than the link, the two interfaces differ.
 *	Fair sharing is on when interface is set. sluice.conf(5)
 *	documents every key.
 */
#ifndef SLUICE_FS_CONF_H
#define SLUICE_FS_CONF_H

#include <stddef.h>
#include <stdint.h>

#define FS_CLASSES_MAX 4095	/* host slots: minor ids 0x2000 + 2 * slot + 1 fit */
#define FS_SHARE_MAX 100	/* [zone NAME] share */

enum fs_method { FS_METHOD_HTB, FS_METHOD_CAKE };
enum fs_contain { FS_CONTAIN_OFF, FS_CONTAIN_LOCKOUT };

struct fs_conf {
	char *interface;		/* the uplink; NULL: fair sharing off */
	char *lan_interface;		/* the LAN side; NULL: uplink only */
	char *rate_text, *lan_rate_text, *contain_rate_text;
	uint64_t rate;			/* bits/s of the uplink */
	uint64_t lan_rate;		/* bits/s towards the LAN */
	uint64_t contain_rate;		/* bits/s of a contained host */
	unsigned classes;		/* host slots, LRU beyond */
	uint64_t idle_ns;		/* a silent host's slot is freed */
	uint64_t contain_ttl_ns;	/* how long contain = lockout slows */
	int contain;			/* enum fs_contain */
	int method;			/* enum fs_method */
};

struct config;

/* fs_conf_apply - [fairshare] of c into out; 0, or -1 with err */
int fs_conf_apply(struct config *c, struct fs_conf *out, char *err,
		  size_t errlen);
/* fs_conf_release - free what fs_conf_apply allocated; NULL ok */
void fs_conf_release(struct fs_conf *c);
/* fs_conf_on - is fair sharing configured */
int fs_conf_on(const struct fs_conf *c);
/* fs_conf_rate - "100mbit", "1.5gbit", "500kbit", "10mbps" (bytes),
   bare bits/s, in tc(8)'s units, into bits/s; 0 or -1 */
int fs_conf_rate(const char *s, uint64_t *bits);
/* fs_conf_same - do a and b install the same tree (a reload that
   changes it needs a restart) */
int fs_conf_same(const struct fs_conf *a, const struct fs_conf *b);

#endif
