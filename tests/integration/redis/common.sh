# SPDX-License-Identifier: GPL-2.0-or-later
# common.sh - a private redis-server and mail filters sharing it, for
# the redis_*.t tests (sourced after lib.sh).
#
# rd_setup makes $T (removed at exit) and a key file; rd_redis_start
# runs redis-server on unix:$T/redis.sock with its own directory, no
# persistence; rd_conf NAME KIND [REDIS-LINE] writes $T/NAME.conf for
# a filter of KIND (policyd or milter) listening on unix:$T/NAME.sock
# (operator socket $T/NAME.ctl); rd_start NAME KIND runs it;
# rd_ask NAME KIND RCPT... asks it about the recipients of one message
# from the mass mailer (client $RD_CLIENT, 10.0.0.9) and prints one verdict word
# per recipient: pass or defer. redis_timeout is 500ms: the tests run
# three at a time beside others, and a 50 ms timeout missed under that
# load would turn a shared decision into a local one.

RD_HELP=$SLUICE_TOP/tests/integration/redis
LUA=$SLUICE_TOP/tests/integration/milter

rd_setup() {
	need redis-server redis-cli miltertest perl
	for p in sluice-policyd sluice-milter sluicectl; do
		[ -x "$SLUICE_BUILD/$p" ] || bail "$SLUICE_BUILD/$p is missing: run make"
	done
	T=$(mktemp -d "/tmp/sluice-$1.$$.XXXXXX")
	at_exit "rm -rf '$T'"
	head -c 32 /dev/urandom >"$T/redis.key"
	mkdir "$T/redis"
}

# rd_redis_start - redis-server on $T/redis.sock; pid in RD_PID
rd_redis_start() {
	redis-server --port 0 --unixsocket "$T/redis.sock" --dir "$T/redis" \
		--save "" --appendonly no --logfile "$T/redis/log" &
	RD_PID=$!
	at_exit "kill $RD_PID 2>/dev/null"
	_i=0
	while [ ! -S "$T/redis.sock" ] && [ $_i -lt 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	[ -S "$T/redis.sock" ] || return 1
	[ -z "${RD_ACL:-}" ] || rd_acl
}

# rd_acl - the ACL users of sluiced(8), SHARED QUARANTINES, with
# passwords in $T/mail.pass and $T/gw.pass (the default user stays,
# for the tests' own look at the keys)
rd_acl() {
	printf 'sluice-mail mailpw\n' >"$T/mail.pass"
	printf 'sluice-gw gwpw\n' >"$T/gw.pass"
	redis-cli -s "$T/redis.sock" ACL SETUSER sluice-mail on '>mailpw' \
		resetkeys '~sluice:{*' resetchannels -@all +ping +info +auth \
		+evalsha '+script|load' +time +hmget +hset +pexpire +exists >/dev/null &&
	redis-cli -s "$T/redis.sock" ACL SETUSER sluice-gw on '>gwpw' \
		resetkeys '~sluice:quar:*' resetchannels -@all +ping +info +auth \
		+evalsha '+script|load' +xread +time +zremrangebyscore \
		+xrevrange +zrange +zadd +zrem +xadd >/dev/null
}

# rd_redis_kill - SIGKILL and wait
rd_redis_kill() {
	kill -KILL "$RD_PID" 2>/dev/null
	wait "$RD_PID" 2>/dev/null
	rm -f "$T/redis.sock"
}

# rd_conf NAME KIND [REDIS] [EXTRA-LINE] - a filter's configuration;
# REDIS defaults to the private one, "none" for no sharing
rd_conf() {
	_r="redis = unix:$T/redis.sock"
	[ "${3:-}" = none ] && _r=""
	[ -n "${3:-}" ] && [ "$3" != none ] && _r="redis = $3"
	cat >"$T/$1.conf" <<EOC
[core]
events = $T/$1.events
state_dir =
control_socket = $T/ctl.sock
syslog_events = no
$_r
redis_keyfile = $T/redis.key
${RD_ACL:+redis_password_file = $T/mail.pass}
redis_nodes = 2
redis_timeout = 500ms

[$2]
user =
listen = unix:$T/$1.sock
control_listen = $T/$1.ctl
identity = sasl_username, client_address
own_networks = 10.0.0.0/8
mode = defer
wset_size = 5
release_interval = 1s
high_watermark = 200
low_watermark = 100
${4:-}
EOC
}

# rd_start NAME KIND - run the filter in the foreground, log $T/NAME.log
rd_start() {
	"$SLUICE_BUILD/sluice-$2" -f -c "$T/$1.conf" 2>>"$T/$1.log" &
	_pid=$!
	at_exit "kill $_pid 2>/dev/null"
	eval "PID_$1=$_pid"
	_i=0
	while [ ! -S "$T/$1.sock" ] && [ $_i -lt 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	[ -S "$T/$1.sock" ] || bail "sluice-$2 $1 did not start: $(tail -3 "$T/$1.log")"
}

# rd_ask NAME KIND RCPT... - pass or defer for each recipient
rd_ask() {
	_n=$1 _k=$2
	shift 2
	if [ "$_k" = policyd ]; then
		for _r in "$@"; do
			printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=mass@example.org\nrecipient=%s\nclient_address=%s\ninstance=i%s\n\n' "$_r" "${RD_CLIENT:-10.0.0.9}" "$_r"
		done | perl "$SLUICE_TOP/tests/integration/policyd/pclient.pl" \
			-n $# -w 10 "unix:$T/$_n.sock" |
			sed -n 's/^action=DUNNO$/pass/p; t; s/^action=.*/defer/p'
	else
		_l=$(echo "$@" | tr ' ' ,)
		miltertest -D "sock=unix:$T/$_n.sock" -D "dir=$LUA" -D ip=${RD_CLIENT:-10.0.0.9} \
			-D from=mass@example.org -D "rcpts=$_l" \
			-s "$RD_HELP/rcpt.lua" 2>&1 |
			sed -n 's/^REPLY continue$/pass/p; s/^REPLY \(tempfail\|replycode\)$/defer/p'
	fi
}

# rd_mailer A KA B KB N TAG - the mass mailer: N new recipients, one
# message each, alternating between filter A and B; prints how many
# passed
rd_mailer() {
	_i=0
	while [ $_i -lt "$5" ]; do
		if [ $((_i % 2)) -eq 0 ]; then rd_ask "$1" "$2" "$6$_i@example.net"
		else rd_ask "$3" "$4" "$6$_i@example.net"; fi
		_i=$((_i + 1))
	done | grep -c '^pass$'
}

# rd_status NAME - sluicectl status of the filter
rd_status() { "$SLUICE_BUILD/sluicectl" -s "$T/$1.ctl" status; }
