#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian 12 packages Matryoshka builds and tests with, if any is
# missing (run as root), then builds the emulator, Bochs 3.0 with the
# project's patches (tools/bochs.sh), unless build/bochs is current.
set -euo pipefail
pkgs=(
	make gcc binutils nasm gnu-efi # build
	mtools dosfstools gdisk        # USB image
	libcmocka-dev                  # host unit tests
	vgabios ovmf qemu-system-x86   # system tests (Bochs: built by tools/bochs.sh)
	g++ xz-utils curl ca-certificates patch # building Bochs 3.0 (tools/bochs.sh)
	grub-common cpio libc6-dev libelf1 # Linux-as-L1 test image (tests/linux)
	file git
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: run as root (or install these packages yourself)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The emulator: Bochs 3.0 with the project's patches, built into build/bochs
# (a no-op when the build there is current).
"$(dirname "$0")/bochs.sh"
