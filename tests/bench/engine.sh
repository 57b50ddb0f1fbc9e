# SPDX-License-Identifier: GPL-2.0-or-later
# engine.sh - for bench scripts that link sluiced's verdict engine
# (nodns.sh, sdstate.sh): the one list of its objects, so a module added
# to the engine is added here once, not in each script (it was missed
# twice). Source after setting top and build.
#
# engine_cc OUT SRC - compile tests/bench/SRC against the engine into
#	$build/bench/OUT; exits with a message when make all has not run
engine_cc() {
	_nx=$build/nft-expr
	for _f in "$build/libsluice.a" "$_nx/verdict/vd.o" "$_nx/daemon/sdconf.o"; do
		[ -f "$_f" ] || { echo "$1: no $_f (run make all)" >&2; exit 1; }
	done
	mkdir -p "$build/bench"
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-I"$top/common" -I"$top/nft-expr" $(pkg-config --cflags glib-2.0) \
		-o "$build/bench/$1" "$top/tests/bench/$2" \
		"$_nx"/verdict/*.o "$_nx/quarantine/quar.o" "$_nx/queue/pkt.o" \
		"$_nx/daemon/sdconf.o" "$_nx/capture/cap_conf.o" "$_nx/apps/appconf.o" \
		"$_nx/fairshare/fs_conf.o" "$_nx/outbound/outpol.o" "$_nx/dns/dnsconf.o" \
		"$_nx/dns/dnssnoop.o" "$_nx/dns/dnsreasm.o" "$_nx/capture/cap_limit.o" \
		"$build/libsluice.a" \
		$(pkg-config --libs glib-2.0 hiredis) -lm
}
