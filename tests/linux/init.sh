#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# /init of the test initramfs (busybox): reports what the Linux guest (L1)
# sees on the serial console, one "LINUX-L1: " line each, then ends the
# emulator. Last it loads /lib/modules/mkhc.ko (tests/linux/mkhc.c): its
# init asks the hypervisor below to print its exit counters on the serial
# port and prints "LINUX-L1: hypercall print-counters returned 0x..." (or
# "LINUX-L1: no Matryoshka below"); it is removed again right away, so it
# can be loaded again. Then it loads irqbypass, kvm and kvm-intel (with
# nested, ept, vpid, unrestricted_guest and enable_shadow_vmcs on, plus any
# kvm_intel.NAME=VALUE from the kernel command line) and runs /bin/kvmtest
# (tests/linux/kvmtest.c): a real KVM guest, L2 when Matryoshka is below.
# Its lines start with "LINUX-KVM: "; "LINUX-L1: done" stays the last line.
# With mk_bench on the kernel command line (make bench, bench-kvm.sh) it
# then runs /bin/kvmbench (tests/linux/kvmbench.c) twice, with mkhc.ko
# loaded (print=0) for its exit counter: with kvm_intel's default L1D-flush
# mode, then with vmentry_l1d_flush=never; its lines start with
# "LINUX-KVMBENCH: ".
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

say() { echo "LINUX-L1: $*"; }

# has_flag NAME: yes if the first CPU's flags line of /proc/cpuinfo has NAME
has_flag() {
	if grep -m1 '^flags' /proc/cpuinfo | grep -qw "$1"; then echo yes; else echo no; fi
}

say "init reached"
say "kernel $(uname -r)"
say "cpus $(grep -c '^processor' /proc/cpuinfo)"
say "hypervisor-flag $(has_flag hypervisor)"
say "vmx-flag $(has_flag vmx)"
# 5-level paging in use: the vmalloc area is 12800 TiB with it, 32 TiB
# without (VmallocTotal, kB); CPUID's la57 flag only says the CPU has it.
paging_levels() {
	if [ "$(awk '/^VmallocTotal:/ { print ($2 > 34359738368) }' /proc/meminfo)" = 1 ]; then echo 5; else echo 4; fi
}
say "paging-levels $(paging_levels) (la57-flag $(has_flag la57))"
say "uptime $(cut -d' ' -f1 /proc/uptime)s"
if insmod /lib/modules/mkhc.ko; then
	rmmod mkhc || say "rmmod mkhc failed"
else
	say "insmod mkhc failed"
fi

kvm_say() { echo "LINUX-KVM: $*"; }
# What the kernel said about KVM/VMX (at loglevel 6 most of it is not on
# the console): why kvm_intel refused to load or disabled a feature, VMX
# errata, a failed VM entry. On bare Bochs a good run has none.
kvm_dmesg() {
	dmesg | grep -iE 'kvm|vmx' | grep -iv 'command line' | sed 's/^/LINUX-KVM: dmesg /'
}
# busybox insmod does not pick up kvm_intel.* from the command line as
# modprobe would; later words win, as with repeated module parameters.
kvm_opts="nested=1 ept=1 vpid=1 unrestricted_guest=1 enable_shadow_vmcs=1"
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case $w in
	kvm_intel.*=* | kvm-intel.*=*) kvm_opts="$kvm_opts ${w#kvm?intel.}" ;;
	esac
done
# kvm_bench: kvmbench (make bench) in the default L1D-flush mode, then never
kvm_bench() {
	local flush=/sys/module/kvm_intel/parameters/vmentry_l1d_flush
	if ! insmod /lib/modules/mkhc.ko print=0; then
		echo "LINUX-KVMBENCH: FAIL insmod mkhc print=0"
		return
	fi
	/bin/kvmbench default || echo "LINUX-KVMBENCH: FAIL kvmbench default (exit status $?)"
	if echo never >$flush; then
		/bin/kvmbench never || echo "LINUX-KVMBENCH: FAIL kvmbench never (exit status $?)"
	else
		echo "LINUX-KVMBENCH: FAIL cannot set $flush to never"
	fi
	rmmod mkhc || say "rmmod mkhc failed"
}
kvm_loaded=yes
for mod in irqbypass kvm kvm-intel; do
	opts=""
	[ $mod = kvm-intel ] && opts=$kvm_opts
	# shellcheck disable=SC2086 # one argument per parameter
	if ! insmod /lib/modules/$mod.ko $opts; then
		kvm_say "FAIL insmod $mod${opts:+ $opts}"
		kvm_loaded=no
		break
	fi
done
if [ $kvm_loaded = yes ]; then
	kvm_say "kvm-intel loaded with $kvm_opts"
	/bin/kvmtest
	rc=$?
	# the nested-state format against this KVM (docs/nested-state.md)
	if grep -qw mk_nstate /proc/cmdline; then
		/bin/kvmnstate || echo "LINUX-KVM-NSTATE: exit status $?"
	fi
	# 1 is kvmtest's own FAIL, already said; more is a death, e.g. an oops
	# in its ioctl (a VMX instruction faulting in kvm_intel) killing it.
	[ $rc -gt 1 ] && kvm_say "FAIL kvmtest died (exit status $rc)"
	grep -qw mk_bench /proc/cmdline && kvm_bench
	# the counters again, now with L2's entries and exits (bare: no-op)
	if insmod /lib/modules/mkhc.ko; then
		rmmod mkhc || say "rmmod mkhc failed"
	fi
fi
kvm_dmesg
kvm_say "uptime $(cut -d' ' -f1 /proc/uptime)s"
say "done"

/sbin/bochs-poweroff
poweroff -f
while :; do sleep 3600; done
