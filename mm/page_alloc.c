/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/page_alloc.h"

#include "lib/spinlock.h"
#include "lib/string.h"

#define PAGE 4096ull

static struct spinlock lock;
static uint64_t next, end;
/* Pages given back, linked through their first quadword. */
static uint64_t free_list;

void page_alloc_init(uint64_t pa, uint64_t size)
{
	next = (pa + PAGE - 1) & ~(PAGE - 1);
	end = (pa + size) & ~(PAGE - 1);
}

uint64_t page_alloc(void)
{
	uint64_t pa = 0;

	spin_lock(&lock);
	if (free_list) {
		pa = free_list;
		free_list = *(uint64_t *)phys_to_virt(pa);
	} else if (next < end) {
		pa = next;
		next += PAGE;
	}
	spin_unlock(&lock);
	if (pa)
		memset(phys_to_virt(pa), 0, PAGE);
	return pa;
}

void page_free(uint64_t pa)
{
	spin_lock(&lock);
	*(uint64_t *)phys_to_virt(pa) = free_list;
	free_list = pa;
	spin_unlock(&lock);
}

uint64_t page_alloc_free(void)
{
	return end - next;
}
