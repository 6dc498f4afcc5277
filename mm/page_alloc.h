/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's page pool: the part of its reserved region the loader left free
 * (boot_info.pool_*). Pages are handed out zeroed; what is given back
 * (EPT02 tables, nested-VMX pages) is handed out again first.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <stdint.h>

void page_alloc_init(uint64_t pa, uint64_t size);
/* Physical address of a zeroed 4 KiB page, or 0 when the pool is empty. */
uint64_t page_alloc(void);
/* Gives a page from page_alloc() back. */
void page_free(uint64_t pa);
/* Bytes never handed out yet (pages on the free list not counted). */
uint64_t page_alloc_free(void);

/* The core identity-maps physical memory (docs/architecture.md). */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)pa;
}

#endif
