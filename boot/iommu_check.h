/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader's side of iommu= (docs/options.md): the DMAR table is found and
 * checked with the core's own parser before anything is changed, so that
 * iommu=required refuses to start with nothing changed. And selftest=iommu's
 * hand-over to the test payload.
 */
#ifndef BOOT_IOMMU_CHECK_H
#define BOOT_IOMMU_CHECK_H

#include <efi.h>

#include "boot/options.h"
#include "core/bootinfo.h"
#include "drivers/dmar.h"

/*
 * Looks for usable VT-d units (DMAR table good, every unit's CAP fits
 * vtd_plan). iommu=required without one: logs why and returns
 * EFI_UNSUPPORTED. Otherwise EFI_SUCCESS (the core warns for auto).
 */
EFI_STATUS iommu_check(const struct options *o, uint64_t rsdp_pa,
		       struct dmar_info *d);

/* selftest=iommu: the EFI configuration table for tests/guests/dmaattack.c. */
EFI_STATUS selftest_iommu_publish(const struct boot_info *bi,
				  const struct dmar_info *d);

#endif
