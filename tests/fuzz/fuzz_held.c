/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_held - libFuzzer harness for sluice-policyd's policyd.held
 * DESCRIPTION
 *	policy_held_load on any bytes, into a registry that already holds
 *	one message: a refused file leaves exactly that one (never half
 *	loaded); a loaded one replaces it, and saving and loading it again
 *	gives the same number of messages. Nothing crashes or leaks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "policy_held.h"

/* due - policy_held_fn: releases are not looked at here */
static void due(void *ctx, const char *queue_id, const char *identity)
{
	(void)ctx;
	(void)queue_id;
	(void)identity;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_held *h = policy_held_create(64, due, NULL), *h2;
	FILE *fp = fmemopen((void *)data, size ? size : 1, "rb"), *tmp;
	size_t n;

	if (h == NULL || fp == NULL)
		abort();
	if (policy_held_add(h, "before", "Q1", "sender:a@x", 7, 0) < 0)
		abort();
	if (size == 0 || policy_held_load(h, fp, 0) < 0) {
		if (policy_held_count(h) != 1)
			abort();	/* half loaded */
	} else {
		n = policy_held_count(h);
		if ((tmp = tmpfile()) == NULL || policy_held_save(h, tmp) < 0)
			abort();
		rewind(tmp);
		h2 = policy_held_create(64, due, NULL);
		if (policy_held_load(h2, tmp, 0) < 0 || policy_held_count(h2) != n)
			abort();
		policy_held_free(h2);
		fclose(tmp);
	}
	fclose(fp);
	policy_held_free(h);
	return 0;
}
