#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.t - make install and make uninstall into a staging tree
# (DESTDIR), and what the installed files do there.
#
# Checks the files and their modes; sluice.conf is installed once and
# never overwritten; the installed config, with its paths moved under
# the staging tree, passes sluiced -n and the mail filters' -n, and
# every path it names lies in a directory the install or its
# tmpfiles.d file makes; the sysusers.d and tmpfiles.d files, applied
# with --root to an empty tree, make the sluice user and give it the
# directories with the right modes; the logrotate file rotates an
# event log; the mail filters' units run as sluice; make uninstall
# leaves only the config and the state and log directories. Nothing
# is installed to / and no user is added to this machine.
. "$(dirname "$0")/lib.sh"
need make systemd-sysusers systemd-tmpfiles logrotate
T=$(mktemp -d /tmp/sluice-install.$$.XXXXXX) && at_exit "rm -rf '$T'"
D=$T/dest
P=/usr/local
# The same build the other tests use (install depends on all: nothing
# is rebuilt when it is up to date, and never with other flags).
case $SLUICE_BUILD in *build-san) SAN=1 ;; *) SAN= ;; esac
inst() { make -s -C "$SLUICE_TOP" B="$SLUICE_BUILD" SANITIZE=$SAN DESTDIR="$D" "$@" >>"$T/make.log" 2>&1; }

inst install
ok $? "make install DESTDIR=... succeeds ($(tail -n 3 "$T/make.log" | tr '\n' ' '))"

# mode_of PATH - octal mode, or "missing"
mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }
for p in sluiced sluicectl sluice-policyd sluice-milter sluice-postfix-setup; do
	is "$(mode_of "$D$P/sbin/$p")" 755 "sbin/$p installed, mode 755"
done
for f in share/man/man8/sluiced.8 share/man/man8/sluice-postfix-setup.8 \
	share/man/man5/sluice.conf.5 lib/systemd/system/sluiced.service \
	lib/systemd/system/sluice-policyd.service lib/systemd/system/sluice-milter.service \
	lib/sysusers.d/sluice.conf lib/tmpfiles.d/sluice.conf; do
	is "$(mode_of "$D$P/$f")" 644 "$f installed, mode 644"
done
is "$(mode_of "$D/etc/logrotate.d/sluice")" 644 "/etc/logrotate.d/sluice, mode 644"
is "$(mode_of "$D/etc/sluice/sluice.conf")" 644 "/etc/sluice/sluice.conf, mode 644"
command cmp -s "$SLUICE_TOP/examples/sluice.conf" "$D/etc/sluice/sluice.conf" >/dev/null
ok $? "it is examples/sluice.conf"
is "$(mode_of "$D/var/lib/sluice")" 750 "/var/lib/sluice, mode 750"
is "$(mode_of "$D/var/log/sluice")" 750 "/var/log/sluice, mode 750"
[ -d "$D$P/share/doc/sluice/examples/postfix" ]
ok $? "examples under share/doc/sluice"

# own_networks from this Postfix's mynetworks, in both mail groups: a
# second staging tree with a Postfix configuration directory named.
mkdir -p "$T/pf"
printf 'mynetworks = 127.0.0.0/8 [::1]/128 192.0.2.0/24\n' >"$T/pf/main.cf"
make -s -C "$SLUICE_TOP" B="$SLUICE_BUILD" SANITIZE=$SAN DESTDIR="$T/dest2" \
	POSTFIX_DIR="$T/pf" install >>"$T/make.log" 2>&1
ok $? "make install POSTFIX_DIR=... succeeds"
is "$(grep -c '^own_networks = 127.0.0.0/8 \[::1\]/128 192.0.2.0/24$' "$T/dest2/etc/sluice/sluice.conf")" 2 \
	"own_networks in [policyd] and [milter] from postconf -h mynetworks"
diff "$SLUICE_TOP/examples/sluice.conf" "$T/dest2/etc/sluice/sluice.conf" | grep -c '^[<>]' |
	grep -qx 4
ok $? "and nothing else changed"

# The operator's config is never overwritten.
echo "# the operator's own line" >>"$D/etc/sluice/sluice.conf"
cp "$D/etc/sluice/sluice.conf" "$T/mine.conf"
inst install
ok $? "make install again succeeds"
command cmp -s "$T/mine.conf" "$D/etc/sluice/sluice.conf"
ok $? "and leaves the existing sluice.conf as it was"
grep -q "sluice.conf exists, left as it is" "$T/make.log"
ok $? "and says so"

# The units: installed paths, the filters unprivileged, no per-unit
# runtime/state directories (tmpfiles.d makes the shared ones).
U=$D$P/lib/systemd/system
grep -q "^ExecStart=$P/sbin/sluice-policyd " "$U/sluice-policyd.service"
ok $? "sluice-policyd.service starts the installed program"
# the filters start as root and drop to [policyd]/[milter] user
# themselves (policyd_privsep.t): no User= that would keep them from
# binding in Postfix's private/ and forking the release helper; the
# installed config names the user, whom sysusers.d makes
for u in sluice-policyd sluice-milter; do
	grep -q '^User=' "$U/$u.service"
	is $? 1 "$u.service has no User= (the program drops root itself)"
done
is "$(grep -c '^user = sluice$' "$D/etc/sluice/sluice.conf")" 2 \
	"the installed config makes both filters run as user sluice"
is "$(cat "$U"/*.service | grep -c -e '^RuntimeDirectory=' -e '^StateDirectory=' -e '^LogsDirectory=')" 0 \
	"no unit makes (and at its stop removes or chowns) the shared directories"

# sysusers.d and tmpfiles.d applied to an empty root.
R=$T/root
mkdir -p "$R/etc"
: >"$R/etc/passwd"; : >"$R/etc/group"; : >"$R/etc/shadow"; : >"$R/etc/gshadow"
systemd-sysusers --root="$R" "$D$P/lib/sysusers.d/sluice.conf" >"$T/sysusers.log" 2>&1
ok $? "systemd-sysusers accepts the sysusers.d file"
uid=$(awk -F: '$1 == "sluice" { print $3 ":" $6 ":" $7 }' "$R/etc/passwd")
case $uid in [0-9]*:/var/lib/sluice:/usr/sbin/nologin) r=0 ;; *) r=1 ;; esac
ok $r "and creates the system user sluice ($uid)"
uid=${uid%%:*}
systemd-tmpfiles --root="$R" --create "$D$P/lib/tmpfiles.d/sluice.conf" >"$T/tmpfiles.log" 2>&1
ok $? "systemd-tmpfiles accepts the tmpfiles.d file ($(head -c 200 "$T/tmpfiles.log"))"
for d in "run/sluice 755" "var/lib/sluice 750" "var/log/sluice 750" "var/log/sluice/events.json 640"; do
	set -- $d
	is "$(stat -c '%a %u' "$R/$1" 2>/dev/null)" "$2 $uid" "/$1: mode $2, owned by sluice"
done

# The installed config works: paths moved under the staging tree, and
# the sluice user (made by sysusers.d in the staging root only) is
# nobody here.
C=$T/sluice.conf
sed -e "s|/var/log/sluice|$D/var/log/sluice|g" -e "s|/var/lib/sluice|$D/var/lib/sluice|g" \
	-e "s|/run/sluice|$R/run/sluice|g" -e "s|^user = sluice$|user = nobody|" \
	"$D/etc/sluice/sluice.conf" >"$C"
for p in sluiced sluice-policyd sluice-milter; do
	out=$("$D$P/sbin/$p" -n -c "$C" 2>&1)
	ok $? "$p -n accepts the installed config ($(echo "$out" | tail -n 1))"
done
# Every absolute path a key names is in a directory that exists once
# installed: the install's, tmpfiles.d's, or the system's (postsuper).
bad=""
for v in $(sed -n 's/^[a-z_]* = \(\/[^ ;,]*\).*/\1/p' "$D/etc/sluice/sluice.conf"); do
	dir=${v%/*}
	[ -d "$D$dir" ] || [ -d "$R$dir" ] || [ -d "$dir" ] || bad="$bad $v"
done
is "$bad" "" "every path in the installed config is in a directory that exists"

# logrotate: the installed file, pointed at a log here, rotates it.
mkdir -p "$T/log"
echo '{"event_type":"x"}' >"$T/log/events.json"
chmod 640 "$T/log/events.json"
sed "s|/var/log/sluice|$T/log|" "$D/etc/logrotate.d/sluice" >"$T/logrotate.conf"
logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" >"$T/logrotate.log" 2>&1
ok $? "logrotate runs the installed file ($(head -c 200 "$T/logrotate.log"))"
[ -s "$T/log/events.json.1" ]
ok $? "the event log was rotated"
is "$(mode_of "$T/log/events.json")" 640 "a new empty events.json with the old mode"
grep -q 'systemctl reload "$s.service"' "$D/etc/logrotate.d/sluice"
ok $? "postrotate reloads (SIGHUP: reopen the event log) each running daemon"

# make uninstall: only config and state are left.
inst uninstall
ok $? "make uninstall succeeds"
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
is "$left" "./etc/sluice/sluice.conf " "only sluice.conf is left of the files"
[ -d "$D/var/lib/sluice" ] && [ -d "$D/var/log/sluice" ]
ok $? "the state and log directories are kept"
done_testing
