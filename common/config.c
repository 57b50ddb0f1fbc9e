/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	config - the shared INI configuration, validated against a schema
 * SYNOPSIS
 *	#include "config.h"
 * DESCRIPTION
 *	GKeyFile reads the syntax; everything after that is ours: each
 *	value is parsed by the cfgval(3) parser of its cfg_type (no
 *	strtoul wrap-around, no sign, no trailing junk), checked against
 *	the schema's bounds, and
 *	every refusal names the file, the group, the key, the value and
 *	what is accepted. A key set twice in one group is refused with both
 *	line numbers (GKeyFile would keep the last one silently). The file is read whole, at most CFG_FILE_MAX
 *	bytes, before GKeyFile sees it.
 *
 *	A key absent from the file takes its default; so does a string or
 *	endpoint key left empty, so a key with a default is never NULL
 *	and one without is NULL when empty.
 *
 *	config_apply() writes into a caller struct that holds no allocated
 *	values yet (apply into a fresh struct, swap on success): on error
 *	it releases what it allocated and leaves pointers NULL.
 */
#include <errno.h>
#include <limits.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgval.h"
#include "config.h"
#include "endpoint.h"
#include "prefixset.h"

#define CFG_FILE_MAX (1024 * 1024)

struct config {
	GKeyFile *kf;
	char *name;
};

/* cfg_fail - "FILE: [GROUP] KEY = "VALUE": ACCEPTED"; returns -1 */
static int __attribute__((format(printf, 7, 8)))
cfg_fail(char *err, size_t len, const char *file, const char *group,
	 const char *key, const char *value, const char *fmt, ...)
{
	/* cfgval_show writes at most 4 bytes per byte shown, 80 shown */
	char shown[400], kshown[400], what[CFG_ERRLEN];
	va_list ap;

	if (err == NULL || len == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	cfgval_show(value ? value : "", shown, sizeof(shown));
	cfgval_show(key, kshown, sizeof(kshown));
	snprintf(err, len, "%s: [%s] %s = \"%s\": %s", file, group, kshown, shown, what);
	return -1;
}

struct cfg_ctx {
	const char *file, *group;
	char *err;
	size_t errlen;
};

#define FIELD(out, k, type) ((type *)((char *)(out) + (k)->offset))

/* cfg_number - CFG_UINT, CFG_DURATION, CFG_SIZE */
static int cfg_number(const struct cfg_ctx *x, const struct cfg_key *k,
		      const char *v, void *out)
{
	char lo[32], hi[32];
	uint64_t n;
	int r;

	if (k->type == CFG_UINT) {
		/* the field is an unsigned: a wider schema bound is clamped */
		uint64_t max = k->max > UINT_MAX ? UINT_MAX : k->max;

		r = cfgval_uint(v, &n);
		if (r < 0 || n < k->min || n > max)
			return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
					"expected a whole number from %llu to %llu",
					(unsigned long long)k->min, (unsigned long long)max);
		*FIELD(out, k, unsigned) = (unsigned)n;
		return 0;
	}
	if (k->type == CFG_DURATION) {
		r = cfgval_duration(v, &n);
		cfgval_duration_text(k->min, lo, sizeof(lo));
		cfgval_duration_text(k->max, hi, sizeof(hi));
		if (r < 0 || n < k->min || n > k->max)
			return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
					"expected a duration from %s to %s (a whole number "
					"with unit ms, s, m, h or d; bare means seconds)", lo, hi);
	} else {
		r = cfgval_size(v, &n);
		cfgval_size_text(k->min, lo, sizeof(lo));
		cfgval_size_text(k->max, hi, sizeof(hi));
		if (r < 0 || n < k->min || n > k->max)
			return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
					"expected a size from %s to %s (a whole number of "
					"bytes, or with unit k, M, G or T)", lo, hi);
	}
	*FIELD(out, k, uint64_t) = n;
	return 0;
}

/* cfg_host_bits - -1 and the error for a prefix with host bits set
   (10.1.2.3/8): a typo for the network or for the one host, and which
   one was meant cannot be guessed, so both are offered */
static int cfg_host_bits(const struct cfg_ctx *x, const struct cfg_key *k,
			 const char *v, const char *el)
{
	struct sl_addr a, net;
	unsigned plen;
	char nb[ADDR_STRLEN], ab[ADDR_STRLEN];

	if (prefix_parse(el, &a, &plen) < 0 || !prefix_network(&a, plen, &net))
		return 0;
	return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
			"\"%.60s\" has host bits set: expected the network "
			"%s/%u, or %s/%u for the one host", el, addr_format(&net, nb),
			plen, addr_format(&a, ab), a.family == 4 ? 32 : 128);
}

/* cfg_prefixes - CFG_PREFIXES: every element an ADDR[/LEN] */
static int cfg_prefixes(const struct cfg_ctx *x, const struct cfg_key *k,
			const char *v, void *out)
{
	struct prefixset *ps = prefixset_create();
	char **el = cfgval_split(v);
	size_t i;

	for (i = 0; ps && el[i]; i++) {
		if (cfg_host_bits(x, k, v, el[i]) < 0) {
			prefixset_free(ps);
			g_strfreev(el);
			return -1;
		}
		if (prefixset_add_str(ps, el[i], 1) == 0)
			continue;
		prefixset_free(ps);
		cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
			 "\"%.60s\" is not an address or prefix; expected a list of "
			 "ADDR or ADDR/LEN (IPv4 /0-/32, IPv6 /0-/128) separated by ';' or ','",
			 el[i]);
		g_strfreev(el);
		return -1;
	}
	g_strfreev(el);
	if (ps == NULL)
		return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
				"out of memory");
	*FIELD(out, k, struct prefixset *) = ps;
	return 0;
}

/* cfg_text - CFG_STRING and CFG_ENDPOINT: empty means unset */
static int cfg_text(const struct cfg_ctx *x, const struct cfg_key *k,
		    const char *v, void *out)
{
	struct endpoint ep;
	char why[256];

	if (*v == 0) {
		*FIELD(out, k, char *) = NULL;
		return 0;
	}
	if (k->type == CFG_ENDPOINT && endpoint_parse(v, &ep, why, sizeof(why)) < 0)
		return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
				"%s", why);
	*FIELD(out, k, char *) = g_strdup(v);
	return 0;
}

/* cfg_value - parse one value into out per its key's type */
static int cfg_value(const struct cfg_ctx *x, const struct cfg_key *k,
		     const char *v, void *out)
{
	char list[CFG_ERRLEN];
	double d;
	int b, i;

	switch (k->type) {
	case CFG_BOOL:
		if (cfgval_bool(v, &b) < 0)
			return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
					"expected true/false, yes/no, on/off or 1/0");
		*FIELD(out, k, int) = b;
		return 0;
	case CFG_UINT: case CFG_DURATION: case CFG_SIZE:
		return cfg_number(x, k, v, out);
	case CFG_DOUBLE:
		if (cfgval_double(v, &d) < 0 || d < k->dmin || d > k->dmax)
			return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
					"expected a number from %g to %g", k->dmin, k->dmax);
		*FIELD(out, k, double) = d;
		return 0;
	case CFG_ENUM:
		for (i = 0; k->choices && k->choices[i]; i++)
			if (strcmp(v, k->choices[i]) == 0)
				return *FIELD(out, k, int) = i, 0;
		cfgval_choices(k->choices, list, sizeof(list));
		return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
				"expected one of %s", list);
	case CFG_LIST:
		*FIELD(out, k, char **) = cfgval_split(v);
		return 0;
	case CFG_PREFIXES:
		return cfg_prefixes(x, k, v, out);
	case CFG_STRING: case CFG_ENDPOINT:
		return cfg_text(x, k, v, out);
	}
	return cfg_fail(x->err, x->errlen, x->file, x->group, k->name, v,
			"key of unknown type %d in the program's schema", (int)k->type);
}

/* cfg_clear - the field as "absent with no default" */
static void cfg_clear(const struct cfg_key *k, void *out)
{
	switch (k->type) {
	case CFG_BOOL: case CFG_ENUM: *FIELD(out, k, int) = 0; break;
	case CFG_UINT: *FIELD(out, k, unsigned) = 0; break;
	case CFG_DOUBLE: *FIELD(out, k, double) = 0; break;
	case CFG_DURATION: case CFG_SIZE: *FIELD(out, k, uint64_t) = 0; break;
	case CFG_STRING: case CFG_ENDPOINT: *FIELD(out, k, char *) = NULL; break;
	case CFG_LIST: *FIELD(out, k, char **) = NULL; break;
	case CFG_PREFIXES: *FIELD(out, k, struct prefixset *) = NULL; break;
	}
}

/* cfg_absent - a key not in the file: its default, or empty */
static int cfg_absent(const struct cfg_ctx *x, const struct cfg_key *k, void *out)
{
	if (k->def)
		return cfg_value(x, k, k->def, out);
	/* lists and prefix sets always exist so callers need not test NULL */
	if (k->type == CFG_LIST || k->type == CFG_PREFIXES)
		return cfg_value(x, k, "", out);
	return 0;
}

/* cfg_fill - defaults and values for every key of the schema */
static int cfg_fill(const struct cfg_ctx *x, GKeyFile *kf,
		    const struct cfg_key *keys, size_t nkeys, void *out)
{
	char *v;
	size_t i;
	int r;

	for (i = 0; i < nkeys; i++)
		cfg_clear(&keys[i], out);
	for (i = 0; i < nkeys; i++) {
		v = kf ? g_key_file_get_value(kf, x->group, keys[i].name, NULL) : NULL;
		if (v) {
			g_strstrip(v);
			/* an empty string or endpoint turns the key off (NULL),
			   never back to its default: "state_dir =" means no
			   state; a key that needs a value says so (config.h) */
			r = cfg_value(x, &keys[i], v, out);
			g_free(v);
		} else {
			r = cfg_absent(x, &keys[i], out);
		}
		if (r < 0) {
			config_release(keys, nkeys, out);
			return -1;
		}
	}
	return 0;
}

/* cfg_known_keys - "a, b, c" for an unknown-key error */
static void cfg_known_keys(const struct cfg_key *keys, size_t nkeys,
			   char *buf, size_t len)
{
	size_t o = 0, i;

	buf[0] = 0;
	for (i = 0; i < nkeys && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", keys[i].name);
}

/* cfg_unknown - -1 and the error for the first key not in the schema */
static int cfg_unknown(const struct cfg_ctx *x, GKeyFile *kf,
		       const struct cfg_key *keys, size_t nkeys)
{
	char **names, *v, known[CFG_ERRLEN];
	size_t i, j;
	int r = 0;

	if ((names = g_key_file_get_keys(kf, x->group, NULL, NULL)) == NULL)
		return 0;
	for (i = 0; names[i] && r == 0; i++) {
		for (j = 0; j < nkeys && strcmp(names[i], keys[j].name) != 0; j++)
			;
		if (j < nkeys)
			continue;
		v = g_key_file_get_value(kf, x->group, names[i], NULL);
		cfg_known_keys(keys, nkeys, known, sizeof(known));
		r = cfg_fail(x->err, x->errlen, x->file, x->group, names[i], v,
			     "unknown key in [%s]; known keys: %s", x->group, known);
		g_free(v);
	}
	g_strfreev(names);
	return r;
}

/* config_apply - fill out from group; 0, or -1 with the first error */
int config_apply(struct config *c, const char *group,
		 const struct cfg_key *keys, size_t nkeys, void *out,
		 char *err, size_t errlen)
{
	struct cfg_ctx x = { c->name, group, err, errlen };

	if (g_key_file_has_group(c->kf, group) &&
	    cfg_unknown(&x, c->kf, keys, nkeys) < 0) {
		size_t i;

		for (i = 0; i < nkeys; i++)
			cfg_clear(&keys[i], out);
		return -1;
	}
	return cfg_fill(&x, g_key_file_has_group(c->kf, group) ? c->kf : NULL,
			keys, nkeys, out);
}

/* config_defaults - fill out with the defaults alone */
int config_defaults(const struct cfg_key *keys, size_t nkeys, void *out,
		    char *err, size_t errlen)
{
	struct cfg_ctx x = { "(built-in defaults)", "-", err, errlen };

	return cfg_fill(&x, NULL, keys, nkeys, out);
}

/* config_release - free what config_apply allocated in out */
void config_release(const struct cfg_key *keys, size_t nkeys, void *out)
{
	size_t i;

	for (i = 0; i < nkeys; i++) {
		const struct cfg_key *k = &keys[i];

		switch (k->type) {
		case CFG_STRING: case CFG_ENDPOINT:
			g_free(*FIELD(out, k, char *));
			*FIELD(out, k, char *) = NULL;
			break;
		case CFG_LIST:
			g_strfreev(*FIELD(out, k, char **));
			*FIELD(out, k, char **) = NULL;
			break;
		case CFG_PREFIXES:
			prefixset_free(*FIELD(out, k, struct prefixset *));
			*FIELD(out, k, struct prefixset *) = NULL;
			break;
		default:
			break;
		}
	}
}

/* cfg_line_key - the key of an INI line "KEY = VALUE" (trimmed, in
   buf), or NULL for a comment, a blank line or a group header */
static const char *cfg_line_key(const char *line, size_t len, char *buf,
				size_t buflen)
{
	const char *eq = memchr(line, '=', len);
	size_t a = 0, b;

	while (a < len && g_ascii_isspace(line[a]))
		a++;
	if (eq == NULL || a == len || line[a] == '#' || line[a] == '[')
		return NULL;
	b = (size_t)(eq - line);
	while (b > a && g_ascii_isspace(line[b - 1]))
		b--;
	if (b - a >= buflen)
		b = a + buflen - 1;
	memcpy(buf, line + a, b - a);
	buf[b - a] = '\0';
	return buf;
}

/* cfg_line_group - the group a "[GROUP]" line opens, in buf; NULL if
   the line is not a group header */
static const char *cfg_line_group(const char *line, size_t len, char *buf,
				  size_t buflen)
{
	const char *end;
	size_t a = 0, n;

	while (a < len && g_ascii_isspace(line[a]))
		a++;
	if (a == len || line[a] != '[' || (end = memchr(line + a, ']', len - a)) == NULL)
		return NULL;
	n = (size_t)(end - line) - a - 1;
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, line + a + 1, n);
	buf[n] = '\0';
	return buf;
}

/* cfg_duplicates - GKeyFile keeps the last of two settings of one key
   without a word (a group opened twice is merged): refuse them, naming
   both lines. 0, or -1 with the error in err */
static int cfg_duplicates(const char *name, const char *data, size_t len,
			  char *err, size_t errlen)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char group[256] = "", key[256];
	const char *p = data, *end = data + len, *nl;
	size_t line = 0;
	gpointer first;
	gchar *id;
	int rc = 0;

	for (; p < end && rc == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line++;
		if (cfg_line_group(p, (size_t)(nl - p), group, sizeof(group)) != NULL
		    || cfg_line_key(p, (size_t)(nl - p), key, sizeof(key)) == NULL)
			continue;
		id = g_strconcat(group, "\n", key, NULL);
		if ((first = g_hash_table_lookup(seen, id)) != NULL) {
			snprintf(err, errlen, "%s:%zu: [%s] %s is set twice (first "
				 "at line %zu): keep one", name, line, group, key,
				 (size_t)GPOINTER_TO_SIZE(first));
			rc = -1;
			g_free(id);
		} else
			g_hash_table_insert(seen, id, GSIZE_TO_POINTER(line));
	}
	g_hash_table_destroy(seen);
	return rc;
}

/* cfg_load - a GKeyFile from memory; NULL with the error in err */
static struct config *cfg_load(const char *name, const char *data, size_t len,
			       char *err, size_t errlen)
{
	struct config *c;
	GError *ge = NULL;

	if (len > CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", name, CFG_FILE_MAX);
		return NULL;
	}
	c = g_new0(struct config, 1);
	c->kf = g_key_file_new();
	c->name = g_strdup(name);
	if (!g_key_file_load_from_data(c->kf, data, len, G_KEY_FILE_NONE, &ge)) {
		char shown[256];

		cfgval_show(ge && ge->message ? ge->message : "unknown error", shown,
			 sizeof(shown));
		snprintf(err, errlen, "%s: not a valid INI file: %s", name, shown);
		g_clear_error(&ge);
		config_close(c);
		return NULL;
	}
	if (cfg_duplicates(name, data, len, err, errlen) < 0) {
		config_close(c);
		return NULL;
	}
	return c;
}

/* config_open - read and parse path; NULL with the error in err */
struct config *config_open(const char *path, char *err, size_t errlen)
{
	struct config *c;
	char *data;
	size_t n = 0;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: cannot open the configuration file: %s",
			 path, strerror(errno));
		return NULL;
	}
	/* one byte more than allowed tells an over-long file */
	data = g_malloc(CFG_FILE_MAX + 1);
	n = fread(data, 1, CFG_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: cannot read the configuration file: %s",
			 path, strerror(errno));
		fclose(fp);
		g_free(data);
		return NULL;
	}
	fclose(fp);
	c = cfg_load(path, data, n, err, errlen);
	g_free(data);
	return c;
}

/* config_open_data - the same from memory (tests, fuzzing) */
struct config *config_open_data(const char *name, const char *data,
				size_t len, char *err, size_t errlen)
{
	return cfg_load(name, data, len, err, errlen);
}

/* config_close - accepts NULL */
void config_close(struct config *c)
{
	if (c == NULL)
		return;
	g_key_file_free(c->kf);
	g_free(c->name);
	g_free(c);
}

/* config_groups - names of groups starting with prefix, NULL-terminated */
char **config_groups(const struct config *c, const char *prefix)
{
	char **all = g_key_file_get_groups(c->kf, NULL);
	size_t i, o = 0, plen = strlen(prefix);

	for (i = 0; all[i]; i++) {
		if (strncmp(all[i], prefix, plen) == 0)
			all[o++] = all[i];
		else
			g_free(all[i]);
	}
	all[o] = NULL;
	return all;
}

/* config_keys - the keys group sets, NULL-terminated; NULL if absent */
char **config_keys(const struct config *c, const char *group)
{
	return g_key_file_get_keys(c->kf, group, NULL, NULL);
}

/* cfg_group_known - exact name, or a prefix ending in a space */
static int cfg_group_known(const char *g, const char *const *known)
{
	size_t i, n;

	for (i = 0; known[i]; i++) {
		n = strlen(known[i]);
		if (n && known[i][n - 1] == ' ' ? strncmp(g, known[i], n) == 0 &&
		    g[n] != 0 : strcmp(g, known[i]) == 0)
			return 1;
	}
	return 0;
}

/* config_check_groups - -1 and err naming the first group not in known */
int config_check_groups(const struct config *c, const char *const *known,
			char *err, size_t errlen)
{
	char **all = g_key_file_get_groups(c->kf, NULL), shown[256];
	size_t i, o = 0;
	int r = 0;

	for (i = 0; all[i] && r == 0; i++) {
		if (cfg_group_known(all[i], known))
			continue;
		cfgval_show(all[i], shown, sizeof(shown));
		o = (size_t)snprintf(err, errlen, "%s: unknown group [%s]; known groups:",
				     c->name, shown);
		for (size_t k = 0; known[k] && o < errlen; k++)
			o += (size_t)snprintf(err + o, errlen - o, "%s [%s%s]",
					      k ? "," : "", known[k],
					      known[k][0] && known[k][strlen(known[k]) - 1] == ' '
					      ? "NAME" : "");
		r = -1;
	}
	g_strfreev(all);
	return r;
}

/* config_name - the file name errors use */
const char *config_name(const struct config *c)
{
	return c->name;
}
