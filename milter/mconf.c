/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mconf - sluice-milter's configuration: [milter] and its own keys
 * DESCRIPTION
 *	See mconf.h. The key table is the single definition of the
 *	milter's own settings; sluice-milter(8) and examples/sluice.conf
 *	describe them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "config.h"
#include "ctl.h"
#include "mconf.h"
#include "mparse.h"
#include "mstate.h"

#define GROUP "milter"

#define K(n, t, f, d, lo, hi, h) \
	{ .name = (n), .type = (t), .offset = offsetof(struct mconf, f), \
	  .def = (d), .min = (lo), .max = (hi), .help = (h) }

static const struct cfg_key milter_keys[] = {
	K("listen", CFG_ENDPOINT, listen, "inet:127.0.0.1:8895", 0, 0,
	  "milter socket: unix:/path, inet:host:port or inet:port@host"),
	K("shards", CFG_UINT, shards, "16", 1, MSTATE_SHARDS_MAX,
	  "independently locked parts of the throttle state"),
	K("sample_dir", CFG_STRING, sample_dir, NULL, 0, 0,
	  "keep honeytoken messages here, named by SHA-256; empty = none"),
	K("sample_max", CFG_SIZE, sample_max, "1M", 1024, 64ULL << 20,
	  "bytes kept of one honeytoken message"),
};

#define NKEYS (sizeof(milter_keys) / sizeof(milter_keys[0]))

/* derive - throttle parameters and the libmilter socket spelling */
static int derive(struct mconf *c, const char *name, char *err, size_t errlen)
{
	struct mailthr_params q;
	const char *w;
	char why[128];

	if (mparse_conn(c->listen, c->conn, sizeof(c->conn), why,
			sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: [%s] listen = \"%s\": %s", name,
			 GROUP, c->listen ? c->listen : "", why);
		return -1;
	}
	q = mstate_shard_params(&c->params, c->shards);
	if (mailthr_check_params(&q, &w) < 0) {
		snprintf(err, errlen, "%s: [%s] shards = %u: each shard's "
			 "part of the caps is refused (%s): raise mem_cap or "
			 "lower shards", name, GROUP, c->shards, w);
		return -1;
	}
	return 0;
}

static const struct mailconf_spec spec = {
	.group = GROUP, .extra = milter_keys, .nextra = NKEYS,
	.core_off = offsetof(struct mconf, core),
	.params_off = offsetof(struct mconf, params),
};

/* load - from path, or from data */
static struct mconf *load(const char *path, const char *data, size_t len,
			  char *err, size_t errlen)
{
	struct mconf *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->refs = 1;
	if (mailconf_load(&spec, path, data, len, c, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	if (derive(c, path ? path : "memory", err, errlen) < 0) {
		mconf_unref(c);
		return NULL;
	}
	return c;
}

/* mconf_load - [core] and [milter] from a file */
struct mconf *mconf_load(const char *path, char *err, size_t errlen)
{
	return load(path, NULL, 0, err, errlen);
}

/* mconf_load_data - [milter] from memory */
struct mconf *mconf_load_data(const char *data, size_t len, char *err,
			      size_t errlen)
{
	return load(NULL, data ? data : "", len, err, errlen);
}

/* mconf_ref - one more reference */
struct mconf *mconf_ref(struct mconf *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

/* mconf_unref - the last reference frees */
void mconf_unref(struct mconf *c)
{
	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL))
		return;
	mailconf_release(milter_keys, NKEYS, c);
	coreconf_release(&c->core);
	free(c);
}
