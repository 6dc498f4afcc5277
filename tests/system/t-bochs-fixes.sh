# SPDX-License-Identifier: Apache-2.0
# Regression test of the Bochs patches whose behaviour does not depend on a
# model feature (tests/bochs/patches/0006 IA32_MISC_ENABLE fast strings, 0011
# WRMSR canonicality at the CPU's width), plus REP MOVSB semantics: the bxfix
# payload (tests/guests/bxfix*.c) on bare Bochs, in every model's run. The
# payload derives each expectation from CPUID (LA57, FSRM), so the list of
# checks is the same on every model; "fsrm-implies-erms" is SKIP where the
# model has no FSRM (corei7_skylake_x).
BXFIX_CHECKS="movsb-forward-apart movsb-forward-overlap-dst-below
movsb-forward-overlap-dst-above movsb-forward-page-cross movsb-backward
misc-enable-fast-strings misc-enable-bts-pebs-unavailable
misc-enable-fast-strings-rw"
BXFIX_MSRS="sysenter-esp sysenter-eip lstar cstar fs-base kernel-gs-base"

t_bochs_fixes() {
	local n=bochs-fixes c m k=0
	$S/mkimage.sh "$OUT/$n.img" build/guests/bxfix.efi "" >/dev/null
	boot $n bochs 'bxfix: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 300
	for c in $BXFIX_CHECKS; do
		expect $n "^bxfix: PASS $c( |\$)" "$MODEL: $c"
		k=$((k + 1))
	done
	for m in $BXFIX_MSRS; do
		for c in msr-canonical-57-$m msr-noncanonical-$m; do
			expect $n "^bxfix: PASS $c( |\$)" "$MODEL: $c"
			k=$((k + 1))
		done
	done
	if clean "$OUT/$n.log" | grep -aE '^bxfix: SKIP fsrm-implies-erms ' >/dev/null; then
		skp $n "$MODEL: fsrm-implies-erms (no FSRM on this model)"
		expect $n "^bxfix: summary $k passed, 0 failed, 1 skipped" "$MODEL: exactly $k checks passed, 1 skipped"
	else
		expect $n '^bxfix: PASS fsrm-implies-erms( |$)' "$MODEL: fsrm-implies-erms"
		k=$((k + 1))
		expect $n "^bxfix: summary $k passed, 0 failed, 0 skipped" "$MODEL: exactly $k checks, all passed"
	fi
}
ALL="$ALL bochs_fixes"
