/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT02's decisions, kept pure so host unit tests cover them
 * (tests/unit/test_ept02_policy.c): the memory type of a combined
 * translation, the leaf size it may use, and the per-vCPU page budget with
 * its eviction rule. nested/ept02.c applies them.
 */
#ifndef NESTED_EPT02_POLICY_H
#define NESTED_EPT02_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* EPT memory types (SDM Vol. 3C 29.3.7.1): 2, 3 and 7 are reserved. */
enum { EMT_UC = 0, EMT_WC = 1, EMT_WT = 4, EMT_WP = 5, EMT_WB = 6 };

/*
 * The memory type of an EPT02 leaf from EPT01's type t01 (what L0 chose for
 * the host-physical range: the MTRRs' type, UC for MMIO) and EPT12's type
 * t12 (what L1 asked for L2). The two are combined as the CPU combines an
 * MTRR type with a PAT type (SDM Vol. 3A 12.5.2.2, Table 12-7), t01 in the
 * MTRR's role: L1's choice can make a range less cacheable, never more, so
 * MMIO (UC in EPT01) stays UC, or WC where L1 asked for WC (which L1's own
 * PAT could do to that range too). Never WB over UC. A reserved t12 (the
 * EPT12 walk refuses those) gives UC.
 */
unsigned ept02_memtype(unsigned t01, unsigned t12);

/*
 * The EPT02 leaf size for one fault: the largest page that lies inside both
 * the EPT12 leaf (size12) and the EPT01 leaf (size01) of the faulting
 * address, so the whole page maps contiguously with one permission set and
 * one memory type in both; and that the CPU can use in EPT (cpu_2m: EPT
 * 2 MiB pages, cpu_1g: 1 GiB pages; IA32_VMX_EPT_VPID_CAP bits 16, 17).
 * Sizes are 4 KiB, 2 MiB or 1 GiB.
 */
uint64_t ept02_leaf_size(uint64_t size12, uint64_t size01, bool cpu_2m,
			 bool cpu_1g);

/* EPT level whose entry maps a page of this size: 1 (PTE) .. 3 (PDPTE). */
unsigned ept02_leaf_level(uint64_t size);

/*
 * A vCPU's EPT02 pages: cap pages reserved for it at start-up (the root
 * included), used of them in the tree now.
 */
struct ept02_budget {
	uint32_t cap, used;
	uint64_t evictions; /* times the whole tree was dropped to make room */
	uint32_t high_water;
};

/* At most this many tables one fault adds below the root (PDPT, PD, PT). */
#define EPT02_FILL_MAX 3u
/* The smallest budget that always lets one fault through after an eviction. */
#define EPT02_BUDGET_MIN (1u + EPT02_FILL_MAX)

/*
 * Before a fault fills EPT02: true if the tree must be dropped first
 * because the pages left might not cover a fill. Never true right after an
 * eviction when cap >= EPT02_BUDGET_MIN.
 */
bool ept02_budget_must_evict(const struct ept02_budget *b);
/* One page taken into the tree; false (nothing changed) if none is left. */
bool ept02_budget_take(struct ept02_budget *b);
/*
 * The tree was dropped down to its root; evicted says whether for room (an
 * eviction, counted) or because L1 asked (INVEPT, a new EPTP, VMXOFF).
 */
void ept02_budget_reset(struct ept02_budget *b, bool evicted);

#endif
