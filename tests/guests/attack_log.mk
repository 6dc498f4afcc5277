# SPDX-License-Identifier: Apache-2.0
# The console-flood attack (tests/system/t-log.sh).
GUEST_NAMES += attack_log
$(B)/guests/attack_log.so: $(addprefix $(B)/guests/,attack_log.o nvmx_vmx.o) \
	$(GUEST_LIB_OBJ)
