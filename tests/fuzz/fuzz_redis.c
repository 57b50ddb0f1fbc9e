/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_redis - libFuzzer harness: any bytes from a Redis peer
 * DESCRIPTION
 *	The input is what a peer answered: redisc_parse() (hiredis's
 *	reader under our length cap) must return a reply, "incomplete" or
 *	"malformed" without crashing, and mailshare_reply() must accept
 *	only a well-formed decision (three integers in range), whose
 *	fields it must then give in range.
 */
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "mailshare.h"
#include "redisc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailshare_verdict v;
	redisReply *r = NULL;
	int got = redisc_parse((const char *)data, size, 4096, &r);

	if (got == 1 && mailshare_reply(r, &v) == 0 &&
	    (v.v > THROTTLE_LOCKED || v.queued > 1000000 ||
	     v.wait_ns > 86400000ULL * NS_PER_MS))
		abort();
	if (got != 1 && r != NULL)
		abort();
	if (r)
		freeReplyObject(r);
	return 0;
}
