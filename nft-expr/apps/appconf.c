/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appconf - the [applications] group: per-application reverse firewall
 * DESCRIPTION
 *	See appconf.h. The interpreters are named by their file names:
 *	a copy of python under another name is not approved by any rule
 *	(its inode is unknown), so the name only decides which approvals
 *	need a script.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "apps/appconf.h"
#include "cfgval.h"
#include "config.h"

#define AC(f) offsetof(struct app_conf, f)
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static const char *const mode_choices[] = { "off", "learn", "enforce", NULL };

static const struct cfg_key app_keys[] = {
	{ .name = "mode", .type = CFG_ENUM, .offset = AC(mode), .def = "off",
	  .choices = mode_choices,
	  .help = "per-application policy: off, learn (record) or enforce" },
	{ .name = "approve", .type = CFG_LIST, .offset = AC(approve),
	  .help = "executables that may connect: PATH, or INTERPRETER SCRIPT" },
	{ .name = "package_verified", .type = CFG_BOOL,
	  .offset = AC(package_verified), .def = "no",
	  .help = "executables matching their Debian package's md5sums may connect" },
	{ .name = "cgroup", .type = CFG_STRING, .offset = AC(cgroup),
	  .help = "the cgroup (v2 directory) enforced; empty: the root" },
};

/* interpreters: file-name patterns */
static const char *const interpreters[] = {
	"python*", "perl*", "sh", "bash", "dash", "zsh", "ksh*", "mksh", "csh",
	"tcsh", "fish", "node", "nodejs", "ruby*", "php*", "lua*", "luajit*",
	"tclsh*", "wish*", "expect", "gawk", "mawk", "awk", "nawk", "busybox",
	"pwsh", "osascript", "guile*", "Rscript", "julia", "deno", "bun", NULL
};

/* appconf_interpreter - by file name */
int appconf_interpreter(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; interpreters[i]; i++)
		if (fnmatch(interpreters[i], base, 0) == 0)
			return 1;
	return 0;
}

/* appconf_split - one or two absolute paths */
int appconf_split(const char *entry, char **path, char **script)
{
	char **w = g_strsplit_set(entry, " \t", -1);
	char *words[3] = { NULL, NULL, NULL };
	size_t i, n = 0;
	int rc = -1;

	for (i = 0; w[i]; i++)
		if (*w[i] && n < 3)
			words[n++] = w[i];
	if ((n == 1 || n == 2) && words[0][0] == '/'
	    && (n == 1 || words[1][0] == '/')) {
		*path = g_strdup(words[0]);
		*script = n == 2 ? g_strdup(words[1]) : NULL;
		rc = 0;
	}
	g_strfreev(w);
	return rc;
}

/* approve_check - every entry well formed */
static int approve_check(struct config *c, struct app_conf *o, char *err,
			 size_t len)
{
	char shown[160], *p, *s;
	size_t i;

	for (i = 0; o->approve != NULL && o->approve[i] != NULL; i++) {
		cfgval_show(o->approve[i], shown, sizeof(shown));
		if (appconf_split(o->approve[i], &p, &s) < 0) {
			snprintf(err, len, "%s: [applications] approve = \"%s\": "
				 "expected an absolute path, or an interpreter's "
				 "and a script's (\"/usr/bin/python3 /opt/x/agent.py\")",
				 config_name(c), shown);
			return -1;
		}
		if (s == NULL && appconf_interpreter(p)) {
			snprintf(err, len, "%s: [applications] approve = \"%s\": "
				 "an interpreter is never approved alone: name "
				 "the script after it (\"%s /path/to/script\")",
				 config_name(c), shown, p);
			g_free(p);
			return -1;
		}
		g_free(p);
		g_free(s);
	}
	return 0;
}

/* appconf_apply - [applications] of c into out */
int appconf_apply(struct config *c, struct app_conf *out, char *err,
		  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (config_apply(c, "applications", app_keys, NKEYS(app_keys), out,
			 err, errlen) < 0
	    || approve_check(c, out, err, errlen) < 0) {
		appconf_release(out);
		return -1;
	}
	return 0;
}

/* appconf_release - accepts NULL */
void appconf_release(struct app_conf *c)
{
	if (c == NULL)
		return;
	config_release(app_keys, NKEYS(app_keys), c);
	memset(c, 0, sizeof(*c));
}

/* appconf_mode_name - for logs and status */
const char *appconf_mode_name(int mode)
{
	return mode >= 0 && mode <= APPCONF_ENFORCE ? mode_choices[mode] : "?";
}
