#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# make bench: the path length of one L1 CPUID exit through L0, in
# instructions (Bochs' RDTSC counts them). Runs the bench payload on bare
# Bochs and as L1 on Matryoshka and prints both and their difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=tests/system
OUT=build/bench
mkdir -p "$OUT"
printf 'next=/EFI/BOOT/bench.efi\nlog=warn\n' >"$OUT/l0.cfg"
$S/mkimage.sh "$OUT/l0.img" build/matryoshka.efi "$OUT/l0.cfg" \
	build/guests/bench.efi=/EFI/BOOT/bench.efi >/dev/null
$S/mkimage.sh "$OUT/bare.img" build/guests/bench.efi "" >/dev/null
for run in bare l0; do
	$S/bochs.sh --disk "$OUT/$run.img" --cpus 1 --timeout 240 \
		--log "$OUT/$run.log" --until 'bench: summary' 2>/dev/null
done
value() { sed -n "s/^bench: $2 \([0-9]*\) tsc.*/\1/p" "$OUT/$1.log" | tr -d '\r' | head -n 1; }
for leaf in cpuid-0 cpuid-40000000; do
	bare=$(value bare $leaf) l0=$(value l0 $leaf)
	if [ -z "$bare" ] || [ -z "$l0" ]; then
		echo "bench: $leaf: no result (see $OUT/*.log)" >&2
		exit 1
	fi
	echo "bench: $leaf: bare Bochs $bare, L1 on Matryoshka $l0 instructions per iteration: L0 path $((l0 - bare)) instructions per CPUID exit"
done
