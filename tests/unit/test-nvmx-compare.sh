#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/system/nvmx-compare.sh on made-up logs: a listed Bochs deviation is
# accepted only with the L0 verdict docs/bochs-deviations.md states for it
# (an L0 that falls back to Bochs' wrong answer fails), SKIP lines are
# compared like the others, and a list line without its verdict is an error.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

cat >"$tmp/devs.md" <<'EOT'
- nvmx: fixed-by-l0 (L0: PASS) — bare Bochs is wrong, L0 emulates it right
- nvmx: fails-on-both (L0: FAIL) — L2 runs on the CPU model: fails under L0 too
EOT
bare() { printf 'nvmx: PASS a x=1\nnvmx: FAIL fixed-by-l0 VMfailValid(7)\nnvmx: FAIL fails-on-both entered\nnvmx: SKIP b no MTF not advertised\n' >"$tmp/bare.log"; }
# run NAME WANT-STATUS L0-LINES...: compare bare with an L0 log of these lines
run() {
	local name=$1 want=$2 rc
	shift 2
	printf '%s\n' "$@" >"$tmp/l0.log"
	tests/system/nvmx-compare.sh --deviations "$tmp/devs.md" "$tmp/bare.log" "$tmp/l0.log" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name: status $rc ($(tail -n 1 "$tmp/out"))"; else bad "$name: status $rc, wanted $want: $(cat "$tmp/out")"; fi
}
bare
run "L0 follows the SDM" 0 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered' 'nvmx: SKIP b no MTF not advertised'
grep -q '^DEVIATION fixed-by-l0: ' "$tmp/out" && ok "the difference is shown as a DEVIATION" || bad "no DEVIATION line"
run "L0 regressed to Bochs' answer" 1 'nvmx: PASS a x=1' 'nvmx: FAIL fixed-by-l0 VMfailValid(7)' 'nvmx: FAIL fails-on-both entered' 'nvmx: SKIP b no MTF not advertised'
grep -q '^UNEXPECTED fixed-by-l0: l0=FAIL' "$tmp/out" && ok "named UNEXPECTED" || bad "not named: $(cat "$tmp/out")"
run "a FAIL-listed check that passes under L0" 1 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: PASS fails-on-both exit 1' 'nvmx: SKIP b no MTF not advertised'
run "a check bare skips and L0 makes and passes" 0 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered' 'nvmx: PASS b mtf exit'
grep -q '^ONESIDED b: bare=SKIP' "$tmp/out" && ok "shown as ONESIDED" || bad "no ONESIDED line: $(cat "$tmp/out")"
run "a check bare skips and L0 makes and fails" 1 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered' 'nvmx: FAIL b mtf exit'
run "a SKIP under L0 where bare ran the check" 1 'nvmx: SKIP a not advertised' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered' 'nvmx: SKIP b no MTF not advertised'
run "a check missing under L0" 1 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered'
echo '- nvmx: no-verdict — listed without the verdict L0 must give' >>"$tmp/devs.md"
run "a list line without its L0 verdict" 1 'nvmx: PASS a x=1' 'nvmx: PASS fixed-by-l0 VMfailInvalid' 'nvmx: FAIL fails-on-both entered' 'nvmx: SKIP b no MTF not advertised'
# the project's list: every line states its verdict
if grep -E '^- nvmx: ' docs/bochs-deviations.md | grep -vqE '^- nvmx: [^ ]+ \(L0: (PASS|FAIL)\) — '; then
	bad "docs/bochs-deviations.md has an nvmx line without (L0: PASS|FAIL)"
else
	ok "docs/bochs-deviations.md: every nvmx deviation states L0's verdict"
fi
echo "test-nvmx-compare: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
