/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_proto - Postfix SMTPD policy delegation protocol, bounded
 * SYNOPSIS
 *	#include "policy_proto.h"
 * DESCRIPTION
 *	A request is "name=value" lines ended by an empty line; the reply
 *	is one "action=..." line ended by an empty line (Postfix's
 *	SMTPD_POLICY_README). policy_scan() examines bytes as they arrive
 *	and enforces the bounds (line length, attribute count, request
 *	size, no control bytes, well-formed names) before anything is
 *	copied; policy_parse() then picks the attributes sluice uses out
 *	of one complete request, in place, ignoring unknown ones.
 *	policy_reply() formats an action; policy_action() maps a mail
 *	throttle verdict to an access(5) action.
 */
#ifndef SLUICE_POLICY_PROTO_H
#define SLUICE_POLICY_PROTO_H

#include <stddef.h>
#include "mailthr.h"

#define POLICY_LINE_MAX 2048	/* one "name=value" line, without '\n' */
#define POLICY_ATTRS_MAX 128	/* Postfix 3.7 sends about 40 */
#define POLICY_REQ_MAX 16384	/* one whole request */
#define POLICY_REPLY_MAX 512	/* one whole reply */
#define POLICY_TEXT_MAX 400	/* free text after the action */

struct policy_limits {
	size_t line_max, attrs_max, req_max;
};

enum policy_status { POLICY_MORE, POLICY_DONE, POLICY_ERROR };

struct policy_scan {		/* incremental state between reads */
	size_t pos;		/* bytes examined so far */
	size_t checked;		/* bytes checked for control bytes */
	size_t line_start;	/* offset of the current line */
	size_t attrs;		/* attribute lines seen */
	const char *why;	/* reason for POLICY_ERROR */
};

struct policy_req {		/* every field "" when absent */
	const char *request;
	const char *protocol_state;	/* RCPT, END-OF-MESSAGE, ... */
	const char *protocol_name;
	const char *queue_id;
	const char *instance;
	const char *sender;
	const char *recipient;
	const char *client_address;
	const char *client_name;
	const char *helo_name;
	const char *sasl_username;
	const char *recipient_count;
	size_t attrs;		/* attributes in the request */
};

/* policy_limits_default - the compiled-in bounds */
void policy_limits_default(struct policy_limits *lim);
/* policy_scan_init - start a new request */
void policy_scan_init(struct policy_scan *s);
/* policy_scan - examine buf[0..len) (a prefix of the same bytes as the
   last call, grown); POLICY_DONE with *reqlen the request's length
   including its empty line, POLICY_MORE, or POLICY_ERROR with s->why */
enum policy_status policy_scan(struct policy_scan *s,
			       const struct policy_limits *lim,
			       const char *buf, size_t len, size_t *reqlen);
/* policy_parse - split a request policy_scan accepted, in place (buf is
   changed); 0, or -1 with why (not a smtpd_access_policy request) */
int policy_parse(char *buf, size_t reqlen, struct policy_req *req,
		 const char **why);
/* policy_reply - "action=ACTION[ TEXT]\n\n" into buf, text cut to
   POLICY_TEXT_MAX and stripped of control bytes; returns the length
   (0 if len is too small for the action alone) */
size_t policy_reply(char *buf, size_t len, const char *action,
		    const char *text);
/* policy_action - access(5) action for a verdict: DUNNO, HOLD text,
   450 text, 550 text (an enhanced status code added when text has
   none); returns the length of the reply written into buf */
size_t policy_action(char *buf, size_t len, enum mailthr_verdict v,
		     const char *text);

#endif
