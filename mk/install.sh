#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.sh - the part of make install that depends on what is there
#
# Called by the Makefile with DESTDIR, SYSCONFDIR, SYSUSERSDIR,
# TMPFILESDIR and POSTFIX_DIR set. Installs $SYSCONFDIR/sluice.conf from
# examples/sluice.conf only when there is none (an operator's file is
# never overwritten), and makes /var/lib/sluice and /var/log/sluice.
# Installing to / (no DESTDIR) it also creates the sluice system user
# (systemd-sysusers with the installed sysusers.d file, else useradd),
# gives it those directories and /run/sluice (systemd-tmpfiles), and
# takes own_networks from "postconf -h mynetworks" when Postfix is
# configured (POSTFIX_DIR names another Postfix configuration
# directory, for a DESTDIR install too). A DESTDIR install is a staging tree: it creates no user
# and chowns nothing (tmpfiles.d does it on the target at boot).
set -eu
: "${DESTDIR:=}"
conf=$DESTDIR$SYSCONFDIR/sluice.conf

install -d -m 755 "$DESTDIR$SYSCONFDIR"
if [ -e "$conf" ]; then
	echo "install: $conf exists, left as it is"
else
	install -m 644 examples/sluice.conf "$conf"
	if { [ -z "$DESTDIR" ] || [ -n "${POSTFIX_DIR:-}" ]; } &&
	   nets=$(sh examples/postfix/sluice-postfix-setup \
		${POSTFIX_DIR:+-c "$POSTFIX_DIR"} -n 2>/dev/null); then
		sed -i "s|^own_networks = .*|$nets|" "$conf"
		echo "install: $conf: $nets (from postconf -h mynetworks)"
	fi
fi
install -d -m 750 "$DESTDIR/var/lib/sluice" "$DESTDIR/var/log/sluice"
[ -z "$DESTDIR" ] || exit 0

if ! getent passwd sluice >/dev/null; then
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers "$SYSUSERSDIR/sluice.conf"
	else
		useradd --system --user-group --home-dir /var/lib/sluice \
			--no-create-home --shell /usr/sbin/nologin sluice
	fi
fi
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	systemd-tmpfiles --create "$TMPFILESDIR/sluice.conf"
else
	install -d -m 755 -o sluice -g sluice /run/sluice
	chown sluice:sluice /var/lib/sluice /var/log/sluice
	[ -e /var/log/sluice/events.json ] ||
		install -m 640 -o sluice -g sluice /dev/null /var/log/sluice/events.json
fi
