/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdcheck - what sluiced -n and the start check beyond the schema
 * SYNOPSIS
 *	#include "daemon/sdcheck.h"
 * DESCRIPTION
 *	The same checks run for -n and at start, before anything is
 *	installed: a configuration -n accepts must not fail at start on
 *	something -n could have seen (issue 20: a missing user, a missing
 *	directory only noticed at stop). They look, they never create:
 *	-n changes nothing on the machine.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "daemon/sdcheck.h"

#define PATHLEN 4096

enum want { W_FILE, W_DIR, W_SOCKET };

struct pathkey {
	const char *group, *key, *path;
	enum want want;
};

/* check_fail - "FILE: [GROUP] KEY = "VALUE": WHY"; returns -1 */
static int check_fail(char *err, size_t len, const char *file,
		      const struct pathkey *k, const char *why, const char *what)
{
	snprintf(err, len, "%s: [%s] %s = \"%.200s\": %s%.200s", file, k->group,
		 k->key, k->path, why, what);
	return -1;
}

/* parent_of - the directory part of path in buf ("/" or "." if none) */
static const char *parent_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return ".";
	n = (size_t)(slash - path);
	if (n == 0)
		return "/";
	if (n >= len)
		n = len - 1;
	memcpy(buf, path, n);
	buf[n] = 0;
	return buf;
}

/* is_dir - 1 if path is a directory, 0 if something else, -1 if absent */
static int is_dir(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

/* check_parent - the directory path goes in exists (or can be made) */
static int check_parent(const char *file, const struct pathkey *k,
			char *err, size_t len)
{
	char dir[PATHLEN], up[PATHLEN];
	int d = is_dir(parent_of(k->path, dir, sizeof(dir)));

	if (d == 1)
		return 0;
	if (d == 0)
		return check_fail(err, len, file, k, "not a directory: ", dir);
	/* a file's directory is made at start (sdcheck_mkparent), so is
	   state_dir itself, but not the directory state_dir goes in */
	if (k->want != W_DIR && is_dir(parent_of(dir, up, sizeof(up))) == 1)
		return 0;
	return check_fail(err, len, file, k, "no such directory: ", dir);
}

/* check_path - one path key */
static int check_path(const char *file, const struct pathkey *k,
		      char *err, size_t len)
{
	int d;

	if (k->path == NULL || *k->path == 0)
		return 0;
	d = is_dir(k->path);
	if (d == 1 && k->want != W_DIR)
		return check_fail(err, len, file, k, "is a directory, expected a "
				  "file in one", "");
	if (d == 0 && k->want == W_DIR)
		return check_fail(err, len, file, k, "exists and is not a directory", "");
	if (d == 1)
		return 0;
	return check_parent(file, k, err, len);
}

/* apps_check - what [applications] needs of this machine: the
   kernel's BTF (the BPF program is relocated against it) and the
   cgroup it names */
static int apps_check(const char *file, const struct app_conf *a, char *err,
		      size_t len)
{
	if (a->mode == APPCONF_OFF)
		return 0;
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(err, len, "%s: [applications] mode = %s: this kernel has "
			 "no BTF (/sys/kernel/btf/vmlinux: %s), which the BPF "
			 "program needs", file, appconf_mode_name(a->mode),
			 strerror(errno));
		return -1;
	}
	if (a->cgroup != NULL && *a->cgroup && is_dir(a->cgroup) < 0) {
		snprintf(err, len, "%s: [applications] cgroup = \"%.200s\": not a "
			 "directory (expected a cgroup v2 directory)", file, a->cgroup);
		return -1;
	}
	return 0;
}

/* sdcheck_host - the user and the paths usable here */
int sdcheck_host(const char *file, const struct sd_conf *c, char *err,
		 size_t len)
{
	const char *ev = c->core.events;
	const struct pathkey keys[] = {
		{ "core", "events", ev && strcmp(ev, "-") != 0 ? ev : NULL, W_FILE },
		{ "core", "control_socket", c->core.control_socket, W_SOCKET },
		{ "core", "state_dir", c->core.state_dir, W_DIR },
		{ "sluiced", "pidfile", c->pidfile, W_FILE },
	};
	size_t i;

	errno = 0;
	if (c->user != NULL && getpwnam(c->user) == NULL) {
		snprintf(err, len, "%s: [sluiced] user = \"%.64s\": %s", file, c->user,
			 errno ? strerror(errno) : "no such user");
		return -1;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (check_path(file, &keys[i], err, len) < 0)
			return -1;
	return apps_check(file, &c->apps, err, len);
}

/* sdcheck_mkparent - at start: make the missing directory path goes
   in, one level, as sdcheck_host allows */
void sdcheck_mkparent(const char *path, mode_t mode)
{
	char dir[PATHLEN];

	if (path != NULL && is_dir(parent_of(path, dir, sizeof(dir))) < 0)
		(void)mkdir(dir, mode);	/* a failure shows when path is used */
}

/* throttles_any - does some zone throttle (mode not off) */
static int throttles_any(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].mode != SD_MODE_OFF)
			return 1;
	return 0;
}

/* what covered_by and zone_prefix look at: one zone prefix, then
   whether all of the zone's are inside the whitelist */
struct cover {
	const struct prefixset *whitelist;
	struct sl_addr net;
	unsigned plen;
	int inside;		/* this prefix; then: every one */
};

/* covered_by - prefixset_walk of the whitelist: does w/wlen hold the
   zone prefix whole (no longer than it, same network) */
static int covered_by(void *ctx, const struct sl_addr *w, unsigned wlen,
		      uintptr_t value)
{
	struct cover *k = ctx;
	struct sl_addr a, b;

	(void)value;
	if (w->family != k->net.family || wlen > k->plen ||
	    prefix_network(&k->net, wlen, &a) < 0 ||
	    prefix_network(w, wlen, &b) < 0)
		return 0;
	return k->inside = addr_equal(&a, &b);
}

/* zone_prefix - prefixset_walk of a zone: stop at one the whitelist
   does not hold whole */
static int zone_prefix(void *ctx, const struct sl_addr *a, unsigned plen,
		       uintptr_t value)
{
	struct cover *k = ctx, one = { k->whitelist, *a, plen, 0 };

	(void)value;
	prefixset_walk(k->whitelist, covered_by, &one);
	k->inside = one.inside;
	return !one.inside;
}

/* whitelisted_zones - a warning for each throttling zone that [core]
   whitelist covers whole: it then throttles nothing */
static void whitelisted_zones(const char *file, const struct sd_conf *c,
			      sdcheck_warn_fn *fn, void *ctx)
{
	char line[1024];
	size_t i;

	for (i = 0; c->core.whitelist != NULL && i < c->nzones; i++) {
		struct cover k = { c->core.whitelist, { 0 }, 0, 0 };

		if (c->zones[i].mode == SD_MODE_OFF ||
		    prefixset_count(c->zones[i].prefixes) == 0)
			continue;
		prefixset_walk(c->zones[i].prefixes, zone_prefix, &k);
		if (!k.inside)
			continue;
		snprintf(line, sizeof(line), "%s: [zone %s]: every prefix is "
			 "inside [core] whitelist: the zone throttles nothing",
			 file, c->zones[i].name);
		fn(ctx, line);
	}
}

/* policed_zone - the first zone with an outbound policy, or NULL */
static const struct sd_zone *policed_zone(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (sdconf_zone_policed(&c->zones[i]))
			return &c->zones[i];
	return NULL;
}

/* sdcheck_warnings - each warning of a valid configuration to fn */
void sdcheck_warnings(const char *file, const struct sd_conf *c,
		      sdcheck_warn_fn *fn, void *ctx)
{
	char line[1024];

	if (c->priority_renamed) {
		snprintf(line, sizeof(line), "%s: [sluiced] priority = %s: taken as "
			 "process_priority = %s (the key's old meaning); priority "
			 "now places sluiced's chains (default %s): rename the key",
			 file, c->priority_text, c->priority_text,
			 SD_CHAIN_PRIORITY_DEF);
		fn(ctx, line);
	}
	if (!throttles_any(c) && policed_zone(c) == NULL) {
		snprintf(line, sizeof(line), "%s: no zone throttles anything (%s): "
			 "sluiced protects nothing; add a [zone NAME] with prefixes "
			 "and mode williamson or credit", file,
			 c->nzones ? "every zone has mode = off" : "no [zone NAME]");
		fn(ctx, line);
	}
	if (c->ruleset == SD_RULESET_NONE && policed_zone(c) != NULL) {
		snprintf(line, sizeof(line), "%s: [zone %s] has an outbound policy, "
			 "but ruleset = none installs nothing: put what sluiced -n "
			 "prints in your ruleset, or it is not enforced", file,
			 policed_zone(c)->name);
		fn(ctx, line);
	}
	whitelisted_zones(file, c, fn, ctx);
}
