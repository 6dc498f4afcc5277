/* SPDX-License-Identifier: Apache-2.0 */
/*
 * selftest=iommu (docs/options.md): what the loader hands the test payload
 * (tests/guests/dmaattack.c) in an EFI configuration table, and the canary
 * the core writes inside its region. Shared by loader, core and payload.
 */
#ifndef BOOT_SELFTEST_IOMMU_H
#define BOOT_SELFTEST_IOMMU_H

#include <stdint.h>

/* {6d6b7374-696f-6d75-8a1b-4d617472796f} */
#define SELFTEST_IOMMU_GUID                                                    \
	{                                                                      \
		0x6d6b7374, 0x696f, 0x6d75,                                    \
		{                                                              \
			0x8a, 0x1b, 0x4d, 0x61, 0x74, 0x72, 0x79, 0x6f         \
		}                                                              \
	}

#define SELFTEST_IOMMU_MAGIC 0x554d4d4f494b4d00ull
#define SELFTEST_CANARY_SIZE 0x2000u /* two pages */
#define SELFTEST_UNITS_MAX   4

struct selftest_iommu {
	uint64_t magic;
	uint64_t region_pa, region_size; /* L0's region */
	uint64_t canary_pa;		 /* SELFTEST_CANARY_SIZE bytes in it */
	uint64_t unit_pa[SELFTEST_UNITS_MAX]; /* VT-d register bases */
	uint32_t nunits;		      /* as found in the DMAR table */
	uint32_t programmed;		      /* units the core programmed */
};

/* Byte i of the canary: no run of equal bytes, unlike anything a disk holds. */
static inline uint8_t selftest_canary_byte(uint32_t i)
{
	return (uint8_t)(0xa5 ^ (i * 7) ^ (i >> 8));
}

#endif
