# SPDX-License-Identifier: Apache-2.0
# EPT02 as a bounded cache (tests/system/t-budget.sh, make bench): an L2 on
# the nvmx environment on every CPU touches 8 GiB (ept02churn) or 1 GiB
# (ept02churn1).
GUEST_NAMES += ept02churn ept02churn1
EPT02CHURN_OBJ := $(addprefix $(B)/guests/,ept02churn_l2.o nvmx_env.o \
	nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o)
$(B)/guests/ept02churn.so: $(B)/guests/ept02churn.o $(EPT02CHURN_OBJ) $(GUEST_LIB_OBJ)
$(B)/guests/ept02churn1.so: $(B)/guests/ept02churn1.o $(EPT02CHURN_OBJ) $(GUEST_LIB_OBJ)
$(B)/guests/ept02churn1.o: tests/guests/ept02churn.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -DCHURN_GIB=1 -MMD -c $< -o $@
