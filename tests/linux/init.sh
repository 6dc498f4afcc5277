#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# /init of the test initramfs (busybox): reports what the Linux guest (L1)
# sees on the serial console, one "LINUX-L1: " line each, then ends the
# emulator. Last it loads /lib/modules/mkhc.ko (tests/linux/mkhc.c): its
# init asks the hypervisor below to print its exit counters on the serial
# port and prints "LINUX-L1: hypercall print-counters returned 0x..." (or
# "LINUX-L1: no Matryoshka below"); it is removed again right away, so it
# can be loaded again. The other modules in /lib/modules are there for
# later tests and are not loaded here.
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
say "uptime $(cut -d' ' -f1 /proc/uptime)s"
if insmod /lib/modules/mkhc.ko; then
	rmmod mkhc || say "rmmod mkhc failed"
else
	say "insmod mkhc failed"
fi
say "done"

/sbin/bochs-poweroff
poweroff -f
while :; do sleep 3600; done
