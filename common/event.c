/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	event - JSON-lines events in the Suricata EVE convention
 * SYNOPSIS
 *	#include "event.h"
 * DESCRIPTION
 *	Lines are built in a bounded buffer (struct jbuf) that keeps room
 *	for the closing "}}\n" at all times. A member that does not fit is
 *	rolled back whole; a string that does not fit is cut at a
 *	character boundary and closed, so the line stays valid JSON
 *	whatever the input. Strings are escaped per RFC 8259; bytes that
 *	are not valid UTF-8 become U+FFFD, so a hostile SMTP sender or a
 *	captured payload cannot forge fields or break a line.
 *
 *	The sink appends with one write() per line (O_APPEND), so
 *	concurrent writers never interleave within a line, and nothing is
 *	buffered across events. When the disk fills, a line written in
 *	part is truncated away again (the file's size before it is known
 *	from fstat; one writer per file, as every sluice daemon has), the
 *	event is counted as lost, and only the first loss of an outage,
 *	at most one a minute, is an error for the caller to report: a
 *	daemon must not log a line per event about a disk that has no room
 *	for lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "clock.h"
#include "event.h"

#define EVENT_SAY_NS (60ULL * 1000000000ULL)	/* a new outage told so often */

#define JB_RESERVE 4		/* "}" "}" "\n" NUL */

struct jbuf {
	char *b;
	size_t cap;		/* content limit, reserve excluded */
	size_t pos;
};

/* jb_raw - append n bytes whole, or nothing; 0 or -1 */
static int jb_raw(struct jbuf *j, const char *s, size_t n)
{
	if (j->pos + n > j->cap)
		return -1;
	memcpy(j->b + j->pos, s, n);
	j->pos += n;
	return 0;
}

/* jb_puts - append a C string whole, or nothing */
static int jb_puts(struct jbuf *j, const char *s)
{
	return jb_raw(j, s, strlen(s));
}

/* utf8_len - length of the valid UTF-8 sequence at s (n bytes left), or 0 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* json_unit - the escaped form of the character at s into out; bytes
   consumed from s (at least 1) */
static size_t json_unit(const unsigned char *s, size_t n, char out[8],
			size_t *outlen)
{
	size_t u = utf8_len(s, n);

	if (u == 0) {
		memcpy(out, "\xef\xbf\xbd", 3);	/* U+FFFD */
		*outlen = 3;
		return 1;
	}
	if (u > 1) {
		memcpy(out, s, u);
		*outlen = u;
		return u;
	}
	switch (s[0]) {
	case '"': memcpy(out, "\\\"", 2); *outlen = 2; return 1;
	case '\\': memcpy(out, "\\\\", 2); *outlen = 2; return 1;
	case '\n': memcpy(out, "\\n", 2); *outlen = 2; return 1;
	case '\r': memcpy(out, "\\r", 2); *outlen = 2; return 1;
	case '\t': memcpy(out, "\\t", 2); *outlen = 2; return 1;
	}
	if (s[0] < 0x20 || s[0] == 0x7f) {
		snprintf(out, 8, "\\u%04x", s[0]);
		*outlen = 6;
	} else {
		out[0] = (char)s[0];
		*outlen = 1;
	}
	return 1;
}

/* json_plain - bytes at s that go out unchanged (printable ASCII, no
   quote or backslash), at most n */
static size_t json_plain(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
	     s[i] != '\\'; i++)
		;
	return i;
}

/* jb_str - a quoted, escaped string, cut to fit; -1 if not even "" fits */
static int jb_str(struct jbuf *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), used, olen, room;
	char unit[8];

	if (j->pos + 2 > j->cap)
		return -1;
	j->b[j->pos++] = '"';
	while (n > 0) {
		/* runs of plain bytes in one copy: the common case */
		room = j->cap - j->pos - 1;	/* one byte for the closing quote */
		used = json_plain(s, n < room ? n : room);
		if (used) {
			memcpy(j->b + j->pos, s, used);
			j->pos += used;
			s += used;
			n -= used;
			continue;
		}
		used = json_unit(s, n, unit, &olen);
		if (j->pos + olen + 1 > j->cap)
			break;
		memcpy(j->b + j->pos, unit, olen);
		j->pos += olen;
		s += used;
		n -= used;
	}
	j->b[j->pos++] = '"';
	return 0;
}

/* jb_key - ,"name": (comma unless first) */
static int jb_key(struct jbuf *j, int *first, const char *name)
{
	if (!*first && jb_raw(j, ",", 1) < 0)
		return -1;
	if (jb_str(j, name) < 0 || jb_raw(j, ":", 1) < 0)
		return -1;
	return 0;
}

/* jb_member_raw - a member whose value is already formatted text */
static void jb_member_raw(struct jbuf *j, int *first, const char *name,
			  const char *val)
{
	size_t save = j->pos;

	if (jb_key(j, first, name) < 0 || jb_puts(j, val) < 0) {
		j->pos = save;
		return;
	}
	*first = 0;
}

/* jb_member_str - "name":"value", the value cut to fit */
static void jb_member_str(struct jbuf *j, int *first, const char *name,
			  const char *val)
{
	size_t save = j->pos;

	if (jb_key(j, first, name) < 0 || jb_str(j, val) < 0) {
		j->pos = save;
		return;
	}
	*first = 0;
}

/* fmt_u64 - decimal text of v into buf (>= 21 bytes) */
static void fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	int n = 0;

	/* by hand: printf is most of the cost of a line */
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*buf++ = tmp[--n];
	*buf = 0;
}

/* field_text - a non-string field's JSON text (buf >= 32 bytes) */
static void field_text(const struct event_field *f, char *buf, size_t len)
{
	switch (f->type) {
	case EF_INT:
		if (f->v.i < 0) {
			*buf = '-';
			fmt_u64(buf + 1, 0 - (uint64_t)f->v.i);
		} else {
			fmt_u64(buf, (uint64_t)f->v.i);
		}
		break;
	case EF_UINT: fmt_u64(buf, f->v.u); break;
	case EF_BOOL: snprintf(buf, len, "%s", f->v.b ? "true" : "false"); break;
	case EF_DOUBLE:
		/* JSON has no NaN or infinity */
		if (isfinite(f->v.d))
			snprintf(buf, len, "%.15g", f->v.d);
		else
			snprintf(buf, len, "null");
		break;
	default: snprintf(buf, len, "null"); break;
	}
}

/* put_digits - v as exactly n decimal digits at p; returns p + n */
static char *put_digits(char *p, unsigned long v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* event_timestamp - ISO 8601, microseconds, +0000 (buf >= 32 bytes) */
static void event_timestamp(uint64_t wall_ns, char *buf)
{
	struct timespec ts;
	struct tm tm;
	time_t sec;
	char *p = buf;

	if (wall_ns == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	sec = (time_t)(wall_ns / 1000000000ULL);
	memset(&tm, 0, sizeof(tm));
	gmtime_r(&sec, &tm);
	/* by hand: strftime and printf cost more than the rest of a line */
	p = put_digits(p, (unsigned long)(tm.tm_year + 1900) % 10000, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned long)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, (unsigned long)(wall_ns % 1000000000ULL / 1000), 6);
	memcpy(p, "+0000", 6);
}

/* event_endpoint - "<which>_ip" and "<which>_port" when known */
static void event_endpoint(struct jbuf *j, int *first, const char *ipname,
			   const char *portname, const struct sl_addr *a,
			   uint16_t port)
{
	char buf[ADDR_STRLEN], num[24];

	if (a == NULL || (a->family != 4 && a->family != 6))
		return;
	jb_member_str(j, first, ipname, addr_format(a, buf));
	if (port) {
		fmt_u64(num, port);
		jb_member_raw(j, first, portname, num);
	}
}

/* event_fields - the event type's own object */
static void event_fields(struct jbuf *j, int *first, const struct event *ev,
			 const char *type)
{
	size_t save = j->pos, i;
	int inner = 1;
	char num[64];

	if (jb_key(j, first, type) < 0 || jb_raw(j, "{", 1) < 0) {
		j->pos = save;
		return;
	}
	*first = 0;
	/* the closing brace comes out of the reserve */
	for (i = 0; ev->fields && i < ev->nfields; i++) {
		const struct event_field *f = &ev->fields[i];

		if (f->name == NULL)
			continue;
		if (f->type == EF_STR) {
			jb_member_str(j, &inner, f->name, f->v.s);
		} else {
			field_text(f, num, sizeof(num));
			jb_member_raw(j, &inner, f->name, num);
		}
	}
	j->b[j->pos++] = '}';
}

/* event_format - one line with '\n' into buf; returns its length */
size_t event_format(char *buf, size_t len, const struct event *ev)
{
	struct jbuf j;
	const char *type = ev->type ? ev->type : "event";
	char ts[64];
	int first = 1;

	if (len < JB_RESERVE + 1) {
		if (len)
			buf[0] = 0;
		return 0;
	}
	j.b = buf;
	j.cap = len - JB_RESERVE;
	j.pos = 0;
	buf[j.pos++] = '{';
	event_timestamp(ev->wall_ns, ts);
	jb_member_str(&j, &first, "timestamp", ts);
	jb_member_str(&j, &first, "event_type", type);
	event_endpoint(&j, &first, "src_ip", "src_port", ev->src, ev->src_port);
	event_endpoint(&j, &first, "dest_ip", "dest_port", ev->dst, ev->dst_port);
	if (ev->proto)
		jb_member_str(&j, &first, "proto", ev->proto);
	event_fields(&j, &first, ev, type);
	buf[j.pos++] = '}';
	buf[j.pos++] = '\n';
	buf[j.pos] = 0;
	return j.pos;
}

/* sum_str - a value for the summary: printable ASCII, quoted if needed */
static void sum_str(struct jbuf *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int quote = *p == 0 || strpbrk((const char *)p, " \"=") != NULL;
	char esc[8];

	if (quote)
		jb_raw(j, "\"", 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		else
			snprintf(esc, sizeof(esc), "%c", *p);
		if (jb_puts(j, esc) < 0)
			break;
	}
	if (quote)
		jb_raw(j, "\"", 1);
}

/* sum_addr - " src=ADDR[:PORT]" */
static void sum_addr(struct jbuf *j, const char *name,
		     const struct sl_addr *a, uint16_t port)
{
	char buf[ADDR_STRLEN], tmp[ADDR_STRLEN + 32];

	if (a == NULL || (a->family != 4 && a->family != 6))
		return;
	addr_format(a, buf);
	if (port && a->family == 6)
		snprintf(tmp, sizeof(tmp), " %s=[%s]:%u", name, buf, port);
	else if (port)
		snprintf(tmp, sizeof(tmp), " %s=%s:%u", name, buf, port);
	else
		snprintf(tmp, sizeof(tmp), " %s=%s", name, buf);
	jb_puts(j, tmp);
}

/* event_summary - the same event as one readable line for syslog */
size_t event_summary(char *buf, size_t len, const struct event *ev)
{
	struct jbuf j;
	char num[64];
	size_t i;

	if (len == 0)
		return 0;
	j.b = buf;
	j.cap = len - 1;
	j.pos = 0;
	sum_str(&j, ev->type ? ev->type : "event");
	sum_addr(&j, "src", ev->src, ev->src_port);
	sum_addr(&j, "dst", ev->dst, ev->dst_port);
	if (ev->proto && jb_puts(&j, " proto=") == 0)
		sum_str(&j, ev->proto);
	for (i = 0; ev->fields && i < ev->nfields; i++) {
		const struct event_field *f = &ev->fields[i];

		if (f->name == NULL || jb_raw(&j, " ", 1) < 0)
			continue;
		sum_str(&j, f->name);
		if (jb_raw(&j, "=", 1) < 0)
			break;
		if (f->type == EF_STR) {
			sum_str(&j, f->v.s);
		} else {
			field_text(f, num, sizeof(num));
			jb_puts(&j, num);
		}
	}
	buf[j.pos] = 0;
	return j.pos;
}

struct event_sink {
	char *path;		/* NULL for stdout */
	int fd;
	int failing;		/* the last event was lost */
	uint64_t lost;
	uint64_t said;		/* monotonic ns of the last loss reported */
};

/* sink_open_fd - the append descriptor for path */
static int sink_open_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

/* event_open - append to path ("-" = stdout); NULL with errno */
struct event_sink *event_open(const char *path)
{
	struct event_sink *s;

	if (path == NULL || *path == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0) {
		s->fd = STDOUT_FILENO;
		return s;
	}
	if ((s->path = strdup(path)) == NULL || (s->fd = sink_open_fd(path)) < 0) {
		int saved = errno;

		free(s->path);
		free(s);
		errno = saved;
		return NULL;
	}
	return s;
}

/* event_close - accepts NULL */
void event_close(struct event_sink *s)
{
	if (s == NULL)
		return;
	if (s->path)
		close(s->fd);
	free(s->path);
	free(s);
}

/* event_reopen - for log rotation (SIGHUP); 0 or -1 with errno */
int event_reopen(struct event_sink *s)
{
	int fd;

	if (s->path == NULL)
		return 0;
	/* open the new file first: on failure keep writing to the old one */
	if ((fd = sink_open_fd(s->path)) < 0)
		return -1;
	close(s->fd);
	s->fd = fd;
	return 0;
}

/* write_all - n bytes of line to fd; 0, or -1 with errno */
static int write_all(int fd, const char *line, size_t n)
{
	size_t off = 0;
	ssize_t w;

	while (off < n) {
		w = write(fd, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* event_emit - format, write and flush one event; 0, -1 or 1 */
int event_emit(struct event_sink *s, const struct event *ev)
{
	char line[EVENT_MAX];
	size_t n = event_format(line, sizeof(line), ev);
	struct stat sb;
	int have = fstat(s->fd, &sb) == 0 && S_ISREG(sb.st_mode), e;

	if (write_all(s->fd, line, n) == 0) {
		s->failing = 0;
		return 0;
	}
	e = errno;
	if (have)		/* no half line left behind */
		(void)ftruncate(s->fd, sb.st_size);
	s->lost++;
	/* a nearly full disk takes a short line now and then, which ends
	   an outage: a new one is told at most once a minute */
	if (s->failing || (s->said != 0
			   && sl_monotonic_ns() - s->said < EVENT_SAY_NS)) {
		s->failing = 1;
		return 1;
	}
	s->failing = 1;
	s->said = sl_monotonic_ns();
	errno = e;
	return -1;
}

/* event_lost - events not written */
uint64_t event_lost(const struct event_sink *s)
{
	return s == NULL ? 0 : s->lost;
}
