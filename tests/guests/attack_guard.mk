# SPDX-License-Identifier: Apache-2.0
# The guard attacks (tests/system/t-notify.sh): attack_guard.c built once
# per kind by its wrappers; they reuse nvmx's environment and L2 runner.
GUEST_NAMES += attack_dbloop attack_acloop attack_split attack_istloop attack_acloop32
GUARD_DEPS := guestfile.o nvmx_env.o nvmx_vmx.o nvmx_vm.o nvmx_detail.o nvmx_l2.o nvmx_events.o
$(B)/guests/attack_dbloop.so: $(addprefix $(B)/guests/,attack_dbloop.o $(GUARD_DEPS)) $(GUEST_LIB_OBJ)
$(B)/guests/attack_acloop.so: $(addprefix $(B)/guests/,attack_acloop.o $(GUARD_DEPS)) $(GUEST_LIB_OBJ)
$(B)/guests/attack_split.so: $(addprefix $(B)/guests/,attack_split.o $(GUARD_DEPS)) $(GUEST_LIB_OBJ)
$(B)/guests/attack_istloop.so: $(addprefix $(B)/guests/,attack_istloop.o $(GUARD_DEPS)) $(GUEST_LIB_OBJ)
$(B)/guests/attack_acloop32.so: $(addprefix $(B)/guests/,attack_acloop32.o acloop32.o $(GUARD_DEPS)) $(GUEST_LIB_OBJ)
