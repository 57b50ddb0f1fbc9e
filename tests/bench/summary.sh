# SPDX-License-Identifier: GPL-2.0-or-later
# summary.sh - the one line each benchmark gives make bench's summary
#
# Source it from a tests/bench/*.sh. bench_summary NAME OP TARGET VALUE
# [MEASURED] prints
#
#	SUMMARY NAME|OP TARGET|MEASURED|RATIO|MET
#
# VALUE is the number judged against TARGET (a ratio against a baseline
# measured in the same run, or an absolute figure in the target's
# unit); MEASURED says what it is (default VALUE); RATIO is VALUE /
# TARGET, to two decimals; MET is yes, no, or "-" when OP is "-" (a
# figure reported without a target) or VALUE is not a number.
# bench_grab FILE PATTERN prints the first number after the first
# match of the extended regexp PATTERN in FILE.

# bench_summary - one SUMMARY line (see the head)
bench_summary() {
	awk -v n="$1" -v op="$2" -v t="$3" -v v="$4" -v m="${5:-$4}" 'BEGIN {
		num = (v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/)
		r = (num && op != "-" && t + 0 != 0) ? sprintf("%.2f", v / t) : "-"
		met = "-"
		if (num && op == ">=") met = (v + 0 >= t + 0) ? "yes" : "no"
		if (num && op == "<=") met = (v + 0 <= t + 0) ? "yes" : "no"
		printf "SUMMARY %s|%s|%s|%s|%s\n", n, (op == "-" ? "-" : op " " t), m, r, met
	}'
}

# bench_grab - the first number after PATTERN in FILE ("-" if none)
bench_grab() {
	awk -v re="$2" 'match($0, re) {
		rest = substr($0, RSTART + RLENGTH)
		if (match(rest, /-?[0-9]+(\.[0-9]+)?/)) { print substr(rest, RSTART, RLENGTH); f = 1; exit }
	} END { if (!f) print "-" }' "$1"
}
