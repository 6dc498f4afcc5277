# SPDX-License-Identifier: Apache-2.0
# Sourced by run-all.sh: the "no memory" attack (issue 9, findings 3 and 7;
# docs/security.md, "gmem is total"). tests/guests/attack_mem.c names
# addresses without memory (0x100000000, above RAM and L0's identity map;
# the xAPIC page) for every structure a VMX instruction reads or writes. It
# runs on bare Bochs and as L1 on Matryoshka, 2 CPUs each; the check lines
# must be identical (compared by nvmx-compare.sh), except
# l0-alive-every-cpu, which only a hypervisor can pass, vmclear-xapic,
# which bare Bochs cannot run (docs/bochs-deviations.md), and l0-region-*:
# L0's region is RAM on bare Bochs, no memory for L0's own accesses. Then L0 must be alive
# on both CPUs and no vCPU stopped.

# The payload's check lines with the prefix nvmx-compare.sh reads, without
# the one check that is not architectural.
attack_mem_checks() {
	clean "$1" | sed -e 's/^attack-mem: /nvmx: /' | grep -avE ' (l0-alive-every-cpu|vmclear-xapic|l0-region-[a-z*-]+) '
}

t_attack_mem() {
	local n=attack-mem-l0 b=attack-mem-bare start=$SECONDS pid g=attack_mem
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	$S/mkimage.sh "$OUT/$b.img" build/guests/$g.efi "" >/dev/null
	"$S/bochs.sh" --log "$OUT/$b.log" --until 'attack-mem: summary' --disk "$OUT/$b.img" \
		--cpus 2 --timeout 300 2>"$OUT/$b.err" &
	pid=$!
	boot $n bochs 'attack-mem: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 300
	if wait $pid; then
		ok $b "bare Bochs reached /attack-mem: summary/ in $((SECONDS - start))s"
	else
		bad $b "bare Bochs did not reach /attack-mem: summary/ ($(tail -n 2 "$OUT/$b.err" | tr '\n' ' '))"
	fi
	local c
	for c in 0 1; do
		expect $n "\\[info cpu$c\\] vmx: cpu$c enters VMX non-root" "cpu$c runs as L1"
	done
	# every check under Matryoshka passes, each named one is there
	for c in read-no-memory vmxon-no-memory vmxon vmptrld vmptrld-no-memory \
		vmptrld-xapic vmclear-no-memory vmclear-xapic vmptrld-no-memory-current \
		vmptrst-to-no-memory vmread-to-no-memory vmwrite-from-no-memory \
		vmptrst-pdpt-no-memory msr-bitmap-ram-clear msr-bitmap-no-memory \
		io-bitmap-ram-clear io-bitmap-no-memory entry-msr-load-no-memory \
		entry-link-no-memory ept12-no-memory vmread-bitmap-no-memory \
		l0-region-vmptrld l0-region-vmclear l0-region-msr-bitmap vmxoff; do
		expect $n "^attack-mem: PASS $c( |\$)" "check $c"
	done
	expect $n '^attack-mem: PASS l0-alive-every-cpu BSP answered, 1 of 1 APs answered' "L0 alive on both CPUs"
	expect $n '^attack-mem: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect_not $n 'stopping cpu|PANIC|exception [0-9]+ \(|cpu halted' "no vCPU stopped, no exception in L0"
	# bare Bochs: the same architecture, and no L0 to answer
	expect $b '^attack-mem: FAIL l0-alive-every-cpu BSP did not answer' "bare Bochs has no L0"
	expect $b '^attack-mem: summary [0-9]+ passed, 1 failed' "bare Bochs: only l0-alive-every-cpu fails"
	attack_mem_checks "$OUT/$b.log" >"$OUT/$b.checks"
	attack_mem_checks "$OUT/$n.log" >"$OUT/$n.checks"
	if tests/system/nvmx-compare.sh --deviations /dev/null "$OUT/$b.checks" "$OUT/$n.checks" >"$OUT/attack-mem-compare.txt"; then
		ok attack-mem-diff "$(tail -n 1 "$OUT/attack-mem-compare.txt")"
	else
		bad attack-mem-diff "$(tail -n 1 "$OUT/attack-mem-compare.txt")"
		grep -aE '^(DIFF|MISSING|UNEXPECTED)' "$OUT/attack-mem-compare.txt" | head -n 20
	fi
}
ALL="$ALL attack_mem"
