#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# own-ruleset-iptables.sh - way 2 on kernels without nft_queue
#
# "ruleset = none": sluiced installs nothing, and your ruleset sends it
# the first packet of each new outbound flow. Where that queue rule
# sits decides what sluiced sees:
#
#   after your drops   a flow your firewall drops must never reach
#                      sluiced (it would take a working-set slot, and a
#                      queue rule before a drop lets a first packet
#                      skip it: sluiced's accept ends the chain that
#                      queued it, drop rules later in it included);
#   before your accepts  a flow your firewall accepts must still reach
#                      sluiced (a queue rule after an accept in the
#                      same chain never sees it: Docker's FORWARD
#                      accepts container traffic before any rule
#                      appended with -A FORWARD).
#
# One place satisfies both for every filter-table firewall: a base
# chain of its own on the same hook at a later priority. Base chains of
# a hook run in priority order and each to its end: a drop in an
# earlier one is final, an accept ends only that chain. iptables-nft
# has such a chain ready: table "security" (priority 150 in nft),
# after the filter tables of iptables, Docker and ufw (priority 0) and
# firewalld's inet table (filter + 10). So this script puts the queue
# rules into the security table's FORWARD chain, never into FORWARD of
# the filter table (and never into DOCKER-USER or ufw's chains):
#
#   Docker      DOCKER-USER drops, then Docker's accepts (filter, 0);
#               then this queue (security, 150)
#   ufw         ufw-before/user-forward drops and accepts (filter, 0);
#               then this queue
#   firewalld   its zones' and policies' drops and accepts (inet
#               firewalld, filter + 10); then this queue
#
# Destinations you never want throttled (your DNS, backups): list them
# in sluice.conf's [core] whitelist, or add "-d ADDR -j ACCEPT" to the
# security FORWARD chain before these rules (an accept in your filter
# table does not keep a flow out of this later chain).
#
# The rules use the x_tables NFQUEUE target, which nft_compat runs on
# every kernel with nf_tables and x_tables; `nft list ruleset` shows
# them as "queue num 0 bypass" in "table ip security" and "table ip6
# security", with a "managed by iptables-nft" warning.
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
		"$ipt" -t security "$op" FORWARD -i "$lan" -m conntrack --ctstate NEW \
			-p "$proto" -j NFQUEUE --queue-num "$q" --queue-bypass
	done
done
