/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mparse - what sluice-milter takes from the MTA, checked at the edge
 * SYNOPSIS
 *	#include "mparse.h"
 * DESCRIPTION
 *	Everything the MTA hands the filter (the connect address, macro
 *	values such as {auth_authen} and {client_addr}, the envelope
 *	paths) and everything the filter hands back (reply and quarantine
 *	texts) passes through here. Values are copied bounded; a value
 *	that is too long or holds control characters is treated as absent,
 *	so a hostile or broken MTA cannot steer the identity with junk.
 *	Pure functions: no libmilter, no I/O, so the fuzzer reaches them.
 */
#ifndef SLUICE_MPARSE_H
#define SLUICE_MPARSE_H

#include <stddef.h>
#include <sys/socket.h>
#include "addr.h"

#define MPARSE_REPLY_MAX 256	/* reply text we hand to smfi_setreply */

/* mparse_value - copy a printable macro value into out; 0, or -1 when
   absent, empty, longer than len - 1, or holding control characters */
int mparse_value(const char *v, char *out, size_t len);
/* mparse_sockaddr - literal address of an AF_INET/AF_INET6 peer into
   out (ADDR_STRLEN); 0, or -1 for NULL, AF_UNIX or anything else */
int mparse_sockaddr(const struct sockaddr *sa, char out[ADDR_STRLEN]);
/* mparse_client_macro - the {client_addr} macro ("192.0.2.1",
   "IPv6:2001:db8::1", "[2001:db8::1]") as a literal address; 0 or -1 */
int mparse_client_macro(const char *v, char out[ADDR_STRLEN]);
/* mparse_path - envelope path argv[0] ("<a@b>", "a@b", "<>") without
   the brackets into out; 0 (out may be "" for the null sender) or -1 */
int mparse_path(const char *const *argv, char *out, size_t len);
/* mparse_conn - a socket in Postfix's or libmilter's spelling (see
   endpoint(3)) as libmilter's smfi_setconn wants it: "unix:/path",
   "inet:port@a.b.c.d", "inet6:port@v6addr"; 0, or -1 with why */
int mparse_conn(const char *text, char *out, size_t len, char *why,
		size_t whylen);
/* mparse_reply - split "X.Y.Z text" into the enhanced code and a text
   libmilter accepts ('%' doubled, controls replaced); cls is 4 or 5
   and a code of another class is replaced by cls.7.1; returns 0 */
int mparse_reply(const char *text, int cls, char xcode[12], char *msg,
		 size_t len);
/* mparse_reason - a one-line quarantine reason from a format (never
   empty, no controls); returns out */
char *mparse_reason(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
