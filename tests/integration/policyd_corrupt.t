#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_corrupt.t - a damaged snapshot is moved aside, named, kept.
#
# A state with a full working set (dave, five recipients) is saved at a
# clean stop. Then policyd.state is cut in half, has one bit flipped,
# or is garbage: each time sluice-policyd logs "state not loaded:" with
# the file's path and the name it was moved aside to, starts empty
# (dave's sixth recipient passes, which it would not with his state),
# the moved file holds the damaged bytes, and the next stop writes a
# fresh policyd.state while the .corrupt one stays. A garbage
# policyd.held beside a good state: only the held file is named, and
# the state was loaded (dave's sixth recipient waits).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "mode = defer
release_interval = 1h"
EP=inet:127.0.0.1:$PPORT
PC="perl $PD_HELP/pclient.pl"
S=$T/state/policyd.state
H=$T/state/policyd.held

# rq RCPT - one RCPT request of dave's; prints the action word
rq() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=dave@example.org\nrecipient=%s@example.net\nclient_address=10.0.0.9\ninstance=%s\n\n' "$1" "$1" |
		$PC -n 1 -w 3 "$EP" | head -1 | cut -d' ' -f1
}

pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
for r in d1 d2 d3 d4 d5; do rq "$r" >/dev/null; done
pd_stop TERM
[ -s "$S" ] || bail "no state saved at stop"
cp "$S" "$T/good.state"
pd_start || bail "restart failed"
is "$(rq d6)" "action=450" "with its state dave's sixth recipient waits"
pd_stop TERM
cp "$T/good.state" "$S"

# damage KIND FILE - cut, flip or garbage
damage() {
	case $1 in
	cut) truncate -s $(($(stat -c %s "$2") / 2)) "$2" ;;
	flip) perl -e 'open F, "+<", $ARGV[0] or die; $o = int((-s $ARGV[0]) / 2);
		seek F, $o, 0; read F, $c, 1; seek F, $o, 0; print F chr(ord($c) ^ 1)' "$2" ;;
	garbage) printf 'not a snapshot at all\n' >"$2" ;;
	esac
}

for kind in cut flip garbage; do
	cp "$T/good.state" "$S"
	damage "$kind" "$S"
	cp "$S" "$T/damaged"
	: >"$T/policyd.log"
	pd_start || bail "start with a $kind state failed: $(cat "$T/policyd.log")"
	line=$(grep 'state not loaded' "$T/policyd.log")
	moved=$(echo "$line" | sed -n 's/.*moved aside to //p')
	case $line in
	*"state not loaded: $S: Invalid argument; moved aside to $S.corrupt-"*) ok 0 "$kind: the log names the file and where it went" ;;
	*) ok 1 "$kind: the log names the file and where it went (got: $line)" ;;
	esac
	[ -n "$moved" ] && command cmp -s "$moved" "$T/damaged"
	ok $? "$kind: the damaged bytes are kept in $moved"
	[ ! -e "$S" ]; ok $? "$kind: nothing left at its name"
	is "$(rq "k$kind")" "action=DUNNO" "$kind: started empty (dave's new recipient passes)"
	pd_stop TERM
	[ -s "$S" ] && ! command cmp -s "$S" "$T/damaged"
	ok $? "$kind: the stop wrote a fresh policyd.state"
	command cmp -s "$moved" "$T/damaged"; ok $? "$kind: and the .corrupt one stays as it was"
	rm -f "$moved"
done

cp "$T/good.state" "$S"
printf 'garbage\n' >"$H"
: >"$T/policyd.log"
pd_start || bail "start with a garbage held file failed"
grep 'state not loaded' "$T/policyd.log" >"$T/notloaded"
is "$(wc -l <"$T/notloaded")" 1 "a garbage policyd.held: one file not loaded"
grep -q "state not loaded: $H: Invalid argument; moved aside to $H.corrupt-" "$T/notloaded"
ok $? "and it is the held file, by name" || sed 's/^/#   /' "$T/notloaded"
is "$(rq d7)" "action=450" "the good state beside it was loaded (dave's new recipient waits)"
pd_stop TERM
ls "$T/state" | grep -q '^policyd.held.corrupt-'; ok $? "the held file is kept aside"
[ -s "$H" ]; ok $? "and a fresh one written at stop"
done_testing
