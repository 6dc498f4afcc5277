/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/memmap.h"

/* Index of the first range that ends at or after start (merge candidate). */
static uint32_t first_touching(const struct mem_range *r, uint32_t n,
			       uint64_t start)
{
	uint32_t i = 0;

	while (i < n && r[i].end < start)
		i++;
	return i;
}

bool memmap_add(struct mem_range *r, uint32_t *n, uint32_t max, uint64_t start,
		uint64_t end)
{
	uint32_t i, j, cnt = *n;

	if (start >= end)
		return true;
	i = first_touching(r, cnt, start);
	/* ranges i..j-1 overlap or touch [start, end) and are merged into it */
	for (j = i; j < cnt && r[j].start <= end; j++) {
		if (r[j].start < start)
			start = r[j].start;
		if (r[j].end > end)
			end = r[j].end;
	}
	if (j == i) { /* nothing to merge: insert at i */
		if (cnt >= max)
			return false;
		for (uint32_t k = cnt; k > i; k--)
			r[k] = r[k - 1];
		cnt++;
	} else { /* i takes the union, i+1..j-1 go */
		for (uint32_t k = 0; j + k < cnt; k++)
			r[i + 1 + k] = r[j + k];
		cnt -= j - i - 1;
	}
	r[i] = (struct mem_range){ start, end };
	*n = cnt;
	return true;
}

bool memmap_contains(const struct mem_range *r, uint32_t n, uint64_t pa,
		     uint64_t len)
{
	uint64_t last = pa + (len ? len - 1 : 0);

	if (last < pa) /* wraps */
		return false;
	for (uint32_t i = 0; i < n && r[i].start <= pa; i++)
		if (pa < r[i].end && last < r[i].end)
			return true;
	return false;
}

uint64_t memmap_top(const struct mem_range *r, uint32_t n)
{
	return n ? r[n - 1].end : 0;
}
