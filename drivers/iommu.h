/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DMA protection with VT-d (docs/security.md): before any CPU enters L1,
 * every remapping unit of the ACPI DMAR table translates all DMA through
 * one domain whose second-level tables identity-map physical memory except
 * L0's region and the units' own registers. Interrupt remapping is not
 * done (out of scope).
 */
#ifndef DRIVERS_IOMMU_H
#define DRIVERS_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Called by the bootstrap CPU before EPT01 is built (core/main.c). Follows
 * bootinfo.iommu: off says so once; auto protects where a unit exists and
 * otherwise prints one warning line; required returns false when it cannot
 * protect (the loader has checked the table already). On success the DMAR
 * table is renamed (hidden from L1) and the units' register ranges are
 * handed to EPT01 as hidden ranges.
 */
bool iommu_init(void);

/* Units L0 programmed (0 if DMA is not protected). */
unsigned iommu_units(void);

/*
 * Reads and clears the units' fault records, counting and logging each as
 * GEV_DMA_FAULT. Called on every VM exit (vmx/exit.c); polls at most once
 * per IOMMU_POLL_CYCLES TSC cycles, and costs a load and a branch when no
 * unit is programmed.
 */
void iommu_poll_faults_now(void);
extern unsigned iommu_nunits; /* units L0 programmed */

static inline void iommu_poll_faults(void)
{
	if (__builtin_expect(iommu_nunits != 0, 0))
		iommu_poll_faults_now();
}

#endif
