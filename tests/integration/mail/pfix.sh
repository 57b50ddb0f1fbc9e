# SPDX-License-Identifier: GPL-2.0-or-later
# pfix.sh - a private Postfix instance on loopback for the policyd and
# milter tests (and their benchmarks).
#
# Source after lib.sh. pf_setup DIR PORT writes main.cf and master.cf
# under DIR (own config, queue and data directories, loopback only,
# discard transport, log file); pf_conf KEY=VALUE... adds settings;
# pf_start and pf_stop run "postfix -c DIR"; pf_log is the log file;
# pf_count PATTERN counts log lines; pf_wait PATTERN N SECONDS waits
# until at least N lines match; pf_many sends 50 recipients over 10
# parallel sessions. Never touches the host's Postfix.

pf_setup() {
	PF_DIR=$1
	PF_PORT=$2
	mkdir -p "$PF_DIR/etc" "$PF_DIR/spool" "$PF_DIR/data"
	chown postfix "$PF_DIR/data"
	cp /etc/postfix/master.cf.proto "$PF_DIR/etc/master.cf" 2>/dev/null ||
		cp /usr/share/postfix/master.cf.dist "$PF_DIR/etc/master.cf"
	# replace the stock smtpd on port 25 by one on our loopback port
	sed -i '/^smtp[[:space:]]\+inet/d' "$PF_DIR/etc/master.cf"
	echo "127.0.0.1:$PF_PORT inet n - n - - smtpd" >>"$PF_DIR/etc/master.cf"
	cat >"$PF_DIR/etc/main.cf" <<EOC
compatibility_level = 3.6
config_directory = $PF_DIR/etc
queue_directory = $PF_DIR/spool
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = sluice-test.localdomain
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
default_transport = discard
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
import_environment = MAIL_CONFIG MAIL_DEBUG LANG TZ
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_policy_service_timeout = 100s
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_recipient_limit = 1000
default_process_limit = 100
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
queue_run_delay = 10s
EOC
}

# pf_conf - add or change main.cf settings
pf_conf() {
	for kv in "$@"; do
		postconf -c "$PF_DIR/etc" -e "$kv"
	done
}

# pf_listening PORT - 0 once something listens on TCP PORT (5 s at most)
pf_listening() {
	i=0
	while [ $i -lt 50 ]; do
		ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

pf_start() {
	postfix -c "$PF_DIR/etc" check >"$PF_DIR/check.log" 2>&1 &&
	postfix -c "$PF_DIR/etc" start >"$PF_DIR/start.log" 2>&1 || return 1
	pf_listening "$PF_PORT"
}

pf_stop() {
	[ -n "${PF_DIR:-}" ] && postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1
	return 0
}

pf_reload() { postfix -c "$PF_DIR/etc" reload >/dev/null 2>&1; }

pf_log() { echo "$PF_DIR/maillog"; }

# pf_count PATTERN - log lines matching (extended regexp)
pf_count() { grep -Ec "$1" "$PF_DIR/maillog" 2>/dev/null || true; }

# pf_wait PATTERN N SECONDS - until N lines match; 0 or 1
pf_wait() {
	end=$(( $(date +%s) + $3 ))
	while [ "$(pf_count "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
	return 0
}

# pf_held - messages on the hold queue
pf_held() {
	find "$PF_DIR/spool/hold" -type f 2>/dev/null | wc -l
}

# pf_many PREFIX [SWAKS-OPTIONS...] - 10 parallel sessions of 5
# recipients PREFIXn-m@example.org each, from someone@example.com;
# swaks output in $PF_DIR/many.log, the wall time in ms in $ms
pf_many() {
	_p=$1
	shift
	_t0=$(date +%s%3N)
	seq 1 10 | xargs -P 10 -I N swaks --server "127.0.0.1:$PF_PORT" \
		--from "someone@example.com" \
		--to "${_p}N-1@example.org,${_p}N-2@example.org,${_p}N-3@example.org,${_p}N-4@example.org,${_p}N-5@example.org" \
		--silent 2 --timeout 120 "$@" >>"$PF_DIR/many.log" 2>&1
	ms=$(( $(date +%s%3N) - _t0 ))
}

# pf_core_conf DIR - a test sluice.conf's [core] group: events, state,
#	sluiced's control socket under DIR, no syslog
pf_core_conf() {
	cat <<EOC
[core]
events = $1/events.json
state_dir = $1/state
control_socket = $1/ctl.sock
syslog_events = no
EOC
}
