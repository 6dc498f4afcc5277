#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/bochs.sh [--force]: builds the project's emulator, Bochs 3.0 from
# Debian trixie's source (bochs 3.0+dfsg-1, the upstream tarball; Debian's own
# packaging patches only move paths and docs) with the project's patch series
# (tests/bochs/patches/*.patch, applied in name order) into build/bochs/
# (binary build/bochs/bin/bochs). tools/deps.sh calls it; it also runs alone.
#
# A stamp (build/bochs/STAMP: version, tarball checksum, every patch's
# SHA-256, the configure flags) makes a rerun with nothing changed a no-op;
# a changed, added or removed patch rebuilds. tests/system/bochs.sh reads the
# stamp for the header of every test log.
#
# Environment: BOCHS_TARBALL=FILE uses that file instead of downloading (its
# SHA-256 is checked all the same); JOBS=N for make (default: all CPUs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

VERSION=3.0
# The Debian mirror's pool (the source package's .dsc answered 404 when this
# was written; the tarball is there). Pinned: a different file is an error.
URL=http://deb.debian.org/debian/pool/main/b/bochs/bochs_3.0%2bdfsg.orig.tar.xz
SHA256=78f6c73d4a6472d5130a87ab9dc306d02c7c71ed8e25b3a8ef642e2a7acd282b
FLAGS="--with-nogui --enable-x86-64 --enable-vmx=2 --enable-smp --enable-cpu-level=6
--enable-all-optimizations --enable-avx --enable-evex --enable-amx --enable-cet --enable-uintr
--enable-monitor-mwait --enable-pci --enable-a20-pin --enable-fpu --enable-memtype
--enable-protection-keys --enable-repeat-speedups --enable-x86-debugger --enable-debugger"
FLAGS=$(echo $FLAGS)

B=$root/build
prefix=$B/bochs
src=$B/bochs-src
tarball=$src/bochs_$VERSION+dfsg.orig.tar.xz
patches=$(ls tests/bochs/patches/*.patch 2>/dev/null | LC_ALL=C sort || true)

stamp() {
	echo "version $VERSION"
	echo "tarball $SHA256"
	echo "configure $FLAGS"
	local p
	for p in $patches; do
		echo "patch $(sha256sum "$p" | cut -d' ' -f1) $(basename "$p")"
	done
}

want=$(stamp)
if [ "${1-}" != --force ] && [ -x "$prefix/bin/bochs" ] && [ -f "$prefix/STAMP" ] &&
	[ "$(cat "$prefix/STAMP")" = "$want" ]; then
	echo "bochs.sh: Bochs $VERSION with $(echo "$patches" | grep -c . || true) patches is up to date in $prefix"
	exit 0
fi

for tool in g++ make xz patch sha256sum; do
	command -v "$tool" >/dev/null || { echo "bochs.sh: $tool is missing (run tools/deps.sh as root)" >&2; exit 1; }
done

mkdir -p "$src"
if [ -n "${BOCHS_TARBALL-}" ]; then
	cp "$BOCHS_TARBALL" "$tarball.part"
	mv "$tarball.part" "$tarball"
elif ! echo "$SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
	command -v curl >/dev/null || { echo "bochs.sh: curl is missing (run tools/deps.sh as root)" >&2; exit 1; }
	echo "bochs.sh: downloading $URL"
	curl -fsSL --retry 3 -o "$tarball.part" "$URL"
	mv "$tarball.part" "$tarball"
fi
if ! echo "$SHA256  $tarball" | sha256sum -c --quiet; then
	echo "bochs.sh: $tarball does not have SHA-256 $SHA256" >&2
	rm -f "$tarball"
	exit 1
fi

start=$SECONDS
tree=$src/bochs-$VERSION
rm -rf "$tree"
tar -C "$src" -xJf "$tarball"
for p in $patches; do
	echo "bochs.sh: applying $(basename "$p")"
	patch -d "$tree" -p1 -s --no-backup-if-mismatch <"$p"
done

jobs=${JOBS:-$(nproc)}
log=$src/build.log
echo "bochs.sh: configure and make -j$jobs (log in $log)"
(
	cd "$tree"
	# shellcheck disable=SC2086 # FLAGS is a word list
	./configure --prefix="$prefix" $FLAGS
	make -j"$jobs"
	rm -rf "$prefix"
	make install
) >"$log" 2>&1 || {
	echo "bochs.sh: the build failed; last lines of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
}
echo "$want" >"$prefix/STAMP"
echo "bochs.sh: Bochs $VERSION with $(echo "$patches" | grep -c . || true) patches built into $prefix in $((SECONDS - start))s"
