# SPDX-License-Identifier: Apache-2.0
# INIT-SIPI-SIPI from a BSP in x2APIC mode (tests/guests/apstart_x2.mk): the
# x2APIC ICR writes reach L0 through the MSR policy, which routes INIT and
# SIPI; every AP starts, in L1; L0's doorbells work from x2APIC mode.
t_apstart_x2apic_4cpu() {
	local n=apstart-x2apic-4cpu c
	image $n 'next=/EFI/BOOT/apstart_x2.efi\n' "$EFI" "build/guests/apstart_x2.efi=/EFI/BOOT/apstart_x2.efi"
	boot $n bochs 'apstart: summary' --disk "$OUT/$n.img" --cpus 4 --timeout 300
	for ((c = 0; c < 4; c++)); do
		expect $n "\\[info cpu$c\\] vmx: cpu$c enters VMX non-root" "cpu$c runs as L1"
	done
	expect $n '^apstart: info BSP switched to x2APIC mode' "the BSP is in x2APIC mode"
	for c in $APCHECKS; do
		expect $n "^apstart: PASS $c( |\$)" "apstart check $c"
	done
	expect $n '^apstart: PASS aps-started 3 of 3' "all three APs started by INIT-SIPI-SIPI from x2APIC mode"
	expect $n '^apstart: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect_not $n 'stopping cpu|PANIC' "no vCPU stopped"
}
ALL="$ALL apstart_x2apic_4cpu"
