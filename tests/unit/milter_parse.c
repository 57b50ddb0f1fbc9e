/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	milter_parse - unit test of mparse, what sluice-milter takes from the MTA
 * DESCRIPTION
 *	Table-driven: macro values, connect addresses, {client_addr},
 *	envelope paths, socket spellings, reply texts and quarantine
 *	reasons, good and hostile.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../../milter/mparse.h"
#include "../tap.h"

struct vcase { const char *in; size_t len; int rc; const char *out; };

/* test_value - bounded printable copies */
static void test_value(void)
{
	static const struct vcase t[] = {
		{ "alice", 64, 0, "alice" },
		{ NULL, 64, -1, "" },
		{ "", 64, -1, "" },
		{ "al\rice", 64, -1, "" },
		{ "al\x7fice", 64, -1, "" },
		{ "12345678", 9, 0, "12345678" },
		{ "123456789", 9, -1, "" },
		{ "utf8-\xc3\xa9", 64, 0, "utf8-\xc3\xa9" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = mparse_value(t[i].in, out, t[i].len);

		is_int(rc, t[i].rc, "value %zu: rc", i);
		is_str(out, t[i].out, "value %zu: text", i);
	}
}

/* test_sockaddr - IPv4, IPv6, unix and NULL peers */
static void test_sockaddr(void)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr un = { .sa_family = AF_UNIX };
	char out[ADDR_STRLEN];

	inet_pton(AF_INET, "192.0.2.7", &s4.sin_addr);
	inet_pton(AF_INET6, "2001:db8::25", &s6.sin6_addr);
	is_int(mparse_sockaddr((struct sockaddr *)&s4, out), 0, "sockaddr v4");
	is_str(out, "192.0.2.7", "sockaddr v4 text");
	is_int(mparse_sockaddr((struct sockaddr *)&s6, out), 0, "sockaddr v6");
	is_str(out, "2001:db8::25", "sockaddr v6 text");
	is_int(mparse_sockaddr(&un, out), -1, "sockaddr unix refused");
	is_str(out, "", "sockaddr unix leaves nothing");
	is_int(mparse_sockaddr(NULL, out), -1, "sockaddr NULL refused");
}

/* test_client_macro - {client_addr} spellings */
static void test_client_macro(void)
{
	static const struct vcase t[] = {
		{ "192.0.2.1", 0, 0, "192.0.2.1" },
		{ "IPv6:2001:db8::1", 0, 0, "2001:db8::1" },
		{ "ipv6:2001:DB8::1", 0, 0, "2001:db8::1" },
		{ "[2001:db8::2]", 0, 0, "2001:db8::2" },
		{ "[2001:db8::2", 0, -1, "" },
		{ "[]", 0, -1, "" },
		{ "mail.example.org", 0, -1, "" },
		{ "192.0.2.1\n", 0, -1, "" },
		{ "unknown", 0, -1, "" },
		{ NULL, 0, -1, "" },
		{ "1.2.3.4.5", 0, -1, "" },
	};
	char out[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		is_int(mparse_client_macro(t[i].in, out), t[i].rc,
		       "client_addr %zu: rc", i);
		is_str(out, t[i].out, "client_addr %zu: text", i);
	}
}

/* test_path - envelope paths */
static void test_path(void)
{
	static const struct vcase t[] = {
		{ "<alice@example.org>", 320, 0, "alice@example.org" },
		{ "alice@example.org", 320, 0, "alice@example.org" },
		{ "<>", 320, 0, "" },
		{ "", 320, 0, "" },
		{ "<alice@example.org", 320, -1, "" },
		{ "<", 320, -1, "" },
		{ "<a<b>", 320, -1, "" },
		{ "<a\r\n@b>", 320, -1, "" },
		{ "<abcdefghij@b>", 10, -1, "" },
		{ "<abcdef@b>", 10, 0, "abcdef@b" },
	};
	char out[320];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *argv[] = { t[i].in, NULL };

		is_int(mparse_path(argv, out, t[i].len), t[i].rc,
		       "path %zu: rc", i);
		is_str(out, t[i].out, "path %zu: text", i);
	}
	is_int(mparse_path(NULL, out, sizeof(out)), -1, "path: NULL argv");
	{
		const char *none[] = { NULL };

		is_int(mparse_path(none, out, sizeof(out)), -1, "path: no argv[0]");
	}
	{
		static char big[2000];
		const char *argv[] = { big, NULL };

		memset(big, 'a', sizeof(big) - 1);
		is_int(mparse_path(argv, out, sizeof(out)), -1, "path: 2000 bytes");
	}
}

/* test_conn - both socket spellings into libmilter's */
static void test_conn(void)
{
	static const struct vcase t[] = {
		{ "inet:127.0.0.1:10225", 0, 0, "inet:10225@127.0.0.1" },
		{ "inet:10225@127.0.0.1", 0, 0, "inet:10225@127.0.0.1" },
		{ "inet:[::1]:10225", 0, 0, "inet6:10225@::1" },
		{ "unix:/run/sluice/milter.sock", 0, 0, "unix:/run/sluice/milter.sock" },
		{ "/run/sluice/milter.sock", 0, 0, "unix:/run/sluice/milter.sock" },
		{ "inet:127.0.0.1", 0, -1, "" },
		{ "tcp:1@2", 0, -1, "" },
	};
	char out[160], why[128];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = mparse_conn(t[i].in, out, sizeof(out), why, sizeof(why));

		is_int(rc, t[i].rc, "conn %zu (%s): rc", i, t[i].in);
		if (rc == 0)
			is_str(out, t[i].out, "conn %zu: text", i);
		else
			ok(why[0] != 0, "conn %zu: a reason (%s)", i, why);
	}
}

struct rcase { const char *in; int cls; const char *x; const char *msg; };

/* test_reply - enhanced codes matched to the class, safe texts */
static void test_reply(void)
{
	static const struct rcase t[] = {
		{ "4.7.1 Too many new recipients", 4, "4.7.1",
		  "Too many new recipients" },
		{ "5.7.1 Locked out", 5, "5.7.1", "Locked out" },
		{ "5.7.1 Locked out", 4, "4.7.1", "Locked out" },
		{ "4.7.12 x", 4, "4.7.12", "x" },
		{ "4.7 x", 4, "4.7.1", "4.7 x" },
		{ "no code", 4, "4.7.1", "no code" },
		{ "100% sure", 4, "4.7.1", "100%% sure" },
		{ "line\r\nbreak", 5, "5.7.1", "line??break" },
		{ NULL, 4, "4.7.1", "" },
		{ "4.7.1", 4, "4.7.1", "" },
		{ "4.7.1000 x", 4, "4.7.1", "4.7.1000 x" },
	};
	char x[12], msg[MPARSE_REPLY_MAX];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mparse_reply(t[i].in, t[i].cls, x, msg, sizeof(msg));
		is_str(x, t[i].x, "reply %zu: code", i);
		is_str(msg, t[i].msg, "reply %zu: text", i);
	}
	mparse_reply("4.7.1 %%%%%%%%%%", 4, x, msg, 8);
	is_str(msg, "%%%%%%", "reply: '%%' doubling stays in bounds");
}

/* test_reason - one line, never empty */
static void test_reason(void)
{
	char r[32];

	is_str(mparse_reason(r, sizeof(r), "%s", ""), "sluice", "reason: empty");
	is_str(mparse_reason(r, sizeof(r), "a\nb"), "a?b", "reason: newline");
	mparse_reason(r, sizeof(r), "%s", "0123456789012345678901234567890123456789");
	is_int((int)strlen(r), 31, "reason: cut to the buffer");
}

int main(void)
{
	test_value();
	test_sockaddr();
	test_client_macro();
	test_path();
	test_conn();
	test_reply();
	test_reason();
	return done_testing();
}
