# SPDX-License-Identifier: Apache-2.0
#
# Test payloads: EFI applications that Matryoshka's loader chain-loads as L1
# (next=) to check L0 from the inside; they also run on bare firmware. Built
# like the loader (gnu-efi, LOADER_CFLAGS). Included by the top Makefile,
# whose variables it uses: B, CC, NASM, LD, OBJCOPY, LOADER_CFLAGS, Q.
#
#   make build/guests/l1check.efi build/guests/apstart.efi   (or: make guests)

GUEST_NAMES := l1check apstart bench counters nvmx nvmxbench nvmxfuzz

# What every payload links: result lines, traps, hypercalls, and lib/fmt.c.
GUEST_LIB_OBJ := $(B)/guests/guestlib.o $(B)/guests/trap.o $(B)/guests/fmt.o \
	$(B)/guests/alive.o

# Further payloads (e.g. the attack tests) register themselves in their own
# fragments: GUEST_NAMES += name, plus the rule for build/guests/name.so.
include $(filter-out tests/guests/guests.mk,$(wildcard tests/guests/*.mk))
GUEST_EFIS = $(GUEST_NAMES:%=$(B)/guests/%.efi)

.PHONY: guests
guests: $(GUEST_EFIS)

$(B)/guests/%.o: tests/guests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -MMD -c $< -o $@

# Our own copy: the payloads must not depend on how the loader is built.
$(B)/guests/fmt.o: lib/fmt.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -MMD -c $< -o $@

$(B)/guests/%.o: tests/guests/%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $@"
	$(Q)$(NASM) -f elf64 -g $< -o $@

$(B)/guests/l1check.so: $(B)/guests/l1check.o $(GUEST_LIB_OBJ)
$(B)/guests/apstart.so: $(B)/guests/apstart.o $(B)/guests/apstart_tramp.o \
	$(GUEST_LIB_OBJ)
$(B)/guests/bench.so: $(B)/guests/bench.o $(GUEST_LIB_OBJ)
$(B)/guests/counters.so: $(B)/guests/counters.o $(GUEST_LIB_OBJ)
NVMX_OBJ := $(addprefix $(B)/guests/,nvmx.o nvmx_env.o nvmx_vmx.o nvmx_vm.o \
	nvmx_detail.o nvmx_insn.o nvmx_entry.o nvmx_exits.o nvmx_ept.o \
	nvmx_events.o nvmx_modes.o nvmx_l2.o)
$(B)/guests/nvmx.so: $(NVMX_OBJ) $(GUEST_LIB_OBJ)
# The nested benchmark reuses nvmx's environment and L2 runner.
$(B)/guests/nvmxbench.so: $(addprefix $(B)/guests/,nvmxbench.o nvmxbench_l2.o \
	nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o) \
	$(GUEST_LIB_OBJ)
# The differential VM-entry fuzzer (tests/system/fuzz.sh) reuses them too.
$(B)/guests/nvmxfuzz.so: $(addprefix $(B)/guests/,nvmxfuzz.o nvmxfuzz_gen.o guestfile.o \
	nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o) \
	$(GUEST_LIB_OBJ)

# -z defs: a shared object may otherwise link with an undefined symbol (say
# memcmp, which gnu-efi's libefi lacks), and the payload jumps to address 0.
$(B)/guests/%.so:
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -znocombreloc -z defs -shared -Bsymbolic -T /usr/lib/elf_x86_64_efi.lds \
		/usr/lib/crt0-efi-x86_64.o $^ -L/usr/lib -lefi -lgnuefi -o $@

$(B)/guests/%.efi: $(B)/guests/%.so
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
