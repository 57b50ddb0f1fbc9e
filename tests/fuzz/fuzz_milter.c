/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_milter - libFuzzer harness for what sluice-milter takes from the MTA
 * DESCRIPTION
 *	The input is split at NUL bytes into fields, as the MTA hands
 *	them over: {auth_authen}, {client_addr}, the envelope sender, a
 *	recipient, a reply text and a socket name. Each goes through its
 *	mparse(3) function with its real bound, and the cleaned values
 *	make a request decided by mstate(3) (the sharded mail throttle),
 *	so the identity, normalisation and honeytoken code sees them too.
 *	Time advances with each input so queues fill and drain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../milter/mparse.h"
#include "../../milter/mstate.h"

#define NFIELD 6

static struct mstate *state;
static uint64_t now = 1000000000ULL;

/* setup - a small throttle with honeytokens and whitelists */
static void setup(void)
{
	static char *tokens[] = { "trap-*@lists.example.org", "h@x", NULL };
	static char *wl_sasl[] = { "list", NULL };
	static char *wl_senders[] = { "@example.com", NULL };
	static const uint8_t seed[16] = "fuzz-milter-seed";
	struct mailthr_params p;

	mailthr_defaults(&p);
	p.thr.wset_size = 2;
	p.thr.high = 8;
	p.thr.low = 4;
	p.thr.mem_cap = 1 << 20;
	p.thr.max_held = 256;
	p.id.strip_extension = 1;
	p.honeytokens = tokens;
	p.wl_sasl = wl_sasl;
	p.wl_senders = wl_senders;
	state = mstate_create(&p, 4, seed);
	if (state == NULL)
		abort();
}

/* split - NUL-separated fields, copied so each is NUL-terminated */
static size_t split(const uint8_t *data, size_t size, char *buf,
		    char *field[NFIELD])
{
	size_t i, n = 0;

	memcpy(buf, data, size);
	buf[size] = 0;
	field[n++] = buf;
	for (i = 0; i < size && n < NFIELD; i++)
		if (buf[i] == 0)
			field[n++] = buf + i + 1;
	for (i = n; i < NFIELD; i++)
		field[i] = buf + size;
	return n;
}

/* LLVMFuzzerTestOneInput - one input: its fields through mparse, then
   one decision */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sasl[MAILADDR_MAX], client[ADDR_STRLEN], sender[MAILADDR_MAX];
	char rcpt[MAILADDR_MAX], x[12], msg[MPARSE_REPLY_MAX], conn[160];
	char why[128], reason[64], *field[NFIELD], *buf;
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r;
	const char *argv[2] = { NULL, NULL };

	if (state == NULL)
		setup();
	if (size > 4096 || (buf = malloc(size + 1)) == NULL)
		return 0;
	split(data, size, buf, field);
	mparse_value(field[0], sasl, sizeof(sasl));
	mparse_client_macro(field[1], client);
	argv[0] = field[2];
	mparse_path(argv, sender, sizeof(sender));
	argv[0] = field[3];
	if (mparse_path(argv, rcpt, sizeof(rcpt)) < 0)
		rcpt[0] = 0;
	mparse_reply(field[4], 4, x, msg, sizeof(msg));
	mparse_reply(field[4], 5, x, msg, sizeof(msg));
	mparse_conn(field[5], conn, sizeof(conn), why, sizeof(why));
	mparse_reason(reason, sizeof(reason), "sluice: %s", field[4]);
	r.sasl_user = sasl;
	r.sender = sender;
	r.client_addr = client;
	r.recipient = rcpt;
	if (mstate_rcpt(state, &r, now, &res, &t) == MAILTHR_WAIT)
		mstate_wait(state, t, 0);	/* past deadline: gives up */
	now += 100000000ULL;
	mstate_tick(state, now);
	free(buf);
	return 0;
}
