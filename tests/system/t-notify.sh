# SPDX-License-Identifier: Apache-2.0
# Issue 10: the notify window, the split-lock #AC policy and exception-loop
# containment, on the payloads tests/guests/attack_{dbloop,istloop,acloop,
# acloop32,split}.c (three CPUs: AP 1 attacks as L1, the BSP from an L2 of
# the payload's own hypervisor, AP 2 watches and reports; guard.cfg next to
# the payload names the levels that attack) and attack_aclegacy.c. Notify exits and split-lock
# detection exist only on MODEL=sapphire_rapids of a Bochs built with the
# project's models (tests/bochs/patches/0100-notify-vm-exit.patch,
# 0101-split-lock-detect.patch); where the Bochs in use lacks them, the
# tests that need them print SKIP with the reason and count nothing.
# Run one alone: tests/system/run-all.sh db_loop (etc.; MODEL= for sapphire_rapids).

# guard_boot NAME PAYLOAD MODEL CONFIG LEVELS [TIMEOUT]: boots it with 3 CPUs
# on that model, the payload's guard.cfg saying which levels attack (l1, l2
# or l1,l2: tests/guests/attack_guard.c); on sapphire_rapids returns 1 after
# a SKIP line when the Bochs in use does not model the features (then
# nothing else is checked); returns 1 after a SKIP line in the run of the
# other model
guard_boot() {
	local n=$1 g=$2 model=$3 cfg=$4 levels=$5 p
	# each test belongs to one model's run (its log header names that model)
	if [ "$model" != "$MODEL" ]; then
		skp $n "made in the $model run only (this run: $MODEL)"
		return 1
	fi
	p=${g//_/-}
	printf 'levels=%s\n' "$levels" >"$OUT/$n.guard.cfg"
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n$cfg" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi" \
		"$OUT/$n.guard.cfg=/EFI/BOOT/guard.cfg"
	boot $n bochs "$p: summary" --disk "$OUT/$n.img" --cpus 3 --timeout "${6:-600}"
	if [ "$model" = sapphire_rapids ] && ! guard_models $n; then
		return 1
	fi
	expect $n "^$p: start \\(.*; levels ${levels/,/ }\\)" "the payload read guard.cfg: levels $levels"
	expect $n "^$p: summary [0-9]+ passed, 0 failed" "$p summary without failures"
	expect $n "^$p: PASS l0-alive-watcher " "the watching CPU's L0 answers"
	expect_not $n 'stopping cpu2|PANIC|exception [0-9]+ \(' "the watcher's vCPU not stopped, no panic or exception in L0"
	return 0
}

# level_cpus LEVEL: "CPU OTHER-CPU OTHER-LEVEL" for an attack by L1 (AP 1,
# cpu1) or by L2 (the BSP, cpu0); the seen line's two outcomes for an
# attack with outcome $2 ("L1 attack X, L2 attack not run" or the reverse)
level_cpus() { if [ "$1" = l1 ]; then echo "1 0 l2"; else echo "0 1 l1"; fi; }
seen_outcomes() { if [ "$1" = l1 ]; then echo "L1 attack $2, L2 attack not run"; else echo "L1 attack not run, L2 attack $2"; fi; }

# counts NAME: the line of the watcher's L0 counts and the per-vCPU notify
# and split-lock counters, for the record (no check)
counts() {
	echo "COUNTS $1: $(clean "$OUT/$1.log" | grep -aoE 'L0 counted .*' | head -n 1) |" \
		"$(clean "$OUT/$1.log" | grep -aoE 'exits: cpu[0-9] (notify|monitor-trap-flag) +[0-9]+|events: cpu[0-9] split lock [0-9]+' | sed -E 's/ +/ /g' | tr '\n' ';')"
}

# guard_models NAME: true if this run's Bochs modelled notify exits and
# split-lock detection on sapphire_rapids; else one SKIP line (not counted)
guard_models() {
	if clean "$OUT/$1.log" | grep -aE 'guard: this CPU has no (notify VM exits|split-lock detection)' >/dev/null; then
		echo "SKIP $1: this Bochs (${BOCHS:-build/bochs}) does not model notify exits/split-lock detection on sapphire_rapids (tests/bochs/patches/0100, 0101)"
		return 1
	fi
	return 0
}

# The CVE-2015-8104-style #DB loop in L1 and in L2, on the default model:
# L0's #DB intercept sees the same vector at its own handler's entry, 1000
# times, and stops those two vCPUs only. Also the lines a CPU without the
# features prints.
t_db_loop() {
	local n=db-loop
	guard_boot $n attack_dbloop corei7_skylake_x '' l1,l2 || return 0
	expect $n '\[info cpu0\] guard: this CPU has no notify VM exits' "skylake: one line says there are no notify exits"
	expect $n '\[info cpu0\] guard: this CPU has no split-lock detection' "skylake: one line says there is no split-lock detection"
	expect $n '^attack-dbloop: PASS db-exit-to-l1 ' "L1 intercepting #DB gets L2's #DB (not L0)"
	expect $n 'guard: cpu1: L1 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's #DB loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's #DB loop contained on cpu0"
	expect $n 'vmx: stopping cpu1 \(exception-or-NMI\)' "cpu1 stopped with a dump"
	expect $n 'vmx: stopping cpu0 \(exception-or-NMI\)' "cpu0 stopped with a dump"
	expect $n 'attack-dbloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
}
ALL="$ALL db_loop"

# The CVE-2015-8104 #DB loop itself (#DB through an IST stack whose slot
# carries a data breakpoint: every delivery raises #DB again before the
# handler's first instruction) in L1 and L2, contained by L0's #DB intercept.
t_db_ist_loop() {
	local n=db-ist-loop
	guard_boot $n attack_istloop corei7_skylake_x '' l1,l2 || return 0
	expect $n 'guard: cpu1: L1 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's IST #DB loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's IST #DB loop contained on cpu0"
	expect $n 'attack-istloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
}
ALL="$ALL db_ist_loop"

# An #AC loop through split-lock detection (the #AC handler starts with a
# split lock, L1's own virtual detection on) in L1 and L2: contained the
# same way (the literal CVE-2015-5307 loop is ac_loop).
t_ac_loop_split() {
	local n=ac-loop-split
	guard_boot $n attack_acloop sapphire_rapids '' l1,l2 || return 0
	expect $n 'guard: split-lock detection on, policy warn' "split-lock detection on"
	expect $n 'guard: cpu1: L1 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's #AC loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's #AC loop contained on cpu0"
	expect $n 'attack-acloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
}
ALL="$ALL ac_loop_split"

# The CVE-2015-5307 #AC loop itself (attack_acloop32.c, tests/guests/acloop32.c):
# 32-bit protected mode (in IA-32e mode the CPU aligns RSP before it pushes,
# so no #AC), CPL 3, CR0.AM, EFLAGS.AC, ESP misaligned, #AC's gate to a
# CPL-3 handler: each delivery of #AC pushes to the misaligned stack and
# raises #AC again, no instruction completes. Bare Bochs (1 CPU, #AC
# intercepted in the VMCS) is the reference that Bochs 3.0 does raise #AC
# during the delivery of #AC (its interrupt() pushes with push_32 ->
# stack_write_dword, which checks alignment: cpu/exception.cc, cpu/stack.cc);
# under L0 the same two lines, then the loop in an L2 of the payload's
# hypervisor on the BSP (vmcs12 leaves #AC to L2) and in L1 itself on AP 1
# (after leaving IA-32e mode), both contained, the watcher's L0 alive. Any
# model (no split-lock detection needed); made in the skylake run.
t_ac_loop() {
	local n=ac-loop b=ac-loop-bare g=attack_acloop32 c
	if [ "$MODEL" != corei7_skylake_x ]; then
		skp $n "made in the corei7_skylake_x run only (this run: $MODEL)"
		return 0
	fi
	printf 'levels=l2\n' >"$OUT/$b.guard.cfg"
	$S/mkimage.sh "$OUT/$b.img" build/guests/$g.efi "" "$OUT/$b.guard.cfg=/EFI/BOOT/guard.cfg" >/dev/null
	boot $b bochs 'attack-acloop32: summary' --disk "$OUT/$b.img" --cpus 1 --timeout 300
	expect $b '^attack-acloop32: SKIP guard no hypervisor: the loop itself would not end' "bare Bochs: the loop itself not run"
	guard_boot $n $g corei7_skylake_x '' l1,l2 || return 0
	for c in ac32-push-faults ac32-delivery-faults; do
		expect $b "^attack-acloop32: PASS $c " "bare Bochs: $c"
		expect $n "^attack-acloop32: PASS $c " "Matryoshka (vmcs12 intercepting #AC): $c"
	done
	expect $n 'guard: cpu1: L1 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's #AC loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's #AC loop contained on cpu0"
	expect $n 'vmx: stopping cpu1 \(exception-or-NMI\)' "cpu1 stopped with a dump"
	expect $n 'vmx: stopping cpu0 \(exception-or-NMI\)' "cpu0 stopped with a dump"
	expect $n 'attack-acloop32: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
	# the dumps: 32-bit code at CPL 3 (CS.L clear, D set, DPL 3); L1 without paging
	expect $n '\[error cpu1\] +GUEST_CS_AR_BYTES +0xc0fb$' "cpu1 stopped in 32-bit code at CPL 3"
	expect $n '\[error cpu0\] +GUEST_CS_AR_BYTES +0xc0fb$' "cpu0 (L2) stopped in 32-bit code at CPL 3"
	expect $n '\[error cpu1\] +GUEST_CR0 +0x([0-7][0-9a-f]{7}|[0-9a-f]{1,7})$' "cpu1's CR0.PG clear: L1 out of IA-32e mode"
	counts $n
}
ALL="$ALL ac_loop"

# split_lock LEVEL POLICY: 20 split locks by L1 (level l1, on AP 1) or by
# an L2 of the payload's hypervisor (l2, on the BSP) under split_lock=POLICY,
# the other level's attack not run: L0 must have seen nothing from that
# vCPU. L1 keeps its own (virtual) detection off, so every split lock is
# L0's to judge. off: L0 leaves detection off, so the CPU never raises
# split-lock #AC: the increments complete and L0 sees and counts none.
split_lock() {
	local lv=$1 pol=$2 n=split-lock-$1-$2 cfg="split_lock=$2\n" c o ol L
	n=${n//:/-}
	read -r c o ol <<<"$(level_cpus $lv)"
	L=${lv^^}
	# a ratelimit wait is a second of TSC time: minutes in Bochs
	guard_boot $n attack_split sapphire_rapids "$cfg" $lv 900 || return 0
	case $pol in
	off)
		expect $n 'guard: split-lock detection off \(until L1 enables its own\), policy off' "detection left off"
		expect $n "^attack-split: PASS split-lock-$lv-completed " "$L's locked increments all completed"
		expect $n "$(seen_outcomes $lv completed); L0 counted 0 exception loops, 0 split locks" "L0 saw none"
		expect_not $n 'splitlock: |events: cpu[0-9] split lock' "no split-lock line or count on any vCPU"
		;;
	warn)
		expect $n 'guard: split-lock detection on, policy warn' "detection on, policy warn"
		expect $n "splitlock: cpu$c: split lock by $L at rip 0x[0-9a-f]+ \\(1 so far\\)" "$L's split lock logged by L0"
		expect $n "^attack-split: PASS split-lock-$lv-completed " "$L's locked increments all completed"
		# an instruction whose step an EPT fault interrupted takes its #AC again
		expect $n "$(seen_outcomes $lv completed); L0 counted 0 exception loops, (2[0-9]|[3-9][0-9]) split locks" "L0 counted all 20 (at least)"
		expect $n "events: cpu$c split lock (2[0-9]|[3-9][0-9]) " "counted on cpu$c"
		expect_not $n 'stopping cpu' "no vCPU stopped"
		;;
	fatal)
		expect $n "splitlock: cpu$c: split lock by $L at rip 0x[0-9a-f]+, policy fatal: stopping this vCPU" "$L's split lock is fatal to cpu$c"
		expect $n "vmx: stopping cpu$c " "cpu$c stopped with a dump"
		expect $n "$(seen_outcomes $lv 'did not complete'); L0 counted 0 exception loops, 1 split locks" "stopped at the first"
		expect_not $n "stopping cpu$o" "cpu$o not stopped"
		;;
	ratelimit:*)
		expect $n "guard: split-lock detection on, policy ratelimit:${pol#*:} per second" "detection on, policy $pol"
		expect $n "splitlock: cpu$c: $L over $pol at rip 0x[0-9a-f]+: waits" "over the rate: cpu$c waited"
		expect $n "^attack-split: PASS split-lock-$lv-completed " "$L's locked increments all completed"
		# a split lock let through is no guest event here: L0 counts the wait
		expect $n "$(seen_outcomes $lv completed); L0 counted 0 exception loops, 1 split locks" "L0 counted the one wait"
		expect $n "exits: cpu$c monitor-trap-flag +(2[0-9]|[3-9][0-9])" "cpu$c: all 20 stepped over (at least 20 MTF exits)"
		expect_not $n 'stopping cpu' "no vCPU stopped"
		;;
	esac
	expect_not $n "splitlock: cpu$o|events: cpu$o split lock" "nothing from cpu$o (the $ol level's attack not run)"
	counts $n
}
# split_locks LEVEL: every policy (ratelimit:15 with 20 split locks: one wait)
split_locks() {
	local pol
	for pol in off warn fatal ratelimit:15; do
		split_lock $1 $pol
	done
}
t_split_lock_l1() { split_locks l1; }
t_split_lock_l2() { split_locks l2; }
ALL="$ALL split_lock_l1 split_lock_l2"

# Split locks on a CPU without detection: nobody sees them, they complete.
t_split_lock_skylake() {
	local n=split-lock-skylake
	guard_boot $n attack_split corei7_skylake_x '' l1,l2 || return 0
	expect $n 'guard: this CPU has no split-lock detection' "one line says so"
	expect $n '^attack-split: PASS split-lock-l1-completed ' "L1's locked increments completed"
	expect $n '^attack-split: PASS split-lock-l2-completed ' "L2's locked increments completed"
	expect $n 'L0 counted 0 exception loops, 0 split locks' "L0 saw none"
}
ALL="$ALL split_lock_skylake"

# notify LEVEL: the CVE-2015-8104 #DB loop (IST stack, data breakpoint on its
# slot: attack_istloop.c) in L1 (l1) or in an L2 of the payload's hypervisor
# (l2) alone, with L0's intercepts off (exc_intercepts=off, debug) so that
# it reaches the CPU: notify exits (window 0: the model's internal threshold
# alone) end each round; L0 counts them, re-enters (context valid) and warns
# that the RIP did not move. The L2 one is L0's too, never L1's. The other
# level's attack is not run, and L0 must have seen nothing from its vCPU.
notify() {
	local lv=$1 n=notify-$1 c o ol L
	read -r c o ol <<<"$(level_cpus $lv)"
	L=${lv^^}
	guard_boot $n attack_istloop sapphire_rapids 'exc_intercepts=off\nnotify_window=0\n' $lv || return 0
	expect $n 'guard: notify VM exits on, window 0 crystal-clock cycles' "notify exits on"
	expect $n "notify: cpu$c $L makes no progress: notify exit [0-9]+ at rip 0x[0-9a-f]+ again, bytes f1 " "$L's loop: notify exits without progress, with the INT1 byte"
	expect $n "$(seen_outcomes $lv 'did not complete'); L0 counted 0 exception loops, 0 split locks, [0-9]+ no-progress notify exits" "the watcher saw L0's no-progress notify exits"
	expect $n "exits: cpu$c notify +[0-9]+" "cpu$c's notify exits counted"
	expect_not $n "notify: cpu$o|exits: cpu$o notify" "no notify exit of cpu$o (the $ol level's attack not run)"
	expect_not $n 'stopping cpu' "context valid: no vCPU stopped"
	counts $n
}
t_notify_l1() { notify l1; }
t_notify_l2() { notify l2; }
ALL="$ALL notify_l1 notify_l2"

# The model's test hook reports "VM context invalid": only those vCPUs stop.
t_notify_invalid() {
	local n=notify-invalid
	BX_NOTIFY_CONTEXT_INVALID=1 guard_boot $n attack_istloop sapphire_rapids 'exc_intercepts=off\nnotify_window=0\n' l1,l2 || return 0
	expect $n 'notify: cpu1: VM context invalid after a notify exit of L1 at rip 0x[0-9a-f]+' "L1's vCPU: context invalid"
	expect $n 'notify: cpu0: VM context invalid after a notify exit of L2 at rip 0x[0-9a-f]+' "L2's vCPU: context invalid"
	expect $n 'vmx: stopping cpu1 \(notify\)' "cpu1 stopped with a dump"
	expect $n 'vmx: stopping cpu0 \(notify\)' "cpu0 stopped with a dump"
}
ALL="$ALL notify_invalid"

# A legacy alignment-check #AC in L2 (CPL 3, CR0.AM, RFLAGS.AC): L0's #AC
# intercept must route it as the CPU would, to L1 when vmcs12 intercepts #AC,
# else into L2; and the same load by L1 itself at CPL 3 goes to L1's own
# handler (ac-legacy-in-l1). Any model (no split-lock detection needed);
# bare Bochs is the reference for the three lines.
t_ac_legacy_l2() {
	local n=ac-legacy-l2 b=ac-legacy-bare g=attack_aclegacy
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	$S/mkimage.sh "$OUT/$b.img" build/guests/$g.efi "" >/dev/null
	boot $b bochs 'attack-aclegacy: summary' --disk "$OUT/$b.img" --cpus 1 --timeout 300
	boot $n bochs 'attack-aclegacy: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 300
	local c
	for c in ac-legacy-to-l1 ac-legacy-into-l2 ac-legacy-in-l1; do
		expect $b "^attack-aclegacy: PASS $c " "bare Bochs: $c"
		expect $n "^attack-aclegacy: PASS $c " "Matryoshka: $c"
	done
	expect $n '^attack-aclegacy: PASS l0-alive-every-cpu ' "L0 alive on every CPU"
	expect $n '^attack-aclegacy: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect_not $n 'stopping cpu|PANIC|splitlock:' "no vCPU stopped, no split lock seen"
}
ALL="$ALL ac_legacy_l2"
