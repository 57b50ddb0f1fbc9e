/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_mailpriv - libFuzzer harness for the release helper's requests
 * DESCRIPTION
 *	mailpriv_parse on any bytes, as a compromised filter could send
 *	them to the root helper: accepted, the queued ids joined again
 *	must be the request itself (with its final newline), every one a
 *	Postfix queue id (letters and digits only, under 32 bytes), at
 *	most a batch; refused, nothing stays queued. Nothing crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailpriv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mailrelease *r;
	static char buf[MAILPRIV_REQ_MAX + 2];
	size_t i;
	int n;

	if (r == NULL && (r = mailrelease_create("/bin/false", NULL)) == NULL)
		abort();
	if (size > MAILPRIV_REQ_MAX)
		return 0;	/* the helper refuses those before parsing */
	if (mailpriv_parse(r, (const char *)data, size) < 0) {
		if (mailrelease_pending(r) != 0)
			abort();
		return 0;
	}
	if (mailrelease_pending(r) == 0 ||
	    mailrelease_pending(r) > MAILRELEASE_BATCH ||
	    (n = mailrelease_join(r, buf, sizeof(buf))) < 0)
		abort();
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] != '\n' && !((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'A' && buf[i] <= 'Z') ||
		    (buf[i] >= 'a' && buf[i] <= 'z')))
			abort();
	if (!((size_t)n == size || ((size_t)n == size + 1 && buf[size] == '\n'))
	    || memcmp(buf, data, size) != 0)
		abort();
	mailrelease_clear(r);
	return 0;
}
