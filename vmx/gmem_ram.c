/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/gmem_ram.h"

#include "mm/memmap.h"

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

bool gmem_is_ram(const struct gmem_ram *m, uint64_t pa, uint64_t len)
{
	uint64_t n = len ? len : 1;

	if (pa + n < pa || pa + n > m->mapped_end) /* wraps, or not mapped */
		return false;
	if (overlaps(pa, n, m->l0_pa, m->l0_size))
		return false;
	return memmap_contains(m->ram, m->nram, pa, n);
}
