# SPDX-License-Identifier: GPL-2.0-or-later
# sendmail.sh - a private sendmail on loopback for the milter tests,
# run from its unpacked Debian packages (installing sendmail would
# replace Postfix).
#
# Source after lib.sh and pfix.sh. sm_fetch unpacks sendmail-bin and sendmail-cf
# (apt-get download, dpkg-deb -x) into $SM_CACHE once; their library
# dependencies are packages in mk/deps.sh. sm_setup DIR PORT MC-FRAGMENT
# builds DIR/sendmail.cf with m4 from the unpacked cf files, a private
# .mc and the fragment (the shipped examples/sendmail/sluice-milter.mc
# with the test's port), with its queue in a root-owned 0700 directory.
# sm_start runs "sendmail -bD" in a private mount and UTS namespace
# whose /etc/hosts names the host sluice-test.localdomain (sendmail
# otherwise waits a minute for its own name, "unqualified host name
# unknown") and whose nsswitch.conf and resolv.conf keep every lookup
# on files and loopback (no DNS query leaves the machine); the machine's own hosts file, hostname and
# mail system are never touched. sm_stop ends it; sm_cmd runs the
# sendmail binary on the private config (mailq -qQ, -qQ -Q).

: "${SM_CACHE:=/var/cache/sluice-test/sendmail}"
SM_BIN=$SM_CACHE/root/usr/libexec/sendmail/sendmail
SM_CF=$SM_CACHE/root/usr/share/sendmail/cf

# sm_fetch - the unpacked packages in $SM_CACHE, fetched if missing
sm_fetch() {
	need m4 apt-get dpkg-deb unshare ldd
	if [ ! -x "$SM_BIN" ] || [ ! -r "$SM_CF/m4/cf.m4" ]; then
		rm -rf "$SM_CACHE.new" && mkdir -p "$SM_CACHE.new/debs" || return 1
		( cd "$SM_CACHE.new/debs" &&
		  apt-get download sendmail-bin sendmail-cf ) >"$SM_CACHE.new/fetch.log" 2>&1 ||
			bail "apt-get download sendmail-bin sendmail-cf failed: $(tail -n 2 "$SM_CACHE.new/fetch.log")"
		for d in "$SM_CACHE.new/debs"/*.deb; do
			dpkg-deb -x "$d" "$SM_CACHE.new/root" || bail "dpkg-deb -x $d failed"
		done
		rm -rf "$SM_CACHE" && mv "$SM_CACHE.new" "$SM_CACHE"
	fi
	miss=$(ldd "$SM_BIN" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
	[ -z "$miss" ] || bail "sendmail needs $miss: run 'make deps' (as root)"
}

# sm_setup DIR PORT FRAGMENT - config, queue and hosts file under DIR
sm_setup() {
	SM_DIR=$1 SM_PORT=$2
	mkdir -p "$SM_DIR/queue" && chmod 700 "$SM_DIR/queue"
	printf '127.0.0.1 localhost\n127.0.0.1 sluice-test.localdomain sluice-test\n' >"$SM_DIR/hosts"
	printf 'hosts files\naliases files\n' >"$SM_DIR/service.switch"
	# No name service but the files: the client's reverse lookup and
	# sendmail's own resolver would otherwise ask the machine's DNS
	# server, off loopback.
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$SM_DIR/nsswitch.conf"
	printf 'nameserver 127.0.0.1\n' >"$SM_DIR/resolv.conf"
	: >"$SM_DIR/aliases"
	# Everything sendmail would read or write under /etc/mail or
	# /var is moved under DIR; mail is only queued (queueonly), never
	# delivered; promiscuous_relay lets loopback clients send to any
	# domain (the daemon listens on 127.0.0.1 only, and no_default_msa
	# drops the MSA on port 587 of every address). The load average
	# limits are off: this machine's load says nothing about the test.
	cat >"$SM_DIR/test.mc" <<EOM
divert(-1)
include(\`$SM_CF/m4/cf.m4')
divert(0)dnl
VERSIONID(\`sluice test instance')dnl
OSTYPE(\`linux')dnl
define(\`QUEUE_DIR', \`$SM_DIR/queue')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`ALIAS_FILE', \`$SM_DIR/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM_DIR/hosts')dnl
define(\`confHELP_FILE', \`')dnl
define(\`confCW_FILE', \`')dnl
define(\`confDOMAIN_NAME', \`sluice-test.localdomain')dnl
define(\`confDELIVERY_MODE', \`queueonly')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confLOG_LEVEL', \`9')dnl
define(\`confREFUSE_LA', \`10000')dnl
define(\`confQUEUE_LA', \`10000')dnl
define(\`confDELAY_LA', \`0')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT, Addr=127.0.0.1, Name=MTA')dnl
EOM
	cat "$3" >>"$SM_DIR/test.mc"
	echo "MAILER(\`smtp')dnl" >>"$SM_DIR/test.mc"
	m4 "$SM_DIR/test.mc" >"$SM_DIR/sendmail.cf" 2>"$SM_DIR/m4.log"
}

# sm_ns ARGS... - the unpacked sendmail on the private config, in its
#	own mount and UTS namespace
sm_ns() {
	unshare -m -u --propagation private sh -c '
		mount --bind "$1/hosts" /etc/hosts &&
		mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf &&
		mount --bind "$1/resolv.conf" /etc/resolv.conf &&
		hostname sluice-test &&
		d=$1 b=$2 && shift 2 && exec "$b" -C "$d/sendmail.cf" "$@"' \
		sh "$SM_DIR" "$SM_BIN" "$@"
}

# sm_start - sendmail -bD, until it listens
sm_start() {
	sm_ns -bD </dev/null >"$SM_DIR/sendmail.log" 2>&1 &
	SM_PID=$!
	pf_listening "$SM_PORT"
}

# sm_stop - end the daemon: sendmail -bD still forks away from the
#	shell, so the pid is the one in its pid file
sm_stop() {
	[ -n "${SM_DIR:-}" ] || return 0
	p=$(head -n 1 "$SM_DIR/sendmail.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	[ -n "${SM_PID:-}" ] && kill "$SM_PID" 2>/dev/null
	return 0
}

# sm_cmd ARGS... - the same for a command (mailq -qQ, -qQ -Q)
sm_cmd() { sm_ns "$@"; }

# sm_quarantined - messages in sendmail's quarantine (hf files)
sm_quarantined() { find "$SM_DIR/queue" -name 'hf*' | wc -l; }

# sm_queued - messages accepted onto the normal queue (qf files)
sm_queued() { find "$SM_DIR/queue" -name 'qf*' | wc -l; }
