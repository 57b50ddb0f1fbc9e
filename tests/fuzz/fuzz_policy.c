/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_policy - libFuzzer harness for the policy request parser and replies
 * DESCRIPTION
 *	The input is fed to policy_scan() in pieces (the first byte picks
 *	the cut size, as a peer cuts its writes), every complete request
 *	is parsed in place, and its attributes are formatted back through
 *	policy_reply() and policy_action(): the reply must be one line
 *	plus the empty line, whatever the peer sent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../policyd/policy_proto.h"

/* check_reply - exactly "action=...\n\n" with no other newline */
static void check_reply(const char *buf, size_t n)
{
	if (n == 0)
		return;
	if (n < 9 || memcmp(buf, "action=", 7) != 0 ||
	    buf[n - 1] != '\n' || buf[n - 2] != '\n' ||
	    memchr(buf, '\n', n - 2) != NULL || strlen(buf) != n)
		abort();
}

/* one_request - parse one scanned request and reply with its fields */
static void one_request(char *req, size_t len)
{
	struct policy_req r;
	const char *why = NULL;
	char out[POLICY_REPLY_MAX];
	int v;

	if (policy_parse(req, len, &r, &why) < 0) {
		if (why == NULL)
			abort();
		return;
	}
	check_reply(out, policy_reply(out, sizeof(out), r.sender,
				      r.recipient));
	for (v = MAILTHR_PASS; v <= MAILTHR_REJECT + 1; v++)
		check_reply(out, policy_action(out, sizeof(out),
					       (enum mailthr_verdict)v,
					       r.client_name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_limits lim;
	struct policy_scan s;
	char *buf;
	size_t off = 0, seen, step, reqlen;
	enum policy_status st;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	size--;
	policy_limits_default(&lim);
	policy_scan_init(&s);
	for (seen = 0; off < size;) {
		seen = seen + step < size - off ? seen + step : size - off;
		st = policy_scan(&s, &lim, buf + off, seen, &reqlen);
		if (st == POLICY_ERROR)
			break;
		if (st == POLICY_DONE) {
			if (reqlen == 0 || reqlen > seen || buf[off + reqlen - 1] != '\n')
				abort();
			one_request(buf + off, reqlen);
			off += reqlen;
			seen = 0;
			policy_scan_init(&s);
		} else if (seen == size - off)
			break;
	}
	free(buf);
	return 0;
}
