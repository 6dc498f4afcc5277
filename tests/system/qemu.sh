#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Boots a disk image (--disk) or a TFTP tree over PXE (--pxe) in QEMU + OVMF,
# with TCG (no VMX), so that a test sees the same on every host; --kvm (make
# run-qemu) uses KVM where /dev/kvm offers VMX. See watch.sh for the
# options. Also: --iommu adds a VT-d unit (intel-iommu:
# DMAR table, DMA remapping; TCG stays forced, it has no VMX anyway);
# --scratch FILE adds a second raw disk (AHCI, written by the test).
set -uo pipefail
here=$(dirname "$0")
. "$here/watch.sh"
iommu=() scratch=() rest=() kvm=0
while [ $# -gt 0 ]; do
	case $1 in
	--kvm) kvm=1 ;;
	--iommu) iommu=(-device intel-iommu) ;;
	--scratch) scratch=(-drive "file=$2,format=raw,if=ide,index=1"); shift ;;
	*) rest+=("$1") ;;
	esac
	shift
done
parse_args "${rest[@]}"
command -v qemu-system-x86_64 >/dev/null || { echo "qemu.sh: qemu-system-x86_64 is not installed" >&2; exit 1; }

accel=(-accel tcg -cpu qemu64)
if [ "$kvm" = 1 ] && [ ${#iommu[@]} = 0 ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
fi
if [ -n "$disk" ]; then
	# No image, no run: an image build that failed must not boot an old one.
	[ -r "$disk" ] || { echo "qemu.sh: no disk image $disk" >&2; exit 1; }
	media=(-drive "file=$disk,format=raw,if=ide,index=0,snapshot=on" "${scratch[@]}" -nic none)
else
	# romfile= keeps QEMU's iPXE ROM out: OVMF's own PXE stack boots it.
	media=(-netdev "user,id=n0,tftp=$pxe,bootfile=matryoshka.efi"
		-device "virtio-net-pci,netdev=n0,romfile=,bootindex=1")
fi
qemu-system-x86_64 -machine q35 -m 512 -smp "$cpus" "${accel[@]}" "${iommu[@]}" \
	-bios /usr/share/ovmf/OVMF.fd "${media[@]}" \
	-display none -vga none -monitor none -serial "file:$log" -no-reboot \
	>/dev/null 2>&1 &
watch_emulator $!
