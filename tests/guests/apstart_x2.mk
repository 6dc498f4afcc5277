# SPDX-License-Identifier: Apache-2.0
# apstart built to switch the BSP to x2APIC mode before INIT-SIPI-SIPI
# (tests/system/t-apstart-x2apic.sh): L0's INIT/SIPI routing through the
# x2APIC ICR.
GUEST_NAMES += apstart_x2
$(B)/guests/apstart_x2.o: tests/guests/apstart.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -DAPSTART_X2APIC -MMD -c $< -o $@
$(B)/guests/apstart_x2.so: $(B)/guests/apstart_x2.o $(B)/guests/apstart_tramp.o \
	$(GUEST_LIB_OBJ)
