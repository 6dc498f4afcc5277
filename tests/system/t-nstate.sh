# SPDX-License-Identifier: Apache-2.0
# Nested state save/restore (docs/nested-state.md): the stress mode
# nested_state_stress=1 saves, wipes and restores every vCPU's nested state
# at every nested event (L2 exit, L1 VMX instruction). Everything nested
# must behave exactly as without it. Sourced by run-all.sh.

# The round-trip counter line L0 prints (at powers of two and with the exit
# counters): L2 running and a pending entry both covered.
stress_counted() {
	local n=$1
	expect $n 'nested: nested_state_stress=1: every 1\. nested event saves, wipes and restores the nested state' "stress mode on"
	expect $n 'nested: state round trips: [0-9]+ \(VMX off [0-9]+, VMX on [0-9]+, current VMCS [1-9][0-9]*, L2 running [1-9][0-9]*, entry pending [1-9][0-9]*\)' "round trips made with a current VMCS, with L2 running and with an entry pending"
	grep -aE 'nested: state round trips' "$OUT/$n.log" | tail -n 1 | sed 's/^/  last: /'
	expect_not $n 'stopping cpu|PANIC|refused vmcs02|set refused the blob' "no vCPU stopped, no refused round trip"
}

# The first guest-mode blob the stress mode round-tripped, as the running
# L0 printed it: tools/nstate decodes it (GUEST_MODE, valid) and replays
# it (the VM-entry checks pass offline, the vmcs02 L0 would build printed).
stress_blob_replayed() {
	local n=$1 r="$OUT/$1.replay"
	build/tools/nstate replay "$OUT/$n.log" --model "$MODEL" >"$r" 2>&1
	local st=$?
	if grep -aqE '^flags 0x1 GUEST_MODE format 0 size (4224|8320)$' "$r" && grep -aq '^verdict: valid$' "$r"; then
		ok $n "tools/nstate: L0's guest-mode blob: $(grep -a '^blob:' "$r"), $(grep -a '^verdict' "$r")"
	else
		bad $n "tools/nstate decode of L0's guest-mode blob: $(grep -a -m1 -E '^(flags|verdict)' "$r")"
	fi
	if [ "$st" = 0 ] && grep -aqE '^vmcs02: [0-9]+ fields' "$r"; then
		ok $n "tools/nstate replay: checks pass, $(grep -a '^vmcs02:' "$r" | cut -d'(' -f1)"
	else
		bad $n "tools/nstate replay (status $st): $(grep -a '^replay' "$r" | head -n 1)"
	fi
}

# nvmx (the L1 test hypervisor) with the stress mode: its whole log equals
# bare Bochs' (nvmx_diff's reference run), Bochs deviations apart.
t_nstate_nvmx() {
	local n=nstate-nvmx
	[ "$nvmx_bare_ran" = 1 ] || t_nvmx_diff # made in this run, never an earlier one
	image $n 'next=/EFI/BOOT/nvmx.efi\nlog=info\nnested_state_stress=1\n' "$EFI" "build/guests/nvmx.efi=/EFI/BOOT/nvmx.efi"
	boot $n bochs 'nvmx: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 600
	expect $n '^nvmx: summary [0-9]+ passed' "summary on Matryoshka with the stress mode"
	if tests/system/nvmx-compare.sh "$OUT/nvmx-bare.log" "$OUT/$n.log" >"$OUT/$n.compare"; then
		ok $n "the same as bare Bochs: $(tail -n 1 "$OUT/$n.compare")"
	else
		bad $n "$(tail -n 1 "$OUT/$n.compare")"
		grep -aE '^(DIFF|MISSING|UNEXPECTED)' "$OUT/$n.compare" | head -n 20
	fi
	stress_counted $n
	stress_blob_replayed $n
}

# The fuzz corpus (every disagreement ever found) with the stress mode
# (L0 at log=info, for the round-trip counter line).
t_nstate_fuzz_corpus() {
	local n=nstate-fuzz-corpus
	if MK_CFG_EXTRA='nested_state_stress=1\n' tests/system/fuzz.sh --corpus --no-save --log info \
		--out "$OUT/$n" >"$OUT/$n.txt" 2>&1; then
		ok $n "$(tail -n 1 "$OUT/$n.txt")"
	else
		bad $n "$(tail -n 1 "$OUT/$n.txt")"
		grep -aE '^(DISAGREE|GAP)' "$OUT/$n.txt" | head -n 10
	fi
	local logs
	logs=$(ls "$OUT/$n"/l0.*.log 2>/dev/null | head -n 1)
	if [ -n "$logs" ] && grep -aq 'nested: state round trips: [1-9]' "$OUT/$n"/l0.*.log; then
		ok $n "round trips made: $(grep -ah 'nested: state round trips' "$OUT/$n"/l0.*.log | tail -n 1 | sed 's/.*trips: //')"
	else
		bad $n "no round-trip counter line in the L0 logs"
	fi
	if grep -aqE 'set refused the blob|stopping cpu' "$OUT/$n"/l0.*.log 2>/dev/null; then
		bad $n "a round trip failed or a vCPU stopped"
	else
		ok $n "no refused round trip, no vCPU stopped"
	fi
}

# Linux + KVM as L1 (KVM's real-mode L2 on nested VMX) with the stress mode.
t_nstate_linux_l1() {
	local n=nstate-linux-l1
	if ! MK_CFG_EXTRA='nested_state_stress=1\n' tests/linux/build-image.sh "$OUT/$n.img" "$EFI" >"$OUT/$n.build" 2>&1; then
		bad $n "image build failed: $(tail -n 3 "$OUT/$n.build" | tr '\n' ' ')"
		return
	fi
	boot $n bochs 'LINUX-L1: done' --disk "$OUT/$n.img" --cpus 1 --timeout 400
	expect $n 'LINUX-KVM: PASS real-mode guest said "L2"' "KVM's L2 ran to PASS with the stress mode"
	expect $n '\[info cpu0\] exits: cpu0 nested: [1-9][0-9]* entries of L2, [1-9][0-9]* exits reflected to L1' "L0 counted L2's entries and reflected exits"
	expect_not $n 'LINUX-KVM: (FAIL|dmesg)' "no KVM failure, no KVM complaint in dmesg"
	stress_counted $n
	stress_blob_replayed $n
}

ALL="$ALL nstate_nvmx nstate_fuzz_corpus nstate_linux_l1"

# Against real KVM, on bare Bochs (Linux's KVM is L0, nested=1):
# tests/linux/kvmnstate.c puts a KVM guest in VMX operation with a current
# VMCS; KVM_GET_NESTED_STATE's blob passes Matryoshka's validation and
# tools/nstate decodes it from the serial log to the values the guest
# wrote; a blob from Matryoshka's encoder is accepted by
# KVM_SET_NESTED_STATE and the guest's VMREADs return its values; the
# guest-mode blob nstate_nvmx's running L0 printed is accepted by
# KVM_SET_NESTED_STATE and read back (not run: the VM's memory is not
# that L1's).
t_nstate_kvm() {
	local n=nstate-kvm
	# the guest-mode blob a running Matryoshka printed (nstate_nvmx's)
	[ -s "$OUT/nstate-nvmx.log" ] || t_nstate_nvmx
	build/tools/nstate raw "$OUT/nstate-nvmx.log" "$OUT/$n.l0blob" >/dev/null 2>&1 || rm -f "$OUT/$n.l0blob"
	if ! KERNEL_ARGS_EXTRA="mk_nstate" NSTATE_L0_BLOB="$OUT/$n.l0blob" tests/linux/build-image.sh "$OUT/$n.img" >"$OUT/$n.build" 2>&1; then
		bad $n "image build failed: $(tail -n 3 "$OUT/$n.build" | tr '\n' ' ')"
		return
	fi
	boot $n bochs 'LINUX-L1: done' --disk "$OUT/$n.img" --cpus 1 --timeout 400
	expect $n 'LINUX-KVM-NSTATE: the guest is in VMX operation with a current VMCS' "KVM's guest did VMXON, VMPTRLD, VMWRITE"
	expect $n "LINUX-KVM-NSTATE: Matryoshka's validation of KVM's blob: valid" "KVM's blob passes Matryoshka's validation"
	expect $n 'LINUX-KVM-NSTATE: KVM_SET_NESTED_STATE accepted Matryoshka.s blob' "KVM accepts Matryoshka's blob"
	expect $n "LINUX-KVM-NSTATE: the guest's VMREADs after set: GUEST_RIP 0xfeedf00d VPID 0x7 EXCEPTION_BITMAP 0x4000" "the guest read Matryoshka's values back through KVM"
	expect $n 'LINUX-KVM-NSTATE: KVM_GET_NESTED_STATE in guest mode: flags 0x1 size 4224' "KVM's blob with the guest's L2 running: GUEST_MODE"
	expect $n "LINUX-KVM-NSTATE: Matryoshka's validation of KVM's guest-mode blob: valid" "KVM's guest-mode blob passes Matryoshka's validation"
	expect $n "LINUX-KVM-NSTATE: the blob a running Matryoshka printed: [0-9]+ bytes, flags 0x1, Matryoshka's validation: valid" "nstate_nvmx's guest-mode blob from the running L0 is in the image"
	expect $n 'LINUX-KVM-NSTATE: KVM_SET_NESTED_STATE accepted the guest-mode blob of a running Matryoshka' "KVM accepts a guest-mode blob from a running Matryoshka"
	expect $n 'LINUX-KVM-NSTATE: KVM_GET_NESTED_STATE after it: flags 0x1 .* 12 of 12 compared fields as set' "KVM then reports guest mode and the blob's vmcs12 fields"
	expect $n 'LINUX-KVM-NSTATE: PASS' "every kvmnstate check passed"
	# the first dump (VMX on, a current VMCS) and the last (guest mode)
	sed -n '1,/KVM_SET_NESTED_STATE accepted/p' "$OUT/$n.log" >"$OUT/$n.first.log"
	if build/tools/nstate decode "$OUT/$n.log" >"$OUT/$n.guest.decode" 2>&1 &&
		grep -aq '^flags 0x1 GUEST_MODE format 0 size 4224$' "$OUT/$n.guest.decode" &&
		grep -aq '^vmcs12: revision 0x11e57ed0 abort 0x0 launch_state 0$' "$OUT/$n.guest.decode"; then
		# (KVM marks vmcs12 launched only at L2's first exit)
		ok $n "tools/nstate: KVM's guest-mode blob: GUEST_MODE, launch state 0, $(grep -a '^verdict' "$OUT/$n.guest.decode")"
	else
		bad $n "tools/nstate on the guest-mode blob: $(tail -n 1 "$OUT/$n.guest.decode")"
	fi
	if build/tools/nstate decode "$OUT/$n.first.log" >"$OUT/$n.decode" 2>&1; then
		ok $n "tools/nstate: $(grep -a '^verdict' "$OUT/$n.decode")"
	else
		bad $n "tools/nstate: $(tail -n 1 "$OUT/$n.decode")"
	fi
	grep -aqE '^  GUEST_RIP +0x123456789a$' "$OUT/$n.decode" && grep -aqE '^  VPID +0x42$' "$OUT/$n.decode" &&
		grep -aqE '^  EXCEPTION_BITMAP +0x60000$' "$OUT/$n.decode" &&
		ok $n "tools/nstate names the fields the guest wrote" || bad $n "tools/nstate: fields not as written"
}

ALL="$ALL nstate_kvm"
