# SPDX-License-Identifier: Apache-2.0
# Sourced by run-all.sh: a VMX abort stops one vCPU, not L0 (issue 9, the
# smaller items; SDM Vol. 3C 28.7). tests/guests/attack_abort.c makes the
# BSP's L2 exit with its VM-exit MSR-store list in no memory; an AP sees
# abort indicator 1 in the VMCS region and its L0 still answers. Bare Bochs
# ends its run at a VMX abort, so there the payload only says SKIP (checked,
# so the payload cannot silently pretend).
t_attack_abort() {
	local n=attack-abort-l0 b=attack-abort-bare g=attack_abort pid start=$SECONDS
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	$S/mkimage.sh "$OUT/$b.img" build/guests/$g.efi "" >/dev/null
	"$S/bochs.sh" --log "$OUT/$b.log" --until 'attack-abort: summary' --disk "$OUT/$b.img" \
		--cpus 2 --timeout 300 2>"$OUT/$b.err" &
	pid=$!
	boot $n bochs 'attack-abort: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 300
	if wait $pid; then
		ok $b "bare Bochs reached /attack-abort: summary/ in $((SECONDS - start))s"
	else
		bad $b "bare Bochs did not reach /attack-abort: summary/ ($(tail -n 2 "$OUT/$b.err" | tr '\n' ' '))"
	fi
	expect $b '^attack-abort: SKIP vmx-abort-indicator ' "bare Bochs: skipped, not passed"
	expect $b '^attack-abort: summary 0 passed, 0 failed' "bare Bochs: no check claimed"
	local c
	for c in 0 1; do
		expect $n "\\[info cpu$c\\] vmx: cpu$c enters VMX non-root" "cpu$c runs as L1"
	done
	expect $n '^attack-abort: PASS vmx-abort-indicator the AP reads abort indicator 1 ' "abort indicator 1 in L1's VMCS region"
	expect $n '^attack-abort: PASS l0-alive-after-abort ' "the AP's L0 answers after the BSP's abort"
	expect $n '^attack-abort: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect $n '\[error cpu0\] nested: VMX abort 1 \(exit MSR-store list\), vmcs12 0x[0-9a-f]+: cpu0 shut down, the others go on' "L0 records the abort on cpu0"
	expect_not $n 'vmx-abort-bsp-stopped' "the BSP did not go on"
	expect_not $n 'PANIC|exception [0-9]+ \(|stopping cpu1' "no panic, no exception in L0, cpu1 not stopped"
}
ALL="$ALL attack_abort"
