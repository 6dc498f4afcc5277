#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# nvmx-compare.sh [--deviations FILE] BARE.log L0.log
#
# Compares the check lines of two nvmx runs: BARE.log from nvmx.efi on bare
# Bochs, L0.log from the same payload as L1 on Matryoshka. Each line
# "nvmx: PASS|FAIL|SKIP <check-name> <detail>" is matched by name; the
# verdict and the detail must be identical, since the payload prints only
# values that do not depend on the environment. Prints one line per
# difference:
#   DIFF <name>: bare=<PASS|FAIL|SKIP detail> l0=<...>
#   MISSING <name>: only in bare|l0
# docs/bochs-deviations.md lists the places where bare Bochs departs from
# the SDM, one line each: "- nvmx: <check-name> (L0: PASS|FAIL) — ...", with
# the verdict Matryoshka must give there (PASS: L0 follows the SDM; FAIL:
# the check fails on both, a limit of the CPU model under vmcs02). A listed
# check whose L0 verdict is the stated one is accepted whatever bare says
# ("DEVIATION <name>: ..." when the two differ); one whose L0 verdict is not
# the stated one is counted as a difference:
#   UNEXPECTED <name>: l0=<verdict detail>, listed with L0: <verdict>
# A check nvmx skips on bare Bochs (the CPU model offers something L1 is not
# offered) and makes under L0, where it passes, is not a difference:
#   ONESIDED <name>: bare=SKIP <reason> l0=PASS <detail>
# Last line: "nvmx-compare: N checks compared, D differences, V accepted
# deviations, O made only under L0". Exit status 0 iff D is 0 (2 for bad usage or no check lines).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
devs=$root/docs/bochs-deviations.md

usage() {
	echo "usage: $0 [--deviations FILE] BARE.log L0.log" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--deviations) [ $# -ge 2 ] || usage; devs=$2; shift 2 ;;
	-h | --help) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
bare=$1 l0=$2
for f in "$bare" "$l0"; do
	[ -r "$f" ] || { echo "nvmx-compare: cannot read $f" >&2; exit 2; }
done

# The same cleaning as run-all.sh: no ANSI escapes, CRs or NULs. A check line
# may follow other text on the same line (a firmware escape, an L0 prefix):
# everything from "nvmx: PASS|FAIL " on counts.
checks() {
	sed -e 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' -e 's/\r//g' "$1" | tr -d '\000' |
		grep -aoE 'nvmx: (PASS|FAIL|SKIP) [^ ]+.*$' | sed -e 's/^nvmx: //'
}

# "NAME VERDICT" for each listed deviation; a line without its L0 verdict
# is an error of the list, not an accepted difference.
accepted() {
	[ -r "$devs" ] || return 0
	grep -aE '^- nvmx: ' "$devs" | sed -E 's/^- nvmx: ([^ ]+) \(L0: (PASS|FAIL)\) — .*/\1 \2/; t; s/^- nvmx: ([^ ]+).*/\1 NONE/'
}

nb=$(checks "$bare" | wc -l)
nl=$(checks "$l0" | wc -l)
if [ "$nb" -eq 0 ] || [ "$nl" -eq 0 ]; then
	echo "nvmx-compare: no check lines in $([ "$nb" -eq 0 ] && echo "$bare" || echo "$l0")" >&2
	exit 2
fi

# awk gets three streams, told apart by a tag: accepted names, bare, l0.
{
	accepted | sed 's/^/A /'
	checks "$bare" | sed 's/^/B /'
	checks "$l0" | sed 's/^/L /'
} | awk '
# Verdict and detail: the line without its check name.
function verdict(line,    v) {
	v = line
	sub(/^[^ ]+ [^ ]+ ?/, "", v)
	return substr(line, 1, 4) (v == "" ? "" : " " v)
}
{
	tag = substr($0, 1, 1); line = substr($0, 3)
	if (tag == "A") { split(line, a, " "); ok[a[1]] = a[2]; next }
	split(line, f, " "); n = f[2]
	# The first line of a name counts; a repeated name is ignored.
	if (tag == "B" && !(n in b)) { b[n] = line; border[++nb] = n }
	if (tag == "L" && !(n in l)) { l[n] = line; lorder[++nl] = n }
}
END {
	count = 0; diffs = 0; devs = 0; onesided = 0
	for (n in ok) if (ok[n] == "NONE") { print "UNEXPECTED " n ": listed without its L0 verdict (L0: PASS|FAIL)"; diffs++ }
	for (i = 1; i <= nb; i++) order[++count] = border[i]
	for (i = 1; i <= nl; i++) if (!(lorder[i] in b)) order[++count] = lorder[i]
	for (i = 1; i <= count; i++) {
		n = order[i]
		if (!(n in l)) { print "MISSING " n ": only in bare"; diffs++; continue }
		if (!(n in b)) { print "MISSING " n ": only in l0"; diffs++; continue }
		if (n in ok) {
			if (substr(l[n], 1, 4) != ok[n]) {
				print "UNEXPECTED " n ": l0=" verdict(l[n]) ", listed with L0: " ok[n]; diffs++
			} else if (b[n] != l[n]) { print "DEVIATION " n ": bare=" verdict(b[n]) " l0=" verdict(l[n]); devs++ }
			continue
		}
		if (b[n] == l[n]) continue
		# The CPU model offers bare nvmx something L1 is not offered
		# (e.g. IA32_VMX_BASIC[56] on sapphire_rapids): nvmx skips the
		# check on bare Bochs and makes it under L0, where it must pass.
		# Never the other way round: a check L0 makes nvmx skip is a DIFF.
		if (substr(b[n], 1, 4) == "SKIP" && substr(l[n], 1, 4) == "PASS") {
			print "ONESIDED " n ": bare=" verdict(b[n]) " l0=" verdict(l[n]); onesided++; continue
		}
		print "DIFF " n ": bare=" verdict(b[n]) " l0=" verdict(l[n]); diffs++
	}
	printf "nvmx-compare: %d checks compared, %d differences, %d accepted deviations, %d made only under L0\n", count, diffs, devs, onesided
	exit diffs ? 1 : 0
}'
