# SPDX-License-Identifier: GPL-2.0-or-later
# setup.sh - sluice-policyd and a private Postfix for the policyd tests.
#
# Source after lib.sh. pd_setup [POLICYD-LINES] makes $T (removed at
# exit), a sluice.conf whose [policyd] group gets the extra lines, a
# Postfix instance on $SPORT that asks sluice-policyd on $PPORT about
# every RCPT and END-OF-MESSAGE, and sluiced's stand-in control socket
# logging to $T/ctl.log. pd_start / pd_stop run sluice-policyd;
# pd_events TYPE counts events; send ... runs swaks against Postfix.
# Most tests send as several senders from one client (127.0.0.1), so
# the identity is the sender there (PD_IDENTITY); set PD_IDENTITY=""
# for the default (SASL user, else client address). PD_OWN is
# own_networks (default: Postfix's mynetworks below). PD_UNIX=1 serves
# on $PD_SOCK in the instance's private/ directory, as installed
# (Postfix asks unix:private/sluice-policy), instead of the inet port;
# PD_USER is [policyd] user (default: empty, stay root).

PD_BIN=$SLUICE_BUILD/sluice-policyd
PD_HELP=$SLUICE_TOP/tests/integration/policyd
MAIL_HELP=$SLUICE_TOP/tests/integration/mail
. "$MAIL_HELP/pfix.sh"

pd_setup() {
	need postfix postconf postsuper swaks perl ss
	[ -x "$PD_BIN" ] || bail "$PD_BIN is missing: run make"
	[ -x "$SLUICE_BUILD/sluicectl" ] || bail "sluicectl is missing: run make"
	[ "$(id -u)" -eq 0 ] || bail "the Postfix instance needs root"
	T=$(mktemp -d /tmp/sluice-policyd.$$.XXXXXX)
	[ -n "${PD_KEEP:-}" ] || at_exit "rm -rf '$T'"
	chmod 755 "$T"	# Postfix (user postfix) must reach its data directory
	SPORT=$(t_port 0) && PPORT=$(t_port 1) || bail "no free loopback port in 10100-10999"
	PD_SOCK=$T/pf/spool/private/sluice-policy
	if [ -n "${PD_UNIX:-}" ]; then
		PD_LISTEN=unix:$PD_SOCK PD_ASK=unix:private/sluice-policy
	else
		PD_LISTEN=inet:127.0.0.1:$PPORT PD_ASK=inet:127.0.0.1:$PPORT
	fi
	cat >"$T/sluice.conf" <<EOC
[core]
events = $T/events.json
state_dir = $T/state
control_socket = $T/ctl.sock
syslog_events = no

[policyd]
user = ${PD_USER-}
listen = $PD_LISTEN
control_listen = $T/policyd.sock
postfix_config_directory = $T/pf/etc
${PD_IDENTITY-identity = sasl_username, sender, client_address}
own_networks = ${PD_OWN-127.0.0.0/8 10.0.0.0/8}
${1:-}
EOC
	pf_setup "$T/pf" "$SPORT"
	pol="check_policy_service { $PD_ASK, { default_action = DEFER_IF_PERMIT 4.3.5 sluice-policyd unavailable; try again later } }"
	pf_conf "mynetworks = 127.0.0.0/8 10.0.0.0/8" \
		"smtpd_recipient_restrictions = $pol" \
		"smtpd_end_of_data_restrictions = $pol" \
		"smtpd_policy_service_try_limit = 2"
	# try_limit 2 is Postfix's default: an smtpd process that cached its
	# connection to a sluice-policyd the test has since restarted finds
	# it closed, waits a second and reconnects; with 1 it answered the
	# default action for the rest of its session (policyd_observe.t's
	# dry_run burst lost 18 of 360 that way in CI)
	pf_start || { T_CLEAN=""; bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log" 2>/dev/null) (kept $T)"; }
	at_exit "pf_stop"
	perl "$MAIL_HELP/ctlsink.pl" "$T/ctl.sock" "$T/ctl.log" &
	CTL_PID=$!
	at_exit "kill $CTL_PID 2>/dev/null"
	touch "$T/ctl.log" "$T/events.json"
}

# pd_start - run sluice-policyd in the foreground, wait until it (not
# some other process) listens on its port
pd_start() {
	# a socket left by a daemon that could no longer remove it (it
	# ran as PD_USER in Postfix's private/) must not count as bound
	[ -z "${PD_UNIX:-}" ] || rm -f "$PD_SOCK"
	"$PD_BIN" -c "$T/sluice.conf" -f 2>>"$T/policyd.log" &
	PD_PID=$!
	at_exit "kill $PD_PID 2>/dev/null"
	i=0	# it loads its state before it listens: 60 s for a big one
	while [ $i -lt 600 ]; do	# under sanitizers on a loaded machine
		if [ -n "${PD_UNIX:-}" ]; then
			[ -S "$PD_SOCK" ] && return 0
		else
			ss -Htlnp "sport = :$PPORT" | grep -q "pid=$PD_PID," &&
				return 0
		fi
		kill -0 "$PD_PID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# pd_stop [SIGNAL] - stop it and wait
pd_stop() {
	kill -"${1:-TERM}" "$PD_PID" 2>/dev/null
	wait "$PD_PID" 2>/dev/null
	return 0
}

# pd_events TYPE [PATTERN] - events of that type (matching PATTERN)
pd_events() {
	grep "\"event_type\":\"$1\"" "$T/events.json" | grep -c -- "${2:-.}" || true
}

# pctl COMMAND... - ask sluice-policyd's control socket (sluicectl)
pctl() { "$SLUICE_BUILD/sluicectl" -s "$T/policyd.sock" "$@"; }

# send FROM TO [SWAKS-OPTIONS...] - one message through Postfix
send() {
	f=$1 t=$2
	shift 2
	swaks --server "127.0.0.1:$SPORT" --from "$f" --to "$t" --silent 2 \
		--timeout 120 "$@" >>"$T/swaks.log" 2>&1
}

# sent RCPT-PATTERN - deliveries to matching recipients
sent() { pf_count "to=<$1>.*status=sent"; }

# now_ms - wall clock in milliseconds
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
