/* SPDX-License-Identifier: Apache-2.0 */
/* selftest=iommu, the core's side: the canary inside L0's region. */
#ifndef DRIVERS_IOMMU_SELFTEST_H
#define DRIVERS_IOMMU_SELFTEST_H

#include <stdbool.h>

/*
 * Fills the canary (boot/selftest_iommu.h) and tells the loader where it is
 * (bootinfo.selftest_canary_pa). The bootstrap CPU then goes back to the
 * loader without VMX.
 */
bool iommu_selftest_prepare(void);

#endif
