# SPDX-License-Identifier: Apache-2.0
# The Bochs-model payload (tests/system/t-bochs-models.sh): notify VM exits and
# split-lock detection as the patched Bochs models them (tests/bochs/patches/
# 0100-0101), checked on bare Bochs; it reuses nvmx's environment and runner.
GUEST_NAMES += bmodels
$(B)/guests/bmodels.so: $(addprefix $(B)/guests/,bmodels.o bmodels_sld.o \
	bmodels_notify.o bmodels_l2.o nvmx_env.o nvmx_vmx.o nvmx_vm.o \
	nvmx_detail.o nvmx_l2.o nvmx_events.o) $(GUEST_LIB_OBJ)
