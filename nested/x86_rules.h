/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Architectural value rules that several nested/ files check: canonical
 * addresses and PAT values. Pure, header-only.
 */
#ifndef NESTED_X86_RULES_H
#define NESTED_X86_RULES_H

#include <stdbool.h>
#include <stdint.h>

/*
 * SDM Vol. 3A 3.3.7.1 and 4.5.1: canonical for a linear-address width of
 * bits (48 with 4-level paging, 57 with 5-level paging): bits 63:bits-1
 * all equal.
 */
static inline bool x86_canonical_to(uint64_t a, unsigned bits)
{
	unsigned keep = 64 - bits;

	return (uint64_t)((int64_t)(a << keep) >> keep) == a;
}

/* Canonical with 4-level paging: bits 63:47 all equal. */
static inline bool x86_canonical(uint64_t a)
{
	return x86_canonical_to(a, 48);
}

/*
 * The linear-address width an address is checked against: 57 where 5-level
 * paging is on (CR4.LA57 in IA-32e mode) or, for the checks that ignore the
 * paging mode, where the CPU has it (CPUID.(EAX=7,ECX=0):ECX.LA57[bit 16]).
 *
 * A CPU with 5-level paging checks values that load an MSR holding a linear
 * address, a segment base or a descriptor-table base against 57 bits
 * whatever CR4.LA57 says (it can be cleared with such a base loaded); so do
 * INVVPID and INVPCID for the address they invalidate. A memory operand is
 * checked against the current mode's width (SDM Vol. 3A 3.3.7.1).
 */
static inline unsigned x86_linear_bits(bool la57)
{
	return la57 ? 57 : 48;
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
