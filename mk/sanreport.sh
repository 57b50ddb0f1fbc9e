#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sanreport.sh DIR - fail (exit 1) when any process of a sanitizer run
# left an AddressSanitizer or LeakSanitizer report in DIR, printing each;
# a daemon killed by its test, or one whose exit status no test checks,
# is caught here too
dir=${1:?usage: sanreport.sh DIR}
n=0
for f in "$dir"/report.*; do
	[ -s "$f" ] || continue
	n=$((n + 1))
	echo "sanitizer report $f:"
	head -60 "$f"
done
if [ "$n" -gt 0 ]; then
	echo "sanreport: $n process(es) left a sanitizer report (leaks or memory errors): the check fails"
	exit 1
fi
echo "sanreport: no sanitizer report from any process of the run"
