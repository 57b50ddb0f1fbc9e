#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install_root.t - make install and make uninstall to / as root, as
# the README tells the operator, in a private mount namespace: /etc,
# /usr/local, /var and /run are overlays whose writes land in this
# test's directory, so the machine's own files, users and directories
# are never changed (checked at the end).
#
# Checks: the sluice system user is created (systemd-sysusers), the
# directories belong to it with the right modes (systemd-tmpfiles),
# sluice-policyd and sluice-milter run as that user on the installed
# config as their units run them: started as root, they drop to it
# themselves (control socket in /run/sluice, state in /var/lib/sluice,
# sluice-policyd's socket in Postfix's private/; in a private network
# namespace too, for the milter's port), a
# new /etc/sluice/sluice.conf gets own_networks from the Postfix named
# by POSTFIX_DIR, a second install keeps the user and the operator's
# config, and make uninstall leaves config, state, logs and the user.
. "$(dirname "$0")/lib.sh"
need make unshare setpriv ip systemd-sysusers systemd-tmpfiles
[ "$(id -u)" -eq 0 ] || bail "mounting overlays needs root"
T=$(mktemp -d /tmp/sluice-instroot.$$.XXXXXX) && at_exit "rm -rf '$T'"
case $SLUICE_BUILD in *build-san) SAN=1 ;; *) SAN= ;; esac
mkdir -p "$T/pf"
printf 'mynetworks = 127.0.0.0/8 [::1]/128 192.0.2.0/24\n' >"$T/pf/main.cf"
host_state() {
	{ getent passwd sluice; getent group sluice; ls -ld /etc/sluice \
	  /var/lib/sluice /var/log/sluice /run/sluice /usr/local/sbin/sluiced \
	  /etc/logrotate.d/sluice; md5sum /etc/passwd /etc/group; } 2>&1
}
host_state >"$T/host.before"

cat >"$T/inside.sh" <<'EOS'
set -u
T=$1 TOP=$2 B=$3 SAN=$4
for d in /etc /usr/local /var /run; do
	n=$(echo "$d" | tr / _)
	mkdir -p "$T/ov/$n/u" "$T/ov/$n/w"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$T/ov/$n/u,workdir=$T/ov/$n/w" "$d" ||
		{ echo "cannot overlay $d"; exit 1; }
done
mi() { make -s -C "$TOP" B="$B" SANITIZE="$SAN" POSTFIX_DIR="$T/pf" "$@" >>"$T/make.log" 2>&1; }
had_user=$(getent passwd sluice >/dev/null && echo yes || echo no)
mi install; echo "install1 $?"
echo "had_user $had_user"
echo "user $(getent passwd sluice | cut -d: -f1,6,7)"
for p in /run/sluice /var/lib/sluice /var/log/sluice /var/log/sluice/events.json; do
	echo "path $p $(stat -c '%a %U:%G' "$p" 2>&1)"
done
# The mail filters as their units run them: user sluice, the installed
# config. A daemon's own state file: policyd.state, milter.seed.
ip link set lo up
as_sluice() { setpriv --reuid=sluice --regid=sluice --clear-groups "$@"; }
for f in policyd:policyd.state milter:milter.seed; do
	n=${f%%:*} st=${f#*:} bin=/usr/local/sbin/sluice-${f%%:*}
	as_sluice "$bin" -n -c /etc/sluice/sluice.conf >>"$T/$n.log" 2>&1
	echo "${n}_n $?"
	# started as root, as the units do (no User=): the program
	# becomes [policyd]/[milter] user = sluice itself
	"$bin" -f -c /etc/sluice/sluice.conf 2>>"$T/$n.log" &
	pid=$!
	i=0
	while ! grep -q "running as sluice" "$T/$n.log" && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	echo "${n}_sock $(stat -c %U "/run/sluice/$n.sock" 2>&1)"
	echo "${n}_uid $(stat -c %U /proc/$pid 2>&1)"
	[ $n = milter ] || echo "${n}_listen $(stat -c '%a %U:%G' \
		/var/spool/postfix/private/sluice-policy 2>&1)"
	/usr/local/sbin/sluicectl -s "/run/sluice/$n.sock" status >"$T/$n.status" 2>&1
	echo "${n}_status $?"
	kill -TERM $pid; wait $pid; echo "${n}_exit $?"
	echo "${n}_state $(stat -c '%U %a' "/var/lib/sluice/$st" 2>&1)"
done
echo "nets $(grep -c '^own_networks = 127.0.0.0/8 \[::1\]/128 192.0.2.0/24$' /etc/sluice/sluice.conf)"
echo "# mine" >>/etc/sluice/sluice.conf
uid1=$(id -u sluice)
mi install; echo "install2 $?"
echo "uid_same $([ "$(id -u sluice)" = "$uid1" ] && echo yes || echo no)"
echo "conf_kept $(tail -n 1 /etc/sluice/sluice.conf)"
mi uninstall; echo "uninstall $?"
echo "left_sbin $(ls /usr/local/sbin | grep -c sluice)"
echo "left_units $(ls /usr/local/lib/systemd/system 2>/dev/null | grep -c sluice)"
echo "left_logrotate $(ls /etc/logrotate.d/sluice 2>/dev/null | wc -l)"
echo "kept $(ls -d /etc/sluice/sluice.conf /var/lib/sluice /var/log/sluice 2>/dev/null | wc -l) $(getent passwd sluice | cut -d: -f1)"
EOS
unshare -m -n --propagation private sh "$T/inside.sh" "$T" "$SLUICE_TOP" "$SLUICE_BUILD" "$SAN" >"$T/out" 2>&1
ok $? "the namespace ran ($(grep -v '^[a-z_0-9]* ' "$T/out" | head -c 300))"
val() { sed -n "s|^$1 ||p" "$T/out"; }
is "$(val install1)" 0 "make install to / succeeds ($(tail -n 3 "$T/make.log" | tr '\n' ' '))"
is "$(val had_user)" no "there was no sluice user before"
is "$(val user)" "sluice:/var/lib/sluice:/usr/sbin/nologin" "install created the system user sluice"
is "$(val 'path /run/sluice')" "755 sluice:sluice" "/run/sluice 755 sluice:sluice"
is "$(val 'path /var/lib/sluice')" "750 sluice:sluice" "/var/lib/sluice 750 sluice:sluice"
is "$(val 'path /var/log/sluice')" "750 sluice:sluice" "/var/log/sluice 750 sluice:sluice"
is "$(val 'path /var/log/sluice/events.json')" "640 sluice:sluice" "events.json 640 sluice:sluice"
for n in policyd milter; do
	is "$(val ${n}_n)" 0 "sluice-$n -n as user sluice accepts the installed config"
	is "$(val ${n}_uid)" sluice "sluice-$n runs as sluice ($(tail -n 2 "$T/$n.log" 2>/dev/null | tr '\n' ' '))"
	is "$(val ${n}_sock)" root "and made its control socket in /run/sluice (before the drop)"
	is "$(val ${n}_status)" 0 "which sluicectl reaches ($(head -n 1 "$T/$n.status" 2>/dev/null))"
	is "$(val ${n}_exit)" 0 "SIGTERM stops it cleanly"
	[ $n = milter ] || is "$(val ${n}_listen)" "660 sluice:postfix" \
		"its policy socket in Postfix's private/: 0660 sluice:postfix"
	st=$(val ${n}_state)
	is "${st%% *}" sluice "its state is saved in /var/lib/sluice, owned by sluice (mode ${st#* })"
done
is "$(val nets)" 2 "own_networks from POSTFIX_DIR's mynetworks in both mail groups"
is "$(val install2)" 0 "a second make install succeeds"
is "$(val uid_same)" yes "and keeps the user"
is "$(val conf_kept)" "# mine" "and the operator's config"
is "$(val uninstall)" 0 "make uninstall succeeds"
is "$(val left_sbin) $(val left_units) $(val left_logrotate)" "0 0 0" "programs, units and logrotate file removed"
is "$(val kept)" "3 sluice" "config, state, logs and the user kept"
host_state >"$T/host.after"
command cmp -s "$T/host.before" "$T/host.after"
ok $? "the machine's own users and directories are unchanged (another test run beside this one may be what changed them)" ||
	diff "$T/host.before" "$T/host.after" | sed 's/^/#   /' >&2
done_testing
