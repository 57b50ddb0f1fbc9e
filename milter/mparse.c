/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mparse - what sluice-milter takes from the MTA, checked at the edge
 * DESCRIPTION
 *	See mparse.h. Lengths are checked before anything is copied
 *	(strnlen with the destination's size), in the OpenSMTPD habit.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"
#include "mparse.h"

/* printable - no C0 controls and no DEL in s */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* mparse_value - bounded, printable copy of a macro value */
int mparse_value(const char *v, char *out, size_t len)
{
	size_t n;

	if (len == 0)
		return -1;
	out[0] = 0;
	if (v == NULL)
		return -1;
	n = strnlen(v, len);
	if (n == 0 || n >= len || !printable(v))
		return -1;
	memcpy(out, v, n + 1);
	return 0;
}

/* mparse_sockaddr - literal address of an IP peer */
int mparse_sockaddr(const struct sockaddr *sa, char out[ADDR_STRLEN])
{
	const void *src;

	out[0] = 0;
	if (sa == NULL)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		src = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		break;
	case AF_INET6:
		src = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		break;
	default:
		return -1;
	}
	if (inet_ntop(sa->sa_family, src, out, ADDR_STRLEN) == NULL) {
		out[0] = 0;
		return -1;
	}
	return 0;
}

/* mparse_client_macro - {client_addr} as a literal address */
int mparse_client_macro(const char *v, char out[ADDR_STRLEN])
{
	char buf[ADDR_STRLEN + 8];
	const char *p = buf;
	struct sl_addr a;
	size_t n;

	out[0] = 0;
	if (mparse_value(v, buf, sizeof(buf)) < 0)
		return -1;
	/* sendmail writes IPv6 clients as "IPv6:addr", some MTAs bracket */
	if (strncasecmp(p, "IPv6:", 5) == 0)
		p += 5;
	if (*p == '[') {
		n = strlen(++p);
		if (n == 0 || p[n - 1] != ']')
			return -1;
		buf[(size_t)(p - buf) + n - 1] = 0;
	}
	if (addr_parse(p, &a) < 0)
		return -1;
	addr_format(&a, out);
	return 0;
}

/* mparse_path - envelope path without the angle brackets */
int mparse_path(const char *const *argv, char *out, size_t len)
{
	char buf[1024];
	char *p = buf;
	size_t n;

	if (len == 0)
		return -1;
	out[0] = 0;
	if (argv == NULL || argv[0] == NULL)
		return -1;
	n = strnlen(argv[0], sizeof(buf));
	if (n >= sizeof(buf) || !printable(argv[0]))
		return -1;
	memcpy(buf, argv[0], n + 1);
	if (n > 0 && buf[0] == '<') {
		if (n < 2 || buf[n - 1] != '>')
			return -1;
		buf[n - 1] = 0;
		p++;
		n -= 2;
	}
	if (n >= len || strpbrk(p, "<>") != NULL)
		return -1;
	memcpy(out, p, n + 1);
	return 0;
}

/* mparse_conn - libmilter's spelling of an endpoint */
int mparse_conn(const char *text, char *out, size_t len, char *why,
		size_t whylen)
{
	char host[INET6_ADDRSTRLEN];
	struct endpoint ep;
	const void *a;
	unsigned port;
	int n;

	if (endpoint_parse(text, &ep, why, whylen) < 0)
		return -1;
	if (ep.family == AF_UNIX) {
		n = snprintf(out, len, "unix:%s", ep.path);
	} else {
		if (ep.family == AF_INET) {
			const struct sockaddr_in *s4 = (const void *)&ep.ss;

			a = &s4->sin_addr;
			port = ntohs(s4->sin_port);
		} else {
			const struct sockaddr_in6 *s6 = (const void *)&ep.ss;

			a = &s6->sin6_addr;
			port = ntohs(s6->sin6_port);
		}
		inet_ntop(ep.family, a, host, sizeof(host));
		n = snprintf(out, len, "%s:%u@%s",
			     ep.family == AF_INET ? "inet" : "inet6", port, host);
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(why, whylen, "socket name too long");
		return -1;
	}
	return 0;
}

/* xcode_class - class digit of a well-formed enhanced code at s, with
   its length in *n; -1 when s does not start with one */
static int xcode_class(const char *s, size_t *n)
{
	size_t i = 0, d;
	int part;

	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return -1;
	i = 2;
	for (part = 0; part < 2; part++) {
		for (d = 0; s[i] >= '0' && s[i] <= '9' && d < 3; d++)
			i++;
		if (d == 0)
			return -1;
		if (part == 0 && s[i++] != '.')
			return -1;
	}
	if (s[i] != 0 && s[i] != ' ')
		return -1;
	*n = i;
	return s[0] - '0';
}

/* mparse_reply - enhanced code and a libmilter-safe text */
int mparse_reply(const char *text, int cls, char xcode[12], char *msg,
		 size_t len)
{
	const char *p = text ? text : "";
	size_t n = 0, o = 0;

	if (xcode_class(p, &n) == cls) {
		memcpy(xcode, p, n);
		xcode[n] = 0;
		p += n;
	} else {
		if (xcode_class(p, &n) > 0)
			p += n;		/* a code of the wrong class: drop it */
		snprintf(xcode, 12, "%d.7.1", cls);
	}
	while (*p == ' ')
		p++;
	if (len == 0)
		return 0;
	/* libmilter ignores a text with a lone '%' and refuses CR or LF */
	for (; *p && o + 2 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%')
			msg[o++] = '%';
		msg[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	msg[o] = 0;
	return 0;
}

/* mparse_reason - one-line, non-empty quarantine reason */
char *mparse_reason(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (len == 0)
		return out;
	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (out[0] == 0)
		snprintf(out, len, "sluice");
	return out;
}
