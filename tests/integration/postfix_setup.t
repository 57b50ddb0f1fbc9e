#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# postfix_setup.t - the README's Postfix install steps for sluice-policyd
# on a private Postfix that already has restrictions of its own.
#
# The instance starts with a site's own recipient restrictions (a
# check_client_access table, a reject_rbl_client, permits), a
# submission service with its own -o list, and a milter of its own. The
# steps: own_networks from "sluice-postfix-setup -n" into sluice.conf,
# "sluice-postfix-setup | sh", the same with -s for submission and -m
# for the milter, "postfix reload". Afterwards every element of the
# operator's lists is still there in its order, the access table still
# rejects its client, the check sits before the first permit, a second
# run changes nothing, a SASL user sending to 12 new recipients is
# paced by sluice-policyd on port 25 and on submission, and with
# sluice-policyd stopped the documented default_action applies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail/pfix.sh"
need postfix postconf swaks ss
SETUP=$SLUICE_TOP/examples/postfix/sluice-postfix-setup
PD_BIN=$SLUICE_BUILD/sluice-policyd
[ -x "$PD_BIN" ] || bail "$PD_BIN is missing: run make"
T=$(mktemp -d /tmp/sluice-pfsetup.$$.XXXXXX) && at_exit "rm -rf '$T'"
chmod 755 "$T"
SPORT=$(t_port 0) && UPORT=$(t_port 1) && PPORT=$(t_port 2) || bail "no free loopback port in 10100-10999"
pf_setup "$T/pf" "$SPORT"
PC="postconf -c $T/pf/etc"

# The site's own configuration. 127.0.0.0/8 is OK in the access table,
# so no DNS list is ever asked about a test client (no packet leaves
# loopback); 10.9.9.9 is refused by the table.
printf '10.9.9.9 REJECT blocked by the site access table\n127.0.0.0/8 OK\n' >"$T/pf/etc/clients.cidr"
RR="check_client_access cidr:$T/pf/etc/clients.cidr, reject_rbl_client rbl.sluice-test.invalid, permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination"
SUBRR="reject_non_fqdn_recipient,permit_sasl_authenticated,permit_mynetworks,reject"
pf_conf "mynetworks = 127.0.0.0/8 [::1]/128 10.0.0.0/8" \
	"smtpd_recipient_restrictions = $RR" \
	"smtpd_milters = inet:127.0.0.1:$SPORT" \
	"smtpd_policy_service_try_limit = 1"
cat >>"$T/pf/etc/master.cf" <<EOM
127.0.0.1:$UPORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_recipient_restrictions=$SUBRR
EOM
# The foreign milter entry is only there to be kept: no milter for the
# mail itself (milter_default_action would fail every message).
milters_before=$($PC -h smtpd_milters)
pf_conf "smtpd_milters ="

{ pf_core_conf "$T"; cat <<EOC; } >"$T/sluice.conf"

[policyd]
user =
listen = inet:127.0.0.1:$PPORT
control_listen = $T/policyd.sock
EOC

# elements - one list element per line, as sluice-postfix-setup sees them
elements() { echo "$1" | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep .; }

# The documented steps: the README's commands, in its order, are the
# ones run here (with -c and -C for this private instance).
readme=$(grep '^      sluice-postfix-setup' "$SLUICE_TOP/README.md" |
	sed 's/#.*//; s/^ *//; s/ *$//' | tr '\n' ';')
is "$readme" "sluice-postfix-setup -n;sluice-postfix-setup;sluice-postfix-setup | sh;" \
	"the README's Postfix steps are the ones this test runs"
nets=$(sh "$SETUP" -c "$T/pf/etc" -n)
is "$nets" "own_networks = 127.0.0.0/8 [::1]/128 10.0.0.0/8" \
	"-n prints own_networks from postconf -h mynetworks"
echo "$nets" >>"$T/sluice.conf"
sh "$SETUP" -c "$T/pf/etc" -C "$T/sluice.conf" >"$T/main.sh"
ok $? "sluice-postfix-setup prints the main.cf commands"
grep -q '^postconf .* -e ' "$T/main.sh"
ok $? "as postconf -e lines"
sh "$T/main.sh"
ok $? "which run"
sh "$SETUP" -c "$T/pf/etc" -C "$T/sluice.conf" -s "127.0.0.1:$UPORT" | sh
ok $? "-s: the submission service's commands run"
$PC -h smtpd_milters >/dev/null
pf_conf "smtpd_milters = $milters_before"
sh "$SETUP" -c "$T/pf/etc" -m -p inet:127.0.0.1:8895 >"$T/milter.sh" && sh "$T/milter.sh"
ok $? "-m: the milter's commands run"

after=$($PC -h smtpd_recipient_restrictions)
chk="check_policy_service { inet:127.0.0.1:$PPORT, { default_action = DEFER_IF_PERMIT 4.3.5 sluice-policyd unavailable; try again later } }"
is "$after" "$chk, $RR" "main.cf: the check first (before the access table, which may answer OK), the rest unchanged"
elements "$after" | grep -c -e '^reject_rbl_client rbl.sluice-test.invalid$' -e "^check_client_access cidr:" |
	grep -qx 2
ok $? "reject_rbl_client and check_client_access survived"
is "$($PC -h smtpd_end_of_data_restrictions)" "$chk" "end of data asks sluice-policyd"
sub=$($PC -P -h "127.0.0.1:$UPORT/inet/smtpd_recipient_restrictions")
is "$sub" "\$sluice_127_0_0_1_${UPORT}_recipient_restrictions" "submission: -o names a list of its own"
is "$($PC -h "sluice_127_0_0_1_${UPORT}_recipient_restrictions")" "reject_non_fqdn_recipient, $chk, permit_sasl_authenticated, permit_mynetworks, reject" \
	"submission's own -o list: after its reject, before its permit"
is "$($PC -h smtpd_milters)" "$milters_before, inet:127.0.0.1:8895" "-m appended to the existing smtpd_milters"
is "$($PC -h milter_default_action)" "tempfail" "and set the documented fail-safe milter_default_action"
pf_conf "smtpd_milters ="	# no milter runs in this test
is "$(sh "$SETUP" -c "$T/pf/etc" -C "$T/sluice.conf" | grep -c '^postconf')" 0 \
	"a second run prints no command: the lists already ask sluice-policyd"

pf_start || bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log")"
at_exit pf_stop
! grep -q warning "$T/pf/check.log"
ok $? "postfix check has no warning ($(head -c 300 "$T/pf/check.log"))"
"$PD_BIN" -n -c "$T/sluice.conf" >"$T/policyd-n.log" 2>&1
ok $? "sluice-policyd -n accepts the config ($(tail -n 1 "$T/policyd-n.log"))"
"$PD_BIN" -c "$T/sluice.conf" -f 2>"$T/policyd.log" &
PD_PID=$!
at_exit "kill $PD_PID 2>/dev/null"
i=0
while ! ss -Htln "sport = :$PPORT" | grep -q . && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $PD_PID 2>/dev/null
ok $? "sluice-policyd runs with own_networks from the setup ($(tail -n 2 "$T/policyd.log"))"

# send PORT FROM TO [SWAKS-OPTIONS...]
send() {
	p=$1 f=$2 t=$3
	shift 3
	swaks --server "127.0.0.1:$p" --from "$f" --to "$t" --silent 2 \
		--timeout 120 "$@" >"$T/swaks.log" 2>&1
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

send "$SPORT" x@example.org a@example.net --xclient-addr 10.9.9.9
ok $((! $?)) "the access table's client is still refused"
grep -q "blocked by the site access table" "$T/swaks.log"
ok $? "with the table's own message"

for port in "$SPORT" "$UPORT"; do
	rc=""
	for i in $(seq 1 12); do rc="${rc:+$rc,}p$port-$i@example.net"; done
	t0=$(now_ms)
	send "$port" alice@example.org "$rc" --xclient-login "alice$port"
	r=$?
	t1=$(now_ms)
	ok $r "port $port: a SASL user's message to 12 new recipients is accepted"
	cmp $((t1 - t0)) -ge 5000 "and paced by the throttle: 7 waited about 1 s each (ms)"
	cmp "$(grep '"event_type":"throttle"' "$T/events.json" | grep -c "alice$port")" -ge 1 \
		"a throttle event names sasl:alice$port"
done

kill $PD_PID; wait $PD_PID 2>/dev/null
send "$SPORT" alice@example.org late@example.net --xclient-login alice
ok $((! $?)) "sluice-policyd stopped: the message is not accepted"
grep -q "450 4.3.5 .*sluice-policyd unavailable" "$T/swaks.log"
ok $? "Postfix answers the documented default_action"
done_testing
