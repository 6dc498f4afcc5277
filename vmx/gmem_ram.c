/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/gmem_ram.h"

#include "lib/string.h"
#include "mm/memmap.h"

#define PAGE 4096ull

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

bool gmem_ram_copy(const struct gmem_ram *m, gmem_virt_fn virt, uint64_t gpa,
		   uint8_t *buf, size_t n, bool write)
{
	bool all_ram = true;

	while (n) {
		/* RAM ranges are whole pages: one verdict per page */
		size_t chunk = PAGE - (gpa & (PAGE - 1));

		if (chunk > n)
			chunk = n;
		if (!gmem_is_ram(m, gpa, chunk)) {
			all_ram = false;
			if (!write)
				memset(buf, 0xff, chunk);
		} else if (write) {
			memcpy(virt(gpa), buf, chunk);
		} else {
			memcpy(buf, virt(gpa), chunk);
		}
		gpa += chunk;
		buf += chunk;
		n -= chunk;
	}
	return all_ram;
}
