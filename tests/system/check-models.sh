#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# make check's system tests: tests/system/run-all.sh once per Bochs CPU model
# (MODELS=, default "corei7_skylake_x sapphire_rapids"). The first model's
# run also runs the QEMU tests (they do not depend on the Bochs model); the
# others print SKIP for them. With 2 or more CPUs (JOBS=, default nproc) the
# models run side by side, one per CPU, each into its own
# build/systest/MODEL/run-all.txt, printed whole when all have ended. The
# last line sums them up; exit status 0 iff every model's run passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
MODELS=${MODELS:-corei7_skylake_x sapphire_rapids}
JOBS=${JOBS:-$(nproc)}
mkdir -p build/systest

# The Linux image cache (build/linux/cache) is shared and filled by the first
# build-image.sh: fill it once here so that parallel runs never race on it.
# Each test still builds its own image (and fails if that fails).
if ! tests/linux/build-image.sh build/systest/linux-warmup.img build/matryoshka.efi \
	>build/systest/linux-warmup.txt 2>&1; then
	echo "check-models: warning: the Linux image cache could not be filled (build/systest/linux-warmup.txt)"
fi

declare -A pid secs status
start=$SECONDS
first=1
running=0
for m in $MODELS; do
	mkdir -p "build/systest/$m"
	qemu=skip
	[ $first = 1 ] && qemu=run
	first=0
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	(
		s=$SECONDS
		MODEL=$m QEMU_TESTS=$qemu tests/system/run-all.sh "$@" >"build/systest/$m/run-all.txt" 2>&1
		rc=$?
		echo "$rc $((SECONDS - s))" >"build/systest/$m/run-all.rc"
		exit $rc
	) &
	pid[$m]=$!
	running=$((running + 1))
	echo "check-models: $m started (QEMU tests: $qemu)"
done
for m in $MODELS; do
	wait "${pid[$m]}"
	read -r status[$m] secs[$m] <"build/systest/$m/run-all.rc" || status[$m]=1
done

all=0 sum_pass=0 sum_fail=0
for m in $MODELS; do
	echo "======== model $m: build/systest/$m/run-all.txt"
	cat "build/systest/$m/run-all.txt"
done
for m in $MODELS; do
	line=$(tail -n 1 "build/systest/$m/run-all.txt")
	p=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p')
	f=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "check-models: $m: no summary line (run-all.sh stopped?)"
		f=1 p=0
	fi
	echo "check-models: $m: $p passed, $f failed in ${secs[$m]:-?}s (exit ${status[$m]})"
	sum_pass=$((sum_pass + p)) sum_fail=$((sum_fail + f))
	[ "${status[$m]}" = 0 ] || all=1
done
echo "check-models: wall time $((SECONDS - start))s for $(echo $MODELS | wc -w) models, $JOBS at a time"
echo "$sum_pass passed, $sum_fail failed"
exit $all
