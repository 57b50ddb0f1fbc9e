/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluice-sim - replay a site's flows through sluice, or simulate an
 *	epidemic over the real core
 * SYNOPSIS
 *	sluice-sim replay [-c FILE] [--format F] [--reorder S] [--json]
 *		[--all] [--no-decisions] FILE...
 *	sluice-sim epidemic [OPTIONS]
 * DESCRIPTION
 *	Both commands drive libsluice (and for replay, sluiced's own
 *	decision engine) in simulated time; see sluice-sim(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "flowsrc.h"
#include "replay.h"
#include "report.h"
#include "sim.h"

#define WARN_MAX 20		/* bad lines printed; all are counted */

static unsigned long warned;

/* usage - the command lines */
static int usage(FILE *fp, int status)
{
	fprintf(fp,
		"usage: sluice-sim replay [-c FILE] [--format F] [--reorder SECONDS]\n"
		"                         [--json] [--all] [--no-decisions] FILE...\n"
		"       sluice-sim epidemic [--help for its options]\n"
		"replay: what sluiced with sluice.conf FILE (default %s)\n"
		"  would have done to the flows of conntrack -E -o timestamp logs,\n"
		"  Zeek conn.log (TSV or JSON) or pcap files (F: conntrack, zeek-tsv,\n"
		"  zeek-json, pcap; guessed when not given). Per host: flows, first\n"
		"  contacts, delayed (median, p99, max), dropped, lockouts and\n"
		"  quarantines with the destination that caused them; per zone a\n"
		"  summary. --all lists untouched hosts too; --reorder is the window\n"
		"  for records out of time order (default 60 for Zeek, else 0);\n"
		"  --no-decisions only reads the records (a baseline for speed).\n"
		"epidemic: a worm in a simulated enterprise, each sluice a real\n"
		"  throttle of libsluice; CSV on standard output.\n",
		SLUICE_DEFAULT_CONFIG);
	return status;
}

/* sim_number - a number min..max from an option, or exit 2 naming it */
double sim_number(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != 0 || !(v >= min && v <= max)) {
		fprintf(stderr, "sluice-sim: %s: bad value '%s' (accepted: a number "
			"from %g to %g)\n", opt, s, min, max);
		exit(SIM_EXIT_USAGE);
	}
	return v;
}

/* warn_line - flowsrc_warn_fn: a bad line, printed up to WARN_MAX */
static void warn_line(void *ctx, const char *path, uint64_t line,
		      const char *why)
{
	(void)ctx;
	if (warned++ < WARN_MAX)
		fprintf(stderr, "sluice-sim: %s:%llu: %s (line skipped)\n", path,
			(unsigned long long)line, why);
	else if (warned == WARN_MAX + 1)
		fprintf(stderr, "sluice-sim: more bad lines: counted, not shown\n");
}

struct ropts {
	const char *conf;
	enum flowrec_format fmt;
	double reorder;		/* seconds, < 0: by format */
	int json, all, nodec;
};

/* replay_files - read every file into r (NULL: read only); 0 or 1 */
static int replay_files(struct replay *r, const struct ropts *o, char **files,
			int n, struct report_input *in)
{
	struct flowrec rec;
	char err[512];
	int i;

	for (i = 0; i < n; i++) {
		struct flowsrc *s = flowsrc_open(files[i], o->fmt, warn_line,
						 NULL, err, sizeof(err));

		if (s == NULL) {
			fprintf(stderr, "sluice-sim: %s\n", err);
			return 1;
		}
		while (flowsrc_next(s, &rec))
			if (r != NULL)
				replay_record(r, &rec);
		in[i].path = files[i];
		in[i].format = flowrec_format_name(flowsrc_format(s));
		in[i].lines = flowsrc_lines(s);
		in[i].bad = flowsrc_bad(s);
		flowsrc_close(s);
	}
	return 0;
}

/* reorder_ns - the reorder window for these files */
static uint64_t reorder_ns(const struct ropts *o, char **files, int n)
{
	char err[512];
	int i, zeek = 0;

	if (o->reorder >= 0)
		return (uint64_t)(o->reorder * (double)NS_PER_SEC);
	for (i = 0; i < n; i++) {
		struct flowsrc *s = flowsrc_open(files[i], o->fmt, NULL, NULL, err,
						 sizeof(err));

		if (s != NULL) {
			enum flowrec_format f = flowsrc_format(s);

			zeek |= f == FLOWREC_ZEEK_TSV || f == FLOWREC_ZEEK_JSON;
			flowsrc_close(s);
		}
	}
	return zeek ? 60 * NS_PER_SEC : 0;
}

/* replay_run - the replay command once the options are read */
static int replay_run(const struct ropts *o, char **files, int n)
{
	struct report_input in[n];
	struct sd_conf conf;
	struct replay *r = NULL;
	char err[1024];
	int status;

	memset(in, 0, sizeof(in));
	memset(&conf, 0, sizeof(conf));
	if (o->nodec) {
		status = replay_files(NULL, o, files, n, in);
		for (int i = 0; status == 0 && i < n; i++)
			printf("input %s (%s): lines %llu, bad %llu\n", in[i].path,
			       in[i].format, (unsigned long long)in[i].lines,
			       (unsigned long long)in[i].bad);
		return status;
	}
	if (sdconf_load(o->conf, &conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluice-sim: %s\n", err);
		return SIM_EXIT_USAGE;
	}
	if ((r = replay_create(&conf, reorder_ns(o, files, n), err,
			       sizeof(err))) == NULL) {
		fprintf(stderr, "sluice-sim: %s\n", err);
		sdconf_release(&conf);
		return 1;
	}
	if ((status = replay_files(r, o, files, n, in)) == 0) {
		replay_finish(r);
		report_write(stdout, r, &conf, in, (size_t)n, o->json, o->all);
	}
	replay_free(r);
	sdconf_release(&conf);
	return status;
}

/* replay_main - sluice-sim replay ARGS */
static int replay_main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "reorder", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "no-decisions", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	struct ropts o = { SLUICE_DEFAULT_CONFIG, FLOWREC_UNKNOWN, -1, 0, 0, 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+c:F:r:jahN", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o.conf = optarg; break;
		case 'F':
			if ((o.fmt = flowrec_format_parse(optarg)) == FLOWREC_UNKNOWN) {
				fprintf(stderr, "sluice-sim: --format: unknown '%s' "
					"(accepted: conntrack, zeek-tsv, zeek-json, "
					"pcap)\n", optarg);
				return SIM_EXIT_USAGE;
			}
			break;
		case 'r': o.reorder = sim_number("--reorder", optarg, 0, 86400); break;
		case 'j': o.json = 1; break;
		case 'a': o.all = 1; break;
		case 'N': o.nodec = 1; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, SIM_EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "sluice-sim: replay: no input file\n");
		return usage(stderr, SIM_EXIT_USAGE);
	}
	return replay_run(&o, argv + optind, argc - optind);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "replay") == 0)
		return replay_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "epidemic") == 0)
		return epi_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "-V") == 0) {
		printf("sluice-sim %s\n", SLUICE_VERSION);
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage(stdout, 0);
	fprintf(stderr, "sluice-sim: a command is needed: replay or epidemic\n");
	return usage(stderr, SIM_EXIT_USAGE);
}
