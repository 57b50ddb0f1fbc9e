/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	config - the shared INI configuration, validated against a schema
 * SYNOPSIS
 *	#include "config.h"
 * DESCRIPTION
 *	One file (GKeyFile syntax) for every program: groups [core],
 *	[sluiced], [capture], [countermeasures], [policyd], [milter], and
 *	named groups such as [zone lan]. Each program describes the keys
 *	it reads with a table of struct cfg_key and applies it to the
 *	groups it owns; values land in the caller's struct at the given
 *	offsets, defaults first. Every error names the file, the group,
 *	the key, the value and what is accepted, e.g.
 *
 *	  sluice.conf: [core] wset_size = "0": expected a whole number
 *	  from 1 to 64
 *
 *	Keys a program does not know in a group it owns are errors: a
 *	misspelt key in a security configuration must not be ignored.
 *
 *	Value syntax: bool (true/false/yes/no/on/off/1/0), uint (decimal,
 *	bounded), double (bounded), duration ("250ms", "1s", "5m", "1h",
 *	"2d"; a bare number is seconds), size ("64M", "512k", "1G"; bare =
 *	bytes), string, enum (one of choices), list (';' or ',' separated
 *	strings), prefixes (a list of ADDR[/LEN]), endpoint (unix:/path,
 *	inet:host:port, inet:[v6]:port, inet:port@host).
 */
#ifndef SLUICE_CONFIG_H
#define SLUICE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum cfg_type {
	CFG_BOOL,	/* int */
	CFG_UINT,	/* unsigned, within [min, max] */
	CFG_DOUBLE,	/* double, within [dmin, dmax] */
	CFG_DURATION,	/* uint64_t nanoseconds, within [min, max] ns */
	CFG_SIZE,	/* uint64_t bytes, within [min, max] */
	CFG_STRING,	/* char * (g_malloc'd); NULL when absent with no default,
			   and when set empty: an empty value turns a key off,
			   never back to its default; a program whose key must
			   have a value refuses NULL naming the key */
	CFG_ENUM,	/* int: index into choices */
	CFG_LIST,	/* char ** NULL-terminated (g_strfreev) */
	CFG_PREFIXES,	/* struct prefixset * (prefixset_free) */
	CFG_ENDPOINT,	/* char * validated with endpoint_parse */
};

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;			/* offsetof(struct yours, field) */
	const char *def;		/* default, in the file's syntax; NULL = none */
	uint64_t min, max;		/* CFG_UINT, CFG_DURATION, CFG_SIZE */
	double dmin, dmax;		/* CFG_DOUBLE */
	const char *const *choices;	/* CFG_ENUM, NULL-terminated */
	const char *help;		/* one line, for docs and errors */
};

#define CFG_ERRLEN 2048

struct config;

/* config_open - read and parse path; NULL with the error in err */
struct config *config_open(const char *path, char *err, size_t errlen);
/* config_open_data - the same from memory (tests, fuzzing) */
struct config *config_open_data(const char *name, const char *data,
				size_t len, char *err, size_t errlen);
/* config_close - accepts NULL */
void config_close(struct config *c);
/* config_apply - fill out from group (defaults for absent keys, the
   whole group optional); 0, or -1 with the first error in err */
int config_apply(struct config *c, const char *group,
		 const struct cfg_key *keys, size_t nkeys, void *out,
		 char *err, size_t errlen);
/* config_defaults - fill out with the defaults alone */
int config_defaults(const struct cfg_key *keys, size_t nkeys, void *out,
		    char *err, size_t errlen);
/* config_release - free what config_apply allocated in out */
void config_release(const struct cfg_key *keys, size_t nkeys, void *out);
/* config_groups - names of groups starting with prefix ("zone "),
   NULL-terminated, g_strfreev */
char **config_groups(const struct config *c, const char *prefix);
/* config_keys - the keys group sets, in file order, NULL-terminated
   (g_strfreev); NULL if the group is absent */
char **config_keys(const struct config *c, const char *group);
/* config_check_groups - -1 and err naming the first group not in known
   (exact names, or prefixes ending in a space such as "zone ") */
int config_check_groups(const struct config *c, const char *const *known,
			char *err, size_t errlen);
/* config_name - the file name errors use */
const char *config_name(const struct config *c);

#endif
