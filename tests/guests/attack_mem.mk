# SPDX-License-Identifier: Apache-2.0
# The "no memory" attack payload (tests/system/t-attack-mem.sh); it reuses
# nvmx's environment and L2 runner.
GUEST_NAMES += attack_mem
$(B)/guests/attack_mem.so: $(addprefix $(B)/guests/,attack_mem.o nvmx_env.o \
	nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o) \
	$(GUEST_LIB_OBJ)
