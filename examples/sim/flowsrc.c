/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowsrc - a file of flow records, whatever its format
 * SYNOPSIS
 *	#include "flowsrc.h"
 * DESCRIPTION
 *	Text is read through a buffer of BUF_SIZE bytes: a line is found
 *	with memchr and parsed in place, so a record costs no copy. A
 *	line longer than FLOWREC_LINE_MAX is skipped to its end, counted
 *	as bad, and never held whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowpcap.h"
#include "flowsrc.h"

#define BUF_SIZE (1u << 20)

struct flowsrc {
	const char *path;
	enum flowrec_format fmt;
	FILE *fp;
	struct flowpcap *pcap;
	flowsrc_warn_fn *warn;
	void *ctx;
	char *buf;
	size_t off, len;	/* unread bytes are buf[off..len) */
	int eof, skipping;	/* skipping: inside an over-long line */
	uint64_t lines, bad;
	struct flowrec pend[2];
	int npend, ipend;
	struct flowrec_zeek zeek;
};

/* sniff - the format from the first bytes (which stay in the buffer) */
static enum flowrec_format sniff(struct flowsrc *s)
{
	s->len = fread(s->buf, 1, 4096, s->fp);
	return flowrec_sniff((const uint8_t *)s->buf, s->len);
}

/* open_pcap - hand the stream to libpcap, from its first byte */
static int open_pcap(struct flowsrc *s, char *err, size_t errlen)
{
	if (fseek(s->fp, 0, SEEK_SET) < 0) {
		snprintf(err, errlen, "%s: a pcap file must be seekable", s->path);
		return -1;
	}
	s->pcap = flowpcap_fopen(s->fp, err, errlen);
	s->fp = NULL;
	return s->pcap ? 0 : -1;
}

/* flowsrc_open - FLOWREC_UNKNOWN guesses; NULL with the reason in err */
struct flowsrc *flowsrc_open(const char *path, enum flowrec_format fmt,
			     flowsrc_warn_fn *warn, void *ctx, char *err,
			     size_t errlen)
{
	struct flowsrc *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->buf = malloc(BUF_SIZE)) == NULL) {
		snprintf(err, errlen, "out of memory");
		flowsrc_close(s);
		return NULL;
	}
	s->path = path;
	s->warn = warn;
	s->ctx = ctx;
	flowrec_zeek_init(&s->zeek);
	s->fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (s->fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		flowsrc_close(s);
		return NULL;
	}
	s->fmt = sniff(s);
	if (fmt != FLOWREC_UNKNOWN)
		s->fmt = fmt;
	if (s->fmt == FLOWREC_UNKNOWN) {
		snprintf(err, errlen, "%s: cannot tell the format (accepted: "
			 "conntrack, zeek-tsv, zeek-json, pcap; name it with "
			 "--format)", path);
		flowsrc_close(s);
		return NULL;
	}
	if (s->fmt == FLOWREC_PCAP && open_pcap(s, err, errlen) < 0) {
		flowsrc_close(s);
		return NULL;
	}
	return s;
}

/* flowsrc_close - accepts NULL */
void flowsrc_close(struct flowsrc *s)
{
	if (s == NULL)
		return;
	if (s->fp != NULL && s->fp != stdin)
		fclose(s->fp);
	flowpcap_close(s->pcap);
	free(s->buf);
	free(s);
}

/* fill - more bytes behind the unread ones; 0 at the end */
static int fill(struct flowsrc *s)
{
	size_t n;

	if (s->eof)
		return 0;
	memmove(s->buf, s->buf + s->off, s->len - s->off);
	s->len -= s->off;
	s->off = 0;
	n = fread(s->buf + s->len, 1, BUF_SIZE - s->len, s->fp);
	s->len += n;
	if (n == 0)
		s->eof = 1;
	return n > 0;
}

/* bad_line - count and report an unusable line */
static void bad_line(struct flowsrc *s, const char *why)
{
	s->bad++;
	if (s->warn)
		s->warn(s->ctx, s->path, s->lines, why);
}

/* next_line - the next line in place (without its newline); 0 at end */
static int next_line(struct flowsrc *s, const char **line, size_t *len)
{
	char *nl;

	for (;;) {
		nl = memchr(s->buf + s->off, '\n', s->len - s->off);
		if (nl == NULL && s->len - s->off > FLOWREC_LINE_MAX) {
			if (!s->skipping) {
				s->lines++;
				bad_line(s, "line longer than 8192 bytes");
			}
			s->skipping = 1;
			s->off = s->len;
			continue;
		}
		if (nl == NULL && fill(s))
			continue;
		if (nl == NULL && s->off == s->len)
			return 0;
		if (nl == NULL)		/* last line without a newline */
			nl = s->buf + s->len;
		*line = s->buf + s->off;
		*len = (size_t)(nl - *line);
		s->off = nl < s->buf + s->len ? (size_t)(nl - s->buf) + 1 : s->len;
		if (s->skipping) {
			s->skipping = 0;
			continue;
		}
		s->lines++;
		if (*len > FLOWREC_LINE_MAX) {
			bad_line(s, "line longer than 8192 bytes");
			continue;
		}
		return 1;
	}
}

/* parse_line - the records of one line into s->pend */
static int parse_line(struct flowsrc *s, const char *line, size_t len,
		      const char **why)
{
	switch (s->fmt) {
	case FLOWREC_CONNTRACK:
		return flowrec_conntrack(line, len, s->pend, why);
	case FLOWREC_ZEEK_TSV:
		return flowrec_zeek_tsv(&s->zeek, line, len, s->pend, why);
	case FLOWREC_ZEEK_JSON:
		return flowrec_zeek_json(line, len, s->pend, why);
	case FLOWREC_PCAP:
	case FLOWREC_UNKNOWN:
	default:
		*why = "internal: not a text format";
		return -1;
	}
}

/* next_pcap - the next record of a capture */
static int next_pcap(struct flowsrc *s, struct flowrec *out)
{
	const char *why = NULL;
	int r;

	while ((r = flowpcap_next(s->pcap, out, &why)) < 0) {
		s->lines = flowpcap_packets(s->pcap);
		bad_line(s, why);
	}
	s->lines = flowpcap_packets(s->pcap);
	return r;
}

/* flowsrc_next - the next record: 1, or 0 at the end */
int flowsrc_next(struct flowsrc *s, struct flowrec *out)
{
	const char *line, *why;
	size_t len;
	int n;

	if (s->pcap != NULL)
		return next_pcap(s, out);
	while (s->ipend >= s->npend) {
		if (!next_line(s, &line, &len))
			return 0;
		why = NULL;
		if ((n = parse_line(s, line, len, &why)) < 0) {
			bad_line(s, why);
			continue;
		}
		s->npend = n;
		s->ipend = 0;
	}
	*out = s->pend[s->ipend++];
	return 1;
}

/* flowsrc_format - what the file was read as */
enum flowrec_format flowsrc_format(const struct flowsrc *s)
{
	return s->fmt;
}

/* flowsrc_lines - lines (packets) read */
uint64_t flowsrc_lines(const struct flowsrc *s)
{
	return s->lines;
}

/* flowsrc_bad - unusable lines */
uint64_t flowsrc_bad(const struct flowsrc *s)
{
	return s->bad;
}
