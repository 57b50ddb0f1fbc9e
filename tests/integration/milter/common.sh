# SPDX-License-Identifier: GPL-2.0-or-later
# common.sh - shared by the milter_*.t integration tests (sourced after
# lib.sh): private ports, configurations and a sluice-milter to test.

MILTER=$SLUICE_BUILD/sluice-milter
LUA=$SLUICE_TOP/tests/integration/milter

# wait_port PORT - until something listens on it (5 s)
wait_port() {
	_i=0
	while ! ss -Htln "sport = :$1" | grep -q . ; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || return 1
		sleep 0.05
	done
}

# start_milter CONF PORT|PATH - sluice-milter -f in the background; its
# pid in MILTER_PID, killed at exit
start_milter() {
	"$MILTER" -f -c "$1" 2>>"$T/milter.log" &
	MILTER_PID=$!
	at_exit "kill $MILTER_PID 2>/dev/null; wait $MILTER_PID 2>/dev/null"
	case $2 in
	/*) _i=0
	    while [ ! -S "$2" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i+1)); done
	    [ -S "$2" ] ;;
	*) wait_port "$2" ;;
	esac || bail "sluice-milter did not listen on $2: $(tail -3 "$T/milter.log")"
}

# start_ctl - the stand-in for sluiced's control socket (shared with
# the policyd tests)
start_ctl() {
	perl "$SLUICE_TOP/tests/integration/mail/ctlsink.pl" \
		"$T/ctl.sock" "$T/ctl.log" &
	_pid=$!
	at_exit "kill $_pid 2>/dev/null"
	_i=0
	while [ ! -S "$T/ctl.sock" ] && [ $_i -lt 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
}

# now_ms - monotonic enough for the waits measured here
now_ms() { date +%s%3N; }

# lua NAME PORT|SOCKET [NAME=VALUE...] - run one miltertest script
# (globals for it after the socket); TAP result named NAME
lua() {
	_n=$1
	case $2 in
	*:*) _s=$2 ;;
	*) _s="inet:$2@127.0.0.1" ;;
	esac
	shift 2
	_d=""
	for _v in "$@"; do _d="$_d -D $_v"; done
	# shellcheck disable=SC2086 # NAME=VALUE words carry no spaces
	miltertest -D "sock=$_s" -D "dir=$LUA" $_d \
		-s "$LUA/$_n.lua" >"$T/$_n.out" 2>&1
	_rc=$?
	ok $_rc "miltertest $_n.lua $*"
	[ $_rc -eq 0 ] || sed 's/^/#   /' "$T/$_n.out" >&2	# prove shows stderr
	return $_rc
}

# event_count TYPE PATTERN FILE - lines of type TYPE matching PATTERN
event_count() {
	grep "\"event_type\":\"$1\"" "$3" 2>/dev/null | grep -c -- "$2"
}

# swk FROM TO [OPTIONS] - one message (one connection) through the
# private Postfix on $SPORT; output in $T/swaks.out
swk() {
	_f=$1 _t=$2
	shift 2
	swaks --server "127.0.0.1:$SPORT" --from "$_f" --to "$_t" \
		--timeout 60 "$@" >"$T/swaks.out" 2>&1
}

# held FROM - messages from FROM on the private Postfix's hold queue
held() {
	postqueue -c "$T/pf/etc" -j 2>/dev/null |
		grep '"queue_name": *"hold"' | grep -c "\"sender\": *\"$1\"" || true
}
