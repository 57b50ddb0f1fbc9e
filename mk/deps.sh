#!/bin/sh
# deps.sh - install the Debian packages sluice needs to build, test and demo.
#
# Idempotent: prints nothing and exits 0 when everything is present.
# Postfix is preseeded to "No configuration" so the install asks nothing
# and the machine's own mail system is left unconfigured and stopped.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
 libglib2.0-dev libmnl-dev libnftnl-dev libnetfilter-queue-dev
 libnetfilter-log-dev libcap-dev libmilter-dev
 nftables iptables iproute2 conntrack postfix miltertest swaks nmap masscan hping3
 dnsmasq-base postfwd perl procps psmisc libpcap-dev gnuplot-nox jq"

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
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections
# A fresh machine has no package lists yet; refresh them once if apt
# cannot find a candidate for one of the missing packages.
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
# Debian starts services on install: the tests run private instances, so
# stop the system-wide ones the packages may have started.
for s in postfix dnsmasq postfwd; do
	systemctl stop "$s" >/dev/null 2>&1 || true
done
exit 0
