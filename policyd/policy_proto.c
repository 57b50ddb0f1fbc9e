/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_proto - Postfix SMTPD policy delegation protocol, bounded
 * DESCRIPTION
 *	See policy_proto.h. The scanner looks at each byte once, however
 *	the request is cut into reads, so a peer trickling bytes costs
 *	linear time; every bound is checked before a byte is accepted,
 *	so a peer sending an endless line is refused at line_max + 1
 *	bytes, not when (if ever) its newline comes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "policy_proto.h"

/* policy_limits_default - the compiled-in bounds */
void policy_limits_default(struct policy_limits *lim)
{
	lim->line_max = POLICY_LINE_MAX;
	lim->attrs_max = POLICY_ATTRS_MAX;
	lim->req_max = POLICY_REQ_MAX;
}

/* policy_scan_init - start a new request */
void policy_scan_init(struct policy_scan *s)
{
	memset(s, 0, sizeof(*s));
}

/* name_tab - characters Postfix uses in attribute names */
static const unsigned char name_tab[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1, ['-'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

/* line_check - a complete line is "name=value" with a sane name */
static const char *line_check(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len && line[i] != '='; i++)
		if (!name_tab[(unsigned char)line[i]])
			return "bad character in attribute name";
	if (i == len)
		return "line without '='";
	if (i == 0)
		return "empty attribute name";
	return NULL;
}

/* scan_fail - record why and report the error */
static enum policy_status scan_fail(struct policy_scan *s, const char *why)
{
	s->why = why;
	return POLICY_ERROR;
}

/* scan_newline - a line ended at s->pos */
static enum policy_status scan_newline(struct policy_scan *s,
				       const struct policy_limits *lim,
				       const char *buf, size_t *reqlen)
{
	size_t ll = s->pos - s->line_start;
	const char *why;

	if (ll == 0) {
		if (s->attrs == 0)
			return scan_fail(s, "empty request");
		*reqlen = s->pos + 1;
		return POLICY_DONE;
	}
	if ((why = line_check(buf + s->line_start, ll)) != NULL)
		return scan_fail(s, why);
	if (++s->attrs > lim->attrs_max)
		return scan_fail(s, "too many attributes");
	s->line_start = s->pos + 1;
	return POLICY_MORE;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* swar_eq - high bit set in each byte of x equal to c (exact) */
static inline uint64_t swar_eq(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (ONES * c);

	return ~(((y & ~HIGH) + ~HIGH) | y) & HIGH;
}

/* swar_below - high bit set in each byte of x below c <= 0x80 (exact) */
static inline uint64_t swar_below(uint64_t x, unsigned char c)
{
	return ~(((x & ~HIGH) + ONES * (0x80 - c)) | x) & HIGH;
}

/* control - a byte refused anywhere in a request: below 0x20 but for
   tab and newline, or DEL. Eight bytes at a time with exact per-byte
   masks, since every byte of every request passes here. */
static int control(const unsigned char *p, size_t n)
{
	uint64_t x, bad = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		bad |= (swar_below(x, 0x20) & ~swar_eq(x, '\n') &
			~swar_eq(x, '\t')) | swar_eq(x, 0x7f);
	}
	for (; i < n; i++)
		bad |= (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
		       p[i] == 0x7f;
	return bad != 0;
}

/* policy_scan - examine the bytes not seen yet, a line at a time */
enum policy_status policy_scan(struct policy_scan *s,
			       const struct policy_limits *lim,
			       const char *buf, size_t len, size_t *reqlen)
{
	enum policy_status st;
	const char *p, *nl;
	size_t seg, upto;

	if (s->why)
		return POLICY_ERROR;
	/* every new byte (up to the size bound) is checked once, in bulk */
	upto = len < lim->req_max ? len : lim->req_max;
	if (upto > s->checked) {
		if (control((const unsigned char *)buf + s->checked,
			    upto - s->checked))
			return scan_fail(s, "control byte in request");
		s->checked = upto;
	}
	while (s->pos < len) {
		p = buf + s->pos;
		nl = memchr(p, '\n', len - s->pos);
		seg = nl ? (size_t)(nl - p) : len - s->pos;
		if (s->pos + seg - s->line_start > lim->line_max)
			return scan_fail(s, "line too long");
		if (s->pos + seg + (nl != NULL) > lim->req_max)
			return scan_fail(s, "request too large");
		s->pos += seg;
		if (nl == NULL)
			break;
		st = scan_newline(s, lim, buf, reqlen);
		s->pos++;
		if (st != POLICY_MORE)
			return st;
	}
	return POLICY_MORE;
}

#define F(n) { #n, sizeof(#n) - 1, offsetof(struct policy_req, n) }
static const struct {
	const char *name;
	size_t len;
	size_t off;
} policy_fields[] = {
	F(request), F(protocol_state), F(protocol_name), F(queue_id),
	F(instance), F(sender), F(recipient), F(client_address),
	F(client_name), F(helo_name), F(sasl_username), F(recipient_count),
};
#undef F

/* field_set - store a known attribute; unknown ones are ignored */
static void field_set(struct policy_req *req, const char *name, size_t nlen,
		      const char *value)
{
	size_t i;

	/* lengths first: most of Postfix's 40 attributes are not ours */
	for (i = 0; i < sizeof(policy_fields) / sizeof(policy_fields[0]); i++)
		if (policy_fields[i].len == nlen &&
		    policy_fields[i].name[0] == name[0] &&
		    memcmp(policy_fields[i].name, name, nlen) == 0) {
			*(const char **)((char *)req + policy_fields[i].off) =
				value;
			return;
		}
}

/* req_clear - every field "" */
static void req_clear(struct policy_req *req)
{
	size_t i;

	for (i = 0; i < sizeof(policy_fields) / sizeof(policy_fields[0]); i++)
		*(const char **)((char *)req + policy_fields[i].off) = "";
	req->attrs = 0;
}

/* policy_parse - split a scanned request in place */
int policy_parse(char *buf, size_t reqlen, struct policy_req *req,
		 const char **why)
{
	char *p = buf, *end = buf + reqlen, *nl, *eq;

	req_clear(req);
	while (p < end && *p != '\n') {
		/* policy_scan guaranteed a '\n' and a '=' on every line */
		nl = memchr(p, '\n', (size_t)(end - p));
		eq = memchr(p, '=', (size_t)(nl - p));
		if (nl == NULL || eq == NULL) {
			*why = "request not scanned";
			return -1;
		}
		*nl = 0;
		*eq = 0;
		field_set(req, p, (size_t)(eq - p), eq + 1);
		req->attrs++;
		p = nl + 1;
	}
	if (strcmp(req->request, "smtpd_access_policy") != 0) {
		*why = "no request=smtpd_access_policy attribute";
		return -1;
	}
	return 0;
}

/* copy_clean - append src (up to max bytes) with control bytes blanked */
static size_t copy_clean(char *dst, const char *src, size_t max)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < max && src[i]; i++) {
		c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	return i;
}

/* policy_reply - format one reply */
size_t policy_reply(char *buf, size_t len, const char *action,
		    const char *text)
{
	size_t n, room;

	n = strlen("action=") + strlen(action) + 2;
	if (len <= n)
		return 0;
	memcpy(buf, "action=", 7);
	n = 7 + copy_clean(buf + 7, action, strlen(action));
	if (text && *text && len > n + 4) {
		room = len - n - 4;
		if (room > POLICY_TEXT_MAX)
			room = POLICY_TEXT_MAX;
		buf[n++] = ' ';
		n += copy_clean(buf + n, text, room);
	}
	buf[n++] = '\n';
	buf[n++] = '\n';
	buf[n] = 0;
	return n;
}

/* has_status - text starts with an enhanced status code of class c */
static int has_status(const char *t, char c)
{
	size_t i = 0;

	if (t[i++] != c || t[i++] != '.')
		return 0;
	if (t[i] < '0' || t[i] > '9')
		return 0;
	while (t[i] >= '0' && t[i] <= '9')
		i++;
	if (t[i++] != '.' || t[i] < '0' || t[i] > '9')
		return 0;
	while (t[i] >= '0' && t[i] <= '9')
		i++;
	return t[i] == ' ' || t[i] == 0;
}

/* coded_reply - "CODE [STATUS ]text" as the action */
static size_t coded_reply(char *buf, size_t len, const char *code,
			  const char *status, const char *text)
{
	char act[POLICY_TEXT_MAX + 16];

	if (text == NULL || *text == 0)
		text = "throttled";
	if (has_status(text, status[0]))
		snprintf(act, sizeof(act), "%s %s", code, text);
	else
		snprintf(act, sizeof(act), "%s %s %s", code, status, text);
	return policy_reply(buf, len, act, NULL);
}

/* policy_action - access(5) action for a verdict */
size_t policy_action(char *buf, size_t len, enum mailthr_verdict v,
		     const char *text)
{
	char held[POLICY_REPLY_MAX];

	switch (v) {
	case MAILTHR_PASS:
	case MAILTHR_WAIT:		/* answered DUNNO once released */
		return policy_reply(buf, len, "DUNNO", NULL);
	case MAILTHR_HOLD:
		/* Postfix logs "<rcpt>: Recipient address TEXT": say who
		   held it, so the line reads "Recipient address held by
		   sluice: sender throttled" */
		snprintf(held, sizeof(held), "held by sluice: %s",
			 text && *text ? text : "sender throttled");
		return policy_reply(buf, len, "HOLD", held);
	case MAILTHR_DEFER:
		return coded_reply(buf, len, "450", "4.7.1", text);
	case MAILTHR_REJECT:
		return coded_reply(buf, len, "550", "5.7.1", text);
	}
	/* an unknown verdict is a bug; fail safe with a temporary error */
	return coded_reply(buf, len, "451", "4.3.0", "policy error");
}
