# SPDX-License-Identifier: Apache-2.0
# The VMX-abort attack payload (tests/system/t-attack-abort.sh); it reuses
# nvmx's environment and L2 runner.
GUEST_NAMES += attack_abort
$(B)/guests/attack_abort.so: $(addprefix $(B)/guests/,attack_abort.o \
	nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o \
	nvmx_events.o) $(GUEST_LIB_OBJ)
