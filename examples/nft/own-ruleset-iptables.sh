#!/bin/sh
# own-ruleset-iptables.sh - way 2 on kernels without nft_queue
#
# The same "send the first packet of each new outbound flow to sluiced"
# as own-ruleset.nft, written with iptables-nft: its NFQUEUE target is
# the x_tables target run by nft_compat, which every kernel with
# nf_tables and x_tables has, while nft's own "queue" needs nft_queue.
# The rules land in the nft tables "ip filter" and "ip6 filter";
# `nft list ruleset` shows them as "queue num 0 bypass".
#
# --queue-bypass is fail-open: with no sluiced listening, packets are
# accepted. Leave it out only for a network you want cut off when
# sluiced is down (fail-closed).
#
# Usage: sh own-ruleset-iptables.sh LAN_INTERFACE [QUEUE]   (add)
#        sh own-ruleset-iptables.sh -D LAN_INTERFACE [QUEUE] (remove)
# sluiced runs with "ruleset = none" and "queue_num = QUEUE" (0).
set -eu
op=-A
if [ "${1:-}" = -D ]; then op=-D; shift; fi
lan=${1:?usage: own-ruleset-iptables.sh [-D] LAN_INTERFACE [QUEUE]}
q=${2:-0}
for ipt in iptables-nft ip6tables-nft; do
	for proto in tcp udp; do
		"$ipt" "$op" FORWARD -i "$lan" -m conntrack --ctstate NEW \
			-p "$proto" -j NFQUEUE --queue-num "$q" --queue-bypass
	done
done
