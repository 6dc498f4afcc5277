/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Architectural value rules that several nested/ files check: canonical
 * addresses and PAT values. Pure, header-only.
 */
#ifndef NESTED_X86_RULES_H
#define NESTED_X86_RULES_H

#include <stdbool.h>
#include <stdint.h>

/* SDM Vol. 3A 3.3.7.1: bits 63:47 all equal (48-bit linear addresses; L1 gets
 * no 5-level paging). */
static inline bool x86_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* SDM Vol. 3A 11.12.2: every PAT entry a valid type (0, 1, 4, 5, 6, 7). */
static inline bool x86_pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (pat >> (8 * i)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

#endif
