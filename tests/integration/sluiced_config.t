#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_config.t - sluiced -n refuses every kind of configuration mistake
#
# Each case is a valid configuration with one mistake: sluiced -n must
# exit 2 and say, on one line, the file, the [group], the key and
# (where there is one) the value. Then all the mistakes at once in one
# file, a file that does not exist, and the valid configurations the
# project ships, which -n must accept (exit 0).
. "$(dirname "$0")/lib.sh"

SD=$SLUICE_BUILD/sluiced
[ -x "$SD" ] || bail "$SD is missing: run 'make all'"
dir=$(mktemp -d /tmp/sluice-conf.$$.XXXXXX) || bail "mktemp failed"
at_exit "rm -rf '$dir'"

# write - FILE from a group/key/value table on stdin (tab separated)
write() {
	awk -F'\t' '
	{ if (!($1 in seen)) { seen[$1] = 1; groups[++ng] = $1 }
	  if ($3 != "-") lines[$1] = lines[$1] $2 " = " $3 "\n" }
	END { for (i = 1; i <= ng; i++) printf "[%s]\n%s\n", groups[i], lines[groups[i]] }' >"$1"
}

valid="core	control_socket	unix:$dir/ctl.sock
core	events	$dir/events.json
sluiced	queue_num	0
sluiced	ruleset	own
zone lan	prefixes	10.77.1.0/24, fd77:1::/64
zone lan	mode	williamson
zone lan	high_watermark	100
zone lan	low_watermark	60
zone dmz	prefixes	10.77.9.0/24
zone dmz	mode	credit
zone dmz	fail	closed"

# mistake - NAME, then tab-separated GROUP KEY VALUE lines, then the
#	text the message must hold (a fixed string); checks exit 2 and
#	the message
mistake() {
	_name=$1 _edit=$2 _want=$3
	printf '%s\n%s\n' "$valid" "$_edit" |
		awk -F'\t' '{ k = $1 "\t" $2; if (!(k in v)) o[++n] = k; v[k] = $0 }
		END { for (i = 1; i <= n; i++) print v[o[i]] }' | write "$dir/$_name.conf"
	_msg=$("$SD" -n -c "$dir/$_name.conf" 2>&1)
	_st=$?
	is "$_st" 2 "$_name: refused with exit status 2"
	case $_msg in
	*"$dir/$_name.conf"*"$_want"*) ok 0 "$_name: the message names the file and $_want" ;;
	*) ok 1 "$_name: the message names the file and $_want"
	   diag "  got: $_msg" ;;
	esac
	[ "$(printf '%s\n' "$_msg" | wc -l)" -eq 1 ]
	ok $? "$_name: one line"
}

T='	'
# name | edit (group TAB key TAB value) | what the message must say
mistake unknown-group "sluicedd${T}queue_num${T}0" "[sluicedd]"
mistake unknown-key "sluiced${T}queue_nm${T}0" "queue_nm"
mistake zone-unknown-key "zone lan${T}wset${T}5" "[zone lan] wset"
mistake queue-range "sluiced${T}queue_num${T}70000" '[sluiced] queue_num = "70000"'
mistake queue-nan "sluiced${T}queue_num${T}zero" '[sluiced] queue_num = "zero"'
mistake queue-many "sluiced${T}queue_num${T}0-16" '[sluiced] queue_num = "0-16": 17 queues; expected at most 16'
mistake queue-backwards "sluiced${T}queue_num${T}3-1" '[sluiced] queue_num = "3-1": expected N or N-M'
mistake queue-closed-inside "sluiced${T}queue_num${T}0-3
sluiced${T}closed_queue_num${T}2" '[sluiced] closed_queue_num = "2": expected a queue outside queue_num (0-3)'
mistake queue-capture-inside "sluiced${T}queue_num${T}4-7
capture${T}dark${T}10.77.30.0/24
capture${T}queue${T}6" '[capture] queue = "6": expected a queue other than [sluiced] queue_num (4-7)'
mistake ruleset-enum "sluiced${T}ruleset${T}mine" '[sluiced] ruleset = "mine"'
mistake bool "sluiced${T}fail_open${T}maybe" '[sluiced] fail_open = "maybe"'
mistake size "sluiced${T}socket_buffer${T}12Q" '[sluiced] socket_buffer = "12Q"'
mistake hooks "sluiced${T}hooks${T}prerouting" '[sluiced] hooks = "prerouting"'
mistake table "sluiced${T}table${T}9 tables" '[sluiced] table = "9 tables"'
mistake endpoint "core${T}control_socket${T}tcp:foo" '[core] control_socket = "tcp:foo"'
mistake whitelist "core${T}whitelist${T}localhost" '[core] whitelist = "localhost"'
mistake prefix-len "zone lan${T}prefixes${T}10.77.1.0/33" '[zone lan] prefixes = "10.77.1.0/33"'
mistake prefix-addr "zone lan${T}prefixes${T}10.77.300.0/24" '[zone lan] prefixes = "10.77.300.0/24"'
mistake prefix-host-bits "zone lan${T}prefixes${T}10.77.1.5/8" \
	'"10.77.1.5/8" has host bits set: expected the network 10.0.0.0/8, or 10.77.1.5/32'
mistake prefix-missing "zone lan${T}prefixes${T}-" "[zone lan] prefixes"
mistake prefix-twice "zone dmz${T}prefixes${T}10.77.1.0/24" "10.77.1.0/24 is already in another zone"
mistake mode "zone lan${T}mode${T}fast" '[zone lan] mode = "fast"'
mistake fail "zone dmz${T}fail${T}sometimes" '[zone dmz] fail = "sometimes"'
mistake wset-zero "zone lan${T}wset_size${T}0" '[zone lan] wset_size = "0"'
mistake duration "zone lan${T}release_interval${T}1 fortnight" '[zone lan] release_interval = "1 fortnight"'
mistake negative-ttl "zone lan${T}quarantine_ttl${T}-5s" '[zone lan] quarantine_ttl = "-5s"'
mistake watermarks "zone lan${T}low_watermark${T}100" "[zone lan] low_watermark"
mistake credit-action "zone dmz${T}credit_action${T}explode" '[zone dmz] credit_action = "explode"'
mistake zone-name "zone bad name!${T}prefixes${T}10.77.8.0/24" "[zone bad name!]"

# [countermeasures]: the reactions' keys are checked like the others
mistake cm-port "countermeasures${T}protected_ports${T}22, 70000" \
	'[countermeasures] protected_ports = "70000": expected port numbers from 1 to 65535'
mistake cm-hook "countermeasures${T}hook${T}stop-smb" \
	'[countermeasures] hook = "stop-smb": expected an absolute program path'
mistake cm-unknown "countermeasures${T}dryrun${T}yes" '[countermeasures] dryrun = "yes"'

# What start would fail on here, -n finds first (issue 20 points 4, 5).
mistake no-user "sluiced${T}user${T}no-such-user" '[sluiced] user = "no-such-user": no such user'
mistake events-nodir "core${T}events${T}$dir/none/deeper/e.json" \
	"[core] events = \"$dir/none/deeper/e.json\": no such directory: $dir/none/deeper"
mistake events-isdir "core${T}events${T}$dir" "[core] events = \"$dir\": is a directory"
mistake socket-nodir "core${T}control_socket${T}$dir/none/deeper/s.sock" \
	"[core] control_socket = \"$dir/none/deeper/s.sock\": no such directory"
mistake state-noparent "core${T}state_dir${T}$dir/none/state" \
	"[core] state_dir = \"$dir/none/state\": no such directory: $dir/none"
: >"$dir/a-file"
mistake state-isfile "core${T}state_dir${T}$dir/a-file" \
	"[core] state_dir = \"$dir/a-file\": exists and is not a directory"
mistake pid-nodir "sluiced${T}pidfile${T}$dir/none/deeper/p.pid" \
	"[sluiced] pidfile = \"$dir/none/deeper/p.pid\": no such directory"
# one missing level is what start makes itself: accepted
printf '%s\n' "$valid" "core${T}events${T}$dir/logs/e.json" \
	"core${T}state_dir${T}$dir/state" "sluiced${T}pidfile${T}$dir/run/p.pid" |
	awk -F'\t' '{ k = $1 "\t" $2; if (!(k in v)) o[++n] = k; v[k] = $0 }
	END { for (i = 1; i <= n; i++) print v[o[i]] }' | write "$dir/onelevel.conf"
"$SD" -n -c "$dir/onelevel.conf" >/dev/null 2>"$dir/err"
ok $? "a missing last directory of events, state_dir or pidfile is accepted (start makes it)" ||
	sed 's/^/# /' "$dir/err"
[ ! -e "$dir/logs" ] && [ ! -e "$dir/state" ] && [ ! -e "$dir/run" ]
ok $? "-n made none of them"

# A configuration that protects nothing says so.
printf '[core]\nevents = %s\ncontrol_socket = %s\n' "$dir/e.json" "$dir/s.sock" >"$dir/empty.conf"
out=$("$SD" -n -c "$dir/empty.conf" 2>"$dir/err")
is "$?:$out" "0:$dir/empty.conf: configuration ok" "no zone: configuration ok"
grep -q "warning: $dir/empty.conf: no zone throttles anything (no \[zone NAME\]): sluiced protects nothing" "$dir/err"
ok $? "no zone: warns that no zone throttles anything" || sed 's/^/# /' "$dir/err"
printf '[zone a]\nprefixes = 10.1.0.0/16\nmode = off\n' >>"$dir/empty.conf"
"$SD" -n -c "$dir/empty.conf" >/dev/null 2>"$dir/err"
grep -q "no zone throttles anything (every zone has mode = off)" "$dir/err"
ok $? "only mode = off zones: warns that no zone throttles anything" || sed 's/^/# /' "$dir/err"
# A zone [core] whitelist covers whole throttles nothing: said; a zone
# it covers only in part is not named.
printf '[core]\nevents = %s\ncontrol_socket = %s\nwhitelist = 127.0.0.0/8; 10.1.0.0/16; 10.2.0.0/25\n[zone a]\nprefixes = 10.1.2.0/24; 10.1.3.0/24\n[zone b]\nprefixes = 10.2.0.0/24\n' \
	"$dir/e.json" "$dir/s.sock" >"$dir/wl.conf"
"$SD" -n -c "$dir/wl.conf" >/dev/null 2>"$dir/err"
is "$?:$(grep -c 'throttles nothing' "$dir/err")" "0:1" "a whitelisted zone: accepted, one warning"
grep -q "warning: $dir/wl.conf: \[zone a\]: every prefix is inside \[core\] whitelist: the zone throttles nothing" "$dir/err"
ok $? "it names zone a, inside the whitelist; not zone b, half inside" || sed 's/^/# /' "$dir/err"

# Not an INI file at all.
printf '[sluiced\nqueue_num = 0\n' >"$dir/syntax.conf"
msg=$("$SD" -n -c "$dir/syntax.conf" 2>&1); st=$?
is "$st" 2 "syntax: refused with exit status 2"
case $msg in *"$dir/syntax.conf"*) ok 0 "syntax: the message names the file" ;;
*) ok 1 "syntax: the message names the file"; diag "  got: $msg" ;; esac

# Every mistake in one file: refused, and the message names one of them.
{
	printf '[core]\ncontrol_socket = tcp:foo\nwhitelist = localhost\n'
	printf '[sluicedd]\nx = 1\n[sluiced]\nqueue_num = 70000\nfail_open = maybe\n'
	printf '[zone bad name!]\nmode = fast\n[zone lan]\nprefixes = 10.77.1.0/33\n'
	printf 'low_watermark = 100\nhigh_watermark = 10\n'
} >"$dir/all.conf"
msg=$("$SD" -n -c "$dir/all.conf" 2>&1); st=$?
is "$st" 2 "every mistake at once: refused with exit status 2"
case $msg in *"$dir/all.conf: "*"["*) ok 0 "every mistake at once: the message names a group" ;;
*) ok 1 "every mistake at once: the message names a group"; diag "  got: $msg" ;; esac

msg=$("$SD" -n -c "$dir/absent.conf" 2>&1); st=$?
is "$st" 2 "a missing file: refused with exit status 2"
case $msg in *"$dir/absent.conf"*) ok 0 "a missing file: the message names it" ;;
*) ok 1 "a missing file: the message names it"; diag "  got: $msg" ;; esac

# The valid configurations: the table above, the lab's, the example.
printf '%s\n' "$valid" | write "$dir/valid.conf"
"$SD" -n -c "$dir/valid.conf" >/dev/null 2>"$dir/err"
ok $? "the base configuration of this test is valid"; sed 's/^/# /' "$dir/err"
sed "s|@RUN@|$dir|g" "$SLUICE_TOP/examples/lab/sluice-lab.conf" >"$dir/lab.conf"
"$SD" -n -c "$dir/lab.conf" >/dev/null 2>"$dir/err"
ok $? "examples/lab/sluice-lab.conf is valid"; sed 's/^/# /' "$dir/err"
"$SD" -n -c "$SLUICE_TOP/examples/sluice.conf" >/dev/null 2>"$dir/err"
ok $? "examples/sluice.conf is valid"; sed 's/^/# /' "$dir/err"
# in a namespace of its own: this machine's addresses may lie in its zones
ns=sluice-conf-$$
ip netns add "$ns" || bail "cannot add network namespace $ns"
at_exit "ip netns del '$ns'"
ip netns exec "$ns" "$SD" -n -c "$SLUICE_TOP/examples/sluice.conf" >/dev/null 2>"$dir/err"
# (what it says of the base chains beside sluiced's is not a warning)
is "$(grep 'warning:' "$dir/err")" "" "examples/sluice.conf gives no warning (in an empty namespace)"
grep -q "no other base chain on sluiced's hooks; sluiced's at priority 20" "$dir/err"
ok $? "and says sluiced's chains meet no other base chain there, at priority 20"

done_testing
