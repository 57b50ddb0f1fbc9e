/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	jsoncheck.h - a small RFC 8259 checker for one JSON line
 * SYNOPSIS
 *	#include "jsoncheck.h"
 *
 *	json_line_valid(line, len)
 * DESCRIPTION
 *	Objects, strings with their escapes and UTF-8, numbers, literals;
 *	exactly one object, then '\n', then the end. Shared by event.t and
 *	the fuzz_event harness to prove a hostile field cannot break an
 *	event line.
 */
#ifndef SLUICE_JSONCHECK_H
#define SLUICE_JSONCHECK_H

#include <string.h>

static int jv_value(const char **p, int depth);

/* jv_ws - skip JSON whitespace (never a newline inside our lines) */
static void jv_ws(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* jv_utf8 - length of the strict UTF-8 character at s, 0 if invalid
   (overlong forms, surrogates, past U+10FFFF) */
static int jv_utf8(const unsigned char *s)
{
	unsigned cp;
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* jv_string - a string with valid escapes and UTF-8, no raw controls */
static int jv_string(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	int i, n;

	if (*s++ != '"')
		return 0;
	while (*s != '"') {
		if (*s < 0x20)
			return 0;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return 0;
				s += 5;
			} else if (*s && strchr("\"\\/bfnrt", *s)) {
				s++;
			} else {
				return 0;
			}
			continue;
		}
		if ((n = jv_utf8(s)) == 0)
			return 0;
		s += n;
	}
	*p = (const char *)s + 1;
	return 1;
}

/* jv_number - -?int frac? exp? */
static int jv_number(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*p = s;
	return 1;
}

/* jv_object - { "k": v, ... } */
static int jv_object(const char **p, int depth)
{
	(*p)++;
	jv_ws(p);
	if (**p == '}')
		return (*p)++, 1;
	for (;;) {
		jv_ws(p);
		if (!jv_string(p))
			return 0;
		jv_ws(p);
		if (*(*p)++ != ':')
			return 0;
		if (!jv_value(p, depth + 1))
			return 0;
		jv_ws(p);
		if (**p == '}')
			return (*p)++, 1;
		if (*(*p)++ != ',')
			return 0;
	}
}

/* jv_value - any JSON value */
static int jv_value(const char **p, int depth)
{
	if (depth > 16)
		return 0;
	jv_ws(p);
	if (**p == '{')
		return jv_object(p, depth);
	if (**p == '"')
		return jv_string(p);
	if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "null", 4) == 0)
		return *p += 4, 1;
	if (strncmp(*p, "false", 5) == 0)
		return *p += 5, 1;
	return jv_number(p);
}

/* json_line_valid - exactly one object, then '\n', then the end */
static int json_line_valid(const char *line, size_t len)
{
	const char *p = line;

	if (strlen(line) != len || *p != '{' || !jv_object(&p, 0))
		return 0;
	return p[0] == '\n' && p[1] == 0;
}

#endif
