# SPDX-License-Identifier: Apache-2.0
# Issue 10: the notify window, the split-lock #AC policy and exception-loop
# containment, on the payloads tests/guests/attack_{dbloop,acloop,split}.c
# (three CPUs: AP 1 attacks as L1, the BSP from an L2 of the payload's own
# hypervisor, AP 2 watches and reports). Notify exits and split-lock
# detection exist only on MODEL=sapphire_rapids of a Bochs built with the
# project's models (tests/bochs/patches/0100-notify-vm-exit.patch,
# 0101-split-lock-detect.patch); where the Bochs in use lacks them, the
# tests that need them print SKIP with the reason and count nothing.
# Run one alone: tests/system/run-all.sh db_loop (etc.).

# guard_boot NAME PAYLOAD MODEL CONFIG [TIMEOUT]: boots it with 3 CPUs on that model;
# on sapphire_rapids returns 1 after a SKIP line when the Bochs in use does
# not model the features (then nothing else is checked); returns 1 after a
# SKIP line in the run of the other model
guard_boot() {
	local n=$1 g=$2 model=$3 cfg=$4 p
	# each test belongs to one model's run (its log header names that model)
	if [ "$model" != "$MODEL" ]; then
		skp $n "made in the $model run only (this run: $MODEL)"
		return 1
	fi
	p=${g//_/-}
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n$cfg" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	boot $n bochs "$p: summary" --disk "$OUT/$n.img" --cpus 3 --timeout "${5:-600}"
	if [ "$model" = sapphire_rapids ] && ! guard_models $n; then
		return 1
	fi
	expect $n "^$p: summary [0-9]+ passed, 0 failed" "$p summary without failures"
	expect $n "^$p: PASS l0-alive-watcher " "the watching CPU's L0 answers"
	expect_not $n 'stopping cpu2|PANIC|exception [0-9]+ \(' "the watcher's vCPU not stopped, no panic or exception in L0"
	return 0
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
	guard_boot $n attack_dbloop corei7_skylake_x '' || return 0
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
	guard_boot $n attack_istloop corei7_skylake_x '' || return 0
	expect $n 'guard: cpu1: L1 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's IST #DB loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 1 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's IST #DB loop contained on cpu0"
	expect $n 'attack-istloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
}
ALL="$ALL db_ist_loop"

# The #AC loop (the #AC handler starts with a split lock, L1's own
# detection on) in L1 and L2: contained the same way.
t_ac_loop() {
	local n=ac-loop
	guard_boot $n attack_acloop sapphire_rapids '' || return 0
	expect $n 'guard: split-lock detection on, policy warn' "split-lock detection on"
	expect $n 'guard: cpu1: L1 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L1's #AC loop contained on cpu1"
	expect $n 'guard: cpu0: L2 re-delivers exception 17 at rip 0x[0-9a-f]+ without progress \(1000 rounds\): stopping this vCPU' "L2's #AC loop contained on cpu0"
	expect $n 'attack-acloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 2 exception loops' "the watcher saw L0 count both loops"
}
ALL="$ALL ac_loop"

# split_lock POLICY: 20 split locks by L1 and 20 by L2 under split_lock=POLICY
split_lock() {
	local n=split-lock-$1 cfg="split_lock=$1\n" c
	n=${n//:/-}
	# a ratelimit wait is a second of TSC time: minutes in Bochs
	guard_boot $n attack_split sapphire_rapids "$cfg" 900 || return 0
	case $1 in
	warn)
		expect $n 'splitlock: cpu1: split lock by L1 at rip 0x[0-9a-f]+ \(1 so far\)' "L1's split lock logged"
		expect $n 'splitlock: cpu0: split lock by L2 at rip 0x[0-9a-f]+ \(1 so far\)' "L2's split lock logged (L0's, not L1's)"
		expect $n '^attack-split: PASS split-lock-l1-completed ' "L1's locked increments all completed"
		expect $n '^attack-split: PASS split-lock-l2-completed ' "L2's locked increments all completed"
		# an instruction whose step an EPT fault interrupted takes its #AC again
		expect $n 'L0 counted 0 exception loops, (4[0-9]|[5-9][0-9]) split locks' "L0 counted all 40 (at least)"
		expect_not $n 'stopping cpu' "no vCPU stopped"
		;;
	fatal)
		expect $n 'splitlock: cpu1: split lock by L1 at rip 0x[0-9a-f]+, policy fatal: stopping this vCPU' "L1's split lock is fatal to cpu1"
		expect $n 'splitlock: cpu0: split lock by L2 at rip 0x[0-9a-f]+, policy fatal: stopping this vCPU' "L2's split lock is fatal to cpu0"
		expect $n 'L1 attack did not complete, L2 attack did not complete; L0 counted 0 exception loops, 2 split locks' "both stopped at the first"
		;;
	ratelimit:*)
		expect $n 'splitlock: cpu[01]: (L1|L2) over ratelimit:[0-9]+ at rip 0x[0-9a-f]+: waits' "over the rate: the vCPU waited"
		expect $n '^attack-split: PASS split-lock-l1-completed ' "L1's locked increments all completed"
		expect $n '^attack-split: PASS split-lock-l2-completed ' "L2's locked increments all completed"
		expect_not $n 'stopping cpu' "no vCPU stopped"
		;;
	esac
}
t_split_lock_warn() { split_lock warn; }
t_split_lock_fatal() { split_lock fatal; }
t_split_lock_ratelimit() { split_lock ratelimit:15; } # 20 each: one wait
ALL="$ALL split_lock_warn split_lock_fatal split_lock_ratelimit"

# Split locks on a CPU without detection: nobody sees them, they complete.
t_split_lock_skylake() {
	local n=split-lock-skylake
	guard_boot $n attack_split corei7_skylake_x '' || return 0
	expect $n 'guard: this CPU has no split-lock detection' "one line says so"
	expect $n '^attack-split: PASS split-lock-l1-completed ' "L1's locked increments completed"
	expect $n '^attack-split: PASS split-lock-l2-completed ' "L2's locked increments completed"
	expect $n 'L0 counted 0 exception loops, 0 split locks' "L0 saw none"
}
ALL="$ALL split_lock_skylake"

# The CVE-2015-8104 #DB loop (IST stack, data breakpoint on its slot:
# attack_istloop.c) with L0's intercepts off (exc_intercepts=off, debug)
# reaches the CPU: notify exits (window 0: the model's internal threshold alone)
# end each round; L0 counts them, re-enters (context valid) and warns that
# the RIP did not move. The L2 one is L0's too, never L1's.
t_notify() {
	local n=notify
	guard_boot $n attack_istloop sapphire_rapids 'exc_intercepts=off\nnotify_window=0\n' || return 0
	expect $n 'guard: notify VM exits on, window 0 crystal-clock cycles' "notify exits on"
	expect $n 'notify: cpu1 L1 makes no progress: notify exit [0-9]+ at rip 0x[0-9a-f]+ again, bytes f1 ' "L1's loop: notify exits without progress, with the INT1 byte"
	expect $n 'notify: cpu0 L2 makes no progress: notify exit [0-9]+ at rip 0x[0-9a-f]+ again, bytes f1 ' "L2's loop: notify exits handled by L0"
	expect $n 'attack-istloop: seen after [0-9]+ polls: L1 attack did not complete, L2 attack did not complete; L0 counted 0 exception loops, 0 split locks, [0-9]+ no-progress notify exits' "the watcher saw L0's no-progress notify exits"
	expect $n 'exits: cpu1 notify +[0-9]+' "cpu1's notify exits counted"
	expect $n 'exits: cpu0 notify +[0-9]+' "cpu0's notify exits counted"
	expect_not $n 'stopping cpu' "context valid: no vCPU stopped"
}
ALL="$ALL notify"

# The model's test hook reports "VM context invalid": only those vCPUs stop.
t_notify_invalid() {
	local n=notify-invalid
	BX_NOTIFY_CONTEXT_INVALID=1 guard_boot $n attack_istloop sapphire_rapids 'exc_intercepts=off\nnotify_window=0\n' || return 0
	expect $n 'notify: cpu1: VM context invalid after a notify exit of L1 at rip 0x[0-9a-f]+' "L1's vCPU: context invalid"
	expect $n 'notify: cpu0: VM context invalid after a notify exit of L2 at rip 0x[0-9a-f]+' "L2's vCPU: context invalid"
	expect $n 'vmx: stopping cpu1 \(notify\)' "cpu1 stopped with a dump"
	expect $n 'vmx: stopping cpu0 \(notify\)' "cpu0 stopped with a dump"
}
ALL="$ALL notify_invalid"

# A legacy alignment-check #AC in L2 (CPL 3, CR0.AM, RFLAGS.AC): L0's #AC
# intercept must route it as the CPU would, to L1 when vmcs12 intercepts #AC,
# else into L2. Any model (no split-lock detection needed); bare Bochs is
# the reference for both lines.
t_ac_legacy_l2() {
	local n=ac-legacy-l2 b=ac-legacy-bare g=attack_aclegacy
	image $n "next=/EFI/BOOT/$g.efi\nlog=info\n" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	$S/mkimage.sh "$OUT/$b.img" build/guests/$g.efi "" >/dev/null
	boot $b bochs 'attack-aclegacy: summary' --disk "$OUT/$b.img" --cpus 1 --timeout 300
	boot $n bochs 'attack-aclegacy: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 300
	local c
	for c in ac-legacy-to-l1 ac-legacy-into-l2; do
		expect $b "^attack-aclegacy: PASS $c " "bare Bochs: $c"
		expect $n "^attack-aclegacy: PASS $c " "Matryoshka: $c"
	done
	expect $n '^attack-aclegacy: PASS l0-alive-every-cpu ' "L0 alive on every CPU"
	expect $n '^attack-aclegacy: summary [0-9]+ passed, 0 failed' "summary without failures"
	expect_not $n 'stopping cpu|PANIC|splitlock:' "no vCPU stopped, no split lock seen"
}
ALL="$ALL ac_legacy_l2"
