#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_capture_goat.t - goat files in a shared folder (issue 12)
#
# sluiced places its bait files in [capture] goat_dirs (a file already
# there is left alone). A bait changed while sluiced runs gives a
# "goat" event within 2 s, with the old and new SHA-256 (sha256sum's);
# a bait changed while sluiced is stopped is reported by the sweep at
# the next start, from the hashes kept in [core] state_dir.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need sha256sum
sd_lab
SHARE=$SD_RUN/share
mkdir -p "$SHARE"
echo "the operator's own" >"$SHARE/passwords.txt.keep"
cp "$SHARE/passwords.txt.keep" "$SHARE/passwords.txt"
sd_base_conf <<EOF
[capture]
goat_dirs = @RUN@/share
goat_sweep = 1h
EOF
EV=$SD_RUN/events.json
sd_start || bail "sluiced did not start"

[ -s "$SHARE/salaries 2026.csv" ] && [ -s "$SHARE/vpn-backup.key" ]
ok $? "the bait files are placed"
command cmp -s "$SHARE/passwords.txt" "$SHARE/passwords.txt.keep"
ok $? "a file that was there is left alone"

# goat_event PATH SEEN_BY - the first goat event for PATH seen so
goat_event() {
	grep '"event_type":"goat"' "$EV" 2>/dev/null | grep -F "\"path\":\"$1\"" |
		grep "\"seen_by\":\"$2\"" | head -n 1
}

f=$SHARE/vpn-backup.key
old=$(sha256sum <"$f" | cut -d' ' -f1)
echo "ransom note" >>"$f"
new=$(sha256sum <"$f" | cut -d' ' -f1)
i=0
until [ -n "$(goat_event "$f" inotify)" ] || [ $i -ge 20 ]; do
	sleep 0.1; i=$((i + 1))
done
cmp "$i" -lt 20 "a changed bait gives an event within 2 s ($((i * 100)) ms)"
ev=$(goat_event "$f" inotify)
case $ev in
*"\"old_sha256\":\"$old\",\"new_sha256\":\"$new\""*) ok 0 "with the old and the new SHA-256" ;;
*) ok 1 "with the old and the new SHA-256"; diag "  got: $ev" ;;
esac
sd_stop
ok $? "sluiced stops"

f=$SHARE/salaries\ 2026.csv
old=$(sha256sum <"$f" | cut -d' ' -f1)
printf 'name,salary\nmallory,1\n' >"$f"
new=$(sha256sum <"$f" | cut -d' ' -f1)
sd_start || bail "sluiced did not start again"
ev=$(goat_event "$f" start)
case $ev in
*"\"old_sha256\":\"$old\",\"new_sha256\":\"$new\""*) ok 0 "a change while stopped is reported at start" ;;
*) ok 1 "a change while stopped is reported at start"; diag "  got: $ev" ;;
esac
is "$(grep -c '"event_type":"goat"' "$EV")" 2 "two goat events in all"
sd_stop
ok $? "sluiced stops cleanly"
done_testing
