/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowrec - flow records from conntrack event logs and Zeek conn.log
 * SYNOPSIS
 *	#include "flowrec.h"
 * DESCRIPTION
 *	The parsers work on a (pointer, length) span and copy at most a
 *	short token (an address, a number) into a local buffer before it
 *	is converted, so a line without a NUL, an endless token or a
 *	binary blob costs nothing but a "bad line". The reasons given are
 *	fixed strings: the caller adds file and line number.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "flowrec.h"

#define TOK_MAX 64
#define MAX_SEC 100000000000ULL	/* year 5138: a bound, not a date check */

struct span {
	const char *p, *end;
};

/* flowrec_hash - a fast hash of a fixed-size key (the flow tables');
   eight bytes a step, then a final mix so every bit counts */
unsigned flowrec_hash(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	for (; n > 0; n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (unsigned)h;
}

/* flowrec_format_name - "conntrack", "zeek-tsv", "zeek-json", "pcap" */
const char *flowrec_format_name(enum flowrec_format f)
{
	switch (f) {
	case FLOWREC_CONNTRACK: return "conntrack";
	case FLOWREC_ZEEK_TSV: return "zeek-tsv";
	case FLOWREC_ZEEK_JSON: return "zeek-json";
	case FLOWREC_PCAP: return "pcap";
	case FLOWREC_UNKNOWN:
	default: return "unknown";
	}
}

/* flowrec_format_parse - the format of a name, or FLOWREC_UNKNOWN */
enum flowrec_format flowrec_format_parse(const char *name)
{
	static const enum flowrec_format all[] = {
		FLOWREC_CONNTRACK, FLOWREC_ZEEK_TSV, FLOWREC_ZEEK_JSON,
		FLOWREC_PCAP };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, flowrec_format_name(all[i])) == 0)
			return all[i];
	return FLOWREC_UNKNOWN;
}

/* flowrec_sniff - guess the format from the first bytes of a file */
enum flowrec_format flowrec_sniff(const uint8_t *b, size_t len)
{
	static const uint8_t magic[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },
		{ 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },
		{ 0x0a, 0x0d, 0x0d, 0x0a } };	/* pcap (us, ns), pcapng */
	size_t i;

	for (i = 0; len >= 4 && i < sizeof(magic) / sizeof(magic[0]); i++)
		if (memcmp(b, magic[i], 4) == 0)
			return FLOWREC_PCAP;
	for (i = 0; i < len && isspace(b[i]); i++)
		;
	if (i < len && b[i] == '{')
		return FLOWREC_ZEEK_JSON;
	if (i < len && b[i] == '#')
		return FLOWREC_ZEEK_TSV;
	if (i < len && b[i] == '[')
		return FLOWREC_CONNTRACK;
	return FLOWREC_UNKNOWN;
}

/* skip_space - past blanks */
static void skip_space(struct span *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
}

/* next_tok - the next blank-separated token; 0 at the end */
static int next_tok(struct span *s, struct span *tok)
{
	skip_space(s);
	tok->p = s->p;
	while (s->p < s->end && *s->p != ' ' && *s->p != '\t'
	       && *s->p != '\n' && *s->p != '\r')
		s->p++;
	tok->end = s->p;
	return tok->p < tok->end;
}

/* span_eq - does the span hold exactly str */
static int span_eq(const struct span *t, const char *str)
{
	size_t n = strlen(str);

	return (size_t)(t->end - t->p) == n && memcmp(t->p, str, n) == 0;
}

/* span_copy - the span as a C string in buf (TOK_MAX); -1 if too long */
static int span_copy(const struct span *t, char *buf)
{
	size_t n = (size_t)(t->end - t->p);

	if (n == 0 || n >= TOK_MAX)
		return -1;
	memcpy(buf, t->p, n);
	buf[n] = 0;
	return 0;
}

/* parse_time - "SEC[.FRACTION]" as ns; -1 if not that */
static int parse_time(const struct span *t, uint64_t *ns)
{
	const char *p = t->p;
	uint64_t sec = 0, frac = 0, scale = NS_PER_SEC;

	if (p >= t->end || !isdigit((unsigned char)*p))
		return -1;
	while (p < t->end && isdigit((unsigned char)*p)) {
		sec = sec * 10 + (uint64_t)(*p++ - '0');
		if (sec > MAX_SEC)
			return -1;
	}
	if (p < t->end && *p == '.')
		for (p++; p < t->end && isdigit((unsigned char)*p); p++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	if (p != t->end)
		return -1;
	*ns = sec * NS_PER_SEC + frac;
	return 0;
}

/* parse_iso - "YYYY-MM-DDTHH:MM:SS[.frac]Z" (Zeek's ISO 8601 ts) */
static int parse_iso(const struct span *t, uint64_t *ns)
{
	char buf[TOK_MAX], *rest;
	uint64_t frac = 0, scale = NS_PER_SEC;
	struct tm tm;
	time_t sec;

	if (span_copy(t, buf) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((rest = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*rest == '.')
		for (rest++; isdigit((unsigned char)*rest); rest++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*rest - '0') * scale;
			}
	if (strcmp(rest, "Z") != 0 || (sec = timegm(&tm)) < 0)
		return -1;
	*ns = (uint64_t)sec * NS_PER_SEC + frac;
	return 0;
}

/* parse_u16 - a port 0..65535 */
static int parse_u16(const struct span *t, uint16_t *out)
{
	const char *p = t->p;
	unsigned v = 0;

	if (p >= t->end)
		return -1;
	for (; p < t->end; p++) {
		if (!isdigit((unsigned char)*p) || (v = v * 10 + (unsigned)(*p - '0')) > 65535)
			return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

/* parse_ip - an IPv4 or IPv6 literal */
static int parse_ip(const struct span *t, struct sl_addr *a)
{
	char buf[TOK_MAX];

	return span_copy(t, buf) < 0 ? -1 : addr_parse(buf, a);
}

/* proto_num - "tcp" 6, "udp" 17, "icmp" 1, "icmpv6" 58, else 0 */
static uint8_t proto_num(const struct span *t)
{
	if (span_eq(t, "tcp"))
		return 6;
	if (span_eq(t, "udp"))
		return 17;
	if (span_eq(t, "icmp"))
		return 1;
	if (span_eq(t, "icmpv6") || span_eq(t, "ipv6-icmp"))
		return 58;
	return 0;
}

/* ct_event - the kind of a conntrack event word */
static int ct_event(const struct span *t)
{
	if (span_eq(t, "[NEW]"))
		return 1;
	if (span_eq(t, "[UPDATE]"))
		return 2;
	if (span_eq(t, "[DESTROY]"))
		return 3;
	return 0;
}

/* kv - does token t start with key (and hold more): the rest in v */
static int kv(const struct span *t, const char *key, struct span *v)
{
	size_t n = strlen(key);

	if ((size_t)(t->end - t->p) <= n || memcmp(t->p, key, n) != 0)
		return 0;
	v->p = t->p + n;
	v->end = t->end;
	return 1;
}

/* ct_tuple - the original direction's key=value tokens and flags */
static int ct_tuple(struct span *s, struct flowrec *r, int *unreplied,
		    int *closing)
{
	struct span t, v;
	int have = 0, bad = 0;

	*unreplied = *closing = 0;
	while (next_tok(s, &t)) {
		if (span_eq(&t, "[UNREPLIED]"))
			*unreplied = 1;
		else if (span_eq(&t, "CLOSE") || span_eq(&t, "TIME_WAIT"))
			*closing = 1;
		/* only the first of each key: the original direction */
		if (!(have & 1) && kv(&t, "src=", &v))
			bad |= parse_ip(&v, &r->src), have |= 1;
		else if (!(have & 2) && kv(&t, "dst=", &v))
			bad |= parse_ip(&v, &r->dst), have |= 2;
		else if (!(have & 4) && kv(&t, "sport=", &v))
			bad |= parse_u16(&v, &r->sport), have |= 4;
		else if (!(have & 8) && kv(&t, "dport=", &v))
			bad |= parse_u16(&v, &r->dport), have |= 8;
	}
	if (bad)
		return -1;
	return (have & 3) == 3 && r->src.family == r->dst.family ? 0 : -1;
}

/* flowrec_conntrack - one conntrack -E -o timestamp line */
int flowrec_conntrack(const char *line, size_t len, struct flowrec *out,
		      const char **why)
{
	struct span s = { line, line + len }, t;
	int ev, unreplied, closing;

	memset(out, 0, sizeof(*out));
	if (!next_tok(&s, &t))
		return 0;
	if (t.end - t.p < 3 || *t.p != '[' || t.end[-1] != ']') {
		*why = "no [SECONDS.MICROSECONDS] timestamp (conntrack -E -o timestamp)";
		return -1;
	}
	t.p++, t.end--;
	if (parse_time(&t, &out->ts_ns) < 0) {
		*why = "bad timestamp";
		return -1;
	}
	if (!next_tok(&s, &t) || (ev = ct_event(&t)) == 0) {
		*why = "no [NEW], [UPDATE] or [DESTROY] event";
		return -1;
	}
	/* -o extended puts "ipv4 2" before the protocol */
	if (!next_tok(&s, &t)) {
		*why = "no protocol";
		return -1;
	}
	if (span_eq(&t, "ipv4") || span_eq(&t, "ipv6")) {
		(void)next_tok(&s, &t);
		(void)next_tok(&s, &t);
	}
	out->proto = proto_num(&t);
	if (ct_tuple(&s, out, &unreplied, &closing) < 0) {
		*why = "no valid src= and dst= of one family";
		return -1;
	}
	if (ev == 1) {
		out->kind = FLOWREC_START;
	} else if (!unreplied && ev == 2) {
		out->kind = FLOWREC_OUTCOME;
		out->success = 1;
	} else if (unreplied && (ev == 3 || closing)) {
		out->kind = FLOWREC_OUTCOME;
		out->success = 0;
	} else {
		return 0;	/* a later state change of a known flow */
	}
	return 1;
}

/* flowrec_zeek_outcome - from a conn_state: 1 reply, 0 failure, -1 none */
int flowrec_zeek_outcome(const char *state, size_t len)
{
	static const char *const ok[] = { "S1", "SF", "S2", "S3", "RSTO",
					  "RSTR", NULL };
	static const char *const fail[] = { "S0", "REJ", "RSTOS0", "SH", NULL };
	size_t i;

	for (i = 0; ok[i]; i++)
		if (strlen(ok[i]) == len && memcmp(ok[i], state, len) == 0)
			return 1;
	for (i = 0; fail[i]; i++)
		if (strlen(fail[i]) == len && memcmp(fail[i], state, len) == 0)
			return 0;
	return -1;
}

/* zeek_emit - start (and outcome) records of one connection */
static int zeek_emit(struct flowrec out[2], int outcome)
{
	out[0].kind = FLOWREC_START;
	if (outcome < 0)
		return 1;
	out[1] = out[0];
	out[1].kind = FLOWREC_OUTCOME;
	out[1].success = (int8_t)outcome;
	return 2;
}

/* flowrec_zeek_init - a header state before "#fields" was seen */
void flowrec_zeek_init(struct flowrec_zeek *z)
{
	memset(z, 0, sizeof(*z));
	z->ts = z->src = z->sport = z->dst = z->dport = z->proto = z->state = -1;
	z->sep = '\t';
}

/* zeek_field_split - the fields of a line, cut at sep */
static int zeek_split(const char *line, size_t len, char sep,
		      struct span *f, int max)
{
	const char *p = line, *end = line + len;
	int n = 0;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	while (n < max) {
		f[n].p = p;
		while (p < end && *p != sep)
			p++;
		f[n++].end = p;
		if (p >= end)
			break;
		p++;
	}
	return n;
}

/* zeek_header - "#separator" and "#fields" lines */
static int zeek_header(struct flowrec_zeek *z, const char *line, size_t len,
		       const char **why)
{
	static const char *const names[] = { "ts", "id.orig_h", "id.orig_p",
		"id.resp_h", "id.resp_p", "proto", "conn_state" };
	struct span f[FLOWREC_ZEEK_FIELDS];
	int *slot[] = { &z->ts, &z->src, &z->sport, &z->dst, &z->dport,
			&z->proto, &z->state };
	int n, i, j;

	if (len >= 14 && memcmp(line, "#separator \\x", 13) == 0) {
		char hex[3] = { line[13], len > 14 ? line[14] : 0, 0 };

		z->sep = (char)strtol(hex, NULL, 16);
		if (z->sep == 0 || z->sep == '\n') {
			*why = "bad #separator";
			z->sep = '\t';
			return -1;
		}
		return 0;
	}
	if (len < 8 || memcmp(line, "#fields", 7) != 0 || line[7] != z->sep)
		return 0;
	n = zeek_split(line + 8, len - 8, z->sep, f, FLOWREC_ZEEK_FIELDS);
	flowrec_zeek_init(z);
	z->sep = line[7];
	z->nfields = n;
	for (i = 0; i < n; i++)
		for (j = 0; j < 7; j++)
			if (span_eq(&f[i], names[j]))
				*slot[j] = i;
	if (z->ts < 0 || z->src < 0 || z->dst < 0) {
		*why = "#fields lacks ts, id.orig_h or id.resp_h";
		z->nfields = 0;
		return -1;
	}
	return 0;
}

/* zeek_port - a port column, "-" counting as 0 */
static int zeek_port(const struct span *t, uint16_t *out)
{
	*out = 0;
	return span_eq(t, "-") ? 0 : parse_u16(t, out);
}

/* flowrec_zeek_tsv - one conn.log line; header lines update z */
int flowrec_zeek_tsv(struct flowrec_zeek *z, const char *line, size_t len,
		     struct flowrec out[2], const char **why)
{
	struct span f[FLOWREC_ZEEK_FIELDS];
	int n, outcome = -1;

	memset(out, 0, 2 * sizeof(*out));
	if (len == 0 || line[0] == '\n' || line[0] == '\r')
		return 0;
	if (line[0] == '#')
		return zeek_header(z, line, len, why);
	if (z->nfields == 0) {
		*why = "data before a #fields header line";
		return -1;
	}
	n = zeek_split(line, len, z->sep, f, FLOWREC_ZEEK_FIELDS);
	if (n < z->nfields) {
		*why = "fewer fields than the #fields header names";
		return -1;
	}
	if (parse_time(&f[z->ts], &out[0].ts_ns) < 0) {
		*why = "bad ts";
		return -1;
	}
	if (parse_ip(&f[z->src], &out[0].src) < 0
	    || parse_ip(&f[z->dst], &out[0].dst) < 0
	    || out[0].src.family != out[0].dst.family) {
		*why = "bad id.orig_h or id.resp_h";
		return -1;
	}
	if ((z->sport >= 0 && zeek_port(&f[z->sport], &out[0].sport) < 0)
	    || (z->dport >= 0 && zeek_port(&f[z->dport], &out[0].dport) < 0)) {
		*why = "bad id.orig_p or id.resp_p";
		return -1;
	}
	if (z->proto >= 0)
		out[0].proto = proto_num(&f[z->proto]);
	if (z->state >= 0)
		outcome = flowrec_zeek_outcome(f[z->state].p,
					       (size_t)(f[z->state].end - f[z->state].p));
	return zeek_emit(out, outcome);
}

/* json_ws - past JSON white space */
static void json_ws(struct span *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'
				 || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* json_string - a string at s->p (quote included); raw content in out */
static int json_string(struct span *s, struct span *out)
{
	if (s->p >= s->end || *s->p != '"')
		return -1;
	out->p = ++s->p;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
		s->p++;
	}
	if (s->p >= s->end)
		return -1;
	out->end = s->p++;
	return 0;
}

/* json_skip - a nested object or array, strings inside included */
static int json_skip(struct span *s)
{
	struct span str;
	int depth = 0;

	do {
		if (s->p >= s->end)
			return -1;
		if (*s->p == '"') {
			if (json_string(s, &str) < 0)
				return -1;
			continue;
		}
		if (*s->p == '{' || *s->p == '[')
			depth++;
		else if (*s->p == '}' || *s->p == ']')
			depth--;
		s->p++;
	} while (depth > 0);
	return 0;
}

/* json_value - one value; scalars and strings in out, nested skipped */
static int json_value(struct span *s, struct span *out, int *is_str)
{
	*is_str = 0;
	if (s->p < s->end && *s->p == '"') {
		*is_str = 1;
		return json_string(s, out);
	}
	if (s->p < s->end && (*s->p == '{' || *s->p == '[')) {
		*is_str = -1;	/* nested: skipped, never a value we use */
		out->p = out->end = s->p;
		return json_skip(s);
	}
	out->p = s->p;
	while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ' '
	       && *s->p != '\t' && *s->p != '\n' && *s->p != '\r')
		s->p++;
	out->end = s->p;
	return out->p < out->end ? 0 : -1;
}

struct zeek_json {
	struct span v[7];	/* ts, orig_h, orig_p, resp_h, resp_p, proto, state */
	int have[7], str[7];
};

/* zeek_json_scan - the members of one object that conn.log defines */
static int zeek_json_scan(struct span *s, struct zeek_json *j)
{
	static const char *const names[] = { "ts", "id.orig_h", "id.orig_p",
		"id.resp_h", "id.resp_p", "proto", "conn_state" };
	struct span key, val;
	int i, is_str;

	json_ws(s);
	if (s->p >= s->end || *s->p++ != '{')
		return -1;
	for (;;) {
		json_ws(s);
		if (s->p < s->end && *s->p == '}')
			return 0;
		if (json_string(s, &key) < 0)
			return -1;
		json_ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return -1;
		json_ws(s);
		if (json_value(s, &val, &is_str) < 0)
			return -1;
		for (i = 0; i < 7 && is_str >= 0; i++)
			if (span_eq(&key, names[i])) {
				j->v[i] = val;
				j->have[i] = 1;
				j->str[i] = is_str;
			}
		json_ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p >= s->end || *s->p != '}')
			return -1;
	}
}

/* flowrec_zeek_json - one conn.log JSON line */
int flowrec_zeek_json(const char *line, size_t len, struct flowrec out[2],
		      const char **why)
{
	struct span s = { line, line + len };
	struct zeek_json j;
	int outcome = -1;

	memset(out, 0, 2 * sizeof(*out));
	memset(&j, 0, sizeof(j));
	json_ws(&s);
	if (s.p == s.end)
		return 0;
	if (zeek_json_scan(&s, &j) < 0) {
		*why = "not a JSON object";
		return -1;
	}
	if (!j.have[0] || (j.str[0] ? parse_iso(&j.v[0], &out[0].ts_ns)
			   : parse_time(&j.v[0], &out[0].ts_ns)) < 0) {
		*why = "no ts, or a ts neither seconds nor ISO 8601 UTC";
		return -1;
	}
	if (!j.have[1] || !j.have[3] || parse_ip(&j.v[1], &out[0].src) < 0
	    || parse_ip(&j.v[3], &out[0].dst) < 0
	    || out[0].src.family != out[0].dst.family) {
		*why = "bad or missing id.orig_h or id.resp_h";
		return -1;
	}
	if ((j.have[2] && parse_u16(&j.v[2], &out[0].sport) < 0)
	    || (j.have[4] && parse_u16(&j.v[4], &out[0].dport) < 0)) {
		*why = "bad id.orig_p or id.resp_p";
		return -1;
	}
	if (j.have[5])
		out[0].proto = proto_num(&j.v[5]);
	if (j.have[6])
		outcome = flowrec_zeek_outcome(j.v[6].p,
					       (size_t)(j.v[6].end - j.v[6].p));
	return zeek_emit(out, outcome);
}
