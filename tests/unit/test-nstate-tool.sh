#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tools/nstate on samples that build/unit/test_nstate writes: a raw
# guest-mode blob with a shadow vmcs12, the same blob as a vCPU stop's dump
# in a serial log, a refused blob, a blob whose vmcs12 fails an entry check.
set -u
T=build/tools/nstate
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
pass=0 fail=0
check() { # NAME CMD... : the command's output must match every later grep
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*"; fi
}
has() { grep -qE -- "$2" "$D/$1.out" || { echo "  $1: no line /$2/"; return 1; }; }
not_has() { ! grep -qE -- "$2" "$D/$1.out" || { echo "  $1: unexpected line /$2/"; return 1; }; }
run() { # NAME WANT-STATUS ARGS...
	local n=$1 want=$2 st
	shift 2
	"$T" "$@" >"$D/$n.out" 2>&1
	st=$?
	[ "$st" = "$want" ] || { echo "  $n: status $st, expected $want"; cat "$D/$n.out"; return 1; }
}
build/unit/test_nstate --write-samples "$D" || exit 1

check run guest 0 decode "$D/guest.bin"
check has guest '^flags 0x1 GUEST_MODE format 0 size 8320$'
check has guest '^vmxon_pa 0x10000 vmcs12_pa 0x11000 '
check has guest '^vmcs12: revision 0x11e57ed0 abort 0x7 launch_state 1$'
check has guest '^  GUEST_RIP +0x400000$'
check has guest '^  VMCS_LINK_POINTER +0x12000$'
check has guest '^  GUEST_SMBASE +0xa0000$'
check has guest '^shadow_vmcs12: revision 0x91e57ed0 '
check has guest '^  GUEST_RIP +0xdeadbeef$'
check has guest '^verdict: valid$'

check run dump 0 decode "$D/dump.log"
check cmp -s <(sed 1d "$D/guest.out") <(sed 1d "$D/dump.out")

check run replay 0 replay "$D/guest.bin"
check has replay '^replay: VM-entry checks .*: pass$'
# the vmcs02 L0 would build (nested/vmcs02.c through its host seam):
# vmcs12's guest state copied,
check has replay '^  GUEST_RIP +0x400000 = vmcs12$'
check has replay '^  GUEST_CS_AR_BYTES +0xa09b = vmcs12$'
check has replay '^  GUEST_CR3 +0x200000 = vmcs12$'
# L0's host state, not vmcs12's,
check has replay "^  HOST_RIP +L0's own \(vmcs01's\)$"
check has replay "^  HOST_CR3 +L0's own \(vmcs01's\)$"
# controls merged with L0's: Bochs' default-1 pin bits 0x16, L0's NMI
# exiting 0x8 and virtual NMIs 0x20, vmcs12's external-interrupt exiting 0x1
check has replay '^  PIN_BASED_VM_EXEC_CONTROL +0x3f \(vmcs12 0x17\)$'
# #AC (vector 17) always in the exception bitmap, EPT02 with WB 4-level
# walks, L0's VPID02, no link pointer (L0 shadows L1 itself)
check has replay '^  EXCEPTION_BITMAP +0x20002 \(vmcs12 0x0\)$'
check has replay '^  EPT_POINTER +0xe0201e \(vmcs12 0x601e\)$'
check has replay '^  VPID +0x8000 \(vmcs12 0x1\)$'
check has replay '^  VMCS_LINK_POINTER +0xffffffffffffffff \(vmcs12 0x12000\)$'
check has replay "^  MSR_BITMAP +L0's page: L0's MSR bitmap OR vmcs12's$"

check run current 0 decode "$D/current.bin" --all
check has current '^  TPR_THRESHOLD +0x0$'

check run bad 1 decode "$D/bad.bin"
check has bad '^verdict: refused: VMCS12_ALIGN: vmcs12_pa not 4 KiB aligned: 0x11008$'

check run badentry 1 replay "$D/badentry.bin"
check has badentry '^verdict: valid$'
check has badentry 'replay: VM-entry checks .*: GUEST_MODE: vmcs12 fails a VM-entry check on controls or host state: check ctl.eptp \(VMfailValid 7\)$'
check not_has badentry '^vmcs02:'

check run usage 2 frobnicate x
echo "test-nstate-tool: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
