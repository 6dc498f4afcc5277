/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/ept02_policy.h"

#define SIZE_4K 0x1000ull
#define SIZE_2M 0x200000ull
#define SIZE_1G 0x40000000ull

static bool valid_type(unsigned t)
{
	return t == EMT_UC || t == EMT_WC || t == EMT_WT || t == EMT_WP ||
	       t == EMT_WB;
}

/* One row of SDM Vol. 3A Table 12-7 per "MTRR" (here EPT01) type. */
static unsigned under_wc(unsigned t12)
{
	return t12 == EMT_WC || t12 == EMT_WB ? EMT_WC : EMT_UC;
}

static unsigned under_cached(unsigned t01, unsigned t12)
{
	if (t12 == EMT_WT)
		return t01 == EMT_WP ? EMT_WP : EMT_WT;
	if (t12 == EMT_WB)
		return t01;
	return t12; /* UC, WC, WP win over WT, WP, WB */
}

unsigned ept02_memtype(unsigned t01, unsigned t12)
{
	if (!valid_type(t01) || !valid_type(t12) || t12 == EMT_UC)
		return EMT_UC;
	if (t12 == EMT_WC)
		return EMT_WC;
	switch (t01) {
	case EMT_UC:
		return EMT_UC;
	case EMT_WC:
		return under_wc(t12);
	default:
		return under_cached(t01, t12);
	}
}

uint64_t ept02_leaf_size(uint64_t size12, uint64_t size01, bool cpu_2m,
			 bool cpu_1g)
{
	uint64_t s = size12 < size01 ? size12 : size01;

	if (s >= SIZE_1G && cpu_1g && cpu_2m)
		return SIZE_1G;
	if (s >= SIZE_2M && cpu_2m)
		return SIZE_2M;
	return SIZE_4K;
}

unsigned ept02_leaf_level(uint64_t size)
{
	return size >= SIZE_1G ? 3 : size >= SIZE_2M ? 2 : 1;
}

bool ept02_budget_must_evict(const struct ept02_budget *b)
{
	return b->used + EPT02_FILL_MAX > b->cap;
}

bool ept02_budget_take(struct ept02_budget *b)
{
	if (b->used >= b->cap)
		return false;
	b->used++;
	if (b->used > b->high_water)
		b->high_water = b->used;
	return true;
}

void ept02_budget_reset(struct ept02_budget *b, bool evicted)
{
	b->used = b->cap ? 1 : 0; /* the root stays */
	if (evicted)
		b->evictions++;
}
