# SPDX-License-Identifier: Apache-2.0
# Issue 9, findings 2 and 5: L1 attacks L0 through MSRs (tests/guests/
# attack_msr*.c), on 2 CPUs. Each check line is the result L1 gets; the L0
# log lines show that it was L0's policy (vmx/msr_policy.def) that answered;
# the payload ends with L0 alive on every CPU.
ATTACK_MSR_CHECKS="cpuid-hides-pt-ds-pmu rtit-ctl rtit-status rtit-output-base
rtit-output-mask-ptrs rtit-addr0-a ds-area refusals-counted pebs-enable perf-global-ctrl
debug-interface misc-enable-no-bts-pebs misc-enable-xd-disable-virtual
bios-updt-trig-loads-nothing mtrr-var-virtual mtrr-mask-virtual
mtrr-def-type-virtual mtrr-fixed-virtual mtrrcap-read-only
apic-base-move-refused apic-disable-refused apic-base-same-allowed
apic-still-delivers entry-list-apic-base-refused entry-list-apic-base-same
entry-list-rtit-ctl entry-list-ds-area entry-list-bios-updt-trig
exit-list-mtrr-virtual exit-store-misc-enable apic-delivers-after-lists
x2apic-enable x2apic-self-nmi x2apic-to-xapic-gp l0-alive-every-cpu"

t_attack_msr() {
	local n=attack-msr
	guest $n attack_msr 2 "$ATTACK_MSR_CHECKS"
	expect $n 'IA32_APIC_BASE write 0x[0-9a-f]+ refused' "L0 refused the APIC base move (guest event)"
	expect $n 'MSR 0x570 write refused' "L0 refused RTIT_CTL (guest event)"
	# the later refusals are counted (refusals-counted), their lines
	# held back by the rate limit (5 lines per kind and vCPU)
	# x2APIC is architectural: bare Bochs (the payload alone) is the reference
	local b=attack-msr-bare x want got
	$S/mkimage.sh "$OUT/$b.img" build/guests/attack_msr.efi "" >/dev/null
	boot $b bochs 'attack_msr: summary' --disk "$OUT/$b.img" --cpus 2 --timeout 300
	for x in x2apic-enable x2apic-self-nmi x2apic-to-xapic-gp; do
		want=$(clean "$OUT/$b.log" | grep -a "^attack_msr: [A-Z]* $x ")
		got=$(clean "$OUT/$n.log" | grep -a "^attack_msr: [A-Z]* $x ")
		if [ -n "$want" ] && [ "$want" = "$got" ]; then
			ok $n "$x as on bare Bochs"
		else
			bad $n "$x: bare '$want', under L0 '$got'"
		fi
	done
}
ALL="$ALL attack_msr"

# The APIC base move through a VM-exit MSR-load list: L0 refuses the entry,
# which makes the exit a VMX abort (SDM 28.7): the BSP's vCPU stops, as the
# CPU would shut down; an AP reports that its L0 and APIC still work.
t_attack_msrabort() {
	local n=attack-msrabort
	image $n 'next=/EFI/BOOT/attack_msrabort.efi\n' "$EFI" "build/guests/attack_msrabort.efi=/EFI/BOOT/attack_msrabort.efi"
	boot $n bochs 'attack_msrabort: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 300
	expect $n '^attack_msrabort: PASS l0-alive-every-cpu' "L0 alive on both CPUs before"
	expect $n 'IA32_APIC_BASE write 0x[0-9a-f]+ refused' "L0 refused the exit list's APIC base move"
	expect $n 'VMX abort' "the failing VM-exit MSR-load list is a VMX abort"
	expect $n '^attack_msrabort: PASS ap-l0-alive-after-abort' "the AP's L0 answers after the abort"
	expect $n '^attack_msrabort: PASS ap-apic-delivers' "the AP's APIC still delivers"
	expect_not $n 'attack_msrabort: (FAIL|PASS) bsp-vmx-abort' "L1 never returned from the aborted VM exit"
	expect $n '^attack_msrabort: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect_not $n 'PANIC|exception [0-9]+ \(' "no L0 panic or exception"
}
ALL="$ALL attack_msrabort"
