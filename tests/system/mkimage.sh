#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# mkimage.sh IMG EFI CFG [SRC=DEST ...]
# A GPT disk with one FAT16 EFI system partition holding EFI/BOOT/BOOTX64.EFI
# and EFI/BOOT/matryoshka.cfg (plus any extra SRC copied to DEST on the ESP;
# an empty EFI or CFG leaves that file out),
# ready for `dd` to a USB stick. The size is 130 cylinders x 16 heads x 63
# sectors so Bochs derives a disk geometry from it without complaint.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
img=$1 efi=$2 cfg=$3
shift 3
# The old image goes first: a build that fails leaves none to boot.
rm -f "$img"
sectors=$((130 * 16 * 63))
first=2048
last=$((sectors - 34)) # the backup GPT takes the last 33 sectors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

truncate -s $((sectors * 512)) "$tmp/disk"
sgdisk -o -n "1:$first:$last" -t 1:ef00 -c "1:EFI system" "$tmp/disk" >/dev/null 2>&1
truncate -s $(((last - first + 1) * 512)) "$tmp/esp"
mkfs.vfat -F 16 -n MATRYOSHKA "$tmp/esp" >/dev/null
mmd -i "$tmp/esp" ::/EFI ::/EFI/BOOT
if [ -n "$efi" ]; then
	mcopy -i "$tmp/esp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
fi
if [ -n "$cfg" ]; then
	mcopy -i "$tmp/esp" "$cfg" ::/EFI/BOOT/matryoshka.cfg
fi
for pair in "$@"; do
	dest=${pair#*=}
	mmd -i "$tmp/esp" "::$(dirname "$dest")" 2>/dev/null || true
	mcopy -i "$tmp/esp" "${pair%%=*}" "::$dest"
done
dd if="$tmp/esp" of="$tmp/disk" bs=512 seek=$first conv=notrunc status=none
mv "$tmp/disk" "$img"
echo "built $img (GPT disk, FAT16 EFI system partition)"
