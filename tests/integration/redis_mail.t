#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# redis_mail.t - mail filters sharing their throttle state through one
# private redis-server.
#
# The mass mailer (client 10.0.0.9, one identity) sends N new
# recipients, one message each, alternating between two filters, in
# defer mode with a five-slot working set and one release a second.
# Sharing, the recipients that pass over both stay within one working
# set plus one release per second elapsed plus one (the tolerance for a
# release falling between two requests); the control case, the same
# filters without Redis, passes two working sets. Then Redis is killed
# mid-run: both keep answering, at once, and say so (log, status,
# metrics); restarted, shared mode is back. A stand-in that answers
# garbage, and one that never answers, put a filter in local mode
# without harm.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/redis/common.sh"

rd_setup redis-mail
RD_ACL=1	# the filters log in as sluice-mail (sluiced(8))
rd_redis_start || bail "redis-server did not start: $(cat "$T/redis/log")"
N=24
WSET=5

# shared NAME-A KIND-A NAME-B KIND-B TAG - the mailer against a pair
shared() {
	rd_conf "$1" "$2"
	rd_conf "$3" "$4"
	rd_start "$1" "$2"
	rd_start "$3" "$4"
	t0=$(date +%s)
	got=$(rd_mailer "$1" "$2" "$3" "$4" $N "$5")
	secs=$(( $(date +%s) - t0 + 1 ))
	cmp "$got" -le $((WSET + secs + 1)) \
		"$2 + $4 sharing Redis: $got of $N new recipients passed in ${secs}s (at most $WSET + $secs + 1)"
	cmp "$got" -ge $WSET "and the first working set did pass ($got)"
}

RD_CLIENT=10.0.1.9 shared pa policyd pb policyd pp
RD_CLIENT=10.0.2.9 shared ma milter mb milter mm
RD_CLIENT=10.0.3.9 shared qa policyd qb milter qm

# control: the same pair of policyd without Redis: two working sets
rd_conf ca policyd none
rd_conf cb policyd none
rd_start ca policyd
rd_start cb policyd
got=$(rd_mailer ca policyd cb policyd $N cc)
cmp "$got" -ge $((2 * WSET)) "control, no Redis: $got passed (two working sets, $((2 * WSET)))"

rd_status pa | grep -q '^redis_shared yes$'
ok $? "sluicectl status: redis_shared yes"
bytes=$(redis-cli -s "$T/redis.sock" MEMORY USAGE 'sluice:{client:10.0.1.9}')
cmp "${bytes:-0}" -le 1024 "one identity, a full working set and $((N - WSET)) queued: $bytes bytes in Redis"
ttl=$(redis-cli -s "$T/redis.sock" PTTL 'sluice:{client:10.0.1.9}')
cmp "${ttl:-0}" -gt 3500000 "its key expires after redis_idle (PTTL $ttl ms)"

# Redis killed mid-run: answers keep coming, at once, locally
rd_redis_kill
t0=$(date +%s%3N)
a=$(rd_ask pa policyd k1@example.net)
b=$(rd_ask mb milter k2@example.net)
dt=$(( $(date +%s%3N) - t0 ))
ok $([ -n "$a" ] && [ -n "$b" ]; echo $?) "Redis killed: both answered ($a, $b)"
cmp "$dt" -lt 3000 "within their timeouts (${dt} ms for both, miltertest's start included)"
grep -q 'local mode' "$T/pa.log" && grep -q 'local mode' "$T/mb.log"
ok $? "both logged the change to local mode"
is "$(grep -c 'local mode' "$T/pa.log")" 1 "once"
rd_status pa | grep -q '^redis_shared no$'
ok $? "sluicectl status: redis_shared no"
"$SLUICE_BUILD/sluicectl" -s "$T/mb.ctl" metrics | grep -q '^sluice_mail_redis_fallbacks 1$'
ok $? "metrics: sluice_mail_redis_fallbacks 1"
rd_ask pa policyd k3@example.net >/dev/null
is "$(grep -c 'local mode' "$T/pa.log")" 1 "no new log line for the next request"

rd_redis_start || bail "redis-server did not restart"
sleep 1.2	# the retry is once a second
rd_ask pa policyd k4@example.net >/dev/null
rd_ask mb milter k5@example.net >/dev/null
grep -q 'shared mode' "$T/pa.log" && grep -q 'shared mode' "$T/mb.log"
ok $? "Redis restarted: both back in shared mode, logged"
rd_status mb | grep -q '^redis_shared yes$'
ok $? "sluicectl status: redis_shared yes again"

# stand-ins speaking RESP badly or slowly
for how in garbage slow huge; do
	/usr/bin/python3 "$RD_HELP/badredis.py" "$T/bad-$how.sock" "$how" &
	at_exit "kill $! 2>/dev/null"
	i=0
	while [ ! -S "$T/bad-$how.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	rd_conf "s$how" policyd "unix:$T/bad-$how.sock"
	rd_start "s$how" policyd
	t0=$(date +%s%3N)
	v=$(rd_ask "s$how" policyd x1@example.net x2@example.net)
	dt=$(( $(date +%s%3N) - t0 ))
	is "$(echo $v)" "pass pass" "a Redis answering $how: answered locally"
	cmp "$dt" -lt 2000 "in ${dt} ms"
	case $how in
	garbage) why="malformed reply" ;;
	slow) why="timed out" ;;
	huge) why="reply too long" ;;
	esac
	grep -q "local mode ($why" "$T/s$how.log"
	ok $? "logged: $(grep -o 'local mode ([^)]*)' "$T/s$how.log" | head -1)"
	eval "kill -0 \$PID_s$how"
	ok $? "still running"
done
# a Redis Cluster node: refused at start, with a message
/usr/bin/python3 "$RD_HELP/badredis.py" "$T/bad-cluster.sock" cluster &
at_exit "kill $! 2>/dev/null"
i=0
while [ ! -S "$T/bad-cluster.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
for k in policyd milter; do
	rd_conf "c$k" $k "unix:$T/bad-cluster.sock"
	"$SLUICE_BUILD/sluice-$k" -f -c "$T/c$k.conf" 2>"$T/c$k.log" &
	p=$!
	at_exit "kill $p 2>/dev/null"
	wait $p
	is $? 2 "sluice-$k refuses a Redis Cluster node at start (exit 2)"
	grep -q 'Redis Cluster node: not supported' "$T/c$k.log"
	ok $? "saying: $(grep -o 'a Redis Cluster.*' "$T/c$k.log" | head -1)"
done
done_testing
