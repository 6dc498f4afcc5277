/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sorted, merged lists of physical ranges (the RAM map the loader hands the
 * core in boot_info.ram). Pure logic, shared by the loader and the core and
 * unit-tested on the host.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bootinfo.h"

/*
 * Adds [start, end) to the list r[0..*n) (at most max entries), keeping it
 * sorted and merging ranges that overlap or touch. False if it did not fit
 * (the list is unchanged then: a range left out is "no memory", the safe
 * side). An empty range is ignored.
 */
bool memmap_add(struct mem_range *r, uint32_t *n, uint32_t max, uint64_t start,
		uint64_t end);

/* Whether [pa, pa + len) lies wholly inside one range (len 0: pa itself). */
bool memmap_contains(const struct mem_range *r, uint32_t n, uint64_t pa,
		     uint64_t len);

/* The end of the highest range, 0 for an empty list. */
uint64_t memmap_top(const struct mem_range *r, uint32_t n);

#endif
