/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailaddr - unit test of address normalisation and sender identities
 * DESCRIPTION
 *	Tables of addresses, and identities by the default order.
 */
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "mailthr.h"

/* test_normalise - table of addresses */
static void test_normalise(void)
{
	static const struct { const char *in; int strip; const char *want; } t[] = {
		{ "Alice@Example.ORG", 0, "Alice@example.org" },
		{ "<bob@EXAMPLE.org>", 0, "bob@example.org" },
		{ "bob+lists@example.org", 1, "bob@example.org" },
		{ "bob+lists@example.org", 0, "bob+lists@example.org" },
		{ "+only@example.org", 1, "+only@example.org" },
		{ "\"a@b\"@Example.org", 0, "\"a@b\"@example.org" },
		{ "", 0, NULL },
		{ "<>", 0, NULL },
		{ "nodomain", 0, NULL },
		{ "@example.org", 0, NULL },
		{ "user@", 0, NULL },
		{ "us er@example.org", 0, NULL },
		{ "user@exa\nmple.org", 0, NULL },
	};
	char out[MAILADDR_MAX], big[1000];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = mailaddr_normalise(t[i].in, t[i].strip, '+', out, sizeof(out));

		if (t[i].want)
			is_str(r == 0 ? out : "(refused)", t[i].want,
			       "normalise \"%s\"", t[i].in);
		else
			is_int(r, -1, "refuse \"%s\"", t[i].in);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	big[500] = '@';
	is_int(mailaddr_normalise(big, 0, '+', out, sizeof(out)), -1,
	       "refuse an address longer than %d", MAILADDR_MAX);
}

/* test_identity - the first present attribute of the order wins */
static void test_identity(void)
{
	struct mailthr_params p;
	char id[MAILADDR_IDENT_MAX];
	struct mailaddr_req r = { "alice", "Alice@Example.org", "192.0.2.7", "x@y" };
	struct mailaddr_req r2 = { NULL, "", "2001:db8:1:2:3:4:5:6", "x@y" };
	struct mailaddr_req r3 = { NULL, NULL, NULL, "x@y" };
	char longname[200];

	mailthr_defaults(&p);
	is_int(mailaddr_identity(&p.id, &r, id), MAILADDR_ID_SASL, "SASL user first");
	is_str(id, "sasl:alice", "SASL identity text");
	r.sasl_user = "";
	mailaddr_identity(&p.id, &r, id);
	is_str(id, "client:192.0.2.7", "then the client, never the forgeable "
	       "sender by default");
	p.id.order[1] = MAILADDR_ID_SENDER;
	p.id.order[2] = MAILADDR_ID_CLIENT;
	mailaddr_identity(&p.id, &r, id);
	is_str(id, "sender:Alice@example.org", "the sender when asked for");
	r.sender = NULL;
	mailaddr_identity(&p.id, &r, id);
	is_str(id, "client:192.0.2.7", "and then the client");
	mailaddr_identity(&p.id, &r2, id);
	is_str(id, "client:2001:db8:1:2::/64", "IPv6 client counted per /64");
	is_int(mailaddr_identity(&p.id, &r3, id), MAILADDR_ID_NONE, "nothing present");
	memset(longname, 'q', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	r.sasl_user = longname;
	mailaddr_identity(&p.id, &r, id);
	ok(strlen(id) < MAILADDR_IDENT_MAX && strchr(id, '~') != NULL,
	   "a long identity is cut and tagged with a hash (%s)", id);
}

int main(void)
{
	test_normalise();
	test_identity();
	return done_testing();
}
