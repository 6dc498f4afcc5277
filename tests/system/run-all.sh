#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# System tests: boot the real EFI image in QEMU + OVMF and Bochs + OVMF and
# check the serial console line by line. Every expectation prints one PASS or
# FAIL line; the last line is "N passed, N failed". A missing emulator, a
# timeout or a missing line is a failure. Run from the repository root after
# `make all usb pxe`; `tests/system/run-all.sh NAME...` runs only those tests.
#
# MODEL= names the Bochs CPU model (default corei7_skylake_x; make check runs
# corei7_skylake_x and sapphire_rapids, tests/system/check-models.sh); the
# logs go to build/systest/$MODEL/. The QEMU tests do not depend on the Bochs
# model: QEMU_TESTS=skip leaves them to the run of another model (each prints
# SKIP). Every Bochs run's log has a header ($OUT/NAME.log.hdr, written by
# bochs.sh) that must name Bochs 3.0, the patches of tests/bochs/patches and
# $MODEL.
set -uo pipefail
cd "$(dirname "$0")/../.."
S=tests/system
MODEL=${MODEL:-corei7_skylake_x}
export MODEL
QEMU_TESTS=${QEMU_TESTS:-run}
OUT=build/systest/$MODEL
EFI=build/matryoshka.efi
mkdir -p "$OUT"
pass=0 fail=0 skipped=0

ok() { echo "PASS $1: $2"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
# a check the payload could not make here: neither a pass nor a failure
skp() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }

# The Bochs every log must name: tools/bochs.sh's version and the patch
# numbers of tests/bochs/patches (a build from other patches is not it).
BOCHS_VERSION=3.0
PATCHES=$(ls tests/bochs/patches/*.patch 2>/dev/null | LC_ALL=C sort | sed -E 's|.*/([0-9]+)[^/]*$|\1|' | tr '\n' ' ')
PATCHES=${PATCHES% }
NPATCHES=$(echo "$PATCHES" | wc -w)
# check_headers TEST MARK: every Bochs log header written since MARK (by any
# bochs.sh the test ran, bare or under Matryoshka, fuzz runs too).
check_headers() {
	local t=$1 mark=$2 h n=0 wrong=0 first=""
	local want="^bochs: Bochs ${BOCHS_VERSION//./\\.} \\+ $NPATCHES patches \\($PATCHES\\), model $MODEL, "
	while IFS= read -r h; do
		n=$((n + 1))
		[ -n "$first" ] || first=$(cat "$h")
		if ! grep -qE -- "$want" "$h"; then
			bad "$t" "log header ${h#"$OUT"/} is not Bochs $BOCHS_VERSION + $NPATCHES patches ($PATCHES), model $MODEL: $(cat "$h")"
			wrong=$((wrong + 1))
		fi
	done < <(find "$OUT" -name '*.hdr' -newer "$mark" | sort)
	[ "$n" -gt 0 ] && [ "$wrong" -eq 0 ] && ok "$t" "$n Bochs log header(s) like: $first"
}

# The firmware's text carries ANSI escapes and CRs; tests read plain lines.
clean() { sed -e 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' -e 's/\r//g' "$1" | tr -d '\000'; }

# grep reads to the end (no -q): with pipefail, an early exit would fail clean's side of the pipe.
expect() { # NAME REGEX [DESCRIPTION]
	if clean "$OUT/$1.log" | grep -aE -- "$2" >/dev/null; then ok "$1" "${3:-$2}"; else bad "$1" "missing: ${3:-$2}"; fi
}
expect_not() {
	if clean "$OUT/$1.log" | grep -aE -- "$2" >/dev/null; then bad "$1" "unexpected: ${3:-$2}"; else ok "$1" "absent: ${3:-$2}"; fi
}

# boot NAME EMULATOR UNTIL ARGS...: runs it, reports the time and any failure to finish.
boot() {
	local name=$1 emu=$2 until=$3 start=$SECONDS
	shift 3
	if [ "$emu" = qemu ] && [ "$QEMU_TESTS" != run ]; then
		bad "$name" "a QEMU boot in a run with QEMU_TESTS=$QEMU_TESTS: list its test in QEMU_ONLY"
		return
	fi
	if "$S/$emu.sh" --log "$OUT/$name.log" --until "$until" "$@" 2>"$OUT/$name.err"; then
		ok "$name" "reached /$until/ in $((SECONDS - start))s"
	else
		bad "$name" "did not reach /$until/ ($(tail -n 2 "$OUT/$name.err" | tr '\n' ' '))"
		echo "---- last lines of $OUT/$name.log:"
		clean "$OUT/$name.log" | grep -av '^$' | tail -n 15
		echo "----"
	fi
}

# image NAME CONFIG-TEXT [EFI]: a USB image with this matryoshka.cfg. A
# build that fails is a failure of the test (mkimage.sh removes the old
# image first, so nothing stale boots instead).
image() {
	printf '%b' "$2" >"$OUT/$1.cfg"
	$S/mkimage.sh "$OUT/$1.img" "${3-$EFI}" "$OUT/$1.cfg" "${@:4}" >"$OUT/$1.mkimage" 2>&1 ||
		bad "$1" "image build failed: $(tail -n 2 "$OUT/$1.mkimage" | tr '\n' ' ')"
}

BANNER='^Matryoshka [0-9.]+ \(.*\): nested-VMX micro-hypervisor, loader starting'
RETURN='boot: returning to the firmware'

t_qemu_novmx() { # QEMU TCG has no VMX: the survey must say so and change nothing
	local n=qemu-novmx
	image $n 'log=info\n'
	boot $n qemu "$RETURN" --disk "$OUT/$n.img" --cpus 2 --timeout 90
	expect $n "$BANNER" "banner"
	expect $n 'VMX not usable: CPUID.1:ECX.VMX\[bit 5\] is 0.* \(2 of 2 CPUs\)' "VMX not usable line for both CPUs"
	expect $n "$RETURN \\(status 0x8000000000000003\\)" "EFI_UNSUPPORTED back to the firmware"
	expect_not $n 'boot: core reserved|core: ' "no core was loaded"
}

t_qemu_pxe() { # PXE: the loader and its config come from TFTP
	local n=qemu-pxe
	rm -rf "$OUT/tftp" && cp -r build/tftp "$OUT/tftp"
	printf 'log=debug\ncpus=1\n' >"$OUT/tftp/matryoshka.cfg"
	boot $n qemu "$RETURN" --pxe "$OUT/tftp" --timeout 120
	expect $n "$BANNER" "banner over PXE"
	expect $n 'boot: loaded from tftp://10\.0\.2\.2/; read matryoshka.cfg' "config read over TFTP"
	expect $n 'boot: options: serial=0x3f8 log=debug next=\(none\) cpus=1' "TFTP config applied"
	expect $n 'VMX not usable: CPUID.1:ECX.VMX' "survey ran"
}

t_bad_key() {
	local n=bad-key
	image $n 'serial=com1\n# a comment\nsreial=0x2f8\n'
	boot $n qemu 'nothing was changed' --disk "$OUT/$n.img" --timeout 90
	expect $n "$BANNER" "banner"
	expect $n "\\[error cpu0\\] boot: matryoshka.cfg:3: unknown option 'sreial' \\(known: serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, nested_state_stress, notify_window, split_lock, exc_intercepts\\)" "unknown key named with its line"
	expect $n 'boot: bad configuration: nothing was changed, returning to the firmware' "returns to the firmware"
	expect_not $n 'vmx:' "no survey ran"
}

t_bad_value() {
	local n=bad-value
	image $n 'log=debug\ncpus=0\n'
	boot $n qemu 'nothing was changed' --disk "$OUT/$n.img" --timeout 90
	expect $n "boot: matryoshka.cfg:2: option 'cpus': '0' is not 'all' or a number from 1 to 1024" "malformed value named"
	expect_not $n 'vmx:|boot: options:' "nothing ran after the error"
}

t_load_options() { # the shell passes load options; they override matryoshka.cfg
	local n=load-options
	printf 'fs0:\\EFI\\mk\\matryoshka.efi log=debug cpus=1\n' >"$OUT/$n.nsh"
	image $n 'log=warn\ncpus=all\n' "" "$EFI=/EFI/mk/matryoshka.efi" \
		"$OUT/$n.cfg=/EFI/mk/matryoshka.cfg" "$OUT/$n.nsh=/startup.nsh"
	boot $n qemu "$RETURN" --disk "$OUT/$n.img" --cpus 2 --timeout 120
	expect $n 'boot: loaded from file system, directory \\EFI\\mk\\; read matryoshka.cfg, load options read' "both sources read"
	expect $n 'boot: options: serial=0x3f8 log=debug next=\(none\) cpus=1' "load options win over the config"
}

# caps_rows: L0's capability-table rows (regular expressions) that the Bochs
# 3.0 model $MODEL gives, one a line, measured on each model. On 3.0 both
# models offer MTF and posted interrupts (2.7's corei7_skylake_x did not);
# Sapphire Rapids differs in its VMCS revision and notify VM exits (patch
# 0100); its 5-level EPT, SPP, MBEC and APIC virtualization are not rows of
# L0's table.
caps_rows() {
	local rev notify
	case $MODEL in
	corei7_skylake_x) rev=0x2b notify=no ;;
	sapphire_rapids) rev=0x4 notify=yes ;;
	*) return 1 ;;
	esac
	cat <<EOT
VMCS +revision $rev, 4096 bytes, WB
true controls +yes
EPT +yes \\(4-level walk, WB\\+UC, 2M\\+1G pages, A/D, INVEPT single\\+all\\)
VPID +yes
unrestricted guest +yes
monitor trap flag +yes
VMCS shadowing +yes
preemption timer +yes
PML +yes
posted interrupts +yes
notify VM exit +$notify
VM functions +yes \\(EPTP switching\\)
VMCS max index +0x28
EOT
}

bochs_core() { # NAME CPUS CONFIG ENTERING: every chosen CPU becomes a vCPU of L1 in place
	local n=$1 cpus=$2 entering=$4
	image $n "$3"
	boot $n bochs 'UEFI Interactive Shell' --disk "$OUT/$n.img" --cpus "$cpus" --timeout 240
	expect $n "$BANNER" "banner"
	expect $n 'vmx: capabilities of cpu0' "capability table"
	local row rows
	if ! rows=$(caps_rows); then
		bad $n "no capability-table expectations for model $MODEL (caps_rows)"
	fi
	while IFS= read -r row; do
		[ -n "$row" ] && expect $n "\\[info cpu0\\] vmx:   $row" "$MODEL table row /$row/"
	done <<<"$rows"
	expect_not $n 'VMX not usable|differs from the BSP' "VMX usable and alike on every CPU"
	expect $n "boot: entering the core on $entering of $cpus CPUs" "core entered on $entering CPUs"
	expect $n 'vmx: EPT01 maps guest-physical memory below 0x[0-9a-f]+ .*, L0.s 0x[0-9a-f]+\.\.0x[0-9a-f]+ shows a scratch page' "EPT01 built, L0 hidden"
	for ((c = 0; c < entering; c++)); do
		expect $n "\\[info cpu$c\\] core: init done on cpu$c \\(APIC id $c," "cpu$c core init"
		expect $n "\\[info cpu$c\\] vmx: cpu$c enters VMX non-root: L1 resumes at rip 0x" "cpu$c runs as L1"
	done
	expect $n "boot: core init finished on $entering of $entering CPUs: they run as L1 now" "the loader carried on as L1"
	expect_not $n "init done on cpu$entering" "no CPU beyond cpus="
	expect_not $n 'stopping cpu|PANIC|exception [0-9]' "no vCPU stopped"
	expect $n 'UEFI Interactive Shell' "the firmware went on as L1 to its next boot option"
}

t_bochs_1cpu() { bochs_core bochs-1cpu 1 'log=info\n' 1; }
t_bochs_4cpu() { bochs_core bochs-4cpu 4 'log=info\n' 4; }
t_bochs_cpus2() { bochs_core bochs-cpus2 4 'cpus=2\n' 2; }

t_bochs_fault() { # an exception inside the core dumps the registers and halts that CPU
	local n=bochs-fault
	image $n 'selftest=fault\n'
	boot $n bochs 'cpu halted' --disk "$OUT/$n.img" --cpus 1 --timeout 240
	expect $n 'core: selftest=fault: executing ud2 on purpose' "fault announced"
	expect $n '\[error cpu0\] core: exception 6 \(#UD invalid opcode\), error code 0x0' "exception named"
	expect $n '\[error cpu0\]   rip 0xffffffff8[0-9a-f]{7} cs 0x8 rflags 0x[0-9a-f]+ rsp 0xffffffff8[0-9a-f]{7}' "rip/rsp in the core"
	expect $n '\[error cpu0\]   rax 0x[0-9a-f]{16} rbx' "general registers"
	expect $n '\[error cpu0\]   cr0 0x[0-9a-f]+ cr2 0x[0-9a-f]+ cr3 0x[0-9a-f]+ cr4' "control registers"
	expect $n '\[error cpu0\] cpu halted' "cpu halted"
	expect_not $n 'boot: core init finished' "the loader never resumed on that CPU"
}

t_shell_counters() { # the firmware goes on as L1 to its shell, whose startup.nsh asks L0 for its counters
	local n=shell-counters
	printf 'fs0:\\EFI\\BOOT\\counters.efi\n' >"$OUT/$n.nsh"
	image $n 'log=info\n' "$EFI" "build/guests/counters.efi=/EFI/BOOT/counters.efi" \
		"$OUT/$n.nsh=/startup.nsh"
	boot $n bochs 'counters: summary' --disk "$OUT/$n.img" --cpus 2 --timeout 240
	expect $n 'boot: no next= stage: returning to the firmware' "the loader returned to the firmware as L1"
	expect $n 'UEFI Interactive Shell' "the firmware started its shell as L1"
	expect $n '^counters: PASS print-counters' "the hypercall from the shell's app"
	expect $n '\[info cpu0\] exits: cpu0 total [0-9]+' "cpu0's exits counted"
	expect $n '\[info cpu0\] exits: cpu1 total [0-9]+' "cpu1's exits counted"
	expect_not $n 'stopping cpu|PANIC' "no vCPU stopped"
}

t_linux_l1() { # a real OS as L1: Debian's cloud kernel via GRUB, chain-loaded by next=
	local n=linux-l1
	if ! tests/linux/build-image.sh "$OUT/$n.img" "$EFI" >"$OUT/$n.build" 2>&1; then
		bad $n "image build failed: $(tail -n 3 "$OUT/$n.build" | tr '\n' ' ')"
		return
	fi
	boot $n bochs 'LINUX-L1: done' --disk "$OUT/$n.img" --cpus 1 --timeout 300
	expect $n '\[info cpu0\] vmx: cpu0 enters VMX non-root' "cpu0 runs as L1"
	expect $n 'boot: starting next stage /EFI/BOOT/grubx64.efi' "GRUB chain-loaded by next="
	expect $n 'Linux version 6\.1\.' "the kernel started"
	expect $n 'LINUX-L1: init reached' "/init reached"
	expect $n 'LINUX-L1: hypervisor-flag yes' "Linux sees a hypervisor"
	expect $n 'LINUX-L1: vmx-flag yes' "Linux sees VMX"
	# sapphire_rapids has 5-level paging (CPUID LA57) and Linux uses it as L1
	case $MODEL in
	sapphire_rapids) expect $n 'LINUX-L1: paging-levels 5 ' "Linux runs with 5-level paging" ;;
	*) expect $n 'LINUX-L1: paging-levels 4 \(la57-flag no\)' "Linux runs with 4-level paging (no LA57)" ;;
	esac
	expect $n '\[info cpu0\] exits: cpu0 total [0-9]+' "exit counters printed through the hypercall"
	expect $n '\[info cpu0\] exits: cpu0 CPUID +[0-9]+' "CPUID exits counted"
	expect $n 'LINUX-L1: hypercall print-counters returned 0x0' "the hypercall from Linux (CPL 0) succeeded"
	# KVM in L1 runs a real-mode L2 on Matryoshka's nested VMX
	for p in nested ept vpid unrestricted_guest enable_shadow_vmcs; do
		expect $n "LINUX-KVM: param $p=Y" "kvm_intel $p=Y"
	done
	expect $n 'LINUX-KVM: PASS real-mode guest said "L2"' "KVM's L2 ran to PASS on top of Matryoshka"
	expect $n '\[info cpu0\] exits: cpu0 nested: [1-9][0-9]* entries of L2, [1-9][0-9]* exits reflected to L1' "L0 counted L2's entries and reflected exits"
	expect_not $n 'LINUX-KVM: (FAIL|dmesg)' "no KVM failure, no KVM complaint in dmesg"
	expect_not $n 'stopping cpu|PANIC|Kernel panic|refused vmcs02|failed the entry of vmcs02' "no vCPU stopped, no panic, no hardware/software check disagreement"
}

L1CHECKS="cpuid-hypervisor-bit cpuid-vmx-visible hypervisor-leaf feature-control
feature-control-locked cr4-vmxe-as-written cr4-pce-as-written cr0-ne cr0-ne-as-written xsetbv
xsetbv-invalid vmxon-no-vmxe-ud vmread-outside-vmx-ud hypercall-unknown l0-info
l0-canary-unreadable l0-memory-unwritable l0-still-running nmi-delivered
mp-aps-virtualized"
APCHECKS="aps-started aps-in-l1 bsp-in-l1"

# guest NAME PAYLOAD CPUS CHECKS: a test payload chain-loaded by next= as L1
guest() {
	local n=$1 g=$2 cpus=$3 checks=$4 c
	image $n "next=/EFI/BOOT/$g.efi\n" "$EFI" "build/guests/$g.efi=/EFI/BOOT/$g.efi"
	boot $n bochs "$g: summary" --disk "$OUT/$n.img" --cpus "$cpus" --timeout 300
	for ((c = 0; c < cpus; c++)); do
		expect $n "\\[info cpu$c\\] vmx: cpu$c enters VMX non-root" "cpu$c runs as L1"
	done
	for c in $checks; do
		if clean "$OUT/$n.log" | grep -aE "^$g: SKIP $c( |\$)" >/dev/null; then
			skp $n "$g check $c: $(clean "$OUT/$n.log" | grep -aE "^$g: SKIP $c( |\$)" | head -n 1)"
		else
			expect $n "^$g: PASS $c( |\$)" "$g check $c"
		fi
	done
	expect $n "^$g: summary [0-9]+ passed, 0 failed" "$g summary without failures"
	expect_not $n 'stopping cpu|PANIC' "no vCPU stopped"
}

t_l1check_1cpu() { guest l1check-1cpu l1check 1 "$L1CHECKS"; }
t_l1check_4cpu() {
	guest l1check-4cpu l1check 4 "$L1CHECKS"
	expect l1check-4cpu '\[info cpu0\] exits: cpu3 total [0-9]+' "exit counters of every vCPU via the hypercall"
}
t_apstart_1cpu() { guest apstart-1cpu apstart 1 "$APCHECKS"; }
t_apstart_4cpu() {
	guest apstart-4cpu apstart 4 "$APCHECKS"
	expect apstart-4cpu '^apstart: PASS aps-started 3 of 3' "all three APs started by INIT-SIPI-SIPI"
}

# The number of checks of the L1 test hypervisor (one PASS, FAIL or SKIP
# line each): change it with the checks of tests/guests/nvmx*.
NVMX_CHECKS=218

# The L1 test hypervisor (tests/guests/nvmx*): on bare Bochs (the CPU model
# is the reference) and as L1 on Matryoshka, at the same time; the two logs
# must agree check by check, except for the Bochs deviations listed by name
# in docs/bochs-deviations.md.
t_nvmx_diff() {
	local n=nvmx-l0 b=nvmx-bare start=$SECONDS pid
	image $n 'next=/EFI/BOOT/nvmx.efi\nlog=info\n' "$EFI" "build/guests/nvmx.efi=/EFI/BOOT/nvmx.efi"
	nvmx_bare_ran=1 # this run's reference log (late_failure compares with it)
	$S/mkimage.sh "$OUT/$b.img" build/guests/nvmx.efi "" >/dev/null
	"$S/bochs.sh" --log "$OUT/$b.log" --until 'nvmx: summary' --disk "$OUT/$b.img" \
		--cpus 1 --timeout 300 2>"$OUT/$b.err" &
	pid=$!
	boot $n bochs 'nvmx: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 300
	if wait $pid; then
		ok $b "bare Bochs reached /nvmx: summary/ in $((SECONDS - start))s"
	else
		bad $b "bare Bochs did not reach /nvmx: summary/ ($(tail -n 2 "$OUT/$b.err" | tr '\n' ' '))"
	fi
	expect $n "\\[info cpu0\\] vmx: cpu0 enters VMX non-root" "cpu0 runs as L1"
	expect $n '^nvmx: summary [0-9]+ passed' "summary on Matryoshka"
	expect $b '^nvmx: summary [0-9]+ passed' "summary on bare Bochs"
	# the exact number of checks: every check prints one PASS, FAIL or
	# SKIP line, on both sides, and the summary counts them all
	local total sum s_pass s_fail s_skip
	total=$(clean "$OUT/$n.log" | grep -acE '^nvmx: (PASS|FAIL|SKIP) ')
	sum=$(clean "$OUT/$n.log" | sed -nE 's/^nvmx: summary ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/p' | head -n 1)
	s_pass=x s_fail=x s_skip=x
	[ -n "$sum" ] && read -r s_pass s_fail s_skip <<<"$sum"
	if [ -n "$sum" ] && [ "$total" -eq "$NVMX_CHECKS" ] && [ $((s_pass + s_fail + s_skip)) -eq "$NVMX_CHECKS" ]; then
		ok $n "$total checks, as many as the payload has ($NVMX_CHECKS)"
	else
		bad $n "$total check lines, summary '${sum:-none}': the payload has $NVMX_CHECKS checks"
	fi
	if tests/system/nvmx-compare.sh "$OUT/$b.log" "$OUT/$n.log" >"$OUT/nvmx-compare.txt"; then
		ok nvmx-diff "$(tail -n 1 "$OUT/nvmx-compare.txt")"
	else
		bad nvmx-diff "$(tail -n 1 "$OUT/nvmx-compare.txt")"
		grep -aE '^(DIFF|MISSING|UNEXPECTED)' "$OUT/nvmx-compare.txt" | head -n 20
	fi
	grep -aE '^DEVIATION' "$OUT/nvmx-compare.txt"
	# the failures under Matryoshka: exactly the deviations listed with
	# "(L0: FAIL)" (nvmx-compare.sh asserts each listed verdict), no other
	local expected failed f
	expected=$(sed -nE 's/^- nvmx: ([^ ]+) \(L0: FAIL\) — .*/\1/p' docs/bochs-deviations.md)
	failed=$(clean "$OUT/$n.log" | sed -nE 's/^nvmx: FAIL ([^ ]+).*/\1/p')
	for f in $failed; do
		if grep -qxF "$f" <<<"$expected"; then ok $n "FAIL $f is a listed Bochs deviation (L0: FAIL)"; else bad $n "FAIL $f is not a listed Bochs deviation with L0: FAIL"; fi
	done
	if [ "$s_fail" = "$(grep -c . <<<"$failed")" ]; then
		ok $n "summary: $s_fail failure(s), each one a listed deviation"
	else
		bad $n "summary says '$s_fail' failed, the log names $(grep -c . <<<"$failed")"
	fi
	expect_not $n 'stopping cpu|PANIC|refused vmcs02' "no vCPU stopped, no VMfail from the CPU on vmcs02"
}

# nvmx as L1 with one software check switched off (nested_skip_check), so
# that a bad vmcs12 reaches the CPU: L1 must see exactly what bare Bochs
# gives it (the whole log compared with nvmx_diff's bare run) and L0 must
# say which path caught it. NAME CONFIG L0-LINE...
late_failure() {
	local n=$1 cfg=$2 l
	shift 2
	# the reference is made in this run, never taken from an earlier one
	[ "$nvmx_bare_ran" = 1 ] || t_nvmx_diff
	image $n "next=/EFI/BOOT/nvmx.efi\nlog=info\n$cfg\n" "$EFI" "build/guests/nvmx.efi=/EFI/BOOT/nvmx.efi"
	boot $n bochs 'nvmx: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 300
	for l in "$@"; do
		expect $n "$l"
	done
	if tests/system/nvmx-compare.sh "$OUT/nvmx-bare.log" "$OUT/$n.log" >"$OUT/$n.compare"; then
		ok $n "L1 saw what bare Bochs gives: $(tail -n 1 "$OUT/$n.compare")"
	else
		bad $n "$(tail -n 1 "$OUT/$n.compare")"
		grep -aE '^(DIFF|MISSING|UNEXPECTED)' "$OUT/$n.compare" | head -n 10
	fi
	expect_not $n 'stopping cpu|PANIC' "no vCPU stopped"
}

# Without the CR3-target-count check, VMLAUNCH with 5 CR3 targets reaches
# the real entry (early checks off; vmcs02 takes the count from vmcs12):
# the CPU's VMfailValid(7) is L1's, with L1's state untouched. (vmcs12's
# host state never reaches the CPU, vmcs02's is L0's: the host-state checks
# are software's alone.)
t_late_vmfail() {
	late_failure late-vmfail 'early_consistency_checks=off\nnested_skip_check=ctl.cr3_target_count' \
		'nested: nested_skip_check=ctl.cr3_target_count: that VM-entry check is skipped' \
		'nested: early consistency checks \(hardware dry run of vmcs02\) off$' \
		'the CPU refused vmcs02 \(VMfailValid, error 7: VM entry with invalid control field\(s\)\) after the software checks passed' \
		'^nvmx: PASS entry-ctl-cr3-target-count .*entry VMfailValid\(7\)'
}

# The same with early checks on: the dry run catches it before the real entry.
t_early_dryrun() {
	late_failure early-dryrun 'early_consistency_checks=on\nnested_skip_check=ctl.cr3_target_count' \
		'nested: early consistency checks \(hardware dry run of vmcs02\) on$' \
		"software checks: pass; the CPU's dry run of vmcs02: VMfailValid 7 \\(VM entry with invalid control field\\(s\\)\\) for VMLAUNCH" \
		'^nvmx: PASS entry-ctl-cr3-target-count .*entry VMfailValid\(7\)'
	expect_not early-dryrun 'the CPU refused vmcs02' "the real entry never saw the bad vmcs12"
}

# Without the RFLAGS check, the real entry fails with exit 33: L1 gets that
# exit, and the MSR L0 had loaded from the entry list is put back.
t_late_exit33() {
	late_failure late-exit33 'early_consistency_checks=auto\nnested_skip_check=guest.rflags.reserved' \
		'nested: early consistency checks \(hardware dry run of vmcs02\) on \(auto: bare metal\)' \
		'the CPU failed the entry of vmcs02 with exit 33 \(qualification 0x0\) after the software checks passed' \
		'^nvmx: PASS entry-guest-rflags-bit1 RFLAGS bit 1 clear: entry failed, exit reason 0x80000021' \
		'^nvmx: PASS entry-guest-fail-msr-not-loaded KERNEL_GS_BASE unchanged'
}

# A check name that does not exist: reported, ignored, nothing else changes.
t_bad_skip_check() {
	local n=bad-skip-check
	image $n 'nested_skip_check=host.cs.nozero\nlog=info\n'
	boot $n bochs 'UEFI Interactive Shell' --disk "$OUT/$n.img" --cpus 1 --timeout 240
	expect $n 'nested: nested_skip_check=host.cs.nozero names no VM-entry check \(docs/entry-checks.md\): ignored'
	expect_not $n 'that VM-entry check is skipped' "no check skipped"
}

# The differential VM-entry fuzzer (tests/system/fuzz.sh): a fixed seed,
# 2000 cases on bare Bochs and on Matryoshka (early checks off: software
# alone decides), compared case by case. No Matryoshka disagreement, no
# check gap; Bochs deviations are counted apart (tests/fuzz/deviations).
t_fuzz() {
	local n=fuzz start=$SECONDS
	# --stall 45: on sapphire_rapids (LA57) a case that sets host CR4.LA57
	# sends the payload's 4-level host into 5-level paging on both sides;
	# its run stops and restarts after it ("stopped" on both sides, which
	# agree); 45 s of silence is far above a case's time or a boot's.
	if tests/system/fuzz.sh --seed 1 --cases 2000 --stall 45 --no-save --out "$OUT/fuzz" >"$OUT/fuzz.txt" 2>&1; then
		ok $n "$(tail -n 1 "$OUT/fuzz.txt") in $((SECONDS - start))s"
	else
		bad $n "$(tail -n 1 "$OUT/fuzz.txt")"
		grep -aE '^(DISAGREE|GAP)' "$OUT/fuzz.txt" | head -n 10
	fi
	if grep -q '^fuzz: 2000 cases, ' "$OUT/fuzz.txt"; then ok $n "all 2000 cases ran on both sides"; else bad $n "not all 2000 cases ran"; fi
}

# Every disagreement ever found (tests/fuzz/corpus) replayed: still only
# known Bochs deviations. And the case that once left vmcs02 "launched"
# after a failed first VMLAUNCH, replayed as the very first entry.
t_fuzz_corpus() {
	local n=fuzz-corpus
	if tests/system/fuzz.sh --corpus --no-save --out "$OUT/fuzz-corpus" >"$OUT/fuzz-corpus.txt" 2>&1; then
		ok $n "$(tail -n 1 "$OUT/fuzz-corpus.txt")"
	else
		bad $n "$(tail -n 1 "$OUT/fuzz-corpus.txt")"
		grep -aE '^(DISAGREE|GAP)' "$OUT/fuzz-corpus.txt" | head -n 10
	fi
	if tests/system/fuzz.sh --replay tests/fuzz/first-launch.replay --no-warmup --no-save \
		--out "$OUT/fuzz-first" >"$OUT/fuzz-first.txt" 2>&1; then
		ok $n "first VMLAUNCH failing in the CPU: $(tail -n 1 "$OUT/fuzz-first.txt")"
	else
		bad $n "first VMLAUNCH failing in the CPU: $(tail -n 1 "$OUT/fuzz-first.txt")"
	fi
}

# Tests that boot QEMU only (no Bochs): the Bochs model does not change them.
QEMU_ONLY="qemu_novmx qemu_pxe bad_key bad_value load_options"
nvmx_bare_ran=0
ALL="qemu_novmx qemu_pxe bad_key bad_value load_options bochs_1cpu bochs_4cpu bochs_cpus2 bochs_fault l1check_1cpu l1check_4cpu apstart_1cpu apstart_4cpu shell_counters linux_l1 nvmx_diff late_vmfail early_dryrun late_exit33 bad_skip_check fuzz fuzz_corpus"

# Further tests live in their own files (tests/system/t-*.sh, e.g. the attack
# tests); each defines t_NAME functions and appends NAME to ALL.
for f in "$S"/t-*.sh; do
	[ -e "$f" ] && . "$f"
done

# A name that is no test is an error, not an empty run.
for t in ${*:-$ALL}; do
	if ! declare -F "t_${t//-/_}" >/dev/null; then
		echo "run-all.sh: no test named '$t' (known: $ALL)" >&2
		exit 2
	fi
done
echo "run-all: Bochs model $MODEL, logs in $OUT; QEMU tests: $QEMU_TESTS"
skipped_tests=0
for t in ${*:-$ALL}; do
	t=${t//-/_}
	if [[ " $QEMU_ONLY " == *" $t "* ]]; then
		if [ "$QEMU_TESTS" != run ]; then
			echo "SKIP $t: QEMU only (no Bochs model): run once, in the first model's run"
			skipped_tests=$((skipped_tests + 1))
			continue
		fi
		echo "run-all: $t boots QEMU only: independent of MODEL, run once"
	fi
	start=$SECONDS
	touch "$OUT/.mark"
	"t_$t"
	check_headers "$t" "$OUT/.mark"
	echo "time $t: $((SECONDS - start))s"
done
[ "$skipped" -gt 0 ] && echo "system tests ($MODEL): $skipped check(s) skipped (SKIP: not made here, not counted as passed)"
echo "system tests ($MODEL): $pass passed, $fail failed, $skipped_tests tests skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
