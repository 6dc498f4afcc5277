#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The fuzzer's rules of Bochs deviations (tests/fuzz/deviations, matched by
# tests/fuzz/rules.awk) on synthetic case records, through the very path a
# fuzz run takes: tests/system/fuzz.sh --recompare on made-up bare.cases,
# l0.cases and l0.gaps. Three kinds of case:
#   - wrong L0 verdicts: each an SDM-valid vmcs12 that L0 refused, or a case
#     where the SDM gives another verdict or qualification than L0's. The
#     rules of the 2.7 era counted every one as a "Bochs deviation" (and the
#     run passed); each must now be a DISAGREE (or a GAP).
#   - real deviations: one per rule, each must be a DEVIATION of that rule.
#   - controls one side does not offer, missing cases.
# Prints one PASS/FAIL line per expectation; exit status 0 iff none failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

E33='entry-failure exit 33 qual 0x0'
IN='entered exit 52'

# case NAME EXPECT MUTATIONS BARE L0 [GAP-REASON]: one record. EXPECT is the
# line fuzz.sh must print for it: DISAGREE, GAP, ONESIDED or "DEVIATION rule".
n=0
: >"$tmp/bare.cases"; : >"$tmp/l0.cases"; : >"$tmp/l0.gaps"; : >"$tmp/expect"
case_() {
	n=$((n + 1))
	echo "$n 9 $3 => $4" >>"$tmp/bare.cases"
	echo "$n 9 $3 => $5" >>"$tmp/l0.cases"
	[ $# -ge 6 ] && printf '%s 9\tthe CPU failed the entry of vmcs02 with exit 33 (qualification 0x0) after the software checks passed\t%s\n' "$n" "$6" >>"$tmp/l0.gaps"
	printf '%s\t%s\t%s\n' "$n" "$2" "$1" >>"$tmp/expect"
}

# ---- wrong L0 verdicts: none may pass as a Bochs deviation ----
# a usable SS with a null selector and good access rights (SDM 27.3.1.2)
case_ null-ss-valid DISAGREE 'GUEST_SS_SEL=0x0' "$IN" "$E33"
# an unusable SS in a 64-bit L2, and in a 32-bit one (type 11 CS, both DPL 0)
case_ unusable-ss-64 DISAGREE 'GUEST_SS_AR=0x10000' "$IN" "$E33"
case_ unusable-ss-32 DISAGREE 'MODE=0x1 GUEST_SS_AR=0x10000' "$IN" "$E33"
# DS of type 11 (execute/read code, accessed), DPL 0, RPL 0: RPL <= DPL
case_ ds-type11-valid DISAGREE 'GUEST_DS_AR^0x8 GUEST_DS_SEL^0x4' "$IN" "$E33"
# TF 1 with BS 1 and blocking by MOV SS: just what the SDM asks for
case_ tf-bs-movss-valid DISAGREE 'GUEST_RFLAGS^0x100 GUEST_PENDING_DBG=0x4000 GUEST_INTR_STATE=0x2' "$IN" "$E33"
case_ tf-bs-hlt-valid DISAGREE 'GUEST_ACTIVITY=0x1 GUEST_PENDING_DBG=0x4000 GUEST_RFLAGS^0x100' "$IN" "$E33"
# a bad CR3-target count is a control error: VMfailValid(7), not exit 33
case_ hlt-event-plus-control DISAGREE 'GUEST_ACTIVITY=0x1 ENTRY_INTR=0x80000b0e CR3_TARGET_CNT=0x5' "$IN" "$E33"
# the SMM-only MSR is entry 3 (index 2): L0 named entry 1
case_ msr-wrong-index DISAGREE 'MSRE2=0x9b/0x0 ENTRY_MSR_CNT=0x4' "$IN" 'entry-failure exit 34 qual 0x1'
# the list stops before the SMM-only entry: nothing to fail
case_ msr-not-reached DISAGREE 'MSRE3=0x9b/0x0 ENTRY_MSR_CNT=0x2' "$IN" 'entry-failure exit 34 qual 0x4'
# a non-canonical host RIP is a host-state error: VMfailValid(8) first
case_ rip-plus-host DISAGREE 'GUEST_RIP=0x800000000000 HOST_RIP=0x8000000000000000' "$IN" "$E33"
# a bad EPTP is a control error: VMfailValid(7)
case_ pdbg-plus-eptp DISAGREE 'GUEST_PENDING_DBG=0x100000000 EPTP^0x8' "$IN" "$E33"
# "load debug controls" set and cleared again (the baseline has it 0):
# DEBUGCTL is not loaded, nothing to check
case_ debugctl-not-loaded DISAGREE 'ENTRY_CTLS|0x4 GUEST_DEBUGCTL=0x3c ENTRY_CTLS&~0x4' "$IN" "$E33"
case_ debugctl-alone DISAGREE 'GUEST_DEBUGCTL=0x3c' "$IN" "$E33"
# an instruction length of 16 is a control error: VMfailValid(7)
case_ shutdown-bad-len DISAGREE 'GUEST_ACTIVITY=0x2 ENTRY_INTR=0x80000612 ENTRY_INSN_LEN=0x10' "$IN" "$E33"
# a check gap whose Bochs reason is another than the rule's: still a gap
case_ gap-other-reason GAP 'MODE=0x1 GUEST_CS_SEL^0x3' "$E33" "$E33" 'VMENTER FAIL: VMCS guest CS.TYPE'
# a right verdict with the wrong qualification
case_ rip-wrong-qual DISAGREE 'GUEST_RIP=0x800000000000' "$IN" 'entry-failure exit 33 qual 0x4'
# a null SS that is valid: type 7, or unusable, or base bits 63:32 clear
case_ null-ss-type7 DISAGREE 'GUEST_SS_SEL=0x0 GUEST_SS_AR^0x4' "$IN" "$E33"
case_ null-ss-unusable DISAGREE 'GUEST_SS_SEL=0x0 GUEST_SS_AR=0x1c093' "$IN" "$E33"
case_ null-ss-base-low DISAGREE 'GUEST_SS_SEL=0x0 GUEST_SS_BASE=0xfffff000' "$IN" "$E33"
# the selector ends up not null (the words apply in order)
case_ ss-not-null-at-last DISAGREE 'GUEST_SS_SEL=0x0 GUEST_SS_SEL^0x8 GUEST_SS_BASE=0x800000000000' "$IN" "$E33"
# a hardware exception with its error code: valid, L0 refused it
case_ errcode-valid DISAGREE 'ENTRY_INTR=0x80000b0d' "$IN" 'VMfailValid(7)'
# the right rule's values in the wrong mode (UG on, no IA-32e: Bochs checks)
case_ null-ss-32 DISAGREE 'MODE=0x1 GUEST_SS_SEL=0x0 GUEST_SS_AR=0xc092' "$IN" "$E33"

# ---- real Bochs deviations: each is its rule's ----
case_ rip "DEVIATION guest-rip-noncanonical" 'GUEST_RIP=0xff000000000000 GUEST_CR3^0x8' "$IN" "$E33"
# patched in Bochs (0004), its rule removed: a difference there is L0's
case_ pdbg-high DISAGREE 'GUEST_PENDING_DBG=0x100000000' "$IN" "$E33"
case_ bs-no-tf "DEVIATION pending-dbg-bs" 'GUEST_PENDING_DBG=0x4000 GUEST_INTR_STATE=0x2' "$IN" "$E33"
case_ tf-no-bs "DEVIATION pending-dbg-bs" 'GUEST_RFLAGS^0x100 GUEST_ACTIVITY=0x1' "$IN" "$E33"
case_ hlt-soft "DEVIATION hlt-event-type" 'GUEST_ACTIVITY=0x1 ENTRY_INTR=0x80000b0e ENTRY_ERRCODE=0x18' "$IN" "$E33"
case_ shutdown-soft "DEVIATION shutdown-event-type" 'GUEST_ACTIVITY=0x2 ENTRY_INTR=0x80000612 ENTRY_INSN_LEN=0x2' "$IN" "$E33"
case_ null-ss-bad "DEVIATION null-ss-unchecked" 'GUEST_SS_SEL=0x0 GUEST_SS_AR^0x80' "$IN" "$E33"
case_ null-ss-limit "DEVIATION null-ss-unchecked" 'GUEST_SS_LIMIT=0xfff00000 GUEST_SS_SEL=0x0' "$IN" "$E33"
case_ null-ss-base "DEVIATION null-ss-unchecked" 'GUEST_SS_SEL=0x0 GUEST_SS_BASE=0x800000000000' "$IN" "$E33"
case_ null-ss-type7-limit "DEVIATION null-ss-unchecked" 'GUEST_SS_LIMIT=0x67 GUEST_SS_SEL=0x0 GUEST_SS_AR^0x4' "$IN" "$E33"
case_ null-ss-reserved "DEVIATION null-ss-unchecked" 'GUEST_SS_SEL=0x0 GUEST_SS_AR^0x800000' "$IN" "$E33"
case_ debugctl "DEVIATION debugctl-reserved" 'ENTRY_CTLS|0x4 GUEST_DEBUGCTL=0x3c' "$IN" "$E33"
case_ errcode-cet "DEVIATION errcode-unchecked-cet" 'MODE=0x1 ENTRY_INTR=0x80000eff' 'entered exit 2' 'VMfailValid(7)'
case_ errcode-cet-real "DEVIATION errcode-unchecked-cet" 'MODE=0x2 ENTRY_INTR=0x80000b14' "$IN" 'VMfailValid(7)'
case_ errcode-pm-valid DISAGREE 'MODE=0x1 ENTRY_INTR=0x80000b0e' "$IN" 'VMfailValid(7)'
case_ errcode-cet-33 "DEVIATION errcode-unchecked-cet" 'GUEST_RFLAGS^0x400000 ENTRY_INTR=0x80000e14 GUEST_ACTIVITY=0x1' "$E33" 'VMfailValid(7)'
case_ msr-smm "DEVIATION msr-load-smm-monitor-ctl" 'MSRE1=0x9b/0x0 ENTRY_MSR_CNT=0x4 MSRE3=0x10/0x1' 'entry-failure exit 34 qual 0x4' 'entry-failure exit 34 qual 0x2'

# ---- words a rule does not list: replayed alone, they must enter on both ----
# vouch ID BARE L0: the outcome of case ID's other words alone (fuzz.sh's
# replay, planted here)
mkdir -p "$tmp/vouch"
vouch() {
	echo "$1 9 x => $2" >>"$tmp/vouch/bare.cases"
	echo "$1 9 x => $3" >>"$tmp/vouch/l0.cases"
}
case_ vouched "DEVIATION guest-rip-noncanonical" 'GUEST_RIP=0xff000000000000 HOST_SYSENTER_EIP=0xffffffff' "$IN" "$E33"
vouch $n "$IN" "$IN"
case_ debugctl-xor "DEVIATION debugctl-reserved" 'GUEST_DEBUGCTL=0x10000 ENTRY_CTLS^0x4 PROC2^0x1000' "$IN" "$E33"
vouch $n "$IN" "$IN"
case_ vouch-refused DISAGREE 'GUEST_RIP=0xff000000000000 HOST_RIP=0x8000000000000000' "$IN" "$E33"
vouch $n 'VMfailValid(8)' 'VMfailValid(8)'
case_ vouch-later-stage "DEVIATION errcode-unchecked-cet" 'ENTRY_INTR=0x80000e01 ENTRY_CTLS^0x200 GUEST_INTR_STATE=0x15' "$E33" 'VMfailValid(7)'
vouch $n "$E33" "$E33"
case_ vouch-same-stage-other DISAGREE 'GUEST_RIP=0x800000000000 PIN^0x20' "$IN" "$E33"
vouch $n 'entry-failure exit 33 qual 0x4' 'entry-failure exit 33 qual 0x4'
case_ vouch-l0-only DISAGREE 'GUEST_RIP=0x800000000000 PROC^0x200' "$IN" "$E33"
vouch $n "$IN" 'VMfailValid(7)'
# a field the rule depends on: no replay can vouch for it
case_ vouch-forbidden DISAGREE 'GUEST_DEBUGCTL=0x3c ENTRY_CTLS&~0x4' "$IN" "$E33"
vouch $n "$IN" "$IN"

# ---- one side does not offer a control ----
case_ onesided-refused ONESIDED 'EXIT_CTLS^0x40000000' "$IN" 'VMfailValid(7) | unoffered exit:0x40000000'
case_ onesided-entered DISAGREE 'PROC2^0x400000' "$IN" "$IN | unoffered proc2:0x400000"
case_ both-unoffered ONESIDED 'PROC2^0x400000 HOST_RIP=0x8000000000000000' "$IN" 'VMfailValid(8) | unoffered proc2:0x400000'
case_ same-on-both AGREE 'PIN|0x80000000' 'VMfailValid(7) | unoffered pin:0x80000000' 'VMfailValid(7) | unoffered pin:0x80000000'

# check OUT: every case's line as expected
check_out() {
	local out=$1 id want name line
	while IFS=$'\t' read -r id want name; do
		line=$(grep -aE "^[A-Z]+ ([^ ]+ )?case $id seed 9 " "$out" | head -n 1)
		if [ "$want" = AGREE ]; then
			if [ -z "$line" ]; then ok "$name: agrees"; else bad "$name: $line"; fi
		elif [ "${line%% case *}" = "$want" ]; then
			ok "$name: $want"
		else
			bad "$name: wanted $want, got: ${line:-nothing}"
		fi
	done <"$tmp/expect"
}

tests/system/fuzz.sh --recompare --no-adjudicate --out "$tmp" --cases "$n" >"$tmp/out" 2>"$tmp/err"
rc=$?
check_out "$tmp/out"
if [ "$rc" -ne 0 ]; then ok "the run fails (status $rc)"; else bad "the run passed"; fi
grep -q '^fuzz: .* 0 missing$' "$tmp/out" && ok "no case missing" || bad "missing: $(tail -n 1 "$tmp/out")"

# the gap rule mechanism: a gap is a deviation only on Bochs' own reason
printf 'test-gap\tmode=1,2,3\tneed=GUEST_CS_SEL\\^0x[1-3]\tgap\tbochs=VMENTER FAIL: VMCS guest CS\\.RPL != CS\\.DPL\tbare=%s\tl0=%s\n' "$E33" "$E33" >"$tmp/gaprules"
mkdir -p "$tmp/g"
echo "1 9 MODE=0x1 GUEST_CS_SEL^0x3 => $E33" | tee "$tmp/g/bare.cases" >"$tmp/g/l0.cases"
echo "2 9 MODE=0x1 GUEST_CS_SEL^0x3 => $E33" | tee -a "$tmp/g/bare.cases" >>"$tmp/g/l0.cases"
echo "3 9 GUEST_CS_SEL^0x3 => $E33" | tee -a "$tmp/g/bare.cases" >>"$tmp/g/l0.cases"
printf '1 9\tthe CPU failed the entry\tVMENTER FAIL: VMCS guest CS.RPL != CS.DPL\n2 9\tthe CPU failed the entry\tVMENTER FAIL: VMCS guest CS.TYPE\n3 9\tthe CPU failed the entry\tVMENTER FAIL: VMCS guest CS.RPL != CS.DPL\n' >"$tmp/g/l0.gaps"
tests/system/fuzz.sh --recompare --no-adjudicate --out "$tmp/g" --cases 3 --rules "$tmp/gaprules" >"$tmp/g/out" 2>&1
grep -q '^DEVIATION test-gap case 1 ' "$tmp/g/out" && ok "gap with Bochs' reason: DEVIATION" || bad "gap with Bochs' reason: $(grep 'case 1 ' "$tmp/g/out")"
grep -q '^GAP case 2 ' "$tmp/g/out" && ok "gap with another reason: GAP" || bad "gap with another reason: $(grep 'case 2 ' "$tmp/g/out")"
grep -q '^GAP case 3 ' "$tmp/g/out" && ok "gap outside the rule's modes: GAP" || bad "gap outside the rule's modes: $(grep 'case 3 ' "$tmp/g/out")"
# a gap rule without Bochs' reason is refused
printf 'loose-gap\tgap\tbare=.*\tl0=.*\n' >"$tmp/badrules"
tests/system/fuzz.sh --recompare --no-adjudicate --out "$tmp/g" --cases 3 --rules "$tmp/badrules" >/dev/null 2>&1
[ $? -eq 3 ] && ok "a gap rule without bochs= is an error" || bad "a gap rule without bochs= was taken"

# missing cases fail the run
mkdir -p "$tmp/m"
echo "1 9 GUEST_RIP^0x1 => $IN" | tee "$tmp/m/bare.cases" >"$tmp/m/l0.cases"
tests/system/fuzz.sh --recompare --no-adjudicate --out "$tmp/m" --cases 2 >"$tmp/m/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q ' 1 missing$' "$tmp/m/out"; then ok "a missing case fails the run"; else bad "missing case: status $rc, $(tail -n 1 "$tmp/m/out")"; fi
# and nothing was written to the corpus (no --save)
if [ -z "$(git status --porcelain tests/fuzz/corpus)" ]; then ok "tests/fuzz/corpus untouched"; else bad "tests/fuzz/corpus changed"; fi

echo "test-fuzz-rules: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
