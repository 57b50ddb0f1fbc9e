/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_conf - unit test of the [applications] group
 *	(nft-expr/apps/appconf.c)
 * DESCRIPTION
 *	The defaults, approve's two shapes, the interpreters refused
 *	alone, and refusals naming file, group, key, value and what is
 *	accepted.
 */
#include <string.h>
#include <glib.h>

#include "apps/appconf.h"
#include "config.h"
#include "../tap.h"

/* load - apply text; 0/-1, err filled */
static int load(const char *text, struct app_conf *out, char *err, size_t len)
{
	struct config *c = config_open_data("t.conf", text, strlen(text), err, len);
	int rc;

	if (c == NULL)
		return -1;
	rc = appconf_apply(c, out, err, len);
	config_close(c);
	return rc;
}

int main(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "[applications]\nmode = on\n",
		  "t.conf: [applications] mode = \"on\": expected one of off, learn or enforce" },
		{ "[applications]\napprove = curl\n",
		  "t.conf: [applications] approve = \"curl\": expected an absolute path, or an interpreter's and a script's" },
		{ "[applications]\napprove = /usr/bin/python3\n",
		  "t.conf: [applications] approve = \"/usr/bin/python3\": an interpreter is never approved alone" },
		{ "[applications]\napprove = /bin/sh\n",
		  "t.conf: [applications] approve = \"/bin/sh\": an interpreter is never approved alone" },
		{ "[applications]\napprove = /usr/bin/python3 agent.py\n",
		  "t.conf: [applications] approve = \"/usr/bin/python3 agent.py\": expected an absolute path" },
		{ "[applications]\napprove = /a /b /c\n",
		  "t.conf: [applications] approve = \"/a /b /c\": expected" },
		{ "[applications]\npackage_verified = maybe\n",
		  "t.conf: [applications] package_verified = \"maybe\"" },
	};
	static const struct {
		const char *path;
		int want;
	} interp[] = {
		{ "/usr/bin/python3", 1 }, { "/usr/bin/python3.11", 1 },
		{ "/usr/bin/perl", 1 }, { "/bin/sh", 1 }, { "/bin/bash", 1 },
		{ "/usr/bin/node", 1 }, { "/usr/bin/gawk", 1 }, { "/bin/busybox", 1 },
		{ "/usr/bin/curl", 0 }, { "/usr/bin/ssh", 0 }, { "/usr/bin/shred", 0 },
		{ "/opt/pythonic/agent", 0 }, { "/usr/bin/env", 0 },
	};
	struct app_conf c;
	char err[512], *p, *s;
	size_t i;

	is_int(load("", &c, err, sizeof(err)), 0, "an empty file loads");
	is_int(c.mode, APPCONF_OFF, "mode defaults to off");
	is_int(c.package_verified, 0, "package_verified defaults to no");
	ok(c.approve == NULL || c.approve[0] == NULL, "approve defaults to none");
	appconf_release(&c);

	is_int(load("[applications]\nmode = enforce\napprove = /usr/bin/curl, "
		    "/usr/bin/python3 /opt/x/agent.py\npackage_verified = yes\n"
		    "cgroup = /sys/fs/cgroup/x\n", &c, err, sizeof(err)), 0,
	       "a full group loads");
	is_int(c.mode, APPCONF_ENFORCE, "mode enforce");
	is_str(c.approve[1], "/usr/bin/python3 /opt/x/agent.py", "an interpreter with its script");
	is_str(c.cgroup, "/sys/fs/cgroup/x", "cgroup");
	appconf_release(&c);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load(bad[i].text, &c, err, sizeof(err));

		if (!ok(rc < 0 && strncmp(err, bad[i].want, strlen(bad[i].want)) == 0,
			"refused: %s", bad[i].want))
			diag("  got \"%s\"", rc < 0 ? err : "(accepted)");
		if (rc == 0)
			appconf_release(&c);
	}
	for (i = 0; i < sizeof(interp) / sizeof(interp[0]); i++)
		is_int(appconf_interpreter(interp[i].path), interp[i].want,
		       "interpreter(%s)", interp[i].path);

	is_int(appconf_split("  /usr/bin/perl   /opt/x.pl ", &p, &s), 0, "split trims");
	is_str(p, "/usr/bin/perl", "the interpreter");
	is_str(s, "/opt/x.pl", "the script");
	g_free(p);
	g_free(s);
	is_int(appconf_split("/usr/bin/curl", &p, &s), 0, "split of one path");
	ok(s == NULL, "has no script");
	g_free(p);
	is_str(appconf_mode_name(APPCONF_LEARN), "learn", "mode name");
	return done_testing();
}
