/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/pagetable.h"

/* Levels as the SDM numbers the tables: 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT. */
static uint64_t level_size(int level)
{
	return 1ull << (12 + 9 * level);
}

static unsigned level_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

static uint64_t *table(const struct pt_ctx *c, uint64_t pa)
{
	return c->phys_to_virt(c->arg, pa);
}

/* SDM Vol. 3A 4.5: bits 63:47 of a linear address must all equal bit 47. */
static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* An EPT entry is present when any of R, W, X is set (SDM 29.3.2). */
static bool present(const struct pt_ctx *c, uint64_t e)
{
	return c->format == PT_EPT ? (e & EPT_RWX) != 0 : (e & PTE_P) != 0;
}

/* PS (bit 7 in both formats) makes a PDPTE a 1 GiB leaf and a PDE a 2 MiB leaf. */
static bool is_leaf(uint64_t e, int level)
{
	return level == 0 || ((level == 1 || level == 2) && (e & PTE_PS));
}

/*
 * Walks va down to the entry that ends the walk: the leaf (returns true) or
 * the first non-present entry (returns false). *level says where it ended.
 */
static bool lookup(const struct pt_ctx *c, uint64_t root, uint64_t va,
		   int *level, uint64_t **entry)
{
	uint64_t tpa = root;

	for (int l = 3;; l--) {
		uint64_t *e = &table(c, tpa)[level_index(va, l)];

		*level = l;
		*entry = e;
		if (!present(c, *e))
			return false;
		if (is_leaf(*e, l))
			return true;
		tpa = *e & PTE_ADDR;
	}
}

const char *pt_strerror(enum pt_err e)
{
	switch (e) {
	case PT_OK:
		return "ok";
	case PT_ENOMEM:
		return "out of page-table memory";
	case PT_EALIGN:
		return "address or size not 4 KiB aligned";
	case PT_ECANON:
		return "range not canonical or wraps around";
	case PT_EEXIST:
		return "range overlaps an existing mapping";
	}
	return "unknown page-table error";
}

uint64_t pt_new_root(const struct pt_ctx *c)
{
	return c->alloc_page(c->arg);
}

bool pt_translate(const struct pt_ctx *c, uint64_t root, uint64_t va,
		  uint64_t *pa, uint64_t *flags, uint64_t *page_size)
{
	int level;
	uint64_t *e;

	if (!canonical(va) || !lookup(c, root, va, &level, &e))
		return false;
	uint64_t size = level_size(level);
	*pa = (*e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	*flags = *e & ~PTE_ADDR;
	*page_size = size;
	return true;
}

static enum pt_err check_range(uint64_t va, uint64_t pa, uint64_t size)
{
	if ((va | pa | size) & (PAGE_4K - 1))
		return PT_EALIGN;
	if (!size)
		return PT_OK;
	uint64_t last = va + size - 1;

	if (last < va || !canonical(va) || !canonical(last) ||
	    ((va ^ last) >> 63))
		return PT_ECANON;
	return PT_OK;
}

/* Refuses before touching anything if any page of the range is mapped. */
static enum pt_err check_unmapped(const struct pt_ctx *c, uint64_t root,
				  uint64_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off;
		int level;
		uint64_t *e;

		if (lookup(c, root, v, &level, &e))
			return PT_EEXIST;
		/* the whole hole at this level is free: skip to its end */
		off += level_size(level) - (v & (level_size(level) - 1));
	}
	return PT_OK;
}

static int leaf_level(const struct pt_ctx *c, uint64_t v, uint64_t p,
		      uint64_t left)
{
	if (c->allow_1g && !((v | p) & (PAGE_1G - 1)) && left >= PAGE_1G)
		return 2;
	if (!((v | p) & (PAGE_2M - 1)) && left >= PAGE_2M)
		return 1;
	return 0;
}

enum pt_err pt_map(const struct pt_ctx *c, uint64_t root, uint64_t va,
		   uint64_t pa, uint64_t size, uint64_t flags)
{
	enum pt_err err = check_range(va, pa, size);

	if (err == PT_OK && size)
		err = check_unmapped(c, root, va, size);
	if (err != PT_OK || !size)
		return err;

	flags &= ~(PTE_ADDR | PTE_PS);
	/* Intermediate entries allow everything; the leaf decides. */
	uint64_t table_flags = c->format == PT_EPT ? EPT_RWX
						   : PTE_P | PTE_W | (flags & PTE_US);
	uint64_t leaf_present = c->format == PT_EPT ? 0 : PTE_P;

	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off, p = pa + off;
		int leaf = leaf_level(c, v, p, size - off);
		uint64_t tpa = root;

		for (int l = 3; l > leaf; l--) {
			uint64_t *e = &table(c, tpa)[level_index(v, l)];

			if (!present(c, *e)) {
				uint64_t n = c->alloc_page(c->arg);

				if (!n)
					return PT_ENOMEM;
				*e = n | table_flags;
			}
			tpa = *e & PTE_ADDR;
		}
		table(c, tpa)[level_index(v, leaf)] =
			p | flags | leaf_present | (leaf ? PTE_PS : 0);
		off += level_size(leaf);
	}
	return PT_OK;
}

/* Number of level-sized blocks that [va, va+size) touches. */
static uint64_t blocks(uint64_t va, uint64_t size, int level)
{
	uint64_t s = level_size(level);

	return ((va + size - 1) / s) - (va / s) + 1;
}

/* Blocks at level that a mapping cannot cover with one leaf: at most the two ends. */
static uint64_t partial_blocks(uint64_t va, uint64_t size, int level)
{
	uint64_t s = level_size(level), n = blocks(va, size, level);
	uint64_t partial = ((va & (s - 1)) != 0) + (((va + size) & (s - 1)) != 0);

	return partial < n ? partial : n;
}

uint64_t pt_pages_needed(uint64_t va, uint64_t pa, uint64_t size,
			 bool allow_1g)
{
	if (!size)
		return 0;
	/* PDPTs for every 512 GiB touched; PDs where no 1 GiB leaf fits; PTs
	 * where no 2 MiB leaf fits. Large leaves need va and pa to agree in
	 * their low bits. */
	bool same_1g = !((va ^ pa) & (PAGE_1G - 1));
	bool same_2m = !((va ^ pa) & (PAGE_2M - 1));
	uint64_t n = blocks(va, size, 3);

	n += allow_1g && same_1g ? partial_blocks(va, size, 2)
				 : blocks(va, size, 2);
	n += same_2m ? partial_blocks(va, size, 1) : blocks(va, size, 1);
	return n;
}
