/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_proto - unit test of the policy protocol scanner and replies
 * DESCRIPTION
 *	Table-driven: each request is fed whole and byte by byte (a peer
 *	may cut a request anywhere), and must give the same status and
 *	reason both ways. Then parsing, pipelining and reply formatting.
 */
#include <stdlib.h>
#include <string.h>
#include "../tap.h"
#include "../../policyd/policy_proto.h"

#define GOOD "request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"sender=a@b.example\nrecipient=c@d.example\n" \
	"client_address=192.0.2.1\nsasl_username=alice\n" \
	"x_unknown_attribute=whatever\ninstance=1a2b.3c\n\n"

struct scase {
	const char *name;
	const char *data;
	size_t len;		/* 0 = strlen */
	enum policy_status want;
	const char *why;	/* substring of the reason, or NULL */
};

static char *repeat(const char *unit, size_t n, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * n + tl + 1);
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * n, tail, tl + 1);
	return s;
}

/* feed - scan data whole or one byte at a time */
static enum policy_status feed(const char *data, size_t len, int bytewise,
			       size_t *reqlen, const char **why)
{
	struct policy_scan s;
	struct policy_limits lim;
	enum policy_status st = POLICY_MORE;
	size_t n;

	policy_limits_default(&lim);
	policy_scan_init(&s);
	if (!bytewise)
		st = policy_scan(&s, &lim, data, len, reqlen);
	for (n = 1; bytewise && n <= len && st == POLICY_MORE; n++)
		st = policy_scan(&s, &lim, data, n, reqlen);
	*why = s.why;
	return st;
}

static void scan_cases(void)
{
	char *longline = repeat("x", POLICY_LINE_MAX + 1, "");
	char *okline, *many, *big;
	char *overlong;
	size_t i;

	okline = malloc(POLICY_LINE_MAX + 64);
	snprintf(okline, POLICY_LINE_MAX + 64,
		 "request=smtpd_access_policy\nsender=%.*s\n\n",
		 POLICY_LINE_MAX - 7, longline);
	overlong = malloc(POLICY_LINE_MAX + 64);
	snprintf(overlong, POLICY_LINE_MAX + 64,
		 "request=smtpd_access_policy\nsender=%.*s\n\n",
		 POLICY_LINE_MAX - 6, longline);
	many = repeat("a=b\n", 10000, "\n");
	big = repeat("recipient=0123456789012345678901234567890123456789\n",
		     POLICY_ATTRS_MAX - 1, "\n");
	struct scase cases[] = {
		{ "good request", GOOD, 0, POLICY_DONE, NULL },
		{ "unfinished request", "request=smtpd_access_policy\nsender=",
		  0, POLICY_MORE, NULL },
		{ "line of exactly line_max", okline, 0, POLICY_DONE, NULL },
		{ "overlong line", overlong, 0, POLICY_ERROR, "line too long" },
		{ "endless line without newline", longline, 0, POLICY_ERROR,
		  "line too long" },
		{ "10,000 attributes", many, 0, POLICY_ERROR,
		  "too many attributes" },
		{ "binary junk", "\x01\x02\xff\x00junk\n\n", 8, POLICY_ERROR,
		  "control byte" },
		{ "NUL in value", "request=smtpd\0x\n\n", 17, POLICY_ERROR,
		  "control byte" },
		{ "CR LF line ends", "request=smtpd_access_policy\r\n\r\n", 0,
		  POLICY_ERROR, "control byte" },
		{ "line without =", "request=smtpd_access_policy\nhello\n\n",
		  0, POLICY_ERROR, "without '='" },
		{ "empty name", "=x\n\n", 0, POLICY_ERROR, "empty attribute" },
		{ "bad name", "re quest=x\n\n", 0, POLICY_ERROR, "bad character" },
		{ "empty request", "\n", 0, POLICY_ERROR, "empty request" },
		{ "high bytes (UTF-8) in value",
		  "request=smtpd_access_policy\nsender=j\xc3\xb6@x.example\n\n",
		  0, POLICY_DONE, NULL },
		{ "request just under req_max", big, 0, POLICY_DONE, NULL },
	};

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);
		size_t r1 = 0, r2 = 0;
		const char *w1, *w2;
		enum policy_status s1 = feed(cases[i].data, len, 0, &r1, &w1);
		enum policy_status s2 = feed(cases[i].data, len, 1, &r2, &w2);

		is_int(s1, cases[i].want, "%s: status (whole)", cases[i].name);
		is_int(s2, cases[i].want, "%s: status (byte by byte)",
		       cases[i].name);
		if (cases[i].want == POLICY_DONE)
			ok(r1 == len && r2 == len, "%s: length %zu %zu of %zu",
			   cases[i].name, r1, r2, len);
		if (cases[i].why)
			ok(w1 && w2 && strstr(w1, cases[i].why) &&
			   strstr(w2, cases[i].why), "%s: reason '%s' / '%s'",
			   cases[i].name, w1 ? w1 : "(null)",
			   w2 ? w2 : "(null)");
	}
	free(longline);
	free(okline);
	free(overlong);
	free(many);
	free(big);
}

static void too_large(void)
{
	struct policy_limits lim;
	char *big;
	size_t r;
	const char *why;

	policy_limits_default(&lim);
	/* lines well under line_max and under attrs_max, but too many bytes */
	big = repeat("recipient=01234567890123456789012345678901234567890"
		     "1234567890123456789012345678901234567890123456789"
		     "01234567890123456789012345678901234567890123456789"
		     "012345678901234567890\n", 100, "\n");
	is_int(feed(big, strlen(big), 0, &r, &why), POLICY_ERROR,
	       "request over req_max refused");
	ok(why && strstr(why, "too large"), "reason '%s'", why ? why : "");
	free(big);
}

/* control_positions - every refused byte at every offset in a line
   (the scanner looks at eight bytes at a time) */
static void control_positions(void)
{
	static const unsigned char bad[] = { 0x00, 0x01, 0x0d, 0x1f, 0x7f };
	char buf[128];
	size_t i, b, n, r;
	const char *why;
	int wrong = 0;

	for (b = 0; b < sizeof(bad); b++)
		for (i = 0; i < 24; i++) {
			n = (size_t)snprintf(buf, sizeof(buf),
				"request=smtpd_access_policy\nsender="
				"abcdefghijklmnopqrstuvwxyz\n\n");
			buf[36 + i] = (char)bad[b];
			if (feed(buf, n, 0, &r, &why) != POLICY_ERROR) {
				diag("byte 0x%02x at %zu accepted", bad[b], i);
				wrong++;
			}
		}
	is_int(wrong, 0, "control bytes refused at every offset");
	/* every byte value at every offset of a word: the bulk check must
	   agree with the definition byte for byte */
	wrong = 0;
	for (b = 0; b < 256; b++)
		for (i = 0; i < 16 && b != '\n'; i++) {
			int refused = (b < 0x20 && b != '\t') || b == 0x7f;

			n = (size_t)snprintf(buf, sizeof(buf),
				"request=smtpd_access_policy\nsender="
				"abcdefghijklmnopqrstuvwxyz\n\n");
			buf[36 + i] = (char)b;
			if ((feed(buf, n, 0, &r, &why) == POLICY_ERROR) != refused) {
				if (wrong++ < 5)
					diag("byte 0x%02zx at %zu: got %s", b, i,
					     refused ? "accepted" : "refused");
			}
		}
	is_int(wrong, 0, "all 255 byte values judged right at 16 offsets");
	n = (size_t)snprintf(buf, sizeof(buf), "request=smtpd_access_policy\n"
			     "sender=\ta\tb\x80\xfe" "~ cdefghijkl\n\n");
	is_int(feed(buf, n, 0, &r, &why), POLICY_DONE,
	       "tabs, high bytes, '~' and space accepted");
}

static void parse(void)
{
	char buf[] = GOOD "request=smtpd_access_policy\nrecipient=x@y\n\n";
	struct policy_req req;
	struct policy_scan s;
	struct policy_limits lim;
	const char *why = NULL;
	size_t r1 = 0, r2 = 0, total = strlen(buf);
	char nobuf[] = "protocol_state=RCPT\nsender=a@b\n\n";
	char wrong[] = "request=junk\n\n";

	policy_limits_default(&lim);
	policy_scan_init(&s);
	is_int(policy_scan(&s, &lim, buf, total, &r1), POLICY_DONE,
	       "pipelined: first request found");
	is_int(policy_parse(buf, r1, &req, &why), 0, "first request parsed");
	is_str(req.sender, "a@b.example", "sender");
	is_str(req.recipient, "c@d.example", "recipient");
	is_str(req.client_address, "192.0.2.1", "client_address");
	is_str(req.sasl_username, "alice", "sasl_username");
	is_str(req.protocol_state, "RCPT", "protocol_state");
	is_str(req.instance, "1a2b.3c", "instance");
	is_str(req.queue_id, "", "absent queue_id is empty");
	is_uint(req.attrs, 8, "attributes counted, unknown one included");
	policy_scan_init(&s);
	is_int(policy_scan(&s, &lim, buf + r1, total - r1, &r2), POLICY_DONE,
	       "pipelined: second request found");
	is_uint(r1 + r2, total, "both requests use every byte");
	is_int(policy_parse(buf + r1, r2, &req, &why), 0, "second parsed");
	is_str(req.recipient, "x@y", "second recipient");
	is_str(req.sender, "", "second request has no sender");

	is_int(policy_parse(nobuf, strlen(nobuf), &req, &why), -1,
	       "no request= attribute refused");
	ok(why && strstr(why, "request="), "reason '%s'", why ? why : "");
	is_int(policy_parse(wrong, strlen(wrong), &req, &why), -1,
	       "request=junk refused");
}

static void replies(void)
{
	char buf[POLICY_REPLY_MAX];
	char small[12];
	char *longtext = repeat("y", 1000, "");
	size_t n;

	n = policy_reply(buf, sizeof(buf), "DUNNO", NULL);
	is_str(buf, "action=DUNNO\n\n", "DUNNO reply");
	is_uint(n, 14, "DUNNO length");
	policy_reply(buf, sizeof(buf), "HOLD", "a\nb\rc");
	is_str(buf, "action=HOLD a b c\n\n", "newlines in text blanked");
	n = policy_reply(buf, sizeof(buf), "HOLD", longtext);
	is_uint(n, 7 + 4 + 1 + POLICY_TEXT_MAX + 2, "long text cut");
	ok(strcmp(buf + n - 2, "\n\n") == 0, "cut reply still ends the reply");
	is_uint(policy_reply(small, sizeof(small), "DUNNO", NULL), 0,
		"too small a buffer: 0");

	policy_action(buf, sizeof(buf), MAILTHR_PASS, "ignored");
	is_str(buf, "action=DUNNO\n\n", "PASS -> DUNNO");
	policy_action(buf, sizeof(buf), MAILTHR_HOLD, "sender throttled");
	is_str(buf, "action=HOLD held by sluice: sender throttled\n\n",
	       "HOLD text: Postfix logs it after \"Recipient address\"");
	policy_action(buf, sizeof(buf), MAILTHR_DEFER, "4.7.1 too many new recipients");
	is_str(buf, "action=450 4.7.1 too many new recipients\n\n",
	       "DEFER keeps the status code");
	policy_action(buf, sizeof(buf), MAILTHR_DEFER, "slow down");
	is_str(buf, "action=450 4.7.1 slow down\n\n", "DEFER adds 4.7.1");
	policy_action(buf, sizeof(buf), MAILTHR_REJECT, "5.7.1 locked out");
	is_str(buf, "action=550 5.7.1 locked out\n\n", "REJECT");
	policy_action(buf, sizeof(buf), MAILTHR_REJECT, "4.7.1 odd");
	is_str(buf, "action=550 5.7.1 4.7.1 odd\n\n",
	       "REJECT with a 4xx status gets 5.7.1 in front");
	policy_action(buf, sizeof(buf), MAILTHR_DEFER, NULL);
	is_str(buf, "action=450 4.7.1 throttled\n\n", "DEFER without text");
	policy_action(buf, sizeof(buf), (enum mailthr_verdict)99, NULL);
	is_str(buf, "action=451 4.3.0 policy error\n\n",
	       "unknown verdict fails safe");
	free(longtext);
}

int main(void)
{
	scan_cases();
	too_large();
	control_positions();
	parse();
	replies();
	return done_testing();
}
