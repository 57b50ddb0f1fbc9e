#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# lab_cli.t - examples/lab/lab.sh as the README tells the operator to
# use it: "ID=$(sh examples/lab/lab.sh up)" returns with the lab's ID
# (no background process may keep the command substitution's pipe
# open), exec runs a command in a node, counts shows what reached the
# servers, and down removes every namespace.
. "$(dirname "$0")/lib.sh"
need ip nft perl timeout
LAB=$SLUICE_TOP/examples/lab/lab.sh
want=lc$$
at_exit "sh '$LAB' down $want >/dev/null 2>&1"

# The substitution runs in the background so that a hang is a failure,
# not a hung test: its result lands in a file, waited for at most 60 s
# (the lab is up in well under a second). lab.sh down at exit kills
# whatever would hold the pipe.
TD=$(mktemp -d) && at_exit "rm -rf '$TD'"
sh -c 'ID=$(sh "$1" up "$2"); echo "rc=$? $ID" >"$3.tmp"; mv "$3.tmp" "$3"' \
	sh "$LAB" "$want" "$TD/id" &
i=0
while [ ! -s "$TD/id" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
res=$(cat "$TD/id" 2>/dev/null)
is "$res" "rc=0 $want" "ID=\$(lab.sh up ID) returns rc=0 and the lab's ID"
ID=$want
for n in lan1 lan2 gw srv; do
	[ -e "/run/netns/$ID-$n" ]
	ok $? "namespace $ID-$n exists"
done
out=$(sh "$LAB" exec "$ID" lan1 perl "$SLUICE_TOP/examples/lab/browse.pl" \
	-n 1 -t 2 10.77.16.1)
case $out in *" ok") r=0 ;; *) r=1 ;; esac
ok $r "exec: lan1 reaches a server through the gateway ($out)"
sh "$LAB" counts "$ID" >"$TD/counts"
is "$(grep '^lan1 tcp ' "$TD/counts")" \
	"lan1 tcp attempted 1 escaped 1" "counts: the one first contact attempted and escaped"
sh "$LAB" down "$ID"
ok $? "lab.sh down succeeds"
left=$(ip netns list | grep -c "^$ID-" || true)
is "$left" 0 "no namespace of the lab is left"
done_testing
