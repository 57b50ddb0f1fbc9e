/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_config - libFuzzer harness for the configuration loader
 * DESCRIPTION
 *	Any bytes go through config_open_data(), then config_apply() of a
 *	schema holding every cfg_type to two groups, config_groups() and
 *	config_check_groups(). Errors must stay NUL-terminated inside
 *	their buffer; everything allocated is released (LeakSanitizer).
 *	The string key of [test] also goes through sluiced's outbound rule
 *	parser (outpol_parse, the zones' allow_out and deny_out).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <glib.h>

#include "config.h"
#include "coreconf.h"
#include "prefixset.h"
#include "outbound/outpol.h"

struct every {
	int b, e;
	unsigned u;
	double d;
	uint64_t dur, size;
	char *s, *ep;
	char **list;
	struct prefixset *ps;
};

static const char *const choices[] = { "one", "two", "three", NULL };

#define O(f) offsetof(struct every, f)
static const struct cfg_key schema[] = {
	{ "bool", CFG_BOOL, O(b), "no", 0, 0, 0, 0, NULL, "" },
	{ "uint", CFG_UINT, O(u), "5", 1, 1000, 0, 0, NULL, "" },
	{ "double", CFG_DOUBLE, O(d), "0.5", 0, 0, -1.0, 1e6, NULL, "" },
	{ "duration", CFG_DURATION, O(dur), "1s", 1, UINT64_MAX, 0, 0, NULL, "" },
	{ "size", CFG_SIZE, O(size), "1M", 0, UINT64_MAX, 0, 0, NULL, "" },
	{ "string", CFG_STRING, O(s), "x", 0, 0, 0, 0, NULL, "" },
	{ "enum", CFG_ENUM, O(e), "two", 0, 0, 0, 0, choices, "" },
	{ "list", CFG_LIST, O(list), NULL, 0, 0, 0, 0, NULL, "" },
	{ "prefixes", CFG_PREFIXES, O(ps), "10.0.0.0/8", 0, 0, 0, 0, NULL, "" },
	{ "endpoint", CFG_ENDPOINT, O(ep), NULL, 0, 0, 0, 0, NULL, "" },
};
#define NSCHEMA (sizeof(schema) / sizeof(schema[0]))

/* check_err - the error is a terminated string within its buffer */
static void check_err(const char *err, size_t len)
{
	if (memchr(err, 0, len) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CFG_ERRLEN], **g;
	struct config *c;
	struct every v;
	struct core_conf cc;

	memset(err, 'X', sizeof(err));
	c = config_open_data("fuzz.conf", (const char *)data, size, err, sizeof(err));
	if (c == NULL) {
		check_err(err, sizeof(err));
		return 0;
	}
	memset(err, 'X', sizeof(err));
	if (config_apply(c, "test", schema, NSCHEMA, &v, err, sizeof(err)) == 0) {
		struct outpol_list l;

		memset(err, 'X', sizeof(err));
		if (outpol_parse(v.s, &l, err, sizeof(err)) == 0)
			outpol_free(&l);
		else
			check_err(err, sizeof(err));
		config_release(schema, NSCHEMA, &v);
	} else
		check_err(err, sizeof(err));
	memset(err, 'X', sizeof(err));
	if (config_apply(c, "core", schema, NSCHEMA, &v, err, sizeof(err)) == 0)
		config_release(schema, NSCHEMA, &v);
	else
		check_err(err, sizeof(err));
	memset(err, 'X', sizeof(err));
	if (coreconf_apply(c, &cc, err, sizeof(err)) == 0)
		coreconf_release(&cc);
	else
		check_err(err, sizeof(err));
	g = config_groups(c, "zone ");
	g_strfreev(g);
	memset(err, 'X', sizeof(err));
	if (config_check_groups(c, coreconf_known_groups, err, sizeof(err)) < 0)
		check_err(err, sizeof(err));
	config_close(c);
	return 0;
}
