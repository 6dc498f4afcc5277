# SPDX-License-Identifier: Apache-2.0
# MSR policy attack payload (tests/system/t-attack-msr.sh): the WRMSR half
# and the VMX MSR-list half, which uses nvmx's environment and L2 runner.
GUEST_NAMES += attack_msr
$(B)/guests/attack_msr.so: $(addprefix $(B)/guests/,attack_msr.o \
	attack_apic.o attack_msrlist.o nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o \
	nvmx_l2.o nvmx_events.o) $(GUEST_LIB_OBJ)
# The same attack through a VM-exit MSR-load list: a VMX abort, which an AP
# watches (tests/guests/attack_msrabort.c).
GUEST_NAMES += attack_msrabort
$(B)/guests/attack_msrabort.so: $(addprefix $(B)/guests/,attack_msrabort.o \
	attack_apic.o nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o \
	nvmx_events.o) $(GUEST_LIB_OBJ)
# INIT to a CPU in VMX root operation: latched, the sender goes on.
GUEST_NAMES += attack_initblock
$(B)/guests/attack_initblock.so: $(B)/guests/attack_initblock.o $(GUEST_LIB_OBJ)
