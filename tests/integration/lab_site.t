#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# lab_site.t - the site lab of make demo (examples/lab/site.sh): a short
# run of the worm emulator whose report must agree with the kernel, the
# daemons' events and the files the hosts left, and which leaves nothing
# behind (issue 15).
#
# One run, column "all" (sluiced: williamson, capture, TRW; policyd:
# the mail throttle and a honeytoken), strategy topo+mail: the worm
# spreads only to the peers its hosts talk to (which pass sluiced's
# working set) and mass-mails the harvested address book, whose tenth
# address is the honeytoken. Kept up after the run (SITE_KEEP), the
# lab is read here independently of site.sh (nft -j and jq, find,
# the event files) and compared with report.py's summary:
# infections (log, marker files, worms' count files), escapes past the
# gateway and attempts (the kernel's sets), the quarantine set against
# the quarantine events, samples on disk, the hold queue and the
# honeytoken event, the legitimate hosts' request counts. Then the
# worm's own guard: it refuses a target outside 10.77.0.0/16 and to run
# in the machine's own network namespace (the run itself is the
# control: a lab target is infected). site_down must leave no
# namespace of the lab.
. "$(dirname "$0")/lib.sh"
need ip nft perl jq dnsmasq postfix /usr/bin/python3
[ "$(id -u)" = 0 ] || bail "lab_site.t needs root (namespaces, nftables, Postfix)"
for p in sluiced sluicectl sluice-policyd; do
	[ -x "$SLUICE_BUILD/$p" ] || bail "$SLUICE_BUILD/$p is missing: run make"
done
SITE_DIR=$SLUICE_TOP/examples/lab
LAB_ID=ls$$
LAB_LIB=1
. "$SITE_DIR/site.sh"
D=$(mktemp -d /tmp/lab_site.$$.XXXXXX)
at_exit "rm -rf '$D'"
at_exit "site_down"
mkdir "$D/run"

SITE_KEEP=1 SITE_QUIET=1 SITE_BASE=4 site_run all topo+mail 30 "$D/run" >"$D/run.log" 2>&1
ok $? "site_run all topo+mail 30 s completes" || sed 's/^/#   /' "$D/run.log"
R=$D/run
/usr/bin/python3 "$SITE_DIR/report.py" -s "$R" >"$D/sum"
ok $? "report.py -s reads the run"
/usr/bin/python3 "$SITE_DIR/report.py" "$R" >"$D/report"
ok $? "report.py prints the report"
sed 's/^/#   /' "$D/report"
v() { sed -n "s/^$1 //p" "$D/sum"; }

# nset NODE SET - elements of a labcount set, read with nft -j and jq
nset() {
	lab_x "$1" nft -j list set ip labcount "$2" |
		jq '[.nftables[] | select(.set) | .set.elem // [] | length] | add // 0'
}

# infections: the log, the hosts' marker files, the worms' count files
inf=$(wc -l <"$R/infections" | tr -d ' ')
is "$(v infected)" "$inf" "report: infected = lines of the infection log"
is "$(find "$R/hosts" -name infected | wc -l | tr -d ' ')" "$inf" "one marker file per infected host"
is "$(ls "$R"/worm/*.json | wc -l | tr -d ' ')" "$inf" "one worm count file per infected host"
cmp "$inf" -ge 2 "the topological worm reached at least one peer"
is "$(awk '{ print $2 }' "$R/infections" | sort | uniq -d | wc -l | tr -d ' ')" 0 "no host infected twice"
is "$(head -n 1 "$R/infections" | awk '{ print $2 }')" 10.77.8.11 "patient zero is h1"

# escapes and attempts: the kernel's sets as the run left them
esc=$(nset gw esc)
is "$(v escapes)" "$esc" "report: escapes = the gateway's esc set ($esc)"
att=0; for k in $(seq 1 24); do att=$((att + $(nset "h$k" att))); done
is "$(v attempts_kernel)" "$att" "report: kernel attempts = the hosts' att sets ($att)"
cmp "$(v attempts)" -ge "$att" "the worms counted at least the distinct attempts the kernel saw"
cmp "$esc" -ge 1 "some first contacts passed the gateway (peers in the working set)"

# quarantines: the kernel set, the events, and the report
q=$(lab_x gw nft -j list set ip sluice quarantine4 |
	jq -r '.nftables[] | select(.set) | .set.elem // [] | .[] | (.elem.val // .)' | sort)
is "$(v quarantined)" "$(echo "$q" | grep -c .)" "report: quarantined = the kernel's quarantine4 set"
evq=$(grep '"event_type":"quarantine"' "$R/events.json" | jq -r .src_ip | sort -u)
is "$q" "$evq" "every quarantined address has a quarantine event, and no other"
cmp "$(v quarantined_infected)" -ge 1 "an infected host is quarantined"
is "$(v quarantined_clean)" 0 "no clean host is quarantined"

# mail: the honeytoken, the hold queue
ht=$(grep -c '"event_type":"honeytoken"' "$R/events-mail.json")
is "$(v events_honeytoken)" "$ht" "report: honeytoken hits = policyd's events ($ht)"
cmp "$ht" -ge 1 "the mass mailer hit the salted address"
hq=$(grep '"event_type":"honeytoken"' "$R/events-mail.json" | jq -r .src_ip | sort -u)
for a in $hq; do echo "$q" | grep -qx "$a" || hq_missing="${hq_missing:-} $a"; done
is "${hq_missing:-}" "" "every honeytoken sender is in the kernel's quarantine set (policyd asked sluiced)"
is "$(v mail_held)" "$(find "$R/pf/spool/hold" -type f | wc -l | tr -d ' ')" "report: mail held = Postfix's hold queue"
cmp "$(v mails)" -ge 10 "the worms mailed as far as the honeytoken's place in the address book"

# samples, and the users' requests
is "$(v samples)" "$(find "$R/samples" -type f | wc -l | tr -d ' ')" "report: samples = files in sample_dir"
t0=$(sed -n 's/^release //p' "$R/times")
web=$(cat "$R"/hosts/*/user.log | awk -v t="$t0" '$1 >= t && $2 == "web"' | wc -l)
cmp "$(v web_requests)" -le "$web" "report: web requests of clean hosts <= all web requests after the release"
all=$(cat "$R"/hosts/*/user.log | awk '$2 == "web"' | wc -l)
cmp "$all" -ge 100 "the hosts browsed by name during the run ($all requests)"
failed=$(grep -l ' web .* fail$' "$R"/hosts/*/user.log | xargs -r -n1 dirname | xargs -r -n1 basename | sort)
bad=""; for a in $failed; do echo "$q" | grep -qx "$a" || bad="$bad $a"; done
is "$bad" "" "web requests failed only from quarantined hosts (names resolved through dnsmasq)"

# the worm's guard
out=$(lab_x h2 /usr/bin/python3 "$SITE_DIR/worm.py" release 192.0.2.1 '{}' 2>&1)
is "$?:$(echo "$out" | grep -c 'outside the lab')" "2:1" "worm.py refuses a target outside the lab"
out=$(/usr/bin/python3 "$SITE_DIR/worm.py" run 10.77.8.11 '{}' 2>&1)
is "$?:$(echo "$out" | grep -c 'refusing to run here')" "2:1" "worm.py refuses to run in the machine's namespace"

# cleanup
is "$(ip netns list | grep -c "^$LAB_ID-")" 27 "the lab's 27 namespaces were up until now"
site_down
is "$(ip netns list | grep -c "^$LAB_ID-" || true)" 0 "site_down leaves no namespace of the lab"
is "$(pgrep -f "$R/pf/etc" | wc -l | tr -d ' ')" 0 "no Postfix process of the lab is left"
done_testing
