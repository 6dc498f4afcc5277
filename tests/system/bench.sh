#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# make bench: path lengths in instructions (Bochs' RDTSC counts them): one L1
# CPUID exit through L0, nested round trips L2 -> L1 -> L2, and Linux KVM's
# guest as L2 (bench-kvm.sh). Runs each payload on bare Bochs and as L1 on
# Matryoshka and prints both and their difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=tests/system
OUT=build/bench/${MODEL:-corei7_skylake_x}
echo "bench: Bochs model ${MODEL:-corei7_skylake_x}"
mkdir -p "$OUT"
# pair BARE L0 PAYLOAD [OPTIONS]: the payload on bare Bochs (log BARE, none
# if BARE is -) and as L1 on Matryoshka with OPTIONS in its matryoshka.cfg
# (log L0), both to the payload's summary line.
pair() {
	local bare=$1 l0=$2 p=$3 run runs=$2
	printf 'next=/EFI/BOOT/%s.efi\nlog=warn\n%s\n' "$p" "${4:-}" >"$OUT/$l0.cfg"
	$S/mkimage.sh "$OUT/$l0.img" build/matryoshka.efi "$OUT/$l0.cfg" \
		"build/guests/$p.efi=/EFI/BOOT/$p.efi" >/dev/null
	if [ "$bare" != - ]; then
		$S/mkimage.sh "$OUT/$bare.img" "build/guests/$p.efi" "" >/dev/null
		runs="$bare $l0"
	fi
	for run in $runs; do
		$S/bochs.sh --disk "$OUT/$run.img" --cpus 1 --timeout 240 \
			--log "$OUT/$run.log" --until "$p: summary" 2>/dev/null
	done
}

pair bare l0 bench
value() { sed -n "s/^bench: $2 \([0-9]*\) tsc.*/\1/p" "$OUT/$1.log" | tr -d '\r' | head -n 1; }
for leaf in cpuid-0 cpuid-40000000; do
	bare=$(value bare $leaf) l0=$(value l0 $leaf)
	if [ -z "$bare" ] || [ -z "$l0" ]; then
		echo "bench: $leaf: no result (see $OUT/*.log)" >&2
		exit 1
	fi
	echo "bench: $leaf: bare Bochs $bare, L1 on Matryoshka $l0 instructions per iteration: L0 path $((l0 - bare)) instructions per CPUID exit"
done

# Nested: an L1 hypervisor (nvmxbench) runs an L2 that executes CPUID; each
# round trip is L2 -> L1 (an exit L0 reflects) and L1 -> L2 (a VMRESUME L0
# emulates). Bare Bochs gives the CPU model's own cost of the same loop.
pair nbare nl0 nvmxbench early_consistency_checks=off
pair - nl0early nvmxbench early_consistency_checks=on
nvalue() { sed -n "s/^nvmxbench: $2 \([0-9.]*\).*/\1/p" "$OUT/$1.log" | tr -d '\r' | head -n 1; }
for leg in round-trip exit-leg entry-leg; do
	bare=$(nvalue nbare $leg) l0=$(nvalue nl0 $leg)
	if [ -z "$bare" ] || [ -z "$l0" ]; then
		echo "bench: nested $leg: no result (see $OUT/nbare.log, $OUT/nl0.log)" >&2
		exit 1
	fi
	case $leg in
	round-trip) what="L2 CPUID round trip through L1" ;;
	exit-leg) what="L2 exit to L1's handler: L0 instructions per reflected exit" ;;
	entry-leg) what="L1's VMRESUME to L2: L0 instructions per emulated VMRESUME" ;;
	esac
	echo "bench: nested $leg: bare Bochs $bare, on Matryoshka $l0 instructions: $what $((l0 - bare))"
done
echo "bench: nested L0 exits per L2 CPUID round trip through L1: $(nvalue nl0 l0-exits)"
early=$(nvalue nl0early entry-leg) off=$(nvalue nl0 entry-leg)
if [ -z "$early" ]; then
	echo "bench: nested entry-leg with early checks: no result (see $OUT/nl0early.log)" >&2
	exit 1
fi
echo "bench: nested early_consistency_checks: VMRESUME leg $off instructions with software checks alone, $early with the hardware dry run too: the dry run costs $((early - off))"

# The real client: Linux's KVM as L1, its guest's CPUID/VMCALL/OUT-to-
# userspace/no-exit loops on bare Bochs and on Matryoshka ("bench: kvm-l1").
$S/bench-kvm.sh

# EPT02 as a bounded cache (tests/guests/ept02churn.c): on each CPU at once
# an L2 touches one quadword per 2 MiB over 8 GiB through a 3-page EPT12;
# on bare Bochs and as L1 on Matryoshka, 4 CPUs each. Instructions per CPU
# for its run, and L0's EPT02 pages in use and evictions per vCPU.
printf 'next=/EFI/BOOT/ept02churn.efi\nlog=warn\n' >"$OUT/churn-l0.cfg"
$S/mkimage.sh "$OUT/churn-l0.img" build/matryoshka.efi "$OUT/churn-l0.cfg" \
	"build/guests/ept02churn.efi=/EFI/BOOT/ept02churn.efi" >/dev/null
$S/mkimage.sh "$OUT/churn-bare.img" build/guests/ept02churn.efi "" >/dev/null
for run in churn-bare churn-l0; do
	$S/bochs.sh --disk "$OUT/$run.img" --cpus 4 --timeout 1200 \
		--log "$OUT/$run.log" --until "ept02churn: summary" 2>/dev/null || true
done
clean() { tr -d '\r' <"$OUT/$1.log"; }
# (grep reads to the end: with pipefail, grep -q's early exit would fail clean)
if ! clean churn-l0 | grep '^ept02churn: PASS l2-ran' >/dev/null ||
	clean churn-l0 | grep -E 'stopping cpu|PANIC' >/dev/null; then
	echo "bench: ept02 churn: the 8 GiB L2 runs did not complete (see $OUT/churn-l0.log)" >&2
	exit 1
fi
for c in 0 1 2 3; do
	bare=$(clean churn-bare | sed -n "s/^ept02churn: info cpu$c tsc \([0-9]*\) .*/\1/p")
	l0=$(clean churn-l0 | sed -n "s/^ept02churn: info cpu$c tsc \([0-9]*\) .*/\1/p")
	pages=$(clean churn-l0 | sed -n "s/^ept02churn: info cpu$c EPT02 \(.*\)/\1/p")
	echo "bench: ept02 churn cpu$c: 4096 touches over 8 GiB: bare Bochs ${bare:-?}, on Matryoshka ${l0:-?} instructions; EPT02 ${pages:-?}"
done
clean churn-l0 | grep '^ept02churn: \(PASS\|FAIL\) \(l2-ran\|ept02\|l0-alive\)' | sed 's/^/bench: /'

# The nested round trip as one number (both legs: the reflected exit and the
# emulated VMRESUME), the fast path's figure of merit (docs/nested.md,
# "Round trip"); and, from a profiling build (make PROFILE=1 bench), L0's
# instructions per phase of each leg (nested/prof.def).
rt_bare=$(nvalue nbare round-trip) rt_l0=$(nvalue nl0 round-trip)
echo "bench: nested round-trip L0 instructions: $((rt_l0 - rt_bare))"
if grep -aq '\] prof: ' "$OUT/nl0.log"; then
	tr -d '\r' <"$OUT/nl0.log" | sed -n 's/^\[[a-z]* cpu[0-9]*\] prof: cpu[0-9]* /bench: profile /p'
else
	echo "bench: profile: none (a profiling build prints it: make PROFILE=1 bench)"
fi
