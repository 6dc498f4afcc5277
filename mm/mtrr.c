/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/mtrr.h"

#define FIXED_END 0x100000ull /* the fixed ranges cover [0, 1 MiB) */

/*
 * Address bits a variable range compares: MAXPHYADDR-1:12 (SDM Vol. 3A
 * 12.11.2.3). Bits above the width are reserved in PHYSBASE/PHYSMASK and do
 * not take part, so an address above 2^MAXPHYADDR aliases one below it.
 */
static uint64_t addr_mask(const struct mtrr_state *s)
{
	unsigned bits = s->phys_bits ? s->phys_bits : MTRR_PHYS_BITS_DEFAULT;

	if (bits > 52) /* the architectural maximum (SDM Vol. 3A 4.1.4) */
		bits = 52;
	return ((1ull << bits) - 1) & ~0xfffull;
}

static bool fixed_enabled(const struct mtrr_state *s)
{
	return (s->def_type & MTRR_DEF_TYPE_FE) && (s->cap & MTRRCAP_FIX);
}

/*
 * Type of the fixed sub-range holding a (< 1 MiB); lowers *last to that
 * sub-range's last byte. Eight 64 KiB pieces from 0, sixteen 16 KiB from
 * 0x80000, sixty-four 4 KiB from 0xC0000, eight per MSR (SDM Vol. 3A
 * 12.11.2.2).
 */
static int fixed_type(const struct mtrr_state *s, uint64_t a, uint64_t *last)
{
	unsigned msr, shift;

	if (a < 0x80000) {
		msr = 0;
		shift = 16;
	} else if (a < 0xc0000) {
		msr = 1 + ((a - 0x80000) >> 17);
		shift = 14;
	} else {
		msr = 3 + ((a - 0xc0000) >> 15);
		shift = 12;
	}
	if ((a | ((1ull << shift) - 1)) < *last)
		*last = a | ((1ull << shift) - 1);
	return (s->fixed[msr] >> (8 * ((a >> shift) & 7))) & 0xff;
}

/*
 * Several variable ranges matching one address (SDM Vol. 3A 12.11.4.1):
 * same type, that type; WT beats WB; UC wins over anything. Every other mix
 * is undefined by the SDM; UC is the one choice that is never wrong for MMIO,
 * so it comes out UC too, which also covers "UC wins".
 */
static int combine(int acc, int t)
{
	if (acc < 0 || acc == t)
		return t;
	if ((acc == MTRR_WT && t == MTRR_WB) ||
	    (acc == MTRR_WB && t == MTRR_WT))
		return MTRR_WT;
	return MTRR_UC;
}

/*
 * Smallest x >= p with (x & m) == v (v has no bits outside m), or false if
 * there is none below 2^64. Works for any mask, contiguous or not.
 */
static bool next_match(uint64_t p, uint64_t m, uint64_t v, uint64_t *x)
{
	uint64_t diff = (p ^ v) & m;

	if (!diff) {
		*x = p;
		return true;
	}
	/* i: the highest compared bit where p is wrong; all above agree. */
	int i = 63 - __builtin_clzll(diff);
	uint64_t low = (2ull << i) - 1; /* bits i:0; all ones for i = 63 */

	if (v & (1ull << i)) {
		/* p has 0 there: raise bit i, everything below it minimal. */
		*x = (p & ~low) | (v & low);
		return true;
	}
	/* p has 1 there: carry into the lowest free 0 bit above i. */
	uint64_t zeros = ~m & ~p & ~low;

	if (!zeros)
		return false;
	int j = __builtin_ctzll(zeros);

	low = (1ull << j) - 1;
	*x = (p & ~low) | (1ull << j) | (v & low);
	return true;
}

/*
 * Type the variable ranges and the default give a (SDM Vol. 3A 12.11.4.1);
 * lowers *last to just before the first address after a at which some range
 * starts or stops matching, so the type holds over [a, *last].
 *
 * A range matches x when (x & mask) == (base & mask) (SDM Vol. 3A
 * 12.11.2.3). If k is the lowest mask bit, that is decided per aligned 2^k
 * block, and two neighbouring blocks differ in bit k, so at most one of them
 * matches. For a contiguous mask the matching blocks are the range [lo, hi)
 * repeated every 2^MAXPHYADDR, and its edges are exact. A non-contiguous mask
 * (allowed, but "not recommended") scatters blocks; following each would make
 * one call walk up to 2^18 blocks per GiB, so when such a mask covers part of
 * [a, *last] we give up and return -1, and the caller splits down to 4 KiB
 * pages, which lie inside one block (k >= 12) and so always get their type.
 */
static int var_type(const struct mtrr_state *s, uint64_t a, uint64_t *last)
{
	uint64_t am = addr_mask(s);
	int type = -1;

	for (unsigned n = 0; n < mtrr_var_count(s); n++) {
		const struct mtrr_var *r = &s->var[n];
		uint64_t m = r->mask & am, v = r->base & m, edge;
		/* bits below k: the offset within a block */
		uint64_t blk = m ? (m & -m) - 1 : ~0ull;

		if (!(r->mask & MTRR_PHYSMASK_V))
			continue;
		if (!((a ^ v) & m)) {
			type = combine(type, r->base & MTRR_PHYSBASE_TYPE);
			edge = a | blk;
		} else if (next_match(a, m, v, &edge)) {
			edge--;
		} else {
			continue;
		}
		if (edge >= *last)
			continue;
		if (m != (am & ~blk))
			return -1;
		*last = edge;
	}
	return type < 0 ? (int)(s->def_type & MTRR_DEF_TYPE_TYPE) : type;
}

/*
 * Walks [start, last] in pieces of one type each: fixed sub-ranges below
 * 1 MiB when they are on, else the pieces var_type finds.
 */
int mtrr_range_type(const struct mtrr_state *s, uint64_t start, uint64_t size)
{
	uint64_t last = start + size - 1;
	int type = -1;

	if (!size || last < start)
		return -1;
	/* SDM Vol. 3A 12.11.2.1: E clear makes all of memory UC. */
	if (!(s->def_type & MTRR_DEF_TYPE_E))
		return MTRR_UC;
	for (uint64_t a = start;;) {
		uint64_t piece = last;
		int t;

		if (a < FIXED_END && fixed_enabled(s))
			t = fixed_type(s, a, &piece);
		else
			t = var_type(s, a, &piece);
		if (t < 0 || (type >= 0 && t != type))
			return -1;
		type = t;
		if (piece == last)
			return type;
		a = piece + 1;
	}
}
