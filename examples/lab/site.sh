#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	site.sh - the site lab: 24 LAN hosts, a gateway, the Internet, mail
# SYNOPSIS
#	sh examples/lab/site.sh run ID COLUMN STRATEGY SECONDS DIR
#	LAB_LIB=1 . examples/lab/site.sh     (site_up, site_run, site_down...)
# DESCRIPTION
#	One run of the worm emulator (worm.py) against one column of
#	defences, in a lab of its own (ID names its namespaces, so runs
#	can go side by side):
#
#	  h1-h6   10.77.8.11-16  --b8--+
#	  h7-h12  10.77.9.11-16  --b9--+  [gw] sluiced       eth1 ---- [in] 10.77.2.2
#	  h13-h18 10.77.10.11-16 --b10-+  bridges .1 each           10.77.16.0/21 on lo:
#	  h19-h24 10.77.11.11-16 --b11-+  dark 10.77.24.0/21        web (srv.pl), dnsmasq
#	                                  eth2 ---- [mx] 10.77.3.25  10.77.20.53
#	                                            Postfix, sluice-policyd
#
#	Every LAN host runs host.py: the vulnerable toy service (8445),
#	a share (8080), and a user who browses two of www1-5.lab by name,
#	visits a peer in another subnet and one in its own, and mails two
#	correspondents. Hosts in one subnet reach each other on their
#	bridge, which the gateway's forward hook does not see: only
#	traffic between subnets, to the Internet and to the mail server
#	passes sluiced.
#
#	COLUMN picks the defences (site_conf): none (no sluiced, mail
#	throttle observing), williamson, credit, capture (honeypot on the
#	dark range and on-link claims, honeytokens in mail, no throttle),
#	all (williamson, capture, TRW quarantine, the no-DNS signal
#	([dns] nodns), mail throttle and honeytokens, and every
#	[countermeasures] key sluiced acts on).
#	STRATEGY is worm.py's, optionally with "+mail".
#
#	A run: the lab up, Postfix and sluice-policyd in mx, the hosts'
#	users for BASE seconds (their usual latency, before sluiced
#	starts), sluiced in the gateway, then the worm released on h1;
#	SECONDS later the kernel's counters, sets and the daemons' state
#	are read into DIR and everything is removed (site_down, also on
#	Ctrl-C through the caller's trap). DIR then holds what
#	examples/lab/report.py reads: infections, hosts/*/user.log,
#	worm/*.json, count.* (nft sets), quarantine4, events*.json,
#	samples/, mail.* and times.
#	Needs root, iproute2, nftables, perl, python3, dnsmasq, postfix.

: "${LAB_ID:=ss$$}"
SITE_DIR=${SITE_DIR:-$(cd "$(dirname "$0")" 2>/dev/null && pwd)}
LAB_DIR=$SITE_DIR
SITE_HOSTS=24
SITE_BASE=${SITE_BASE:-6}
SITE_PY=/usr/bin/python3
_lib_saved=${LAB_LIB:-}
LAB_LIB=1
. "$SITE_DIR/lab.sh"
LAB_LIB=$_lib_saved
LAB_NODES="gw in mx $(seq -f 'h%g' 1 $SITE_HOSTS | tr '\n' ' ')"
site_build=${SLUICE_BUILD:-$(cd "$SITE_DIR/../.." && pwd)/build}
SITE_SD_PID=""
SITE_PD_PID=""

# site_subnet - the third octet of host K's subnet (8..11)
site_subnet() { echo $((8 + ($1 - 1) / 6)); }

# site_addr - host K's address
site_addr() { echo "10.77.$(site_subnet "$1").$((11 + ($1 - 1) % 6))"; }

# site_count_rules NET ADDR - labcount for a LAN host: its worm first
#	contacts out (att; not to itself), those in from beyond its /24
#	(got); for "gw", after sluiced's chains (priority 100): what
#	sluiced let through to port 8445 (esc), and to port 80 of the
#	Internet outside the web servers (live: the mix strategy)
site_count_rules() {
	_hook=input _prio=0 _out=""
	case $1 in
	gw)	_hook=forward _prio=100
		_in="ip saddr 10.77.8.0/22 tcp dport 8445 add @esc { ip saddr . ip daddr }
		ip saddr 10.77.8.0/22 ip daddr 10.77.16.0/21 ip daddr != 10.77.20.0/29 tcp dport 80 add @live { ip saddr . ip daddr }" ;;
	*)	_in="ip saddr != $1 tcp dport 8445 add @got { ip saddr . ip daddr }"
		_out="ip daddr != $2 tcp dport 8445 add @att { ip saddr . ip daddr }" ;;
	esac
	cat <<EOF
table ip labcount {
	set att { type ipv4_addr . ipv4_addr; size 262144; flags dynamic; }
	set got { type ipv4_addr . ipv4_addr; size 262144; flags dynamic; }
	set esc { type ipv4_addr . ipv4_addr; size 262144; flags dynamic; }
	set live { type ipv4_addr . ipv4_addr; size 262144; flags dynamic; }
	chain in {
		type filter hook $_hook priority $_prio; policy accept;
		ct state != new return
		$_in
	}
	chain out {
		type filter hook output priority 0; policy accept;
		ct state != new return
		$_out
	}
}
EOF
}

# site_wire_host - host K: namespace link to its bridge, address, route
site_wire_host() {
	_s=$(site_subnet "$1") _a=$(site_addr "$1")
	lab_link "h$1" eth0 gw "h$1" &&
	ip -n "$LAB_ID-gw" link set "h$1" master "b$_s" &&
	ip -n "$LAB_ID-h$1" addr add "$_a/24" dev eth0 &&
	lab_x "h$1" ip route add default via "10.77.$_s.1" &&
	site_count_rules "10.77.$_s.0/24" "$_a" | lab_x "h$1" nft -f -
}

# site_wire - the gateway's bridges and links, the hosts, in and mx
site_wire() {
	for _s in 8 9 10 11; do
		ip -n "$LAB_ID-gw" link add "b$_s" type bridge &&
		ip -n "$LAB_ID-gw" link set "b$_s" up &&
		ip -n "$LAB_ID-gw" addr add "10.77.$_s.1/24" dev "b$_s" || return 1
	done
	for _k in $(seq 1 $SITE_HOSTS); do site_wire_host "$_k" || return 1; done
	lab_link gw eth1 in eth0 && lab_link gw eth2 mx eth0 &&
	ip -n "$LAB_ID-gw" addr add 10.77.2.1/24 dev eth1 &&
	ip -n "$LAB_ID-gw" addr add 10.77.3.1/24 dev eth2 &&
	ip -n "$LAB_ID-in" addr add 10.77.2.2/24 dev eth0 &&
	ip -n "$LAB_ID-in" addr add 10.77.20.53/32 dev lo &&
	ip -n "$LAB_ID-mx" addr add 10.77.3.25/24 dev eth0 &&
	# The gateway answers unroutable targets with ICMP at once, as a
	# router without the usual rate limit would: a scanner's failures
	# are quick, and its speed is the worm's, not the lab's.
	lab_sysctl gw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000 &&
	# Each bridge is the subnet's switch: frames between its hosts
	# never reach the IP hooks (where br_netfilter is loaded it would
	# pass them through the gateway's forward chain, as no switch does)
	{ lab_sysctl gw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 \
		net.bridge.bridge-nf-call-arptables=0 2>/dev/null || true; } &&
	[ "$(lab_x gw sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo 0)" = 0 ] &&
	lab_x gw ip route add 10.77.16.0/21 via 10.77.2.2 &&
	lab_x in ip route add local 10.77.16.0/21 dev lo &&
	lab_x in ip route add 10.77.0.0/16 via 10.77.2.1 &&
	lab_x mx ip route add default via 10.77.3.1 &&
	site_count_rules gw | lab_x gw nft -f -
}

# site_dns - dnsmasq in "in": www1-5.lab and h1-h24.lab, nothing else
site_dns() {
	_args="--no-resolv --no-hosts --keep-in-foreground --bind-interfaces
		--listen-address=10.77.20.53 --local-ttl=300 --user=root
		--pid-file=$1/dnsmasq.pid --log-facility=$1/dnsmasq.log"
	for _i in 1 2 3 4 5; do
		_args="$_args --host-record=www$_i.lab,10.77.20.$_i"
	done
	for _k in $(seq 1 $SITE_HOSTS); do
		_args="$_args --host-record=h$_k.lab,$(site_addr "$_k")"
	done
	ip netns exec "$LAB_ID-in" dnsmasq $_args </dev/null >/dev/null 2>&1 &
}

# site_postfix - a private Postfix in mx on 10.77.3.25:25, asking policyd
site_postfix() {
	_pf=$1/pf
	mkdir -p "$_pf/etc" "$_pf/spool" "$_pf/data" && chown postfix "$_pf/data" &&
	cp /usr/share/postfix/master.cf.dist "$_pf/etc/master.cf" &&
	sed -i '/^smtp[[:space:]]\+inet/d' "$_pf/etc/master.cf" &&
	echo "10.77.3.25:25 inet n - n - - smtpd" >>"$_pf/etc/master.cf" &&
	cat >"$_pf/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $_pf/etc
queue_directory = $_pf/spool
data_directory = $_pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 10.77.3.25, 127.0.0.1
inet_protocols = ipv4
myhostname = mx.lab
mydestination =
mynetworks = 10.77.8.0/22 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
default_transport = discard
maillog_file = $_pf/maillog
maillog_file_prefixes = $_pf
import_environment = MAIL_CONFIG LANG TZ
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtpd_recipient_restrictions = check_policy_service { inet:127.0.0.1:10040, { default_action = DUNNO } }, permit_mynetworks, reject_unauth_destination
smtpd_policy_service_timeout = 100s
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
default_process_limit = 100
smtpd_error_sleep_time = 0
queue_run_delay = 10s
EOF
	lab_x mx postfix -c "$_pf/etc" start >"$1/postfix.start" 2>&1
}

# site_policyd_conf COLUMN DIR - sluice-policyd's file for the column
site_policyd_conf() {
	cat <<EOF
[core]
events = $2/events-mail.json
state_dir = $2/state-mail
control_socket = unix:$2/sluiced.sock
syslog_events = no
[policyd]
user =
listen = inet:127.0.0.1:10040
control_listen = $2/policyd.sock
postfix_config_directory = $2/pf/etc
own_networks = 10.77.8.0/22
identity = client_address
EOF
	case $1 in
	none|credit) echo "observe = yes" ;;
	williamson) ;;
	capture) printf '%s\n' "wset_size = 64" "release_interval = 1ms" \
		"high_watermark = 100000" "low_watermark = 99999" ;;
	esac
	case $1 in
	capture|all) echo "honeytokens = $SITE_TOKEN" ;;
	esac
}

# site_conf COLUMN DIR - sluiced's file for the column
site_conf() {
	cat <<EOF
[core]
control_socket = unix:$2/sluiced.sock
state_dir = $2/state
events = $2/events.json
syslog_events = no
[sluiced]
ruleset = own
hooks = forward
resolv_conf = $2/resolv.conf
EOF
	if [ "$1" = all ]; then
		echo "[countermeasures]"
		site_cm_keys
		# the no-DNS signal: dnsmasq's answers to the LAN cross the
		# gateway; the users mail the relay by address, as mail
		# clients do (without it those were every nodns event)
		printf '[dns]\nnodns = yes\nby_address = 10.77.3.25/32\n'
	fi
	case $1 in
	capture|all) cat <<EOF
[capture]
dark = 10.77.24.0/21
sample_dir = $2/samples
action = signal
quarantine_ttl = 10m
claim = b8 10.77.8.0/24, b9 10.77.9.0/24, b10 10.77.10.0/24, b11 10.77.11.0/24
EOF
	esac
	echo "[zone lan]"
	echo "prefixes = 10.77.8.0/22"
	case $1 in
	williamson|all) echo "mode = williamson" ;;
	credit) echo "mode = credit" ;;
	*) echo "mode = off" ;;
	esac
	echo "quarantine_ttl = 10m"
	[ "$1" = all ] && echo "trw = quarantine"
	return 0
}

# site_cm_keys - every [countermeasures] key examples/sluice.conf
#	documents, with the value it shows (the ladder's defaults), so the
#	column names what it runs; not dry_run (this is no observe run)
#	nor the hook (no program to run in the lab)
site_cm_keys() {
	sed -n '/^\[countermeasures\]/,/^\[/p' "$SITE_DIR/../sluice.conf" |
		sed -nE 's/^#?([a-z_0-9]+) = (.+)$/\1 = \2/p' | grep -vE '^(dry_run|hook|hook_timeout) '
	return 0
}

# site_hosts_conf DIR UNTIL - each host's conf.json and address book
site_hosts_conf() {
	for _k in $(seq 1 $SITE_HOSTS); do
		_a=$(site_addr "$_k") _d=$1/hosts/$(site_addr "$_k")
		mkdir -p "$_d"
		# usual peers: the same place in the next subnet, a neighbour
		_far=$(site_addr $(( (_k + 5) % SITE_HOSTS + 1 )))
		_near=$(site_addr $(( (_k - 1) / 6 * 6 + _k % 6 + 1 )))
		_w1=$(( _k % 5 + 1 )) _w2=$(( (_k + 2) % 5 + 1 ))
		cat >"$_d/conf.json" <<EOF
{"until": $2, "web": ["www$_w1.lab", "www$_w2.lab"],
 "peers": ["$_far", "$_near"],
 "rcpts": ["boss@lab.example", "team$_k@lab.example"]}
EOF
		# what a mass mailer harvests here: 100 contacts, the salted
		# address among them (one nobody legitimate writes to)
		seq -f "contact%g@lab.example" 1 100 | sed "9a\\
$SITE_TOKEN" >"$_d/addressbook"
	done
}

# site_up DIR - the lab: namespaces, links, servers; 0 or non-zero
site_up() {
	for _n in $LAB_NODES; do
		ip netns add "$LAB_ID-$_n" || return 1
		ip -n "$LAB_ID-$_n" link set lo up
		lab_sysctl "$_n" net.ipv6.conf.all.accept_dad=0 || return 1
	done
	site_wire || { lab_log "cannot wire the site lab $LAB_ID"; return 1; }
	ip netns exec "$LAB_ID-in" perl "$SITE_DIR/srv.pl" 80 7 </dev/null >/dev/null 2>&1 &
	site_dns "$1"
	echo "nameserver 10.77.20.53" >"$1/resolv.conf"
	# Postfix (user postfix) must reach its queue and data directories
	chmod 755 "$1" "$(dirname "$1")"
	site_postfix "$1" ||
		{ lab_log "Postfix does not start in $LAB_ID-mx: $(cat "$1/postfix.start")"; return 1; }
}

# site_wait_tcp NODE ADDR PORT [SECONDS] - until something answers
#	(5 s at most by default)
site_wait_tcp() {
	_i=0
	until lab_x "$1" perl -MIO::Socket::IP -e \
		'IO::Socket::IP->new(PeerHost => $ARGV[0], PeerPort => $ARGV[1], Timeout => 1) or exit 1' \
		"$2" "$3" 2>/dev/null; do
		[ $_i -lt $(( ${4:-5} * 10 )) ] || return 1
		sleep 0.1; _i=$((_i + 1))
	done
}

# site_policyd COLUMN DIR - sluice-policyd in mx
site_policyd() {
	site_policyd_conf "$1" "$2" >"$2/policyd.conf"
	mkdir -p "$2/state-mail"
	ip netns exec "$LAB_ID-mx" "$site_build/sluice-policyd" -f -c "$2/policyd.conf" \
		</dev/null >/dev/null 2>"$2/policyd.log" &
	SITE_PD_PID=$!
	site_wait_tcp mx 127.0.0.1 10040 30
}

# site_sluiced COLUMN DIR - sluiced in the gateway, until it answers
site_sluiced() {
	site_conf "$1" "$2" >"$2/sluice.conf"
	mkdir -p "$2/state" && mkdir -m 0700 -p "$2/samples"
	ip netns exec "$LAB_ID-gw" "$site_build/sluiced" -n -c "$2/sluice.conf" >"$2/sluiced.check" 2>&1 || return 1
	ip netns exec "$LAB_ID-gw" "$site_build/sluiced" -f -c "$2/sluice.conf" \
		</dev/null >/dev/null 2>"$2/sluiced.log" &
	SITE_SD_PID=$!
	_i=0
	until "$site_build/sluicectl" -s "$2/sluiced.sock" status >/dev/null 2>&1; do
		kill -0 "$SITE_SD_PID" 2>/dev/null || return 1
		[ $_i -lt 100 ] || return 1
		sleep 0.1; _i=$((_i + 1))
	done
}

# site_hosts DIR - host.py in every LAN host
site_hosts() {
	for _k in $(seq 1 $SITE_HOSTS); do
		ip netns exec "$LAB_ID-h$_k" $SITE_PY "$SITE_DIR/host.py" "$1" \
			"$(site_addr "$_k")" </dev/null >>"$1/hosts.log" 2>&1 &
	done
	# 24 Python programs start in a few seconds on a quiet machine,
	# much later on a loaded one
	for _k in $(seq 1 $SITE_HOSTS); do
		site_wait_tcp "h$_k" "$(site_addr "$_k")" 8445 30 || return 1
	done
}

# site_set_count NODE SET - elements in a labcount set of NODE
site_set_count() {
	lab_x "$1" nft list set ip labcount "$2" 2>/dev/null |
		sed -n '/elements = {/,/}/p' | tr ',' '\n' | grep -c ' \. ' || true
}

# site_quarantined - addresses in the gateway's quarantine set
site_quarantined() {
	lab_x gw nft list set ip sluice quarantine4 2>/dev/null |
		grep -oE '10\.77\.[0-9]+\.[0-9]+' | sort -u
}

# site_worm_attempts DIR - the worms' own count of attempts so far
site_worm_attempts() {
	cat "$1"/worm/*.json 2>/dev/null |
		sed -n 's/.*"attempts": \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}

# site_progress DIR T0 ESCAPED - one line of how the run goes
site_progress() {
	printf '%s  t+%3ss  infected %2s/%s  worm first contacts %5s tried, %4s escaped  quarantined %s  user requests %s\n' \
		"$(date +%T)" "$(( $(date +%s) - ${2%.*} ))" \
		"$(wc -l <"$1/infections" | tr -d ' ')" "$SITE_HOSTS" \
		"$(site_worm_attempts "$1")" "$3" "$(site_quarantined | wc -l | tr -d ' ')" \
		"$(cat "$1"/hosts/*/user.log 2>/dev/null | wc -l | tr -d ' ')"
}

# site_watch DIR T0 END - until END: escapes sampled each second into
#	DIR/escapes.log ("EPOCH TOTAL"), a progress line every 5 s
site_watch() {
	_next=$(( ${2%.*} + 5 ))
	while [ "$(date +%s)" -lt "$3" ]; do
		sleep 1
		_got=$(site_set_count gw esc)
		echo "$(date +%s.%N) $_got" >>"$1/escapes.log"
		[ -n "${SITE_QUIET:-}" ] || [ "$(date +%s)" -lt "$_next" ] ||
			{ site_progress "$1" "$2" "$_got"; _next=$((_next + 5)); }
	done
}

# site_collect DIR - the kernel's and daemons' state into DIR
site_collect() {
	for _n in $LAB_NODES; do
		case $_n in h*|gw) for _s in att got esc live; do
			echo "$_n $(site_set_count "$_n" "$_s")" >>"$1/count.$_s"
		done ;; esac
	done
	site_quarantined >"$1/quarantine4"
	if [ -n "$SITE_SD_PID" ]; then
		"$site_build/sluicectl" -s "$1/sluiced.sock" status >"$1/sluiced.status" 2>&1
		"$site_build/sluicectl" -s "$1/sluiced.sock" metrics >"$1/sluiced.metrics" 2>&1
	fi
	find "$1/pf/spool/hold" -type f 2>/dev/null | wc -l >"$1/mail.held"
	grep -c 'status=sent' "$1/pf/maillog" 2>/dev/null >"$1/mail.sent" || true
	ls "$1/samples" 2>/dev/null | wc -l >"$1/samples.count"
}

# site_stop_daemons - sluiced (it removes its tables), policyd, Postfix
site_stop_daemons() {
	for _p in $SITE_SD_PID $SITE_PD_PID; do
		kill -TERM "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	SITE_SD_PID="" SITE_PD_PID=""
	[ -n "${site_run_dir:-}" ] && [ -d "$site_run_dir/pf/etc" ] &&
		lab_x mx postfix -c "$site_run_dir/pf/etc" stop >/dev/null 2>&1
	return 0
}

# site_down - the daemons, then every process and namespace of the lab
site_down() {
	site_stop_daemons
	lab_down
}

# site_run COLUMN STRATEGY SECONDS DIR - one run, as the head says
site_run() {
	site_run_dir=$4
	mkdir -p "$4/worm" && : >"$4/infections"
	_until=$(( $(date +%s) + SITE_BASE + $3 + 8 ))
	site_hosts_conf "$4" "$_until"
	site_up "$4" || return 1
	site_wait_tcp mx 10.77.3.25 25 30 || { lab_log "Postfix did not start in $LAB_ID-mx"; return 1; }
	site_policyd "$1" "$4" || { lab_log "sluice-policyd did not start"; return 1; }
	site_hosts "$4" || { lab_log "the hosts did not start"; return 1; }
	echo "base_start $(date +%s.%N)" >"$4/times"
	sleep "$SITE_BASE"
	echo "sluiced $(date +%s.%N)" >>"$4/times"
	if [ "$1" != none ]; then
		site_sluiced "$1" "$4" || { lab_log "sluiced did not start: $(cat "$4/sluiced.check" "$4/sluiced.log" 2>/dev/null | tail -3)"; return 1; }
	fi
	_t0=$(date +%s.%N)
	echo "release $_t0" >>"$4/times"
	_strat=${2%+mail} _mail=false
	[ "$_strat" = "$2" ] || _mail=true
	_hit=$(for _k in $(seq 2 $SITE_HOSTS); do site_addr "$_k"; done | shuf |
		sed 's/.*/"&"/' | paste -sd, -)
	_params="{\"strategy\": \"$_strat\", \"mail\": $_mail, \"until\": $(( ${_t0%.*} + $3 )), \"hitlist\": [$_hit]}"
	lab_x h1 $SITE_PY "$SITE_DIR/worm.py" release "$(site_addr 1)" "$_params" >"$4/release.out" 2>&1 ||
		{ lab_log "cannot release the worm: $(cat "$4/release.out")"; return 1; }
	echo "$_t0 0" >"$4/escapes.log"
	site_watch "$4" "$_t0" $(( ${_t0%.*} + $3 ))
	echo "end $(date +%s.%N)" >>"$4/times"
	sleep 1		# the worms' last counts
	site_collect "$4"
	# SITE_KEEP: the caller reads the lab's state, then calls site_down
	[ -n "${SITE_KEEP:-}" ] || site_down
	echo "column $1" >>"$4/times"
	echo "strategy $2" >>"$4/times"
	echo "seconds $3" >>"$4/times"
}

# site_main - the command line
site_main() {
	case "${1:-}" in
	run)	[ $# -eq 6 ] || { echo "usage: site.sh run ID COLUMN STRATEGY SECONDS DIR" >&2; return 2; }
		LAB_ID=$2
		trap 'site_down' EXIT
		trap 'exit 130' INT TERM HUP
		site_run "$3" "$4" "$5" "$6" ;;
	*)	echo "usage: site.sh run ID COLUMN STRATEGY SECONDS DIR" >&2; return 2 ;;
	esac
}

SITE_TOKEN=${SITE_TOKEN:-trap-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')@lab.example}
[ -n "${LAB_LIB:-}" ] || site_main "$@"
