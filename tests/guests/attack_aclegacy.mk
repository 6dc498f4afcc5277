# SPDX-License-Identifier: Apache-2.0
# Legacy alignment-check #AC in L2 and in L1 (tests/system/t-notify.sh, ac_legacy_l2).
GUEST_NAMES += attack_aclegacy
$(B)/guests/attack_aclegacy.so: $(addprefix $(B)/guests/,attack_aclegacy.o aclegacy_l1.o \
	nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o) \
	$(GUEST_LIB_OBJ)
