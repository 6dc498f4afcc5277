// SPDX-License-Identifier: Apache-2.0
#include "drivers/iommu_selftest.h"

#include "boot/selftest_iommu.h"
#include "core/bootinfo.h"
#include "lib/log.h"

extern struct boot_info bootinfo;

/* In the core's image, so inside L0's region like all of L0's data. */
static uint8_t canary[SELFTEST_CANARY_SIZE] __attribute__((aligned(4096)));

bool iommu_selftest_prepare(void)
{
	for (uint32_t i = 0; i < SELFTEST_CANARY_SIZE; i++)
		canary[i] = selftest_canary_byte(i);
	bootinfo.selftest_canary_pa =
	    (uint64_t)canary - bootinfo.core_va + bootinfo.core_pa;
	log_warn("core: selftest=iommu: no VMX; DMA protection only, canary at "
		 "0x%lx; back to the loader",
		 bootinfo.selftest_canary_pa);
	return true;
}
