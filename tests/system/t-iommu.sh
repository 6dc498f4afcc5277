# SPDX-License-Identifier: Apache-2.0
#
# DMA protection with VT-d (issue 9, finding 1; docs/security.md). Sourced
# by run-all.sh, whose helpers it uses (image, boot, expect, expect_not, ok,
# bad, clean). QEMU q35 + intel-iommu has the unit but no VMX: there the
# test-only mode selftest=iommu sets up DMA protection without VMX and the
# payload tests/guests/dmaattack.c attacks L0's region through the
# firmware's own disk driver. Bochs has VMX but no unit: there iommu=auto
# warns and iommu=required refuses with nothing changed.

DMACHECKS="handover translation-on canary-before scratch-disk normal-read-before
dma-into-l0-blocked fault-recorded-write normal-write dma-from-l0-blocked
fault-recorded-read normal-read-after dmar-hidden"

# The second disk dmaattack writes to: sector 0 says MKDMASCRATCH, sector
# s >= 1 is 512 bytes of (0x40 + s) & 0xff.
mkscratch() {
	local s
	{
		printf 'MKDMASCRATCH'
		head -c 500 /dev/zero
		for ((s = 1; s < 128; s++)); do
			head -c 512 /dev/zero | tr '\0' "\\$(printf %o $(((0x40 + s) & 0xff)))"
		done
	} >"$1"
}

# dma_attack NAME IOMMU-MODE: selftest=iommu + dmaattack in QEMU q35 + intel-iommu
dma_attack() {
	local n=$1
	image $n "selftest=iommu\niommu=$2\nlog=info\nnext=/EFI/BOOT/dmaattack.efi\n" "$EFI" \
		"build/guests/dmaattack.efi=/EFI/BOOT/dmaattack.efi"
	mkscratch "$OUT/$n.scratch"
	boot $n qemu 'dmaattack: summary' --iommu --scratch "$OUT/$n.scratch" \
		--disk "$OUT/$n.img" --timeout 120
	expect $n 'boot: selftest=iommu: test mode, no VMX survey' "test mode announced"
	expect_not $n 'vmx: capabilities|enters VMX non-root' "no VMX in this mode"
}

t_iommu_selftest() { # the attack fails: L0's region is behind VT-d
	local n=iommu-selftest c
	dma_attack $n required
	expect $n 'boot: DMAR: 1 DMA remapping unit\(s\), first at 0xfed90000; 0 RMRR\(s\); host address width 39' \
		"iommu=required: the loader found QEMU's unit before placing the core"
	expect $n '\[info cpu0\] iommu: unit 0 at 0xfed90000: segment 0, 5 device scopes, CAP 0x[0-9a-f]+ ECAP 0x[0-9a-f]+' "unit's capabilities read"
	expect $n "iommu: no unit of PCI segment 0 has INCLUDE_PCI_ALL: a device outside the units' scopes would not be translated" \
		"QEMU's DMAR lists scopes only: said"
	expect $n "iommu: DMA remapping on 1 unit\\(s\\): 3-level tables with 1 GiB pages, domain 1, memory below 0x100000000 mapped except L0's 0x[0-9a-f]+\\.\\.0x[0-9a-f]+ and the units' registers; 0 RMRR\\(s\\) kept mapped; DMAR table hidden" "translation on, L0 left out"
	for c in $DMACHECKS; do
		expect $n "^dmaattack: PASS $c( |\$)" "dmaattack check $c"
	done
	expect $n '^dmaattack: summary [0-9]+ passed, 0 failed' "dmaattack summary without failures"
	expect_not $n 'iommu: no DMA protection|timed out' "no warning, no timeout"
}

t_iommu_selftest_off() { # control: with iommu=off the same attack reaches L0 (the checks can fail)
	local n=iommu-selftest-off c
	dma_attack $n off
	expect $n "\\[warn cpu0\\] iommu: iommu=off: DMA is not remapped; L1's devices can reach L0's memory by DMA" "iommu=off said"
	for c in translation-on dma-into-l0-blocked dma-from-l0-blocked fault-recorded-write fault-recorded-read dmar-hidden; do
		expect $n "^dmaattack: FAIL $c( |\$)" "without VT-d: $c fails"
	done
	expect $n '^dmaattack: FAIL dma-into-l0-blocked .*canary CHANGED' "the disk overwrote L0's canary"
	expect $n "^dmaattack: FAIL dma-from-l0-blocked .*4096 of 4096 bytes equal L0's canary" "L0's bytes reached the disk"
	expect $n '^dmaattack: PASS normal-read-after' "ordinary DMA works either way"
}

t_iommu_auto_bochs() { # no unit (Bochs): one warning line, L0 starts anyway
	local n=iommu-auto-bochs lines
	image $n 'log=info\n'
	boot $n bochs 'UEFI Interactive Shell' --disk "$OUT/$n.img" --cpus 1 --timeout 240
	lines=$(clean "$OUT/$n.log" | grep -ac "iommu: no DMA protection")
	if [ "$lines" = 1 ]; then ok $n "exactly one DMA warning line"; else bad $n "$lines DMA warning lines, want 1"; fi
	expect $n "\\[warn cpu0\\] iommu: no DMA protection \\(no ACPI tables\\): L1's devices can reach L0's memory by DMA" "the warning says why and what it means"
	expect $n '\[info cpu0\] vmx: cpu0 enters VMX non-root' "L0 started anyway (iommu=auto)"
	expect_not $n 'stopping cpu|PANIC' "no vCPU stopped"
}

t_iommu_required_bochs() { # no unit (Bochs): iommu=required refuses before anything changes
	local n=iommu-required-bochs
	image $n 'log=info\niommu=required\n'
	boot $n bochs 'UEFI Interactive Shell' --disk "$OUT/$n.img" --cpus 1 --timeout 240
	expect $n "\\[error cpu0\\] boot: iommu=required but there is no usable DMA remapping unit: no ACPI tables" "refusal with its reason"
	expect $n '\[error cpu0\] boot: nothing was changed, returning to the firmware' "nothing changed"
	expect $n "$RETURN \\(status 0x8000000000000003\\)" "EFI_UNSUPPORTED back to the firmware"
	expect_not $n 'vmx: capabilities|boot: core reserved|core: |VMX non-root' "no survey (IA32_FEATURE_CONTROL untouched), no core loaded"
	expect $n 'UEFI Interactive Shell' "the firmware went on with its next boot option"
}

ALL="$ALL iommu_selftest iommu_selftest_off iommu_auto_bochs iommu_required_bochs"
QEMU_ONLY="$QEMU_ONLY iommu_selftest iommu_selftest_off"
