/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 4-level x86-64 page tables (SDM Vol. 3A 4.5). Pure logic: memory comes from
 * the caller's allocator and is reached through its phys_to_virt, so the
 * loader (identity-mapped UEFI) and the host unit tests use the same code.
 */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define PAGE_1G 0x40000000ull

/* EPT entries (SDM Vol. 3C 29.3.2): same tree, other bits. */
#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT 3 /* memory type of a leaf, bits 5:3 */
#define EPT_IGNORE_PAT (1ull << 6)

enum pt_format { PT_X86 = 0, PT_EPT = 1 };

struct pt_ctx {
	/* Returns the physical address of a zeroed 4 KiB page, or 0. */
	uint64_t (*alloc_page)(void *arg);
	void *(*phys_to_virt)(void *arg, uint64_t pa);
	void *arg;
	bool allow_1g; /* CPUID.80000001H:EDX.Page1GB, or EPT 1 GiB pages */
	enum pt_format format;
};

enum pt_err {
	PT_OK = 0,
	PT_ENOMEM,    /* the allocator ran out */
	PT_EALIGN,    /* va, pa or size not 4 KiB aligned */
	PT_ECANON,    /* va range not canonical or wraps */
	PT_EEXIST,    /* part of the range is mapped already */
};

const char *pt_strerror(enum pt_err e);

/* A fresh empty root (PML4); 0 if the allocator is empty. */
uint64_t pt_new_root(const struct pt_ctx *c);

/*
 * Maps [va, va+size) to [pa, pa+size) with leaf flags (PTE_P is implied
 * for PT_X86; for PT_EPT the flags give the access bits and memory type),
 * using 1 GiB and 2 MiB pages wherever va and pa are aligned for them. On an
 * error nothing already mapped is changed, but tables allocated on the way
 * may stay (empty or partly filled for the new range).
 */
enum pt_err pt_map(const struct pt_ctx *c, uint64_t root, uint64_t va,
		   uint64_t pa, uint64_t size, uint64_t flags);

/*
 * Walks va. Returns false if unmapped; else the physical address, the leaf
 * entry's flags (address bits cleared) and the leaf page size.
 */
bool pt_translate(const struct pt_ctx *c, uint64_t root, uint64_t va,
		  uint64_t *pa, uint64_t *flags, uint64_t *page_size);

/*
 * Pages pt_map needs at most for one range into an empty root (for sizing a
 * pool up front); the root itself is not counted.
 */
uint64_t pt_pages_needed(uint64_t va, uint64_t pa, uint64_t size,
			 bool allow_1g);

#endif
