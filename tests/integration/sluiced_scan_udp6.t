#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_scan_udp6.t - a UDP scan (nmap -6 -sU) over IPv6 is throttled and quarantined
#
# See tests/integration/sluiced/scan.sh for what is checked and the
# tolerance: escaped first contacts <= working set + 10 releases + 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"
. "$(dirname "$0")/sluiced/scan.sh"

scan_test udp 6
done_testing
