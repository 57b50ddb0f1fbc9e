/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	epidemic - a worm in a simulated enterprise over real sluice instances
 * SYNOPSIS
 *	#include "epidemic.h"
 * DESCRIPTION
 *	A contact walks its path: the host's own sluice (if it has one),
 *	then its gateway's (if it leaves the subnet and the gateway has
 *	one), then delivery. A sluice that holds it keeps a pending record
 *	whose index is the throttle's cookie; the release callback picks
 *	the walk up again at the next stage, at the time of the release.
 *
 *	Hosts are numbered g * hosts_per + i; host i of subnet g has the
 *	address g << 16 | (i + 1).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "delayq.h"
#include "epidemic.h"

#define USUAL 6			/* usual destinations per host */
#define NONE UINT32_MAX

struct pend {
	uint32_t src, dst;
	uint8_t stage;		/* 1: passed the host, 2: passed the gateway */
	uint8_t benign;
	uint32_t next_free;
	double t0;
};

struct host {
	double infected_at;	/* < 0: not infected */
	double carry;		/* fractional scans carried to the next step */
	uint32_t hl_lo, hl_hi;	/* hit-list range */
	uint32_t topo_next;	/* next usual destination a topological worm tries */
	uint32_t usual[USUAL];
	uint8_t vulnerable, host_sluice, contained;
	uint64_t escaped;	/* scans past its gateway */
};

struct sim {
	const struct epi_params *p;
	uint64_t rng[4];
	uint32_t nhosts;
	struct host *h;
	uint32_t *infected;	/* ids in infection order */
	uint32_t ninfected, nvuln, *hitlist, nhitlist;
	struct sinst **gw;	/* per subnet, NULL without sluice */
	struct sinst *hs;	/* the hosts' own sluices (one table) */
	struct pend *pend;
	uint32_t npend, cap, free_head;
	double now;
	struct epi_row row;
	struct epi_result res;
	uint64_t escaped_contained;
	double t8, t_pow;	/* when 8, and the last power of two, were
				   infected */
	uint32_t n_pow;
};

/* rnd - xoshiro256** */
static uint64_t rnd(struct sim *s)
{
	uint64_t *x = s->rng, r = x[1] * 5, t = x[1] << 17;

	r = (r << 7 | r >> 57) * 9;
	x[2] ^= x[0];
	x[3] ^= x[1];
	x[1] ^= x[2];
	x[0] ^= x[3];
	x[2] ^= t;
	x[3] = x[3] << 45 | x[3] >> 19;
	return r;
}

/* unif - uniform in [0, 1) */
static double unif(struct sim *s)
{
	return (double)(rnd(s) >> 11) * 0x1.0p-53;
}

/* below - uniform integer in [0, n) */
static uint32_t below(struct sim *s, uint32_t n)
{
	return (uint32_t)(((rnd(s) >> 32) * (uint64_t)n) >> 32);
}

/* poisson - a Poisson count of mean m (small m: inversion) */
static uint32_t poisson(struct sim *s, double m)
{
	double l, p, u;
	uint32_t k = 0;

	if (m > 30)
		return (uint32_t)fmax(0, floor(m + sqrt(m) * sqrt(-2 * log(unif(s) + 1e-300))
					    * cos(2 * M_PI * unif(s)) + 0.5));
	l = exp(-m);
	p = 1;
	for (u = unif(s); ; k++) {
		p *= u;
		if (p <= l)
			return k;
		u = unif(s);
	}
}

/* seed_rng - splitmix64 from the seed */
static void seed_rng(struct sim *s, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		s->rng[i] = z ^ (z >> 31);
	}
}

/* addr_of - the address of host id */
static uint32_t addr_of(const struct sim *s, uint32_t id)
{
	return (id / s->p->hosts_per) << 16 | (id % s->p->hosts_per + 1);
}

/* host_at - the host at address a, or NONE */
static uint32_t host_at(const struct sim *s, uint32_t a)
{
	uint32_t g = a >> 16, i = a & 0xffff;

	if (g >= s->p->subnets || i == 0 || i > s->p->hosts_per)
		return NONE;
	return g * s->p->hosts_per + i - 1;
}

/* subnet_of - the subnet of host id */
static uint32_t subnet_of(const struct sim *s, uint32_t id)
{
	return id / s->p->hosts_per;
}

/* pend_new - a record for a held contact; its index, or NONE */
static uint32_t pend_new(struct sim *s, uint32_t src, uint32_t dst,
			 int benign, double t0)
{
	uint32_t i;

	if (s->free_head != NONE) {
		i = s->free_head;
		s->free_head = s->pend[i].next_free;
	} else {
		if (s->npend == s->cap) {
			uint32_t cap = s->cap ? s->cap * 2 : 4096;
			struct pend *np = realloc(s->pend, cap * sizeof(*np));

			if (np == NULL)
				return NONE;
			s->pend = np;
			s->cap = cap;
		}
		i = s->npend++;
	}
	s->pend[i] = (struct pend){ src, dst, 0, (uint8_t)benign, NONE, t0 };
	return i;
}

/* pend_free - the record goes back to the free list */
static void pend_free(struct sim *s, uint32_t i)
{
	s->pend[i].next_free = s->free_head;
	s->free_head = i;
}

/* infect - host id is reached by the worm at now */
static void infect(struct sim *s, uint32_t id, uint32_t parent)
{
	struct host *h = &s->h[id];

	if (!h->vulnerable || h->infected_at >= 0)
		return;
	h->infected_at = s->now;
	s->infected[s->ninfected++] = id;
	if (parent != NONE && s->p->strategy == EPI_HITLIST) {
		struct host *ph = &s->h[parent];
		uint32_t mid = ph->hl_lo + (ph->hl_hi - ph->hl_lo) / 2;

		h->hl_lo = mid;
		h->hl_hi = ph->hl_hi;
		ph->hl_hi = mid;
	}
	if (s->ninfected == 2)
		s->res.t_second = s->now;
	if (s->res.t_half < 0 && 2 * s->ninfected >= s->nvuln)
		s->res.t_half = s->now;
	if (s->res.t_all_but_one < 0 && s->ninfected + 1 >= s->nvuln)
		s->res.t_all_but_one = s->now;
	/* doubling time between 8 and the largest power of two <= V/8:
	   past the random start, before saturation slows growth by 1/8 */
	if (s->ninfected == 8)
		s->t8 = s->now;
	if (s->res.doubling < 0 && s->ninfected >= 16
	    && 8 * s->ninfected <= s->nvuln
	    && (s->ninfected & (s->ninfected - 1)) == 0) {
		s->t_pow = s->now;
		s->n_pow = s->ninfected;
	}
}

/* deliver - a contact reaches its destination */
static void deliver(struct sim *s, uint32_t src, uint32_t dst, int benign,
		    double t0)
{
	double d = s->now - t0;
	uint32_t to;

	if (benign == 2)
		return;		/* an infected host's own legitimate traffic */
	if (benign) {
		if (d > 0) {
			s->row.bg_delayed++;
			if (d > s->row.bg_delay_max)
				s->row.bg_delay_max = d;
		}
		return;
	}
	if ((to = host_at(s, dst)) != NONE)
		infect(s, to, src);
}

/* count_drop - a contact that never arrives */
static void count_drop(struct sim *s, int benign)
{
	if (benign == 1)
		s->row.bg_dropped++;
}

static void walk(struct sim *s, uint32_t src, uint32_t dst, int benign,
		 double t0, int stage);

/* at_sluice - offer the contact to one instance; 1 if it goes on now */
static int at_sluice(struct sim *s, struct sinst *in, uint32_t src,
		     uint32_t dst, int benign, double t0, int stage)
{
	uint32_t i = pend_new(s, src, dst, benign, t0);
	enum sinst_verdict v;

	if (i == NONE)
		return 1;	/* no room to hold: fail-open */
	s->pend[i].stage = (uint8_t)stage;
	v = sinst_contact(in, src, dst, i, (uint64_t)(s->now * 1e9));
	if (v == SINST_HOLD)
		return 0;
	pend_free(s, i);
	if (v == SINST_DROP) {
		count_drop(s, benign);
		return 0;
	}
	return 1;
}

/* leaves - does a contact from src to dst cross src's gateway */
static int leaves(const struct sim *s, uint32_t src, uint32_t dst)
{
	return (dst >> 16) != subnet_of(s, src) || (dst & 0xffff) > 0xff;
}

/* walk - a contact from stage on: host sluice, gateway, delivery */
static void walk(struct sim *s, uint32_t src, uint32_t dst, int benign,
		 double t0, int stage)
{
	struct sinst *gw = s->gw[subnet_of(s, src)];
	int out = leaves(s, src, dst);

	if (stage < 1 && s->h[src].host_sluice
	    && !at_sluice(s, s->hs, src, dst, benign, t0, 1))
		return;
	if (stage < 2 && out && gw != NULL
	    && !at_sluice(s, gw, src, dst, benign, t0, 2))
		return;
	if (out && !benign) {
		s->row.escaped++;
		s->h[src].escaped++;
	}
	deliver(s, src, dst, benign, t0);
}

/* released - sinst_fn: a held contact leaves a queue */
static void released(void *ctx, uint64_t cookie, int pass)
{
	struct sim *s = ctx;
	struct pend p = s->pend[cookie];

	pend_free(s, (uint32_t)cookie);
	if (!pass) {
		count_drop(s, p.benign);
		return;
	}
	walk(s, p.src, p.dst, p.benign, p.t0, p.stage);
}

/* target - the next address host id's worm scans */
static uint32_t target(struct sim *s, uint32_t id)
{
	struct host *h = &s->h[id];
	uint32_t g = subnet_of(s, id);
	double u;

	if (s->p->strategy == EPI_HITLIST && h->hl_lo < h->hl_hi)
		return addr_of(s, s->hitlist[h->hl_lo++]);
	if (s->p->strategy == EPI_TOPO && h->topo_next < USUAL)
		return h->usual[h->topo_next++];
	if (s->p->strategy == EPI_LOCAL) {
		if ((u = unif(s)) < 0.5)
			return g << 16 | below(s, 256);
		if (u < 0.875)
			return g << 16 | below(s, 65536);
	}
	return below(s, s->p->space);
}

/* random_now - will host id's next scans be uniformly random */
static int random_now(const struct sim *s, const struct host *h)
{
	switch (s->p->strategy) {
	case EPI_RANDOM: return 1;
	case EPI_HITLIST: return h->hl_lo >= h->hl_hi;
	case EPI_TOPO: return h->topo_next >= USUAL;
	default: return 0;
	}
}

/* fast_hits - n random scans that meet no sluice: only the hits count */
static void fast_hits(struct sim *s, uint32_t id, uint32_t n, int local_only)
{
	uint32_t g = subnet_of(s, id), k, blocks = local_only ? 1 : s->p->subnets;
	double pr = (double)blocks * 256 / (double)s->p->space;

	if (!local_only) {
		s->row.escaped += n;
		s->h[id].escaped += n;
	}
	for (k = poisson(s, n * pr); k > 0; k--)
		deliver(s, id, (local_only ? g : below(s, blocks)) << 16
			| below(s, 256), 0, s->now);
}

/* scan - host id's scans of one step */
static void scan(struct sim *s, uint32_t id, uint64_t ns)
{
	struct host *h = &s->h[id];
	struct sinst *gw = s->gw[subnet_of(s, id)];
	uint32_t n, j;
	int hs_on, gw_on;

	h->carry += s->p->rate * s->p->dt;
	n = (uint32_t)h->carry;
	h->carry -= n;
	if (n == 0)
		return;
	s->row.scans += n;
	if (h->host_sluice && sinst_blocked(s->hs, id, ns))
		return;		/* quarantined on the host: nothing leaves */
	hs_on = h->host_sluice && ns >= s->p->sp.enforce_from;
	gw_on = gw != NULL && ns >= s->p->sp.enforce_from
	    && !sinst_blocked(gw, id, ns);
	if (!hs_on && random_now(s, h)) {
		if (!gw_on) {
			fast_hits(s, id, n, gw != NULL && ns >= s->p->sp.enforce_from);
			return;
		}
	}
	for (j = 0; j < n; j++)
		walk(s, id, target(s, id), 0, s->now, 0);
}

/* background - the legitimate contacts of one step */
static void background(struct sim *s)
{
	uint32_t k, id, dst;
	struct host *h;

	for (k = poisson(s, s->nhosts * s->p->bg_rate * s->p->dt); k > 0; k--) {
		id = below(s, s->nhosts);
		h = &s->h[id];
		dst = unif(s) < s->p->bg_new ? below(s, s->p->space)
		    : h->usual[below(s, USUAL)];
		if (h->infected_at < 0)
			s->row.bg++;
		/* an infected host's own traffic is walked, not counted */
		walk(s, id, dst, h->infected_at < 0 ? 1 : 2, s->now, 0);
	}
}

struct preset {
	const char *name, *what;
	int strategy;
	double rate, vuln;
	unsigned subnets, hosts_per, space;
};

/* Code Red: 10 scans/s; Slammer: 4,000 scans/s with the vulnerable
   density that gives its 8.5 s doubling time (0.034 of 10,000 hosts in
   2^24 addresses); Williamson's 16-host testbed (see the README). */
static const struct preset presets[] = {
	{ "code-red", "random scanning, 10 scans/s", EPI_RANDOM, 10, 0.5, 40, 250, 1u << 24 },
	{ "slammer", "random scanning, 4000 scans/s, Slammer's density", EPI_RANDOM, 4000, 0.034, 40, 250, 1u << 24 },
	{ "williamson16", "16 hosts, 5.5 scans/s in 11700 addresses", EPI_RANDOM, 5.5, 1, 1, 16, 11700 },
	{ "slow", "random scanning, 0.5 scans/s (under the release rate)", EPI_RANDOM, 0.5, 0.5, 40, 250, 1u << 24 },
	{ "local", "local preference (Code Red II), 10 scans/s", EPI_LOCAL, 10, 0.5, 40, 250, 1u << 24 },
	{ "hitlist", "hit-list of 100, then random, 10 scans/s", EPI_HITLIST, 10, 0.5, 40, 250, 1u << 24 },
	{ "topo", "topological (usual peers first), 10 scans/s", EPI_TOPO, 10, 0.5, 40, 250, 1u << 24 },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0 },
};

/* epi_preset - a published scenario's parameters; -1 if unknown */
int epi_preset(struct epi_params *p, const char *name)
{
	const struct preset *q;

	for (q = presets; q->name; q++)
		if (strcmp(q->name, name) == 0)
			break;
	if (q->name == NULL)
		return -1;
	p->strategy = q->strategy;
	p->rate = q->rate;
	p->vuln = q->vuln;
	p->subnets = q->subnets;
	p->hosts_per = q->hosts_per;
	p->space = q->space;
	if (strcmp(name, "williamson16") == 0) {
		/* Williamson's throttle delays without locking out */
		p->sp.tp.high = 1000000;
		p->sp.tp.low = 999999;
		p->sp.quarantine_ns = 0;
	}
	return 0;
}

/* epi_preset_info - name and description of preset i; -1 past the end */
int epi_preset_info(int i, const char **name, const char **what)
{
	if (i < 0 || (size_t)i >= sizeof(presets) / sizeof(presets[0]) - 1)
		return -1;
	*name = presets[i].name;
	*what = presets[i].what;
	return 0;
}

/* epi_strategy_parse - "random", "local", "hitlist", "topo"; -1 */
int epi_strategy_parse(const char *s)
{
	static const char *const names[] = { "random", "local", "hitlist",
					     "topo", NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* epi_defaults - the defaults named in epidemic.h */
void epi_defaults(struct epi_params *p)
{
	memset(p, 0, sizeof(*p));
	p->subnets = 40;
	p->hosts_per = 250;
	p->space = 1u << 24;
	p->vuln = 0.5;
	p->initial = 1;
	p->strategy = EPI_RANDOM;
	p->rate = 10;
	p->hitlist = 100;
	p->horizon = 3600;
	p->dt = 0.01;
	p->report_every = 1;
	p->bg_rate = 0.05;
	p->bg_new = 0.05;
	p->sp.tp.wset_size = 5;
	p->sp.tp.release_ns = NS_PER_SEC;
	p->sp.tp.high = 100;
	p->sp.tp.low = 60;
	p->sp.tp.max_held = 200000;
	p->sp.quarantine_ns = 3600 * NS_PER_SEC;
	p->seed = 1;
}

/* epi_check - 0, or -1 with the reason */
int epi_check(const struct epi_params *p, const char **why)
{
	const char *w = NULL;
	struct throttle_params tp = p->sp.tp;

	tp.mem_cap = (size_t)1 << 40;
	if (p->subnets < 1 || p->subnets > 256 || p->hosts_per < 1 || p->hosts_per > 255)
		w = "subnets must be 1..256 and hosts per subnet 1..255";
	else if ((uint64_t)(p->subnets - 1) << 16 >= p->space || p->space < 256)
		w = "the address space must hold every subnet (subnet g is g << 16)";
	else if (!(p->vuln > 0 && p->vuln <= 1) || p->initial < 1)
		w = "vulnerable fraction must be in (0, 1] and initial >= 1";
	else if (!(p->rate >= 0 && p->rate <= 1e6) || !(p->dt > 0 && p->dt <= 1))
		w = "rate must be 0..1000000 scans/s and dt in (0, 1] s";
	else if (!(p->horizon > 0 && p->horizon <= 7 * 86400) || !(p->report_every >= p->dt))
		w = "horizon must be up to a week and report_every >= dt";
	else if (!(p->gw_cover >= 0 && p->gw_cover <= 1 && p->host_cover >= 0 && p->host_cover <= 1))
		w = "coverage fractions must be in [0, 1]";
	if (w == NULL)
		(void)throttle_check_params(&tp, &w);
	if (why)
		*why = w;
	return w ? -1 : 0;
}

/* shuffle_pick - mark k of n flags at random (exact counts) */
static void pick(struct sim *s, uint8_t *flags, size_t stride, uint32_t n,
		 uint32_t k)
{
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx)), i, j, t;

	if (idx == NULL)
		return;
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < k && i < n; i++) {
		j = i + below(s, n - i);
		t = idx[i], idx[i] = idx[j], idx[j] = t;
		flags[(size_t)idx[i] * stride] = 1;
	}
	free(idx);
}

/* instance - one sluice instance serving n hosts */
static struct sinst *instance(struct sim *s, uint32_t n)
{
	struct sinst_params sp = s->p->sp;
	static const uint8_t seed[16] = "sluice-epidemic";
	uint64_t held = (uint64_t)n * (sp.tp.high + 1);

	sp.tp.max_held = (unsigned)(held < 1000000 ? held : 1000000);
	sp.tp.mem_cap = delayq_bytes_for(sp.tp.max_held)
	    + (size_t)n * 256 + (1u << 20);
	return sinst_create(&sp, s->nhosts, seed, released, s);
}

/* setup_hosts - vulnerability, usual destinations, sluices */
static int setup_hosts(struct sim *s)
{
	const struct epi_params *p = s->p;
	uint32_t i, j, g, per = p->hosts_per;
	uint8_t *gflag;

	for (i = 0; i < s->nhosts; i++) {
		struct host *h = &s->h[i];

		h->infected_at = -1;
		g = subnet_of(s, i);
		for (j = 0; j < USUAL; j++) {
			uint32_t peer = j < 2 || p->subnets == 1
			    ? g * per + below(s, per)
			    : below(s, s->nhosts);

			h->usual[j] = j < 4 ? addr_of(s, peer) : below(s, p->space);
		}
	}
	pick(s, &s->h[0].vulnerable, sizeof(struct host), s->nhosts,
	     (uint32_t)lround(p->vuln * s->nhosts));
	pick(s, &s->h[0].host_sluice, sizeof(struct host), s->nhosts,
	     (uint32_t)lround(p->host_cover * s->nhosts));
	if ((gflag = calloc(p->subnets, 1)) == NULL)
		return -1;
	pick(s, gflag, 1, p->subnets, (uint32_t)lround(p->gw_cover * p->subnets));
	for (g = 0; g < p->subnets; g++)
		if (gflag[g] && (s->gw[g] = instance(s, per)) == NULL) {
			free(gflag);
			return -1;
		}
	free(gflag);
	if (p->host_cover > 0 && (s->hs = instance(s, s->nhosts)) == NULL)
		return -1;
	return 0;
}

/* setup_worm - the vulnerable list, the hit-list, the first victims */
static void setup_worm(struct sim *s)
{
	uint32_t i, n = 0, *vl = s->hitlist, k;

	for (i = 0; i < s->nhosts; i++)
		if (s->h[i].vulnerable)
			vl[n++] = i;
	s->nvuln = n;
	/* a random order: the first `hitlist` form the hit-list */
	for (i = 0; i + 1 < n; i++) {
		k = i + below(s, n - i);
		uint32_t t = vl[i];

		vl[i] = vl[k];
		vl[k] = t;
	}
	s->nhitlist = s->p->hitlist < n ? s->p->hitlist : n;
	for (i = 0; i < s->p->initial && i < n; i++) {
		infect(s, vl[n - 1 - i], NONE);
		/* the first victim carries the whole hit-list */
		s->h[vl[n - 1 - i]].hl_hi = i == 0 ? s->nhitlist : 0;
	}
}

/* report - a row at now */
static void report(struct sim *s, epi_row_fn *fn, void *ctx)
{
	uint64_t ns = (uint64_t)(s->now * 1e9);
	uint32_t i, id;

	s->row.t = s->now;
	s->row.infected = s->ninfected;
	s->row.vulnerable = s->nvuln;
	s->row.lockouts = s->hs ? sinst_lockouts(s->hs) : 0;
	for (i = 0; i < s->p->subnets; i++)
		if (s->gw[i])
			s->row.lockouts += sinst_lockouts(s->gw[i]);
	for (i = 0; i < s->ninfected; i++) {
		struct host *h = &s->h[id = s->infected[i]];
		struct sinst *gw = s->gw[subnet_of(s, id)];

		if (h->contained || !((s->hs && sinst_blocked(s->hs, id, ns))
				      || (gw && sinst_blocked(gw, id, ns))))
			continue;
		h->contained = 1;
		s->row.contained++;
		s->escaped_contained += h->escaped;
	}
	if (fn)
		fn(ctx, &s->row);
}

/* subnets_hit - subnets with at least one infected host */
static uint32_t subnets_hit(const struct sim *s)
{
	uint32_t i, g, n = 0, last = NONE;
	uint8_t seen[256];

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < s->ninfected; i++)
		if (!seen[g = subnet_of(s, s->infected[i])] && g != last) {
			seen[g] = 1;
			last = g;
			n++;
		}
	return n;
}

/* sim_free - everything a run allocated */
static void sim_free(struct sim *s)
{
	uint32_t g;

	for (g = 0; s->gw && g < s->p->subnets; g++)
		sinst_free(s->gw[g]);
	sinst_free(s->hs);
	free(s->gw);
	free(s->h);
	free(s->infected);
	free(s->hitlist);
	free(s->pend);
}

/* step - one dt: releases, legitimate traffic, the worm's scans */
static void step(struct sim *s)
{
	uint64_t ns = (uint64_t)(s->now * 1e9);
	uint32_t g, i, n = s->ninfected;

	for (g = 0; g < s->p->subnets; g++)
		if (s->gw[g])
			sinst_tick(s->gw[g], ns);
	if (s->hs)
		sinst_tick(s->hs, ns);
	background(s);
	/* hosts infected during this step start scanning at the next */
	for (i = 0; i < n && s->ninfected < s->nvuln; i++)
		scan(s, s->infected[i], ns);
}

/* epi_run - one run; a row every report_every */
int epi_run(const struct epi_params *p, epi_row_fn *fn, void *ctx,
	    struct epi_result *out)
{
	struct sim s;
	uint64_t k, steps = (uint64_t)llround(p->horizon / p->dt);
	uint64_t every = (uint64_t)llround(p->report_every / p->dt);

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.free_head = NONE;
	s.nhosts = p->subnets * p->hosts_per;
	s.res.t_second = s.res.t_half = s.res.t_all_but_one = s.res.doubling = -1;
	seed_rng(&s, p->seed);
	s.h = calloc(s.nhosts, sizeof(*s.h));
	s.infected = calloc(s.nhosts, sizeof(*s.infected));
	s.hitlist = calloc(s.nhosts, sizeof(*s.hitlist));
	s.gw = calloc(p->subnets, sizeof(*s.gw));
	if (s.h == NULL || s.infected == NULL || s.hitlist == NULL || s.gw == NULL
	    || setup_hosts(&s) < 0) {
		sim_free(&s);
		errno = ENOMEM;
		return -1;
	}
	setup_worm(&s);
	for (k = 0; k <= steps; k++) {
		s.now = (double)k * p->dt;
		if (k > 0)
			step(&s);
		if (k % every == 0 || k == steps)
			report(&s, fn, ctx);
		if (p->stop_infected && s.ninfected >= p->stop_infected) {
			report(&s, fn, ctx);
			break;
		}
	}
	s.res.last = s.row;
	s.res.subnets_infected = subnets_hit(&s);
	if (s.n_pow >= 16 && s.t8 > 0)
		s.res.doubling = (s.t_pow - s.t8) / (log2(s.n_pow) - 3);
	s.res.escaped_per_contained = s.row.contained
	    ? (double)s.escaped_contained / s.row.contained : -1;
	if (out)
		*out = s.res;
	sim_free(&s);
	return 0;
}
