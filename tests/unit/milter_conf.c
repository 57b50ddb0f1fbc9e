/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	milter_conf - unit test of mconf, sluice-milter's configuration
 * DESCRIPTION
 *	Defaults, both socket spellings, [core] keys taken over, and
 *	refusals that name the group, key and value.
 */
#include <stdio.h>
#include <string.h>

#include "../../milter/mconf.h"
#include "../tap.h"

/* load_raw - mconf from a string */
static struct mconf *load_raw(const char *text, char *err, size_t len)
{
	err[0] = 0;
	return mconf_load_data(text, strlen(text), err, len);
}

/* load - mconf from a string with the required own_networks added */
static struct mconf *load(const char *text, char *err, size_t len)
{
	static const char own[] = "own_networks = 127.0.0.0/8\n";
	const char *g = strstr(text, "[milter]\n");
	char buf[2048];

	if (strstr(text, "own_networks"))
		return load_raw(text, err, len);
	if (g == NULL)
		snprintf(buf, sizeof(buf), "%s\n[milter]\n%s", text, own);
	else
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(g - text + 9),
			 text, own, g + 9);
	return load_raw(buf, err, len);
}

struct bad { const char *text; const char *want; };

int main(void)
{
	static const struct bad bad[] = {
		{ "[milter]\nlisten = tcp:25\n", "listen" },
		{ "[milter]\nshards = 0\n", "shards" },
		{ "[milter]\nshards = 257\n", "shards" },
		/* the whole caps pass; a sixteenth of them does not (the
		   start used to fail with a bare "Invalid argument") */
		{ "[milter]\nmem_cap = 1M\nmax_held = 1000\n",
		  "shards = 16: each shard's part of the caps is refused" },
		{ "[milter]\nsample_max = 1\n", "sample_max" },
		{ "[milter]\nno_such_key = 1\n", "no_such_key" },
		/* the list of known keys is never cut off: it ends with the
		   milter's last own key */
		{ "[milter]\nno_such_key = 1\n", "shards, sample_dir, sample_max" },
		{ "[milter]\nmode = later\n", "mode" },
		{ "[milter]\nhigh_watermark = 5\nlow_watermark = 9\n", "watermark" },
		{ "[milter]\nidentity = sender, nobody\n", "identity" },
		{ "[core]\ncontrol_socket = inet:127.0.0.1:1\n", "control_socket" },
		{ "[miltre]\nshards = 4\n", "miltre" },
		{ "[milter]\nlisten =\n", "[milter] listen = \"\"" },
		{ "[milter]\npostsuper =\n", "[milter] postsuper = \"\"" },
		{ "[milter]\nextension_delimiter = ++\n", "extension_delimiter" },
		{ "[milter]\nown_networks = hash:/etc/postfix/network_table\n",
		  "\": \"hash:/etc/postfix/network_table\": table lookups" },
		{ "[milter]\nown_networks = 10.0.0.0/8 !10.1.0.0/16\n",
		  "\"!10.1.0.0/16\": table lookups, files and !exclusions" },
		{ "[milter]\nown_networks = /etc/postfix/nets\n", "are not supported" },
		{ "[milter]\nown_networks = 10.1.2.3/8\n",
		  "\"10.1.2.3/8\" has host bits set past /8; perhaps 10.0.0.0/8" },
		{ "[milter]\nown_networks = 10.0.0.0/33\n",
		  "\"10.0.0.0/33\" is not an address or network" },
		{ "[milter]\nown_networks = [::1/128\n", "\"[::1/128\" is not" },
		{ "[milter]\nown_networks = ,;\n", "own_networks is not set" },
	};
	char err[CFG_ERRLEN];
	struct mconf *c;
	size_t i;

	c = load("", err, sizeof(err));
	ok(c != NULL, "an empty file gives the defaults (%s)", err);
	if (c == NULL)
		return done_testing();
	is_str(c->conn, "inet:8895@127.0.0.1", "default socket");
	is_uint(c->shards, 16, "default shards");
	ok(c->sample_dir == NULL, "no samples by default");
	is_int(c->params.mode, MAILTHR_MODE_DELAY, "delay mode by default");
	is_str(c->core.control_socket, "/run/sluice/sluiced.sock",
	       "sluiced's socket from [core]");
	ok(c->mail.quarantine, "quarantine requests on by default");
	is_uint(c->mail.ctl_timeout, 1000000000ULL, "sluiced timeout 1 s");
	is_int(c->refs, 1, "one reference");
	mconf_ref(c);
	is_int(c->refs, 2, "mconf_ref adds one");
	mconf_unref(c);
	mconf_unref(c);
	mconf_unref(NULL);

	c = load("[core]\nevents = -\ncontrol_socket = unix:/tmp/x.sock\n"
		 "[milter]\nlisten = inet:10250@127.0.0.1\nshards = 4\n"
		 "sample_dir = /var/lib/sluice/samples\nsample_max = 64k\n"
		 "honeytokens = trap-*@lists.example.org\nmax_delay = 20s\n",
		 err, sizeof(err));
	ok(c != NULL, "a full [milter] group (%s)", err);
	if (c) {
		is_str(c->conn, "inet:10250@127.0.0.1", "libmilter spelling kept");
		is_uint(c->shards, 4, "shards");
		is_str(c->sample_dir, "/var/lib/sluice/samples", "sample_dir");
		is_uint(c->sample_max, 65536, "sample_max");
		is_str(c->core.events, "-", "events from [core]");
		is_str(c->core.control_socket, "/tmp/x.sock", "bare socket path");
		is_str(c->params.honeytokens[0], "trap-*@lists.example.org",
		       "honeytokens reach the throttle");
		is_uint(c->params.max_delay_ns, 20000000000ULL, "max_delay");
		mconf_unref(c);
	}
	c = load("[milter]\nlisten = inet:[::1]:10251\nsample_dir =\n", err,
		 sizeof(err));
	ok(c && strcmp(c->conn, "inet6:10251@::1") == 0,
	   "Postfix IPv6 spelling converted (%s)", c ? c->conn : err);
	ok(c && c->sample_dir == NULL, "an empty sample_dir means none");
	mconf_unref(c);

	c = load("", err, sizeof(err));
	is_str(c ? c->mail.control_socket : err, "/run/sluice/milter.sock",
	       "the operator socket is on by default");
	ok(c && c->mail.warnings == NULL, "no warnings for new names");
	mconf_unref(c);
	c = load("[core]\nstate_dir =\n[milter]\ncontrol_listen =\n", err,
		 sizeof(err));
	ok(c && c->mail.control_socket == NULL && c->core.state_dir == NULL,
	   "empty control_listen and state_dir turn them off (%s)", err);
	mconf_unref(c);
	c = load("[milter]\npid_file = /run/x.pid\ncontrol_socket = /run/x.sock\n",
		 err, sizeof(err));
	is_str(c ? c->mail.pid_file : err, "/run/x.pid", "old pid_file still read");
	is_str(c ? c->mail.control_socket : err, "/run/x.sock",
	       "old control_socket still read as control_listen");
	is_str(c && c->mail.warnings ? c->mail.warnings : "(none)",
	       "[milter] pid_file is now pidfile (the old name still works for "
	       "now); [milter] control_socket is now control_listen (the old "
	       "name still works for now)", "... with a warning per old name");
	mconf_unref(c);
	c = load("[milter]\npid_file = /run/old.pid\npidfile = /run/new.pid\n",
		 err, sizeof(err));
	is_str(c ? c->mail.pid_file : err, "/run/new.pid", "the new name wins");
	ok(c && c->mail.warnings && strstr(c->mail.warnings, "old one is ignored"),
	   "... said in the warning: %s", c && c->mail.warnings ? c->mail.warnings : err);
	mconf_unref(c);

	c = load_raw("[milter]\nlisten = inet:127.0.0.1:10252\n", err,
		     sizeof(err));
	ok(c == NULL, "no own_networks: refused");
	ok(strstr(err, "memory: [milter] own_networks is not set") &&
	   strstr(err, "postconf -h mynetworks"),
	   "the error names the file, group and key and says where to look: %s",
	   err);
	mconf_unref(c);
	c = load_raw("[milter]\nown_networks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 "
		     "[::1]/128, 192.0.2.7; 2001:db8::/32 [2001:db8:1::1]\n",
		     err, sizeof(err));
	ok(c != NULL, "Postfix's mynetworks forms accepted (%s)", err);
	if (c) {
		static const struct { const char *a; int in; } t[] = {
			{ "127.0.0.1", 1 }, { "::1", 1 }, { "192.0.2.7", 1 },
			{ "192.0.2.8", 0 }, { "2001:db8:ffff::1", 1 },
			{ "2001:db9::1", 0 }, { "2001:db8:1::1", 1 },
			{ "::ffff:127.0.0.9", 1 }, { "203.0.113.5", 0 },
			{ "::2", 0 },
		};
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			is_int(mailaddr_in_networks(c->params.own_nets, t[i].a),
			       t[i].in, "%s %s own_networks", t[i].a,
			       t[i].in ? "in" : "not in");
		mconf_unref(c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = load(bad[i].text, err, sizeof(err));
		ok(c == NULL, "refused: %s", bad[i].want);
		ok(strstr(err, bad[i].want) != NULL, "error names %s: %s",
		   bad[i].want, err);
		ok(strncmp(err, "memory: ", 8) == 0,
		   "... and the file: got \"%.20s\", want \"memory: ...\"", err);
		mconf_unref(c);
	}
	return done_testing();
}
