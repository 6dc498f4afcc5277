#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Boots a disk image in Bochs + OVMF (real VMX as Bochs models it) with the
# serial console in --log. See watch.sh for the options.
set -uo pipefail
here=$(dirname "$0")
. "$here/watch.sh"
parse_args "$@"
[ -n "$disk" ] || usage
# No image, no run: an image build that failed must not boot an old one.
[ -r "$disk" ] || { echo "bochs.sh: no disk image $disk" >&2; exit 1; }
# The project's own Bochs (tools/bochs.sh builds it into build/bochs); BOCHS= overrides.
root=$(cd "$here/../.." && pwd)
bochs_bin=${BOCHS:-$root/build/bochs/bin/bochs}
[ -x "$bochs_bin" ] || { echo "bochs.sh: no Bochs at $bochs_bin (run tools/deps.sh)" >&2; exit 1; }

# The log's header ($log.hdr; Bochs itself writes $log): which Bochs, which
# patches (the STAMP tools/bochs.sh leaves beside the build), which model.
bochs_header() {
	local stamp ver patches
	stamp=$(dirname "$bochs_bin")/../STAMP
	if [ -f "$stamp" ]; then
		ver=$(sed -n 's/^version //p' "$stamp")
		patches=$(sed -n 's/^patch [0-9a-f]* \([0-9]*\).*/\1/p' "$stamp" | tr '\n' ' ')
		echo "bochs: Bochs $ver + $(grep -c '^patch ' "$stamp") patches (${patches% }), model $model, $cpus CPU(s), $bochs_bin"
	else
		echo "bochs: Bochs of unknown version and patches (no STAMP from tools/bochs.sh), model $model, $cpus CPU(s), $bochs_bin"
	fi
}
bochs_header >"$log.hdr"
[ "$show" = 1 ] && cat "$log.hdr"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A private copy: Bochs may write to the disk, and a stale .lock stops it.
cp "$disk" "$work/disk.img"
echo c >"$work/rc"
# Memory: OVMF in Bochs wants a few hundred MiB; megs above 2048 need guest/host.
# IPS= emulated instructions per emulated second (timers, the TSC's rate;
# the TSC still counts instructions): bench-kvm.sh raises it.
cat >"$work/bochsrc" <<EOT
romimage: file=/usr/share/ovmf/OVMF.fd, address=0xffe00000
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=$model, count=$cpus, ips=${IPS:-8000000}
memory: guest=512, host=512
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$work/disk.img, mode=flat
boot: disk
display_library: nogui
com1: enabled=1, mode=file, dev=$log
speaker: enabled=0
info: action=ignore
log: $work/bochs.log
EOT
"$bochs_bin" -q -f "$work/bochsrc" -rc "$work/rc" >"$work/stdout" 2>&1 &
watch_emulator $!
rc=$?
# Bochs' own log says why a VM entry failed in its model: keep it beside.
cp "$work/bochs.log" "$log.bochs" 2>/dev/null
if [ $rc -ne 0 ] && [ -s "$work/bochs.log" ]; then
	echo "bochs.sh: last lines of the Bochs log:" >&2
	grep -aE "PANIC|ERROR|>>" "$work/bochs.log" | tail -n 5 >&2
fi
exit $rc
