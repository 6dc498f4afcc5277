/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel VT-d remapping unit registers (VT-d spec rev 3.3, 10.4) and the
 * pure choice of how L0 programs a set of units (vtd_plan), unit-tested on
 * the host.
 */
#ifndef DRIVERS_VTD_H
#define DRIVERS_VTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 10.4: register offsets */
#define VTD_VER	   0x00
#define VTD_CAP	   0x08
#define VTD_ECAP   0x10
#define VTD_GCMD   0x18
#define VTD_GSTS   0x1c
#define VTD_RTADDR 0x20
#define VTD_CCMD   0x28
#define VTD_FSTS   0x34
#define VTD_FECTL  0x38
#define VTD_PMEN   0x64 /* protected memory enable */

/* 10.4.2 CAP */
#define VTD_CAP_ND(c)	 ((unsigned)((c)&7))
#define VTD_CAP_RWBF	 (1ull << 4)
#define VTD_CAP_PLMR	 (1ull << 5)
#define VTD_CAP_PHMR	 (1ull << 6)
#define VTD_CAP_CM	 (1ull << 7)
#define VTD_CAP_SAGAW(c) ((unsigned)(((c) >> 8) & 0x1f))
#define VTD_CAP_MGAW(c)	 ((unsigned)(((c) >> 16) & 0x3f) + 1)
#define VTD_CAP_FRO(c)	 ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define VTD_CAP_SLLPS(c) ((unsigned)(((c) >> 34) & 0xf))
#define VTD_CAP_NFR(c)	 ((unsigned)(((c) >> 40) & 0xff) + 1)

/* 10.4.3 ECAP */
#define VTD_ECAP_C	(1ull << 0)
#define VTD_ECAP_QI	(1ull << 1)
#define VTD_ECAP_IRO(e) ((unsigned)(((e) >> 8) & 0x3ff) * 16)

/* 10.4.4/10.4.5 GCMD and GSTS share bit positions */
#define VTD_GS_TE   (1u << 31)
#define VTD_GS_SRTP (1u << 30)
#define VTD_GS_WBF  (1u << 27)
#define VTD_GS_QIE  (1u << 26)
/* Bits that stay set while enabled; a GCMD write repeats them (10.4.4). */
#define VTD_GS_PERSISTENT 0x96800000u

/* 10.4.7 CCMD: invalidate context cache, global granularity */
#define VTD_CCMD_ICC	(1ull << 63)
#define VTD_CCMD_GLOBAL (1ull << 61)

/* 10.4.8.1 IOTLB invalidate register (at ECAP.IRO + 8) */
#define VTD_IOTLB_IVT	 (1ull << 63)
#define VTD_IOTLB_GLOBAL (1ull << 60)
#define VTD_IOTLB_DR	 (1ull << 49)
#define VTD_IOTLB_DW	 (1ull << 48)

/* 10.4.9 FSTS, 10.4.10 FECTL, 10.4.14 fault recording registers */
#define VTD_FSTS_PFO	(1u << 0)
#define VTD_FSTS_PPF	(1u << 1)
#define VTD_FSTS_FRI(s) (((s) >> 8) & 0xff)
#define VTD_FECTL_IM	(1u << 31)
#define VTD_PMEN_PRS	(1u << 0) /* protected region status; enable is bit 31 */
#define VTD_FRCD_F	(1ull << 63) /* in the upper 64 bits */
#define VTD_FRCD_T	(1ull << 62) /* 1: read, 0: write (legacy) */
#define VTD_FRCD_FR(h)	((unsigned)((h) >> 32) & 0xff)
#define VTD_FRCD_SID(h) ((unsigned)(h)&0xffff)

/* 9.1, 9.3: root and context entries (legacy mode) */
#define VTD_PRESENT	   1ull
#define VTD_CTX_AW(levels) ((uint64_t)(levels)-2) /* 3-level: 1, 4-level: 2 */
#define VTD_CTX_DID_SHIFT  8

/* What vtd_plan decided for every unit. */
struct vtd_plan {
	unsigned levels;  /* second-level paging: 3 (39-bit) or 4 (48-bit) */
	bool large_1g;	  /* every unit takes 1 GiB super-pages */
	bool flush_cache; /* some unit does not snoop its page walks (ECAP.C =
			     0) */
	uint16_t did;	  /* the one domain id */
	uint64_t top;	  /* mapped guest addresses end here */
};

/*
 * From the CAP/ECAP of n units and the end of physical memory to map:
 * a page-table depth every unit supports (SAGAW), 2 MiB super-pages on every
 * unit (required: L0 has no 4 KiB-only builder), 1 GiB where all have it,
 * the address range the depth and MGAW allow. False + err if impossible.
 */
bool vtd_plan(const uint64_t *cap, const uint64_t *ecap, unsigned n,
	      uint64_t phys_end, struct vtd_plan *p, char *err, size_t errlen);

#endif
