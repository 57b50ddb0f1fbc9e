/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowrec - flow records from the formats operators already have
 * SYNOPSIS
 *	#include "flowrec.h"
 * DESCRIPTION
 *	A flow record is either the start of a flow (its first packet: what
 *	sluiced would be asked about) or the outcome of one (a reply seen:
 *	success; a reset or no reply: failure), with the time it happened.
 *	Three text formats are read one line at a time:
 *
 *	conntrack: `conntrack -E -o timestamp` event lines, "[NEW]" starts
 *	a flow, an "[UPDATE]" without "[UNREPLIED]" is a success, a
 *	"[DESTROY]" or a CLOSE still "[UNREPLIED]" a failure.
 *
 *	Zeek conn.log, TSV (fields named by the "#fields" header line, so
 *	any column order) or JSON lines: each line is one connection,
 *	giving a start and, from conn_state, its outcome.
 *
 *	Every parser is bounded (lines up to FLOWREC_LINE_MAX bytes, numbers
 *	range-checked) and never reads past the line it was given; a line
 *	it cannot use is reported with the reason and skipped.
 */
#ifndef SLUICE_FLOWREC_H
#define SLUICE_FLOWREC_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define FLOWREC_LINE_MAX 8192
#define FLOWREC_ZEEK_FIELDS 64

enum flowrec_kind {
	FLOWREC_NONE,		/* nothing to do (comment, other event) */
	FLOWREC_START,		/* a new flow: its first packet */
	FLOWREC_OUTCOME,	/* the outcome of a flow */
};

struct flowrec {
	enum flowrec_kind kind;
	uint64_t ts_ns;		/* wall clock of the event, ns since 1970 */
	struct sl_addr src, dst;	/* as the flow's first packet had them */
	uint16_t sport, dport;
	uint8_t proto;		/* 6 TCP, 17 UDP, else other */
	int8_t success;		/* FLOWREC_OUTCOME: 1 reply, 0 failure */
};

enum flowrec_format {
	FLOWREC_CONNTRACK,
	FLOWREC_ZEEK_TSV,
	FLOWREC_ZEEK_JSON,
	FLOWREC_PCAP,		/* read by flowpcap, not line by line */
	FLOWREC_UNKNOWN,
};

/* a Zeek TSV header's column positions (-1 = absent) */
struct flowrec_zeek {
	int ts, src, sport, dst, dport, proto, state;
	int nfields;
	char sep;		/* from "#separator", default tab */
};

/* flowrec_hash - a fast unkeyed hash of a fixed-size key (flow tables) */
unsigned flowrec_hash(const void *key, size_t n);
/* flowrec_format_name - "conntrack", "zeek-tsv", "zeek-json", "pcap" */
const char *flowrec_format_name(enum flowrec_format f);
/* flowrec_format_parse - the format of a name, or FLOWREC_UNKNOWN */
enum flowrec_format flowrec_format_parse(const char *name);
/* flowrec_sniff - guess the format from the first bytes of a file */
enum flowrec_format flowrec_sniff(const uint8_t *b, size_t len);

/* flowrec_zeek_init - a header state before "#fields" was seen */
void flowrec_zeek_init(struct flowrec_zeek *z);

/*
 * Each parser reads one line (len bytes, no newline needed, need not be
 * NUL-terminated) into out[0..max-1] and returns how many records it
 * made (0 for a line with nothing to do), or -1 with a reason in *why.
 * A Zeek connection yields up to two records (start and outcome).
 */
/* flowrec_conntrack - one conntrack -E -o timestamp line */
int flowrec_conntrack(const char *line, size_t len, struct flowrec *out,
		      const char **why);
/* flowrec_zeek_tsv - one conn.log line; header lines update z */
int flowrec_zeek_tsv(struct flowrec_zeek *z, const char *line, size_t len,
		     struct flowrec out[2], const char **why);
/* flowrec_zeek_json - one conn.log JSON line */
int flowrec_zeek_json(const char *line, size_t len, struct flowrec out[2],
		      const char **why);
/* flowrec_zeek_outcome - from a conn_state: 1 reply, 0 failure, -1 none */
int flowrec_zeek_outcome(const char *state, size_t len);

#endif
