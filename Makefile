# SPDX-License-Identifier: Apache-2.0
#
# make            build/matryoshka.efi (the loader with the core inside)
# make usb        build/matryoshka.img (GPT disk, FAT ESP, EFI/BOOT/BOOTX64.EFI)
# make pxe        build/tftp/ (what a TFTP server serves)
# make run        Linux as L1 on Matryoshka in Bochs + OVMF, its KVM running an L2
#                 (serial console on the terminal)
# make run-usb    the USB image alone in Bochs (firmware as L1, ends in its shell)
# make run-qemu   the USB image in QEMU (+KVM where /dev/kvm offers VMX, else TCG)
# make check      host unit tests + system tests (boots in Bochs and QEMU), on
#                 both Bochs CPU models (MODELS=)
# MODEL=sapphire_rapids picks the Bochs CPU model of run, run-usb, bench, fuzz
# make bench      L1 CPUID exit path length through L0, in Bochs instructions;
#                 Linux KVM's guest loops on bare Bochs and on Matryoshka
# make fuzz       the differential VM-entry fuzzer (SEED=, CASES=)
# make unit       host unit tests only

B := build
# V=1 shows the full commands.
Q := $(if $(V),,@)
CC ?= gcc
NASM ?= nasm
LD := ld
OBJCOPY := objcopy

CPUS ?= 1
TIMEOUT ?= 120
# The Bochs CPU model of make run, run-usb, bench and fuzz (tests/system/bochs.sh
# reads it); make check runs every model of MODELS (tests/system/check-models.sh).
MODEL ?= corei7_skylake_x
MODELS ?= corei7_skylake_x sapphire_rapids
export MODEL
CFG ?= boot/matryoshka.cfg

VERSION := 0.1.0
# The banner's revision: $(B)/gen/mk_version.h, rewritten (FORCE) only when
# its text changes, so that a new commit rebuilds just the objects that print
# it (their -MMD dependencies name the header).
GITREV = $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wundef -Wvla -Wformat=2 \
	-Wno-format-nonliteral
COMMON := -std=gnu11 -O2 -g -I. -ffreestanding -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mno-red-zone -mgeneral-regs-only \
	-I$(B)/gen $(WARN)

# --- core: everything outside boot/, freestanding, linked by linker.ld ---
# PROFILE=1: L0 counts its instructions per phase of a nested round trip
# (nested/prof.def) and prints them with its counters (make PROFILE=1 bench).
PROFILE ?= 0
CORE_CFLAGS := $(COMMON) -fno-pic -fno-pie -mcmodel=kernel -fno-common \
	$(if $(filter 1,$(PROFILE)),-DMK_PROFILE)
CORE_C := core/main.c core/panic.c core/gevent.c arch/x86/gdt.c arch/x86/idt.c \
	arch/x86/exception.c drivers/serial.c drivers/acpi.c drivers/dmar.c \
	drivers/vtd_plan.c drivers/vtd_tables.c drivers/vtd_faults.c drivers/iommu.c \
	drivers/iommu_selftest.c \
	lib/fmt.c lib/log.c lib/string.c lib/ratelimit.c lib/tscfreq.c \
	mm/page_alloc.c mm/pagetable.c mm/memmap.c mm/mtrr.c mm/mtrr_hw.c \
	vmx/caps.c vmx/msrs.c vmx/config.c vmx/config_choose.c vmx/ept.c vmx/segment.c vmx/vmcs.c \
	vmx/vmcs01.c vmx/launch.c vmx/vcpu.c vmx/exit.c vmx/exit_names.c \
	vmx/exit_cpuid.c vmx/exit_msr.c vmx/exit_cr.c vmx/exit_misc.c \
	vmx/exit_init.c vmx/exit_ept.c vmx/hypercall.c vmx/dump.c \
	vmx/apic.c vmx/gmem.c vmx/gmem_ram.c vmx/gwalk.c vmx/decode.c \
	nested/global.c nested/vcaps12.c nested/vmcs12.c nested/insn.c \
	nested/l1mem.c nested/operand.c nested/vmrw.c nested/invalidate.c \
	nested/checks.c nested/checks_guest.c nested/checks_seg.c nested/check_parts.c nested/entry.c nested/vmcs02.c nested/msrlist.c \
	nested/vmexit.c nested/l2exit.c nested/ept02.c nested/ept12.c \
	nested/reflect.c nested/bitmap.c nested/msr_holes.c nested/shadow.c \
	nested/shadow12.c nested/nstate.c nested/nstate_vcpu.c lib/base64.c
# MSR policy (vmx/msr_policy.def) and its execution
CORE_C += vmx/msr_policy.c vmx/msr_access.c
# Memory bounds: EPT02's policy and the per-vCPU reserve.
CORE_C += nested/ept02_policy.c nested/reserve.c
# The nested round trip's instruction profile (make PROFILE=1, nested/prof.h).
CORE_C += nested/prof.c
# The fast path's sets of changed vmcs12 fields.
CORE_C += nested/dirty12.c
# Guards: notify window, split-lock #AC, exception loops (vmx/guard.h).
CORE_C += vmx/guard.c vmx/guard_ctl.c vmx/notify.c vmx/notify_policy.c vmx/splitlock.c vmx/ac_policy.c vmx/exc_guard.c vmx/excloop.c
CORE_ASM := arch/x86/entry.asm arch/x86/isr.asm arch/x86/msr_safe.asm \
	vmx/vmx_entry.asm
CORE_OBJ := $(CORE_C:%.c=$(B)/core/%.o) $(CORE_ASM:%.asm=$(B)/core/%.o)

# --- loader: boot/ plus the pure pieces it shares with the core ---
EFI_INC := /usr/include/efi
LOADER_CFLAGS := $(COMMON) -fpic -fshort-wchar -DGNU_EFI_USE_MS_ABI \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64
LOADER_C := boot/main.c boot/options.c boot/config.c boot/mp.c boot/survey.c \
	boot/load.c boot/console.c boot/iommu_check.c vmx/caps.c vmx/msrs.c mm/pagetable.c mm/memmap.c \
	drivers/acpi.c drivers/dmar.c drivers/vtd_plan.c \
	drivers/serial.c lib/fmt.c lib/log.c
LOADER_ASM := boot/core_blob.asm
LOADER_OBJ := $(LOADER_C:%.c=$(B)/loader/%.o) $(LOADER_ASM:%.asm=$(B)/loader/%.o)

# --- host unit tests (cmocka): pure logic only ---
# -fno-sanitize-recover: a UBSan finding ends the test program with a failure.
UNIT_CFLAGS := -std=gnu11 -O1 -g -I. $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DUNIT_TEST
UNIT_TESTS := options caps pagetable log fmt mtrr segment gwalk decode
UT_SRC_options := boot/options.c lib/log.c lib/fmt.c
UT_SRC_caps := vmx/caps.c
UT_SRC_pagetable := mm/pagetable.c
UT_SRC_log := lib/log.c lib/fmt.c
UT_SRC_fmt := lib/fmt.c
UT_SRC_mtrr := mm/mtrr.c
UT_SRC_segment := vmx/segment.c
UT_SRC_gwalk := vmx/gwalk.c
UT_SRC_decode := vmx/decode.c
# Further unit tests register themselves in their own fragments.
include $(wildcard tests/unit/*.mk)

.PHONY: all usb pxe run run-usb run-qemu check unit systest clean bench fuzz FORCE
all: $(B)/matryoshka.efi

# Objects are rebuilt when PROFILE changes: the stamp holds its last value.
$(B)/profile.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(PROFILE)' | cmp -s - $@ || echo '$(PROFILE)' >$@
FORCE:

$(B)/gen/mk_version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define MK_VERSION "%s"\n#define MK_GITREV "%s"\n' '$(VERSION)' '$(GITREV)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN     $@ ($(GITREV))"; fi
# The objects that print it (the header is generated, so named here too).
$(B)/loader/boot/console.o $(B)/core/core/main.o: $(B)/gen/mk_version.h

$(B)/core/%.o: %.c $(B)/profile.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CORE_CFLAGS) -MMD -c $< -o $@

$(B)/core/%.o: %.asm $(B)/asm-offsets.inc
	@mkdir -p $(dir $@)
	@echo "  NASM    $@"
	$(Q)$(NASM) -f elf64 -g -I$(B)/ -I. $< -o $@

# Struct offsets for nasm come from C (never written by hand).
$(B)/asm-offsets.inc: arch/x86/asm-offsets.c $(B)/profile.stamp $(wildcard core/*.h arch/x86/*.h vmx/*.h nested/*.h) \
		vmx/vmcs_fields.def
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(CC) $(CORE_CFLAGS) -S $< -o $(B)/asm-offsets.s
	$(Q)sed -n 's/.*->\([A-Z_0-9]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/%define \1 \2/p' \
		$(B)/asm-offsets.s > $@

$(B)/core.elf: $(CORE_OBJ) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -z max-page-size=4096 -T linker.ld $(CORE_OBJ) -o $@

$(B)/core.bin: $(B)/core.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(B)/loader/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -MMD -c $< -o $@

$(B)/loader/boot/core_blob.o: boot/core_blob.asm $(B)/core.bin
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf64 -I$(B)/ $< -o $@

$(B)/loader.so: $(LOADER_OBJ)
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T /usr/lib/elf_x86_64_efi.lds \
		/usr/lib/crt0-efi-x86_64.o $(LOADER_OBJ) -L/usr/lib -lefi -lgnuefi -o $@

$(B)/matryoshka.efi: $(B)/loader.so
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes; core $$(stat -c %s $(B)/core.bin) bytes)"

usb: $(B)/matryoshka.img
$(B)/matryoshka.img: $(B)/matryoshka.efi $(CFG) tests/system/mkimage.sh
	$(Q)tests/system/mkimage.sh $@ $(B)/matryoshka.efi $(CFG)

pxe: $(B)/matryoshka.efi $(CFG)
	$(Q)rm -rf $(B)/tftp && mkdir -p $(B)/tftp
	$(Q)cp $(B)/matryoshka.efi $(B)/tftp/matryoshka.efi
	$(Q)cp $(CFG) $(B)/tftp/matryoshka.cfg
	@echo "PXE tree in $(B)/tftp: bootfile matryoshka.efi"

# The demo: Debian's Linux booted by GRUB as L1 on Matryoshka in Bochs; its
# KVM runs a real-mode L2 on nested VMX; it powers off by itself.
# It fails unless the demo finishes ("LINUX-L1: done") and KVM's L2 passed.
run: $(B)/matryoshka.efi
	tests/linux/build-image.sh $(B)/demo.img $(B)/matryoshka.efi
	tests/system/bochs.sh --disk $(B)/demo.img --cpus $(CPUS) \
		--timeout $(TIMEOUT) --log $(B)/run-bochs.log --show --until 'LINUX-L1: done'
	@grep -aq 'LINUX-KVM: PASS' $(B)/run-bochs.log || \
		{ echo "make run: no 'LINUX-KVM: PASS' in $(B)/run-bochs.log" >&2; exit 1; }

# The USB image alone in Bochs: the firmware goes on as L1 to its shell.
run-usb: $(B)/matryoshka.img
	tests/system/bochs.sh --disk $(B)/matryoshka.img --cpus $(CPUS) \
		--timeout $(TIMEOUT) --log $(B)/run-bochs.log --show --until 'UEFI Interactive Shell'

# KVM where /dev/kvm offers VMX (--kvm); the tests always use TCG.
run-qemu: $(B)/matryoshka.img
	tests/system/qemu.sh --kvm --disk $(B)/matryoshka.img --cpus $(CPUS) \
		--timeout $(TIMEOUT) --log $(B)/run-qemu.log --show --until 'UEFI Interactive Shell'

unit: $(UNIT_TESTS:%=$(B)/unit/test_%)
	@pass=0; fail=0; for t in $^; do \
		if $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); echo "unit: $$t FAILED"; fi; \
	done; echo "unit test programs: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

include tests/guests/guests.mk

.SECONDEXPANSION:
# Every header and .def list of the tree, and the headers under tests/ (the
# recorded MSRs of tests/unit/bochs_msrs.h, the payloads' shared tables)
# and the Makefile (UNIT_CFLAGS).
UNIT_DEPS = $(wildcard */*.h */*.def tests/*/*.h tests/*/*.def) Makefile
$(B)/unit/test_%: tests/unit/test_%.c $$(UT_SRC_$$*) $$(UNIT_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(UT_SRC_$*) -lcmocka -o $@

check: all usb pxe guests unit
	MODELS="$(MODELS)" tests/system/check-models.sh

# Path lengths in Bochs (not a test): see tests/system/bench.sh
bench: all guests
	tests/system/bench.sh

# The differential VM-entry fuzzer, for long runs (make check runs 2000 cases):
#   make fuzz SEED=7 CASES=50000
# SAVE=1 adds the cases it finds to tests/fuzz/corpus (tracked files).
SEED ?= 1
CASES ?= 10000
SAVE ?= 0
fuzz: all guests
	tests/system/fuzz.sh --seed $(SEED) --cases $(CASES) --out $(B)/fuzz/$(MODEL) $(if $(filter 1,$(SAVE)),--save)

clean:
	rm -rf $(B)

-include $(shell find $(B)/core $(B)/loader $(B)/guests -name '*.d' 2>/dev/null)
