#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_miltertest.t - sluice-milter against Debian's miltertest (the MTA
# side of the milter protocol, scripted in Lua): pass, delay, tempfail
# with its reply, quarantine after lockout, honeytoken (quarantine,
# sluiced asked, sample kept), whitelist, missing and malformed macros,
# clients that vanish mid-transaction.
#
# Two private filters on 127.0.0.1 ports in 10200-10299:
#   A  release 1 s, max_delay 3 s: waits end in a release
#   B  release 1 h, max_delay 300 ms: waits run out (451), queues grow
#      (releases fall on a grid of whole intervals: with 1 h, none comes
#      by chance during the test)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"

need miltertest perl ss
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
[ -x "$SLUICE_BUILD/sluicectl" ] || bail "$SLUICE_BUILD/sluicectl is missing: run make"
T=$(mktemp -d /tmp/sluice-milter-test.$$.XXXXXX)
at_exit "rm -rf $T"
PA=$(t_port 0)
PB=$(t_port 1)

mkdir "$T/samples"

# identity by sender: the scripts tell senders of one client apart
cat >"$T/a.conf" <<CONF
[core]
state_dir = $T/state-a
events = $T/events-a.json
control_socket = unix:$T/ctl.sock
syslog_events = no
[milter]
user =
control_listen = $T/milter-ctl3.sock
listen = inet:127.0.0.1:$PA
own_networks = 127.0.0.0/8 192.0.2.0/24 2001:db8::/32
identity = sasl_username, sender, client_address
wset_size = 2
release_interval = 1s
max_delay = 3s
high_watermark = 5
low_watermark = 2
honeytokens = trap-*@lists.example.org
whitelist_senders = list@example.org
sample_dir = $T/samples
sample_max = 4k
shards = 4
CONF
mkdir "$T/state-a" "$T/state-b" "$T/state-c" "$T/state-u"
cat >"$T/b.conf" <<CONF
[core]
events = $T/events-b.json
control_socket = unix:$T/ctl.sock
state_dir = $T/state-b
syslog_events = no
[milter]
user =
listen = inet:127.0.0.1:$PB
own_networks = 127.0.0.0/8 192.0.2.0/24 2001:db8::/32
identity = sasl_username, sender, client_address
control_listen = $T/ctl-b.sock
wset_size = 2
release_interval = 1h
max_delay = 300ms
high_watermark = 4
low_watermark = 2
CONF


"$MILTER" -n -c "$T/a.conf"
ok $? "configuration A is valid (-n)"
start_ctl
start_milter "$T/a.conf" "$PA"
A_PID=$MILTER_PID
start_milter "$T/b.conf" "$PB"

lua negotiate "$PA" samples=1
lua negotiate "$PB" samples=0
lua pass "$PA"
is "$(event_count throttle alice "$T/events-a.json")" 0 \
	"a person's two recipients wrote no throttle event"

t0=$(now_ms)
lua delay "$PA"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -ge 1800 "3 recipients over the working set waited ($dt ms, want >= 1800: one per 1 s interval after the first)"
cmp "$dt" -lt 6000 "... and were released, not timed out ($dt ms < 6000)"
is "$(event_count throttle dave@example.org "$T/events-a.json")" 3 \
	"one throttle event per delayed recipient"

t0=$(now_ms)
lua tempfail "$PB"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -ge 300 "the deferred recipient waited max_delay first ($dt ms)"
is "$(grep -c '"verdict":"defer".*erin@example.org' "$T/events-b.json")" 1 \
	"a deferred event for the recipient whose wait ran out"

lua quarantine "$PB"
is "$(event_count lockout frank@example.org "$T/events-b.json")" 1 \
	"one lockout event"
is "$(event_count hold frank@example.org "$T/events-b.json")" 2 \
	"two hold events (both messages)"

# the lockout survives a restart (state saved at stop, restored at start)
kill "$MILTER_PID"
wait "$MILTER_PID" 2>/dev/null
[ -f "$T/state-b/milter.seed" ] && [ -f "$T/state-b/milter-shard-000.state" ]
ok $? "the state was saved at stop"
start_milter "$T/b.conf" "$PB"
grep -q "state restored from $T/state-b" "$T/milter.log"
ok $? "... and restored at start"
lua restart "$PB" ip=192.0.2.13 sender=frank@example.org

# the operator socket (sluicectl -s): list, release
CTL=$SLUICE_BUILD/sluicectl
"$CTL" -s "$T/ctl-b.sock" hosts >"$T/hosts.out" 2>&1
grep -q '^sender:frank@example.org .*locked' "$T/hosts.out"
ok $? "sluicectl hosts lists the locked-out sender"
"$CTL" -s "$T/ctl-b.sock" status | grep -q '^locked 1$'
ok $? "sluicectl status counts one lockout"
"$CTL" -s "$T/ctl-b.sock" release sender:frank@example.org >/dev/null
ok $? "sluicectl release sender:frank@example.org"
lua released "$PB"
"$CTL" -s "$T/ctl-b.sock" release sender:nobody@example.org >/dev/null 2>&1
is $? 1 "releasing an unknown identity is an error"

lua honeytoken "$PA"
is "$(event_count honeytoken mallory@example.org "$T/events-a.json")" 1 \
	"a honeytoken event"
is "$(grep -c '"client_quarantine":"requested"' "$T/events-a.json")" 1 \
	"... saying sluiced was asked"
is "$(cat "$T/ctl.log" 2>/dev/null)" "quarantine 192.0.2.66 honeytoken" \
	"sluiced's control socket got the quarantine request"
n=$(ls "$T/samples" | grep -c '^[0-9a-f]\{64\}\.eml$')
is "$n" 1 "one sample kept, named by SHA-256"
f=$(ls "$T/samples"/*.eml 2>/dev/null | head -1)
grep -q "worm payload 8f1c" "$f" 2>/dev/null
ok $? "the sample holds the message body"
is "$(sha256sum "$f" 2>/dev/null | cut -c1-64).eml" "$(basename "$f")" \
	"the sample's name is the SHA-256 of its content"

# the honeytoken lockout survives a restart, and the operator sees it
B_SAVED=$MILTER_PID
kill "$A_PID"
wait "$A_PID" 2>/dev/null
start_milter "$T/a.conf" "$PA"
A_PID=$MILTER_PID
MILTER_PID=$B_SAVED
lua restart "$PA" ip=192.0.2.66 sender=mallory@example.org

t0=$(now_ms)
lua whitelist "$PA"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -lt 900 "31 recipients of a whitelisted sender never waited ($dt ms)"
is "$(grep -c '"whitelisted":true' "$T/events-a.json")" 1 \
	"the whitelisted honeytoken is logged, not acted on"

lua macros "$PA"
is "$(event_count throttle '"identity":"sasl:alice"' "$T/events-a.json")" 1 \
	"{auth_authen} is the identity"
is "$(event_count throttle '"identity":"client:192.0.2.77"' "$T/events-a.json")" 1 \
	"{client_addr} names an unknown-address client"
is "$(event_count throttle '"identity":"client:2001:db8::/64"' "$T/events-a.json")" 1 \
	"IPv6 clients are one identity per /64"
is "$(event_count throttle '"identity":"client:192.0.2.21"' "$T/events-a.json")" 1 \
	"malformed {auth_authen} and sender fall through to the client"
cmp "$(event_count malformed . "$T/events-a.json")" -ge 2 \
	"malformed recipients passed with an event"

# SIGHUP: a new honeytoken in the file takes effect, state kept; a
# broken file is refused and the running configuration kept
B_PID=$MILTER_PID
printf 'honeytokens = late-trap@example.net\n' >>"$T/b.conf"
kill -HUP "$B_PID"
i=0
until grep -q "reloaded" "$T/milter.log" || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done
lua reload "$PB"
printf 'wset_size = many\n' >>"$T/b.conf"
kill -HUP "$B_PID"
i=0
until grep -q "keeping the running" "$T/milter.log" || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done
grep -q 'reload: .*wset_size.*keeping the running configuration' "$T/milter.log"
ok $? "a broken file on SIGHUP is reported and not applied"
kill -0 "$B_PID" 2>/dev/null
ok $? "... and sluice-milter keeps running"

# a client that goes away while its recipient waits (C: max_delay 3 s,
# release 1 h): the sleeping session gives up at max_delay, the filter
# serves others meanwhile and afterwards
PC=$(t_port 5)
cat >"$T/c.conf" <<CONF
[core]
state_dir = $T/state-c
events = $T/events-c.json
control_socket = unix:$T/ctl.sock
[milter]
user =
control_listen = $T/milter-ctl4.sock
listen = inet:127.0.0.1:$PC
own_networks = 127.0.0.0/8 192.0.2.0/24 2001:db8::/32
identity = sasl_username, sender, client_address
wset_size = 2
release_interval = 1h
max_delay = 3s
CONF
start_milter "$T/c.conf" "$PC"
t0=$(now_ms)
lua midwait "$PC"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -lt 2900 "the other client was served while the wait went on ($dt ms)"
i=0
until grep -q '"verdict":"defer".*impatient' "$T/events-c.json" 2>/dev/null ||
	[ $i -ge 400 ]; do sleep 0.05; i=$((i+1)); done
is "$(grep -c '"verdict":"defer".*impatient' "$T/events-c.json")" 1 \
	"the abandoned wait ended at max_delay"
lua pass "$PC"
C_PID=$MILTER_PID
kill "$C_PID"

# a unix socket, in Postfix's spelling; removed again at stop
cat >"$T/u.conf" <<CONF
[core]
state_dir = $T/state-u
events = $T/events-u.json
control_socket = unix:$T/ctl.sock
[milter]
user =
control_listen = $T/milter-ctl5.sock
listen = unix:$T/milter.sock
own_networks = 127.0.0.0/8 192.0.2.0/24 2001:db8::/32
identity = sasl_username, sender, client_address
CONF
start_milter "$T/u.conf" "$T/milter.sock"
lua pass "unix:$T/milter.sock"
kill "$MILTER_PID"
wait "$MILTER_PID" 2>/dev/null
[ ! -e "$T/milter.sock" ]
ok $? "the unix socket is removed at stop"

# as installed but for the user: make install's sysusers.d makes
# sluice, which this machine may lack (-n looks it up)
sed 's/^user = sluice$/user = nobody/' "$SLUICE_TOP/examples/sluice.conf" \
	>"$T/example.conf"
"$MILTER" -n -c "$T/example.conf"
ok $? "examples/sluice.conf is valid for sluice-milter"
[ "$(grep -c '^user = nobody$' "$T/example.conf")" -ge 1 ]
ok $? "(with user = nobody for the missing sluice user)"

lua disconnect "$PA"
kill -0 "$A_PID" 2>/dev/null
ok $? "sluice-milter A is still running"
kill -TERM "$A_PID"
i=0
while kill -0 "$A_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
kill -0 "$A_PID" 2>/dev/null
is $? 1 "SIGTERM stops sluice-milter"
kill "$B_PID" 2>/dev/null
wait "$B_PID" "$C_PID" 2>/dev/null
is "$(grep -c 'Sanitizer' "$T/milter.log")" 0 \
	"no sanitizer report from any sluice-milter (make check SANITIZE=1)"
done_testing
