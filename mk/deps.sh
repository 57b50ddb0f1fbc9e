#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh - install the Debian packages sluice needs to build, test and demo.
#
# Idempotent: prints nothing and exits 0 when everything is present.
# Postfix is preseeded to "No configuration" so the install asks nothing.
# Debian starts services when it installs them; the tests run private
# instances, so the services this install started are stopped again,
# and a service that was running before (a live mail server) is never
# touched.
set -eu

PKGS="build-essential pkg-config clang llvm libclang-rt-14-dev libbpf-dev bpftool
 libglib2.0-dev libmnl-dev libnftnl-dev libnetfilter-queue-dev
 libnetfilter-log-dev libcap-dev libmilter-dev
 nftables iptables iproute2 conntrack postfix miltertest swaks nmap masscan hping3
 dnsmasq-base postfwd perl procps psmisc logrotate m4 liblockfile1 libwrap0 libpcap-dev gnuplot-nox jq python3-scapy time endlessh iperf3
 redis-server libhiredis-dev curl rsync"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root (it uses apt-get)" >&2
	exit 1
fi
# SERVICES - what the packages may start; deps_active - those running now
SERVICES="postfix dnsmasq postfwd redis-server rsync"
deps_active() {
	command -v systemctl >/dev/null 2>&1 || return 0
	for s in $SERVICES; do
		systemctl is-active --quiet "$s" 2>/dev/null && echo "$s"
	done
	return 0
}

echo "deps: installing:$missing"
before=$(deps_active)
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections
# A fresh machine has no package lists yet; refresh them once if apt
# cannot find a candidate for one of the missing packages.
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
for s in $(deps_active); do
	case " $(echo $before) " in
	*" $s "*) ;;
	*) echo "deps: stopping $s, which the install started"
	   systemctl stop "$s" >/dev/null 2>&1 || true ;;
	esac
done
exit 0
