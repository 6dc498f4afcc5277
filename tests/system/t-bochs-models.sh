# SPDX-License-Identifier: Apache-2.0
# Issue 10, "model the hardware": the Bochs patches tests/bochs/patches/0100
# (notify VM exits) and 0101 (split-lock detection), seen by a payload on bare
# Bochs (tests/guests/bmodels*, no Matryoshka): every behaviour on
# sapphire_rapids, which has both features; their absence on corei7_skylake_x.
# The summary's count is exact: feature-control (nvmx's environment) + these.
BMODELS_SPR="core-cap-enumerated core-cap-split-lock core-cap-read-only
test-ctrl-reset test-ctrl-sld-rw test-ctrl-reserved-gp test-ctrl-sld-off
sld-enable sld-lock-add-split sld-lock-add-aligned sld-lock-add-misaligned-in-line
sld-add-split-no-lock sld-mov-split sld-xchg-split sld-xchg-aligned
sld-lock-xadd-split sld-lock-bts-split sld-lock-cmpxchg8b-split
sld-lock-inc64-split sld-lock-add16-split sld-disable sld-off-lock-add-split
sld-off-xchg-split feature-control vmxon notify-window-vmwrite-vmread
notify-no-exit-long-loop notify-no-exit-one-fault notify-ac-intercept-first
notify-ac-loop-window-0 notify-context-resumes notify-ac-loop-window-100
notify-ac-loop-iret-nmi-unblock notify-db-loop-window-0
notify-ac-loop-window-max"
BMODELS_SKX="core-cap-absent test-ctrl-absent no-sld-lock-add-split-completes
no-sld-xchg-split-completes feature-control vmxon notify-window-field-absent
notify-control-refused"
# What the skylake run cannot do without the features: SKIP, never PASS.
BMODELS_SKX_SKIPS="sld-lock-add-split sld-xchg-split sld-off-lock-add-split
notify-window-vmwrite-vmread notify-ac-loop-window-0 notify-context-resumes"

# bmodels_run NAME MODEL CHECKS ALLOWED1: boots the payload, checks each line.
bmodels_run() {
	local n=$1 model=$2 checks=$3 allowed1=$4 c k=0
	$S/mkimage.sh "$OUT/$n.img" build/guests/bmodels.efi "" >/dev/null
	boot $n bochs 'bmodels: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 300 --model "$model"
	for c in $checks; do
		expect $n "^bmodels: PASS $c( |\$)" "$model: $c"
		k=$((k + 1))
	done
	expect $n "^bmodels: info notify-ctls2-allowed1 $allowed1\$" "$model: CTLS2 allowed-1 of bit 31 is $allowed1"
	expect $n "^bmodels: summary $k passed, 0 failed" "$model: exactly $k checks, all passed"
	# The payload powers off through ACPI, which Bochs logs as a PANIC.
	local p
	p=$(grep -a 'PANIC' "$OUT/$n.log.bochs" 2>/dev/null | grep -av 'ACPI control: soft power off' | head -n 1)
	if [ -n "$p" ]; then
		bad $n "$model: Bochs panicked: $p"
	else
		ok $n "$model: no PANIC in Bochs' log but the power-off"
	fi
}

# Each model's run checks its own: the features on sapphire_rapids, their
# absence on corei7_skylake_x (the log headers must name the run's model).
t_bochs_models() {
	case $MODEL in
	sapphire_rapids) bmodels_spr ;;
	corei7_skylake_x) bmodels_skx ;;
	*) bad bochs-models "no expectations for model $MODEL" ;;
	esac
}

bmodels_spr() {
	local c
	bmodels_run bmodels-spr sapphire_rapids "$BMODELS_SPR" 1
	expect_not bmodels-spr '^bmodels: SKIP' "sapphire_rapids: nothing skipped"
	# The model's test hook (not architectural): every notify exit reports
	# "VM context invalid"; the payload, which expects 0, prints FAIL for
	# those checks, and the qualification it saw is what is asserted here.
	local n=bmodels-spr-ctxinv
	$S/mkimage.sh "$OUT/$n.img" build/guests/bmodels.efi "" >/dev/null
	BX_NOTIFY_CONTEXT_INVALID=1 boot $n bochs 'bmodels: summary' --disk "$OUT/$n.img" --cpus 1 --timeout 300 --model sapphire_rapids
	for c in notify-ac-loop-window-0 notify-db-loop-window-0; do
		expect $n "^bmodels: [A-Z]+ $c exit 75, qualification 0x1," "BX_NOTIFY_CONTEXT_INVALID=1: $c reports bit 0"
	done
	expect $n "^bmodels: [A-Z]+ notify-ac-loop-iret-nmi-unblock exit 75, qualification 0x1001," "BX_NOTIFY_CONTEXT_INVALID=1: bits 0 and 12 together"
	expect $n "^bmodels: PASS notify-no-exit-long-loop " "BX_NOTIFY_CONTEXT_INVALID=1: no notify exit without a loop"
}

bmodels_skx() {
	local c
	bmodels_run bmodels-skx corei7_skylake_x "$BMODELS_SKX" 0
	for c in $BMODELS_SKX_SKIPS; do
		expect bmodels-skx "^bmodels: SKIP $c " "corei7_skylake_x: $c skipped"
	done
}
ALL="$ALL bochs_models"
