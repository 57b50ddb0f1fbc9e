/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailaddr - mail addresses and sender identities
 * SYNOPSIS
 *	#include "mailaddr.h"
 * DESCRIPTION
 *	What the mail filters make of the attributes an MTA gives them:
 *	a recipient or sender normalised for comparison (domain
 *	lower-cased, optionally "+extension" removed), and the identity a
 *	sender is throttled under, "kind:text" in a fixed-size,
 *	NUL-padded key: the first present of the configured order of SASL
 *	user, envelope sender and client address (IPv6 aggregated to a
 *	prefix, since one host holds a whole /64 of privacy addresses).
 *
 *	mailaddr_networks() reads a list of networks written as Postfix's
 *	mynetworks is: addresses and CIDR prefixes, IPv6 with or without
 *	brackets ("[::1]/128", "2001:db8::/32"), separated by spaces,
 *	commas or semicolons; `postconf -h mynetworks` output pastes in.
 *	Table lookups ("hash:...", "/file") and "!" exclusions are refused
 *	by name, and so is a prefix with host bits set, as Postfix does.
 */
#ifndef SLUICE_MAILADDR_H
#define SLUICE_MAILADDR_H

#include <stddef.h>
#include "addr.h"
#include "prefixset.h"

#define MAILADDR_IDENT_MAX 64	/* identity key: kind:text, NUL-padded */
#define MAILADDR_MAX 320	/* RFC 5321 path limit + slack */

enum mailaddr_ident { MAILADDR_ID_SASL, MAILADDR_ID_SENDER, MAILADDR_ID_CLIENT, MAILADDR_ID_NONE };

struct mailaddr_req {			/* any field may be NULL or "" */
	const char *sasl_user;
	const char *sender;
	const char *client_addr;
	const char *recipient;
};

struct mailaddr_idopts {		/* what makes an identity */
	enum mailaddr_ident order[3];	/* first present wins; NONE ends */
	unsigned v6_prefix;		/* IPv6 clients per prefix; 8..128 */
	int strip_extension;		/* drop "+ext" from local parts */
	char extension_delim;		/* '+' */
};

/* mailaddr_normalise - strip <>, lower-case the domain, drop the
   extension if asked; 0, or -1 if it is not an address (empty, no '@',
   too long, control characters) */
int mailaddr_normalise(const char *addr, int strip_ext, char delim,
		       char *out, size_t len);
/* mailaddr_identity - identity key for a request by the order;
   MAILADDR_ID_NONE (and an empty key) when no attribute of it is present */
enum mailaddr_ident mailaddr_identity(const struct mailaddr_idopts *o,
				  const struct mailaddr_req *r,
				  char out[MAILADDR_IDENT_MAX]);
/* mailaddr_networks - add text's networks to ps; 0, or -1 with why
   naming the element and what is accepted */
int mailaddr_networks(const char *text, struct prefixset *ps, char *why,
		      size_t len);
/* mailaddr_in_networks - client (text) is in ps; an IPv4-mapped IPv6
   address is looked up as IPv4 too; 0 when unparsable */
int mailaddr_in_networks(const struct prefixset *ps, const char *client);

#endif
