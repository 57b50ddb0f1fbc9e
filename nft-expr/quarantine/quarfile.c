/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarfile - sluiced's quarantines kept across restarts
 * SYNOPSIS
 *	#include "quarantine/quarfile.h"
 * DESCRIPTION
 *	See quarfile.h for the format. Numbers are whole decimal numbers
 *	without a sign; a time left above QF_MAX_LEFT_MS (30 days, the
 *	largest quarantine_ttl) is refused as corrupt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "atomicfile.h"
#include "clock.h"
#include "quarantine/quarfile.h"

#define QF_LINE 256
#define QF_V1 "# sluiced quarantines"	/* then anything but " 2" */
#define QF_V2 "# sluiced quarantines 2"
#define QF_MAX_LEFT_MS (30ULL * 24 * 3600 * 1000)

struct qf_out {
	const struct quarfile_entry *e;
	size_t n;
	time_t now;
};

/* qf_emit - atomicfile_fn: the whole file */
static int qf_emit(FILE *fp, void *ctx)
{
	const struct qf_out *o = ctx;
	char buf[ADDR_STRLEN];
	size_t i;

	fprintf(fp, QF_V2 ": ADDRESS MILLISECONDS_LEFT\n"
		"saved %lld\n", (long long)o->now);
	for (i = 0; i < o->n; i++)
		fprintf(fp, "%s %llu\n", addr_format(&o->e[i].addr, buf),
			(unsigned long long)(o->e[i].left_ns / NS_PER_MS));
	fprintf(fp, "# end %zu\n", o->n);
	return ferror(fp) ? -1 : 0;
}

/* quarfile_write - the n entries, saved at wall-clock time now */
int quarfile_write(const char *path, const struct quarfile_entry *e,
		   size_t n, time_t now)
{
	struct qf_out o = { e, n, now };

	return atomicfile_write(path, 0600, qf_emit, &o);
}

/* qf_number - s as a whole decimal number up to max; 0, or -1 */
static int qf_number(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

struct qf_in {
	time_t now;
	long long saved;	/* -1 until the saved line */
	quarfile_fn *fn;
	quarfile_warn_fn *warn;
	void *ctx;
	long restored;
	int version;		/* 0 until the first line */
	size_t entries;		/* address lines read */
	int ended;		/* the "# end N" line came */
};

/* qf_saved - "saved SECONDS"; NULL, or why it is wrong */
static const char *qf_saved(struct qf_in *in, const char *arg)
{
	unsigned long long t;

	if (in->saved >= 0)
		return "a second \"saved\" line";
	if (qf_number(arg, (unsigned long long)INT64_MAX, &t) < 0)
		return "\"saved\" needs a time in whole seconds";
	in->saved = (long long)t;
	return NULL;
}

/* qf_entry - "ADDRESS MS_LEFT"; NULL, or why it is wrong */
static const char *qf_entry(struct qf_in *in, const char *addr,
			    const char *left)
{
	struct sl_addr a;
	unsigned long long ms, gone = 0;

	if (in->saved < 0)
		return "a quarantine before the \"saved\" line";
	if (addr_parse(addr, &a) < 0)
		return "not an IPv4 or IPv6 address";
	if (left == NULL || qf_number(left, QF_MAX_LEFT_MS, &ms) < 0)
		return "the time left must be whole milliseconds up to 30 days";
	if ((long long)in->now > in->saved)
		gone = (unsigned long long)((long long)in->now - in->saved) * 1000;
	if (ms > gone) {
		in->fn(in->ctx, &a, (ms - gone) * NS_PER_MS);
		in->restored++;
	}
	return NULL;
}

/* qf_comment - a comment line, whole: the first one gives the version
   ("# sluiced quarantines 2", else version 1); "# end N" of version 2
   must count the entries; NULL, or why it is wrong */
static const char *qf_comment(struct qf_in *in, const char *line)
{
	unsigned long long n;

	size_t v1 = strlen(QF_V1);

	if (in->version == 0 && strncmp(line, QF_V2, strlen(QF_V2)) == 0
	    && (line[strlen(QF_V2)] == ':' || line[strlen(QF_V2)] == 0))
		in->version = 2;
	else if (in->version == 0 && strncmp(line, QF_V1, v1) == 0
		 && line[v1] == ' ' && g_ascii_isdigit(line[v1 + 1])) {
		in->version = -1;	/* a newer sluiced's: not guessed at */
		return "a version of the format this sluiced does not know: "
		       "nothing restored";
	} else if (in->version == 0)
		in->version = 1;
	if (in->version != 2 || strncmp(line, "# end", 5) != 0)
		return NULL;
	in->ended = 1;
	if (line[5] != ' ' || qf_number(line + 6, (unsigned long long)SIZE_MAX,
					&n) < 0)
		return "\"# end\" needs the number of entries";
	if (n != in->entries)
		return "\"# end\" counts another number of entries: the file "
		       "was changed or cut";
	return NULL;
}

/* qf_line - one line without its newline; NULL, or why it is wrong */
static const char *qf_line(struct qf_in *in, char *line)
{
	char *w[3], *save = NULL;
	int n = 0;

	if (line[0] == '#')
		return qf_comment(in, line);
	if (in->version == 0)
		in->version = 1;
	while (n < 3 && (w[n] = strtok_r(n ? NULL : line, " \t\r", &save)))
		n++;
	if (n == 0)
		return NULL;
	if (in->ended)
		return "a line after the \"# end\" line";
	if (n == 3)
		return "more than two words";
	if (strcmp(w[0], "saved") == 0)
		return n == 2 ? qf_saved(in, w[1]) : "\"saved\" needs a time";
	in->entries++;
	return qf_entry(in, w[0], n == 2 ? w[1] : NULL);
}

/* quarfile_scan - quarfile_read of an open stream */
long quarfile_scan(FILE *fp, time_t now, quarfile_fn *fn,
		   quarfile_warn_fn *warn, void *ctx)
{
	struct qf_in in = { now, -1, fn, warn, ctx, 0, 0, 0, 0 };
	char *line = NULL;
	const char *why;
	size_t cap = 0, no = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, fp)) >= 0) {
		no++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len >= QF_LINE)
			why = "too long (255 bytes at most)";
		else if (strlen(line) != (size_t)len)
			why = "a NUL byte in the line";
		else
			why = qf_line(&in, line);
		if (why != NULL)
			warn(ctx, no, why);
		if (in.version < 0)
			break;
	}
	free(line);
	if (in.version == 2 && !in.ended)
		warn(ctx, no, "no \"# end\" line: the file was cut short");
	return in.restored;
}

/* quarfile_read - every quarantine of path still running at now */
long quarfile_read(const char *path, time_t now, quarfile_fn *fn,
		   quarfile_warn_fn *warn, void *ctx)
{
	FILE *fp;
	long n;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	n = quarfile_scan(fp, now, fn, warn, ctx);
	fclose(fp);
	return n;
}
