# SPDX-License-Identifier: Apache-2.0
# Issue 9 finding 9 (INIT latch): INIT and SIPI to an AP in L1's VMX root
# operation (INIT blocked). The sender must go on at once (bounded TSC
# ticks), the AP must keep running L1, L0 alive on both CPUs.
t_attack_initblock() {
	guest attack-initblock attack_initblock 2 "ap-in-vmx-root init-latched-sender-goes-on l0-alive-every-cpu"
}
ALL="$ALL attack_initblock"
