#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.t - make deps (mk/deps.sh) never stops a service that was running
# before it, and stops the ones its own install started.
#
# Stand-ins for apt-get, dpkg-query, debconf-set-selections and
# systemctl come first on PATH: small scripts that record each call in
# a log and keep the "running" services as files in a state directory.
# apt-get "installs" by marking every package installed and starting
# postfix and dnsmasq, as Debian's maintainer scripts do. Nothing real
# is installed, started or stopped.
. "$(dirname "$0")/lib.sh"
TD=$(mktemp -d) && at_exit "rm -rf '$TD'"
BIN=$TD/bin
mkdir -p "$BIN"

cat >"$BIN/dpkg-query" <<'EOS'
#!/bin/sh
echo "dpkg-query $*" >>"$STUB/log"
for a; do p=$a; done
[ -e "$STUB/installed/$p" ] || [ ! -e "$STUB/missing" ] ||
	! grep -qx "$p" "$STUB/missing" || exit 1
printf 'install ok installed'
EOS
cat >"$BIN/apt-get" <<'EOS'
#!/bin/sh
echo "apt-get $*" >>"$STUB/log"
case " $* " in *" install "*)
	for a; do case $a in -*|install) ;; *) : >"$STUB/installed/$a" ;; esac; done
	: >"$STUB/running/postfix"; : >"$STUB/running/dnsmasq" ;;
esac
exit 0
EOS
cat >"$BIN/debconf-set-selections" <<'EOS'
#!/bin/sh
echo "debconf-set-selections $(cat)" >>"$STUB/log"
EOS
cat >"$BIN/systemctl" <<'EOS'
#!/bin/sh
echo "systemctl $*" >>"$STUB/log"
for a; do u=$a; done
case $1 in
is-active) [ -e "$STUB/running/$u" ] ;;
stop) rm -f "$STUB/running/$u" ;;
*) exit 1 ;;
esac
EOS
chmod +x "$BIN"/*

# run_deps SCENARIO MISSING RUNNING... - a fresh stub state, then deps.sh
run_deps() {
	STUB=$TD/$1; export STUB
	mkdir -p "$STUB/installed" "$STUB/running"
	[ -n "$2" ] && echo "$2" | tr ' ' '\n' >"$STUB/missing"
	shift 2
	for s; do : >"$STUB/running/$s"; done
	PATH=$BIN:$PATH sh "$SLUICE_TOP/mk/deps.sh" >"$STUB/out" 2>&1
}
stops() { grep -c "^systemctl stop $2\$" "$TD/$1/log" || true; }

# 1. a live mail server: postfix running before, a package missing
run_deps live "hping3 swaks" postfix
ok $? "deps.sh succeeds with a package missing"
grep -q "^apt-get install .* swaks hping3\$" "$TD/live/log"
ok $? "it installed the missing packages (apt-get install ... swaks hping3)"
is "$(stops live postfix)" 0 "postfix, running before, was not stopped"
[ -e "$TD/live/running/postfix" ]
ok $? "and still runs"
is "$(stops live dnsmasq)" 1 "dnsmasq, which the install started, was stopped"
grep -q "stopping dnsmasq, which the install started" "$TD/live/out"
ok $? "and deps.sh said so"
grep -q 'main_mailer_type select No configuration' "$TD/live/log"
ok $? "postfix was preseeded to No configuration"

# 2. a fresh machine: nothing running before, both started are stopped
run_deps fresh "postfix"
ok $? "deps.sh succeeds on a fresh machine"
is "$(stops fresh postfix)" 1 "postfix, started by the install, was stopped"
is "$(stops fresh dnsmasq)" 1 "dnsmasq too"

# 3. nothing missing: no install, no service touched, no output
run_deps complete "" postfix
ok $? "deps.sh succeeds with everything present"
is "$(grep -c -e '^apt-get' -e '^systemctl' -e '^debconf' "$TD/complete/log")" 0 \
	"nothing installed and no service asked about"
is "$(cat "$TD/complete/out")" "" "and nothing printed"
done_testing
