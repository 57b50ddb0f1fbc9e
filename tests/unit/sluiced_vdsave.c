/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_vdsave - unit test of sluiced's throttle state across a
 *	restart (nft-expr/verdict/vdsave.c)
 * DESCRIPTION
 *	An engine sees a scanner fill its working set and delay queue, a
 *	browsing host visit three servers and a credit host spend two of
 *	its three credits; its state is saved and loaded into a new engine
 *	with the same seed. There the scanner's next new destination is
 *	held (a fresh working set would pass it) behind its queue, loaded
 *	as stand-ins that answer no packet of the new process; its old
 *	destinations and the browser's servers pass; the credit host has
 *	one credit left, not three. A torn, damaged or foreign file and an
 *	engine with another seed are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "../tap.h"
#include "sluiced_vtest.h"

#define MAXC 1024

static struct {
	int verdict[MAXC];	/* -1 none, 0 drop, 1 accept */
	int held[MAXC];
	int answers, stray;	/* calls; answers for cookies we never gave */
} rec;

static void f_answer(void *ctx, uint64_t c, int accept)
{
	(void)ctx;
	rec.answers++;
	if (c >= MAXC) {
		rec.stray++;
		return;
	}
	rec.verdict[c] = accept;
	rec.held[c] = 0;
}

static void f_hold(void *ctx, uint64_t c)
{
	(void)ctx;
	if (c < MAXC)
		rec.held[c] = 1;
}

static void f_quarantine(void *ctx, const struct sl_addr *a, uint64_t ttl)
{
	(void)ctx; (void)a; (void)ttl;
}

static void f_event(void *ctx, const struct event *ev)
{
	(void)ctx; (void)ev;
}

static const struct verdict_ops ops = { f_answer, f_hold, f_quarantine, f_event,
					  NULL, NULL, NULL, NULL };
static const uint8_t seed[16] = { 7, 7, 7 };

static const char conf_text[] =
	"[core]\nevents =\n"
	"[sluiced]\nmax_held = 2000\n"
	"[zone lan]\nprefixes = 10.1.0.0/16\nhigh_watermark = 100\n"
	"low_watermark = 60\n"
	"[zone cred]\nprefixes = 10.2.0.0/16\nmode = credit\ncredit_start = 3\n"
	"trw = off\n";

/* send - a TCP SYN from src to dst as cookie c at now */
static void send(struct verdict *v, const char *src, const char *dst,
		 uint64_t c, uint64_t now)
{
	struct pkt_info p = vt_syn(src, dst, 80);

	verdict_packet(v, &p, c, now);
}

/* dst_n - the n-th scan target */
static const char *dst_n(int n, char *buf)
{
	snprintf(buf, 32, "10.9.%d.%d", n / 250, 1 + n % 250);
	return buf;
}

/* reset - forget what was recorded */
static void reset(void)
{
	memset(&rec, 0, sizeof(rec));
	memset(rec.verdict, 0xff, sizeof(rec.verdict));
}

/* before - the first process's traffic; its state saved into *buf */
static void before(struct verdict *v, uint64_t t0, char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);
	char d[32];
	int i, held = 0;

	for (i = 0; i < 20; i++)
		send(v, "10.1.2.2", dst_n(i, d), (uint64_t)i, t0);
	for (i = 0; i < 20; i++)
		held += rec.held[i];
	is_int(held, 15, "before: the scanner's 15 past its working set are held");
	for (i = 0; i < 3; i++)
		send(v, "10.1.1.1", dst_n(500 + i, d), (uint64_t)(30 + i), t0);
	send(v, "10.2.0.1", dst_n(600, d), 40, t0);
	send(v, "10.2.0.1", dst_n(601, d), 41, t0);
	is_int(rec.verdict[41], 1, "before: the credit host spends 2 of 3");
	ok(fp != NULL && vdsave_write(v, fp, t0) == 0, "vdsave_write");
	if (fp != NULL)
		fclose(fp);
}

/* after - the second process: what the restored state decides */
static void after(struct verdict *v, uint64_t t1)
{
	char d[32];
	int i, n;

	reset();
	send(v, "10.1.2.2", dst_n(100, d), 100, t1);
	is_int(rec.held[100], 1, "after: the scanner's next new destination is held");
	send(v, "10.1.2.2", dst_n(4, d), 101, t1);
	is_int(rec.verdict[101], 1, "after: a destination of its working set passes");
	for (i = 0; i < 3; i++)
		send(v, "10.1.1.1", dst_n(500 + i, d), (uint64_t)(110 + i), t1);
	is_int(rec.verdict[110] + rec.verdict[111] + rec.verdict[112], 3,
	       "after: the browser's three servers pass");
	verdict_tick(v, t1 + 2500 * NS_PER_MS);
	is_int(rec.held[100], 1, "after: two releases later it still waits behind "
	       "the restored queue");
	for (i = n = 0; i < 100; i++)
		n += rec.verdict[i] != -1;
	is_int(n + rec.stray, 0, "after: the stand-ins released answer no packet "
	       "(the old cookies mean other packets now)");
	send(v, "10.2.0.1", dst_n(600, d), 120, t1);
	is_int(rec.verdict[120], 1, "after: the credit host's recent destination "
	       "costs nothing");
	send(v, "10.2.0.1", dst_n(602, d), 121, t1);
	send(v, "10.2.0.1", dst_n(603, d), 122, t1);
	is_int(rec.verdict[121], 1, "after: its last credit passes one");
	is_int(rec.held[122], 1, "after: the next waits (a fresh balance of 3 "
	       "would pass it)");
}

/* refused - loading b into a new engine with seed sd fails */
static int refused(const struct sd_conf *c, const unsigned char *b,
		   size_t len, const uint8_t *sd, const char **why)
{
	struct verdict *v = vdsetup_create(c, &ops, NULL, sd, (char[64]){0}, 64);
	struct vdsave_info in;
	int r;

	if (v == NULL)
		return 0;
	r = vdsave_load(v, b, len, 1, &in, why) < 0 && errno == EINVAL;
	vdsetup_free(v);
	return r;
}

/* test_damage - torn, flipped, foreign, other seed */
static void test_damage(const struct sd_conf *c, unsigned char *b, size_t len)
{
	static const uint8_t other[16] = { 9 };
	const char *why = "";
	uint8_t sd[16];

	int r;

	r = refused(c, b, len - 100, seed, &why);
	ok(r, "a torn file is refused (%s)", why);
	b[len / 2] ^= 0x40;
	r = refused(c, b, len, seed, &why);
	ok(r, "a flipped byte is refused (%s)", why);
	ok(vdsave_seed(b, len, sd, &why) < 0, "vdsave_seed refuses it too");
	b[len / 2] ^= 0x40;
	r = refused(c, (const unsigned char *)"SLTHRST\n0123456789012345678901234567890123456789",
		    48, seed, &why);
	ok(r, "a foreign file is refused (%s)", why);
	r = refused(c, b, len, other, &why);
	ok(r, "an engine with another seed refuses it (%s)", why);
	ok(vdsave_seed(b, len, sd, &why) == 0 && memcmp(sd, seed, 16) == 0,
	   "the intact file gives its seed back");
}

int main(void)
{
	struct sd_conf *conf = vt_load(conf_text);
	struct vdsave_info in;
	struct verdict *v, *w;
	const char *why = "";
	char err[256], *buf = NULL;
	size_t len = 0;
	uint64_t t0 = 1000 * NS_PER_SEC, t1 = 5000 * NS_PER_SEC;

	if (conf == NULL)
		return 1;
	reset();
	v = vdsetup_create(conf, &ops, NULL, seed, err, sizeof(err));
	ok(v != NULL, "vdsetup_create: %s", v ? "ok" : err);
	if (v == NULL)
		return done_testing();
	before(v, t0, &buf, &len);
	w = vdsetup_create(conf, &ops, NULL, seed, err, sizeof(err));
	ok(w != NULL && vdsave_load(w, (unsigned char *)buf, len, t1, &in,
				    &why) == 0, "vdsave_load: %s", w ? why : err);
	is_uint(in.hosts, 2, "loaded: two hosts of the williamson zone");
	is_uint(in.held, 15, "loaded: the scanner's queue of 15");
	is_uint(in.credit_hosts, 1, "loaded: one credit host");
	if (w != NULL)
		after(w, t1);
	test_damage(conf, (unsigned char *)buf, len);
	vdsetup_free(w);
	reset();
	vdsetup_free(v);
	free(buf);
	sdconf_release(conf);
	free(conf);
	return done_testing();
}
