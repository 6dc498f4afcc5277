#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Boots a disk image (--disk) or a TFTP tree over PXE (--pxe) in QEMU + OVMF,
# with KVM where /dev/kvm offers VMX and TCG (no VMX) otherwise. See
# watch.sh for the options.
set -uo pipefail
here=$(dirname "$0")
. "$here/watch.sh"
parse_args "$@"
command -v qemu-system-x86_64 >/dev/null || { echo "qemu.sh: qemu-system-x86_64 is not installed" >&2; exit 1; }

accel=(-accel tcg -cpu qemu64)
if [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
fi
if [ -n "$disk" ]; then
	media=(-drive "file=$disk,format=raw,if=ide,snapshot=on" -nic none)
else
	# romfile= keeps QEMU's iPXE ROM out: OVMF's own PXE stack boots it.
	media=(-netdev "user,id=n0,tftp=$pxe,bootfile=matryoshka.efi"
		-device "virtio-net-pci,netdev=n0,romfile=,bootindex=1")
fi
qemu-system-x86_64 -machine q35 -m 512 -smp "$cpus" "${accel[@]}" \
	-bios /usr/share/ovmf/OVMF.fd "${media[@]}" \
	-display none -vga none -monitor none -serial "file:$log" -no-reboot \
	>/dev/null 2>&1 &
watch_emulator $!
