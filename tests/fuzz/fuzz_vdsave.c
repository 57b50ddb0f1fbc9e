/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_vdsave - libFuzzer harness for sluiced's saved throttle state
 * DESCRIPTION
 *	sluiced loads state_dir/sluiced.state at start (vdsave); whatever
 *	the file holds it is refused (EINVAL, with a reason) or loaded,
 *	never crashes or leaks. The input is tried as it is, and again
 *	with a valid checksum appended, so the fuzzer reaches the parser
 *	behind the checksum (the key below is vdsave.c's). An engine that
 *	loaded is saved again, and the copy must load into another.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "siphash.h"
#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"

static const uint8_t vs_key[16] = "sluice-sluiced-1";	/* vdsave.c's */

static void f_answer(void *c, uint64_t k, int a) { (void)c; (void)k; (void)a; }
static void f_hold(void *c, uint64_t k) { (void)c; (void)k; }
static void f_quar(void *c, const struct sl_addr *a, uint64_t t)
{
	(void)c; (void)a; (void)t;
}
static void f_event(void *c, const struct event *e) { (void)c; (void)e; }
static const struct verdict_ops ops = { f_answer, f_hold, f_quar, f_event,
					  NULL, NULL, NULL, NULL };

static const char conf_text[] =
	"[core]\nevents =\n[sluiced]\nmem_cap = 2M\nmax_held = 256\n"
	"[zone lan]\nprefixes = 10.0.0.0/8\n"
	"[zone cred]\nprefixes = 192.168.0.0/16\nmode = credit\n";

static struct sd_conf *conf;

/* conf_once - the configuration, read once */
static struct sd_conf *conf_once(void)
{
	char path[] = "/tmp/fuzz_vdsave.XXXXXX", err[256];
	int fd;

	if (conf != NULL)
		return conf;
	if ((conf = calloc(1, sizeof(*conf))) == NULL
	    || (fd = mkstemp(path)) < 0
	    || write(fd, conf_text, strlen(conf_text)) < 0)
		abort();
	close(fd);
	if (sdconf_load(path, conf, err, sizeof(err)) < 0)
		abort();
	unlink(path);
	return conf;
}

/* try - load b into an engine with its seed; 1 loaded (saved into
   *copy if copy is not NULL), 0 refused */
static int try(const unsigned char *b, size_t len, char **copy,
	       size_t *clen)
{
	struct vdsave_info in;
	struct verdict *v;
	const char *why = NULL;
	uint8_t seed[16] = { 0 };
	FILE *fp;
	int r;

	if (vdsave_seed(b, len, seed, &why) < 0) {
		if (errno != EINVAL || why == NULL)
			abort();
		return 0;
	}
	if ((v = vdsetup_create(conf_once(), &ops, NULL, seed, (char[64]){0},
				64)) == NULL)
		abort();
	r = vdsave_load(v, b, len, 1000000000ULL, &in, &why) == 0;
	if (!r && (errno != EINVAL || why == NULL))
		abort();
	if (r && copy != NULL) {
		if ((fp = open_memstream(copy, clen)) == NULL
		    || vdsave_write(v, fp, 1000000000ULL) < 0)
			abort();
		fclose(fp);
	}
	vdsetup_free(v);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *b = malloc(size + 8);
	uint64_t sum = siphash_24(vs_key, data, size);
	char *copy = NULL;
	size_t clen = 0, i;

	if (b == NULL)
		return 0;
	(void)try(data, size, NULL, NULL);
	memcpy(b, data, size);
	for (i = 0; i < 8; i++)
		b[size + i] = (unsigned char)(sum >> (8 * i));
	if (try(b, size + 8, &copy, &clen) && !try((unsigned char *)copy,
						   clen, NULL, NULL))
		abort();
	free(copy);
	free(b);
	return 0;
}
