/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory types from the MTRRs (SDM Vol. 3A 12.11). With EPT the CPU ignores
 * the MTRRs for guest accesses and takes the type from the EPT entry instead
 * (SDM Vol. 3C 29.3.7.2), so EPT01 must repeat, range by range, what the
 * MTRRs say. Pure logic: mtrr_read (mm/mtrr_hw.c) fills the state on the real
 * CPU, the host unit tests fill it by hand.
 */
#ifndef MM_MTRR_H
#define MM_MTRR_H

#include <stdbool.h>
#include <stdint.h>

/* Encodings of IA32_MTRR_* type fields; EPT entries use the same (29.3.7). */
enum mtrr_type {
	MTRR_UC = 0,
	MTRR_WC = 1,
	MTRR_WT = 4,
	MTRR_WP = 5,
	MTRR_WB = 6,
};

#define MTRRCAP_VCNT           0xffull     /* variable pairs */
#define MTRRCAP_FIX            (1ull << 8) /* fixed ranges exist */
#define MTRR_DEF_TYPE_TYPE     0xffull
#define MTRR_DEF_TYPE_FE       (1ull << 10) /* fixed ranges enabled */
#define MTRR_DEF_TYPE_E        (1ull << 11) /* MTRRs enabled */
#define MTRR_PHYSBASE_TYPE     0xffull
#define MTRR_PHYSMASK_V        (1ull << 11) /* pair valid */
#define MTRR_VAR_MAX           16
#define MTRR_FIXED_MSRS        11
#define MTRR_PHYS_BITS_DEFAULT 36

struct mtrr_var {
	uint64_t base; /* IA32_MTRR_PHYSBASEn (0x200 + 2n): type 7:0 */
	uint64_t mask; /* IA32_MTRR_PHYSMASKn (0x201 + 2n): V 11 */
};

struct mtrr_state {
	uint64_t cap;      /* IA32_MTRRCAP (0xfe) */
	uint64_t def_type; /* IA32_MTRR_DEF_TYPE (0x2ff) */
	/*
	 * In address order: 64K_00000 (0x250), 16K_80000 (0x258), 16K_A0000
	 * (0x259), 4K_C0000 .. 4K_F8000 (0x268 .. 0x26f). Byte i of each is
	 * the type of its i-th sub-range (SDM Vol. 3A 12.11.2.2).
	 */
	uint64_t fixed[MTRR_FIXED_MSRS];
	struct mtrr_var var[MTRR_VAR_MAX]; /* pairs from VCNT on are ignored */
	unsigned phys_bits; /* MAXPHYADDR, CPUID.80000008H:EAX[7:0]; 0 = 36 */
};

/* Variable pairs in use: MTRRCAP.VCNT, of which we keep at most 16. */
static inline unsigned mtrr_var_count(const struct mtrr_state *s)
{
	unsigned n = s->cap & MTRRCAP_VCNT;

	return n < MTRR_VAR_MAX ? n : MTRR_VAR_MAX;
}

/*
 * The one memory type (enum mtrr_type) every byte of [start, start+size)
 * has, or -1 if they differ: split the range and ask again. -1 may also
 * come back, conservatively, when a variable range with a non-contiguous
 * mask covers only part of the range. A range inside one aligned 4 KiB page
 * always has a type. size 0, or a range running past 2^64, gives -1.
 */
int mtrr_range_type(const struct mtrr_state *s, uint64_t start, uint64_t size);

/*
 * Reads the calling CPU's MTRRs (mm/mtrr_hw.c), only MSRs that exist. A CPU
 * without MTRRs reads as "MTRRs disabled", i.e. UC everywhere.
 */
void mtrr_read(struct mtrr_state *s);

#endif
