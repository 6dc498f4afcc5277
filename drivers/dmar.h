/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACPI DMAR table (Intel VT-d spec rev 3.3, chapter 8): the DMA
 * remapping hardware units (DRHD) with their register pages, and the
 * reserved memory regions (RMRR) that firmware-owned devices keep using.
 * Pure logic, unit-tested on the host. A malformed table is refused as a
 * whole with one specific message: nothing is taken from it then.
 */
#ifndef DRIVERS_DMAR_H
#define DRIVERS_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAR_UNITS_MAX 16
#define DMAR_RMRR_MAX  16

/* VT-d 8.3: DRHD flags bit 0: the unit covers every device of its segment not
 * in another unit's scope. */
#define DMAR_INCLUDE_PCI_ALL 0x1

struct dmar_unit {
	uint64_t reg_pa;   /* register base, 4 KiB aligned */
	uint64_t reg_size; /* bytes of registers (VT-d 8.3 "Size": 2^N pages) */
	uint16_t segment;
	uint8_t flags;	  /* DMAR_INCLUDE_PCI_ALL */
	uint16_t nscopes; /* device scope entries */
};

struct dmar_rmrr {
	uint64_t base, end; /* [base, end), 4 KiB aligned */
	uint16_t segment;
	uint16_t nscopes;
};

struct dmar_info {
	unsigned haw;  /* host address width in bits */
	uint8_t flags; /* DMAR flags (bit 0 INTR_REMAP, ...) */
	unsigned nunits, nrmrr;
	struct dmar_unit unit[DMAR_UNITS_MAX];
	struct dmar_rmrr rmrr[DMAR_RMRR_MAX];
};

/*
 * Parses the table t (avail bytes readable there). Returns false with one
 * line in err ("DMAR: ...") on bad signature, length, checksum, a
 * sub-table or device scope running past its end, a misaligned or
 * overlapping unit register range, a bad RMRR range, no unit at all, or
 * more units or RMRRs than fit; *out is then all zero.
 */
bool dmar_parse(const uint8_t *t, uint32_t avail, struct dmar_info *out,
		char *err, size_t errlen);

/* The signature a hidden DMAR table gets (docs/security.md). */
#define DMAR_HIDDEN_SIG "XMAR"

/*
 * Renames table t from "DMAR" to DMAR_HIDDEN_SIG and fixes its
 * checksum, so that L1 finds no DMAR table (as Xen does for dom0).
 */
void dmar_hide(uint8_t *t);

#endif
