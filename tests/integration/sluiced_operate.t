#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_operate.t - running sluiced: privileges, reload keeping state, metrics, JSON, events
#
# sluiced runs as "nobody" with CAP_NET_ADMIN alone (effective,
# permitted and bounding sets read from /proc). lan1 is quarantined by
# a scan and lan2 builds up a history; then a changed configuration is
# loaded with SIGHUP and with `sluicectl reload`, and a broken one is
# refused while the running one stays: through all of it lan1 stays
# quarantined and lan2's counters are kept. `sluicectl metrics` is the
# Prometheus text format, --json answers are JSON, `sluicectl events`
# follows new events as they happen, and the events file holds EVE-style
# JSON lines.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
id nobody >/dev/null 2>&1 || bail "no user 'nobody' on this machine"
chmod 755 "$SD_RUN"
# conf - the test's configuration with high_watermark = $1, as nobody
conf() {
	sd_base_conf <<EOF2
user = nobody
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = williamson
high_watermark = $1
low_watermark = 10
quarantine_ttl = 1h
EOF2
}
conf 30
touch "$SD_RUN/events.json"; chown nobody "$SD_RUN/events.json"
sd_start || bail "sluiced did not start as nobody"
st=/proc/$SD_PID/status
is "$(awk '/^Uid:/ { print $3 }' "$st")" "$(id -u nobody)" "sluiced runs as nobody (effective uid)"
is "$(awk '/^CapEff:/ { print $2 }' "$st")" 0000000000001000 "effective capabilities: CAP_NET_ADMIN only"
is "$(awk '/^CapPrm:/ { print $2 }' "$st")" 0000000000001000 "permitted capabilities: CAP_NET_ADMIN only"
is "$(awk '/^CapBnd:/ { print $2 }' "$st")" 0000000000001000 "bounding set: CAP_NET_ADMIN only"

sd_ctl --json events >"$SD_RUN/follow.out" 2>&1 &
follow=$!
at_exit "kill $follow 2>/dev/null"
sd_scan tcp 4 300 100
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 20 -i 0.02 10.77.30.1 10.77.30.2 10.77.30.3 >/dev/null
ok $? "lan2 browses"
wait "$SD_SCAN"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1 is quarantined after its scan"
sleep 0.5
grep '"event_type":"quarantine"' "$SD_RUN/follow.out" | grep -q "\"$LAB_LAN1_4\""
ok $? "sluicectl events followed the quarantine as it happened" || sed "s/^/#   /" "$SD_RUN/follow.out"
c0=$(sd_show "$LAB_LAN2_4" contacts) k0=$(sd_show "$LAB_LAN2_4" ok)
q0=$(sd_show "$LAB_LAN1_4" delayed)

conf 40
kill -HUP "$SD_PID"; sleep 0.5
sd_alive; ok $? "SIGHUP: sluiced still runs"
grep -q 'reloaded' "$SD_RUN/sluiced.log"; ok $? "SIGHUP: the log says the configuration was reloaded"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "SIGHUP: lan1 is still in the kernel's quarantine set"
cmp "$(sd_show "$LAB_LAN1_4" quarantined)" -gt 3000 "SIGHUP: sluicectl still shows lan1 quarantined"
is "$(sd_show "$LAB_LAN1_4" delayed)" "$q0" "SIGHUP: lan1's counters are kept"
is "$(sd_show "$LAB_LAN2_4" contacts)/$(sd_show "$LAB_LAN2_4" ok)" "$c0/$k0" "SIGHUP: lan2's contacts are kept"

sd_ctl reload >/dev/null 2>&1; ok $? "sluicectl reload answers OK"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "reload: lan1 is still quarantined"
printf '[zone lan]\nmode = fast\n' >"$SD_RUN/sluice.conf"
kill -HUP "$SD_PID"; sleep 0.5
sd_alive; ok $? "a broken configuration on SIGHUP does not stop sluiced"
grep -q 'reload refused' "$SD_RUN/sluiced.log"; ok $? "the log says the reload was refused"
sd_ctl status >/dev/null 2>&1; ok $? "it still answers"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1 is still quarantined"

out=$(sd_ctl hosts all more 2>&1); r=$?
is "$r: $out" "1: sluicectl: usage: hosts [all]" \
	"a word too many: refused, quoting the usage"
out=$(sd_ctl frobnicate 2>&1); r=$?
is "$r: $out" "1: sluicectl: unknown command; known: status, hosts [all], show HOST, release HOST [REASON...], quarantine HOST [REASON...], unquarantine HOST [REASON...], whitelist, events, reload, metrics, bypass on|off, reactions, lift ID [REASON...], apps, approve PATH [SCRIPT], revoke PATH [SCRIPT], fairshare, contain HOST [DURATION], uncontain HOST" \
	"an unknown command: refused, with the known ones"

sd_ctl metrics >"$SD_RUN/metrics" 2>&1; ok $? "sluicectl metrics answers"
bad=$(grep -v '^# \(HELP\|TYPE\) [a-zA-Z_:][a-zA-Z0-9_:]* ' "$SD_RUN/metrics" |
	grep -v '^[a-zA-Z_:][a-zA-Z0-9_:]*\({[^}]*}\)\? -\?[0-9.e+-]*$' | grep -v '^$' | head -n 3)
is "$bad" "" "metrics: every line is Prometheus text format"
cmp "$(grep -c '^# TYPE' "$SD_RUN/metrics")" -ge 3 "metrics: several typed metrics"
for cmd in status hosts "show $LAB_LAN1_4"; do
	sd_ctl --json $cmd >"$SD_RUN/json" 2>&1
	perl -MJSON::PP -ne 'next unless /\S/; JSON::PP->new->decode($_); END { exit 0 }' \
		"$SD_RUN/json" 2>/dev/null
	ok $? "--json $cmd: every line is JSON"
done
# Events in the EVE convention (DESIGN.md): one JSON object a line with
# timestamp (ISO 8601, microseconds, offset), event_type, src_ip, and an
# object named after the event type.
perl -MJSON::PP -ne '
	my $e = JSON::PP->new->decode($_);
	$e->{timestamp} =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:?\d\d$/
		or die "timestamp: $_";
	defined $e->{event_type} && defined $e->{src_ip} or die "fields: $_";
	ref $e->{$e->{event_type}} eq "HASH" or die "no object $e->{event_type}: $_";
	$n++;
	END { die "no events\n" unless $n }' "$SD_RUN/events.json" 2>"$SD_RUN/eve.err"
ok $? "every line of the events file is an EVE-style event ($(wc -l <"$SD_RUN/events.json") lines)"
sed 's/^/#   /' "$SD_RUN/eve.err"
kill "$follow" 2>/dev/null
sd_stop; is "$?" 0 "sluiced (as nobody) stops cleanly and removes its table"
lab_x gw nft list tables 2>/dev/null | grep -q sluice
is "$?" 1 "its table is gone"
done_testing
