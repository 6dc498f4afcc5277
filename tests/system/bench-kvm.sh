#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The real client side by side (called by bench.sh, make bench): Linux with
# KVM (tests/linux) boots on bare Bochs, where KVM is L0 on Bochs' VMX, and
# as L1 on Matryoshka, where KVM's guest is L2; both runs at once. In each,
# tests/linux/kvmbench.c runs four loops in KVM's guest: CPUID, VMCALL, an
# OUT that KVM hands to its userspace (KVM_EXIT_IO) and one that does not
# exit. Per loop it prints
#
#   bench: kvm-l1 LOOP: bare B, matryoshka M instructions per iteration, ratio M/B, L0 exits X
#
# B and M: the least instructions one iteration took, from RDTSC around each
# single iteration inside KVM's guest (Bochs' RDTSC counts instructions;
# 128 samples per loop, the least is one no L1 timer tick fell into).
# X: Matryoshka's exits on that vCPU per iteration (kvmbench.c: the least
# count over 16 windows of 8 iterations, less the least over 16 windows
# without any). First with kvm_intel's default L1D-flush mode (its name on
# each side is printed once), then every loop again with
# vmentry_l1d_flush=never, those lines ending in "(l1d_flush=never)".
#
# Bochs runs at IPS instructions per emulated second (default 200,000,000
# here, not bochs.sh's 8,000,000): L1's 250 Hz tick then comes every 800,000
# instructions instead of every 32,000, so a window of a few nested round
# trips can lie between two ticks. Instruction counts do not depend on it.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=tests/system
OUT=build/bench
mkdir -p "$OUT"
export IPS=${IPS:-200000000}

KERNEL_ARGS_EXTRA=mk_bench tests/linux/build-image.sh "$OUT/kvm-bare.img" \
	>"$OUT/kvm-bare.build" 2>&1 || { cat "$OUT/kvm-bare.build" >&2; exit 1; }
KERNEL_ARGS_EXTRA=mk_bench tests/linux/build-image.sh \
	"$OUT/kvm-l0.img" build/matryoshka.efi >"$OUT/kvm-l0.build" 2>&1 ||
	{ cat "$OUT/kvm-l0.build" >&2; exit 1; }
for run in kvm-bare kvm-l0; do
	$S/bochs.sh --disk "$OUT/$run.img" --cpus 1 --timeout 900 \
		--log "$OUT/$run.log" --until 'LINUX-L1: done' 2>"$OUT/$run.err" &
done
wait

clean() { tr -d '\r' <"$OUT/$1.log"; }
for run in kvm-bare kvm-l0; do
	if ! clean $run | grep -aq '^LINUX-L1: done' ||
		clean $run | grep -a 'LINUX-KVMBENCH: .*FAIL'; then
		echo "bench: kvm-l1: kvmbench failed (see $OUT/$run.log)" >&2
		exit 1
	fi
done
# field RUN SET LOOP KEY: KEY=VALUE of kvmbench's line for that set and loop
field() {
	clean "$1" | grep -a "^LINUX-KVMBENCH: set=$2 .*loop=$3 " |
		sed -n "s/.* $4=\([^ ]*\).*/\1/p" | head -n 1
}
for set in default never; do
	if [ $set = default ]; then
		suffix=""
		echo "bench: kvm-l1: kvm_intel vmentry_l1d_flush by default: bare $(field kvm-bare default cpuid flush), matryoshka $(field kvm-l0 default cpuid flush) (the lines without a suffix)"
	else
		suffix=" (l1d_flush=never)"
	fi
	for loop in cpuid vmcall io-user no-exit; do
		bare=$(field kvm-bare $set $loop insns) l0=$(field kvm-l0 $set $loop insns)
		exits=$(field kvm-l0 $set $loop exits)
		if [ -z "$bare" ] || [ -z "$l0" ] || [ -z "$exits" ]; then
			echo "bench: kvm-l1 $loop: no result for set $set (see $OUT/kvm-bare.log, $OUT/kvm-l0.log)" >&2
			exit 1
		fi
		ratio=$(awk -v a="$l0" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')
		echo "bench: kvm-l1 $loop: bare $bare, matryoshka $l0 instructions per iteration, ratio $ratio, L0 exits $exits$suffix"
		# how many of the windows had the least count (kvmbench.c): a few
		# only means L1's ticks reached most windows, a thin margin
		for count in exits_n:"8-iteration windows" exits_0:"empty windows"; do
			hits=$(clean kvm-l0 | grep -a "^LINUX-KVMBENCH: set=$set .*loop=$loop " |
				sed -n "s/.* ${count%%:*}=[^ ]* (\([0-9]*\) of.*/\1/p" | head -n 1)
			if [ "${hits:-0}" -lt 4 ]; then
				echo "bench: kvm-l1 $loop: note: only ${hits:-0} of the ${count#*:} had the least exit count$suffix (L1 timer ticks in the others: raise IPS)"
			fi
		done
	done
done
