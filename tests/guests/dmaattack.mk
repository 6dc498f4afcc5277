# SPDX-License-Identifier: Apache-2.0
# selftest=iommu's payload (tests/system/t-iommu.sh): DMA into and out of L0
# through the firmware's disk driver. Links the ACPI walker the loader uses.
GUEST_NAMES += dmaattack

$(B)/guests/acpi.o: drivers/acpi.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LOADER_CFLAGS) -MMD -c $< -o $@

$(B)/guests/dmaattack.so: $(B)/guests/dmaattack.o $(B)/guests/acpi.o $(GUEST_LIB_OBJ)
