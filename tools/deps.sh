#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian 12 packages Matryoshka builds and tests with, if any is
# missing (run as root). Exits at once when everything is there.
set -euo pipefail
pkgs=(
	make gcc binutils nasm gnu-efi # build
	mtools dosfstools gdisk        # USB image
	libcmocka-dev                  # host unit tests
	bochs bochs-term bochsbios vgabios ovmf qemu-system-x86 # system tests
	grub-common cpio libc6-dev libelf1 # Linux-as-L1 test image (tests/linux)
	file git
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root (or install these packages yourself)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
