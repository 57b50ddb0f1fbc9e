# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers for integration tests (TAP from sh).
#
# Source it: . "$(dirname "$0")/lib.sh". Provides plan, ok, is, diag,
# bail, need (a missing real peer is a failure with a message, never
# a skip), and cleanup registration run on exit and on signals.

: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
T_N=0
T_FAILED=0
T_CLEAN=""

plan() { T_PLANNED=$1; echo "1..$1"; }
diag() { echo "# $*"; }	# a failure's diag goes to stderr, which prove shows
bail() { echo "Bail out! $*"; exit 1; }

# ok COND-STATUS NAME - pass when the previous command's status given is
# 0; ok, is and cmp return 1 for a failure, so "ok $? NAME || diag ..."
# says why
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; return 0; fi
	echo "not ok $T_N - $2"
	T_FAILED=$((T_FAILED + 1))
	return 1
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; return; fi
	ok 1 "$3"
	diag "  got '$1', want '$2'" >&2
	return 1
}

# cmp GOT OP WANT NAME - numeric comparison (-le, -ge, -lt, -gt, -eq)
cmp() {
	if [ "$1" "$2" "$3" ] 2>/dev/null; then ok 0 "$4"; return; fi
	ok 1 "$4"
	diag "  got '$1', want $2 '$3'" >&2
	return 1
}

# need CMD... - fail loudly when a real peer is missing
need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			bail "$c is missing: run 'make deps' (as root)"
	done
}

# ctl_number SOCK NAME - the number NAME in `sluicectl -s SOCK status`;
#	polls up to 60 s while the control socket does not answer (a
#	filter loading a big state under sanitizers takes a while)
ctl_number() {
	_c=0
	while [ $_c -lt 600 ]; do
		_v=$("$SLUICE_BUILD/sluicectl" -s "$1" status 2>/dev/null |
			sed -n "s/^$2[: ][: ]*\([0-9][0-9]*\)$/\1/p")
		[ -n "$_v" ] && { echo "$_v"; return; }
		sleep 0.1
		_c=$((_c + 1))
	done
	diag "$1: no $2 in status within 60 s: $("$SLUICE_BUILD/sluicectl" -s "$1" status 2>&1 | tail -n 2 | tr '\n' ' ')" >&2
}

# at_exit CMD - run CMD at exit, last registered first
at_exit() { T_CLEAN="$1; $T_CLEAN"; }
t_cleanup() { set +e; eval "$T_CLEAN"; T_CLEAN=""; t_ports_free; }

# t_port [N] - a TCP port on the host's loopback (10100-10999) that
# nothing listens on and no other running test has taken: tests run in
# parallel, and a port that is merely free now can be chosen by two of
# them before either binds it (one daemon then fails to bind while the
# other's listener makes it look started). A port is taken by an
# atomic mkdir in $T_PORTS holding the test's pid, released at exit;
# one left by a test that died is taken back. N spreads a test's ports.
T_PORTS=/tmp/sluice-test-ports
t_port() {
	mkdir -p "$T_PORTS" || return 1
	_p=$((10100 + ($$ * 7 + ${1:-0} * 37) % 900))
	_n=0
	while [ $_n -lt 900 ]; do
		if ! ss -Htan "sport = :$_p" | grep -q . ; then
			if mkdir "$T_PORTS/$_p" 2>/dev/null; then
				echo $$ >"$T_PORTS/$_p/pid"
				echo "$_p"
				return 0
			fi
			_o=$(cat "$T_PORTS/$_p/pid" 2>/dev/null)
			if [ -n "$_o" ] && ! kill -0 "$_o" 2>/dev/null; then
				rm -rf "$T_PORTS/$_p"
				continue
			fi
		fi
		_p=$((10100 + (_p - 10100 + 1) % 900))
		_n=$((_n + 1))
	done
	return 1
}
t_ports_free() {
	for _d in "$T_PORTS"/*; do
		[ "$(cat "$_d/pid" 2>/dev/null)" = "$$" ] && rm -rf "$_d"
	done
	return 0
}
trap 't_cleanup' EXIT
trap 't_cleanup; exit 1' INT TERM HUP

done_testing() {
	[ -n "${T_PLANNED:-}" ] || echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ] && [ "${T_PLANNED:-$T_N}" -eq "$T_N" ]
}
