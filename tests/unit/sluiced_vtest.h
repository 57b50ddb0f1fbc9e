/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_vtest - what the verdict engine's unit tests share
 * SYNOPSIS
 *	#include "sluiced_vtest.h"
 * DESCRIPTION
 *	A configuration from text (through a temporary file, as sluiced
 *	reads it) and a TCP SYN to hand verdict_packet().
 */
#ifndef SLUICE_VTEST_H
#define SLUICE_VTEST_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/sdconf.h"
#include "queue/pkt.h"
#include "../tap.h"

/* vt_load - a configuration from text; NULL (and a diag) if refused */
static inline struct sd_conf *vt_load(const char *text)
{
	char path[] = "/tmp/sluiced_vtest.XXXXXX", err[512];
	struct sd_conf *c = calloc(1, sizeof(*c));
	int fd = mkstemp(path);

	if (c == NULL || fd < 0 || write(fd, text, strlen(text)) < 0) {
		free(c);
		return NULL;
	}
	close(fd);
	if (sdconf_load(path, c, err, sizeof(err)) < 0) {
		diag("config: %s", err);
		free(c);
		c = NULL;
	}
	unlink(path);
	return c;
}

/* vt_syn - a TCP SYN from src to dst:port */
static inline struct pkt_info vt_syn(const char *src, const char *dst,
				     uint16_t port)
{
	struct pkt_info p;

	memset(&p, 0, sizeof(p));
	p.kind = PKT_TCP;
	p.proto = 6;
	addr_parse(src, &p.src);
	addr_parse(dst, &p.dst);
	p.sport = 40000;
	p.dport = port;
	p.tcp_flags = 0x02;
	return p;
}

#endif
