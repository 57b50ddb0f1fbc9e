/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdexempt - what sluiced never acts against besides [core] whitelist
 * SYNOPSIS
 *	#include "daemon/sdexempt.h"
 * DESCRIPTION
 *	The whitelist in force is rebuilt whole on every change (addresses
 *	come and go a few times a day; a rebuild of a few hundred prefixes
 *	costs microseconds), so it is never a mix of two states.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ownaddr.h"
#include "daemon/sdexempt.h"

#define LINE_MAX_RC 512

struct sdexempt {
	struct ownaddr *own;
	struct prefixset *file;		/* the configuration's whitelist */
	struct sl_addr res[SDEXEMPT_RESOLVERS_MAX];
	size_t nres;
	int self, resolvers;		/* the keys in force */
	struct prefixset *warned;	/* addresses warned about since the
					   configuration came */
};

/* sdexempt_open - the own-address list; NULL with errno */
struct sdexempt *sdexempt_open(void)
{
	struct sdexempt *x = calloc(1, sizeof(*x));
	int e;

	if (x == NULL)
		return NULL;
	if ((x->own = ownaddr_open()) == NULL) {
		e = errno;
		free(x);
		errno = e;
		return NULL;
	}
	return x;
}

/* sdexempt_close - accepts NULL */
void sdexempt_close(struct sdexempt *x)
{
	if (x == NULL)
		return;
	ownaddr_close(x->own);
	prefixset_free(x->file);
	prefixset_free(x->warned);
	free(x);
}

/* sdexempt_fd - for epoll */
int sdexempt_fd(const struct sdexempt *x)
{
	return ownaddr_fd(x->own);
}

/* sdexempt_read - apply own-address changes */
int sdexempt_read(struct sdexempt *x)
{
	return ownaddr_read(x->own);
}

/* sdexempt_resolvers - the nameserver lines of a resolv.conf */
int sdexempt_resolvers(const char *path, struct sl_addr *out, size_t max)
{
	FILE *fp = fopen(path, "re");
	char line[LINE_MAX_RC], word[16], addr[256], *pct;
	int n = 0;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL && (size_t)n < max) {
		if (sscanf(line, " %15s %255s", word, addr) != 2
		    || strcmp(word, "nameserver") != 0)
			continue;
		if ((pct = strchr(addr, '%')) != NULL)
			*pct = 0;	/* fe80::1%eth0: the scope is not ours */
		if (addr_parse(addr, &out[n]) == 0)
			n++;
	}
	fclose(fp);
	return n;
}

struct copy_ctx {
	struct prefixset *to;
	int failed;
};

/* copy_one - prefixset_walk callback: the file's prefix, as FILE */
static int copy_one(void *ctx, const struct sl_addr *a, unsigned plen,
		    uintptr_t value)
{
	struct copy_ctx *c = ctx;

	(void)value;
	if (prefixset_add(c->to, a, plen, SDEXEMPT_FILE) < 0)
		c->failed = 1;
	return c->failed;
}

/* host_plen - 32 or 128 */
static unsigned host_plen(const struct sl_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

/* build - the whitelist in force: exemptions, then the file's */
static struct prefixset *build(const struct sdexempt *x)
{
	struct prefixset *ps = prefixset_create();
	struct copy_ctx c = { ps, ps == NULL };
	const struct sl_addr *a;
	size_t i;

	for (i = 0; !c.failed && x->resolvers && i < x->nres; i++)
		c.failed = prefixset_add(ps, &x->res[i], host_plen(&x->res[i]),
					 SDEXEMPT_RESOLVER) < 0;
	for (i = 0; !c.failed && x->self
	     && (a = ownaddr_get(x->own, i)) != NULL; i++)
		c.failed = prefixset_add(ps, a, host_plen(a), SDEXEMPT_SELF) < 0;
	if (!c.failed && x->file != NULL)
		prefixset_walk(x->file, copy_one, &c);
	if (c.failed) {
		prefixset_free(ps);
		return NULL;
	}
	return ps;
}

/* sdexempt_update - the whitelist in force again */
int sdexempt_update(struct sdexempt *x, struct sd_conf *c)
{
	struct prefixset *ps = build(x);

	if (ps == NULL)
		return -1;	/* the one in force stays */
	prefixset_free(c->core.whitelist);
	c->core.whitelist = ps;
	return 0;
}

/* sdexempt_conf - a new configuration */
int sdexempt_conf(struct sdexempt *x, struct sd_conf *c, char *err, size_t len)
{
	int n = 0, rc = 0;

	prefixset_free(x->file);
	x->file = c->core.whitelist;
	c->core.whitelist = NULL;
	x->self = c->exempt_self;
	x->resolvers = c->exempt_resolvers;
	x->nres = 0;
	prefixset_free(x->warned);
	x->warned = prefixset_create();
	/* read even when not exempt: a zone covering them is warned about */
	if (c->resolv_conf != NULL && *c->resolv_conf
	    && (n = sdexempt_resolvers(c->resolv_conf, x->res,
				       SDEXEMPT_RESOLVERS_MAX)) < 0) {
		snprintf(err, len, "[sluiced] resolv_conf = \"%.200s\": %s: no "
			 "resolver known", c->resolv_conf, strerror(errno));
		rc = -1;
		n = 0;
	}
	x->nres = (size_t)n;
	if (sdexempt_update(x, c) < 0) {
		snprintf(err, len, "the whitelist in force: out of memory");
		c->core.whitelist = x->file;	/* at least the file's */
		x->file = NULL;
		return -1;
	}
	return rc;
}

/* warn_one - a line for address a of kind what if a zone throttles it
   and it was not warned about yet */
static void warn_one(struct sdexempt *x, const struct sd_conf *c,
		     const struct sl_addr *a, const char *what, const char *key,
		     int exempt, sdexempt_warn_fn *fn, void *ctx)
{
	const struct sd_zone *z = sdconf_zone(c, a);
	char line[512], buf[ADDR_STRLEN];

	/* whitelisted by the file: the file already says so */
	if (z == NULL || z->mode == SD_MODE_OFF
	    || (x->file != NULL && prefixset_lookup(x->file, a, NULL))
	    || (x->warned != NULL && prefixset_lookup(x->warned, a, NULL)))
		return;
	if (x->warned != NULL)
		(void)prefixset_add(x->warned, a, host_plen(a), 1);
	if (exempt)
		snprintf(line, sizeof(line), "[zone %s] covers %s %s: exempt "
			 "([sluiced] %s = yes)", z->name, what, addr_format(a, buf), key);
	else
		snprintf(line, sizeof(line), "[zone %s] covers %s %s and [sluiced] "
			 "%s = no: it is throttled and can be quarantined like any "
			 "host of the zone", z->name, what, addr_format(a, buf), key);
	fn(ctx, line);
}

/* sdexempt_warn - each own address or resolver a throttling zone covers,
   once per configuration */
void sdexempt_warn(struct sdexempt *x, const struct sd_conf *c,
		   sdexempt_warn_fn *fn, void *ctx)
{
	const struct sl_addr *a;
	size_t i;

	for (i = 0; (a = ownaddr_get(x->own, i)) != NULL; i++)
		warn_one(x, c, a, "this machine's own address", "exempt_self",
			 c->exempt_self, fn, ctx);
	for (i = 0; i < x->nres; i++)
		warn_one(x, c, &x->res[i], "the resolver", "exempt_resolvers",
			 c->exempt_resolvers, fn, ctx);
}

/* sdexempt_what - what a value of the whitelist in force means */
const char *sdexempt_what(uintptr_t value)
{
	switch (value) {
	case SDEXEMPT_SELF:
		return "own address";
	case SDEXEMPT_RESOLVER:
		return "resolver";
	case SDEXEMPT_FILE:
	default:
		return "whitelist";
	}
}
