/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mm/pagetable.c on the host: "physical" pages are host pages, so the tables
 * the loader builds for the core are built and walked here for real.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/pagetable.h"

struct pool {
	uint8_t *base;
	size_t pages, used;
};

static uint64_t pool_alloc(void *arg)
{
	struct pool *p = arg;

	if (p->used == p->pages)
		return 0;
	uint8_t *page = p->base + p->used++ * PAGE_4K;

	memset(page, 0, PAGE_4K);
	return (uint64_t)(uintptr_t)page;
}

static void *host_virt(void *arg, uint64_t pa)
{
	(void)arg;
	return (void *)(uintptr_t)pa;
}

struct fixture {
	struct pool pool;
	struct pt_ctx ctx;
	uint64_t root;
};

static struct fixture *make(size_t pages, bool allow_1g)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->pool.base = aligned_alloc(PAGE_4K, pages * PAGE_4K);
	f->pool.pages = pages;
	f->ctx = (struct pt_ctx){ pool_alloc, host_virt, &f->pool, allow_1g, PT_X86 };
	f->root = pt_new_root(&f->ctx);
	assert_int_not_equal(f->root, 0);
	return f;
}

static void destroy(struct fixture *f)
{
	free(f->pool.base);
	free(f);
}

/* Asserts va maps to pa with the given page size and leaf flags set. */
static void expect_map(struct fixture *f, uint64_t va, uint64_t pa,
		       uint64_t size, uint64_t flags)
{
	uint64_t got_pa, got_flags, got_size;

	assert_true(pt_translate(&f->ctx, f->root, va, &got_pa, &got_flags,
				 &got_size));
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_size, size);
	assert_int_equal(got_flags & flags, flags);
}

static void expect_unmapped(struct fixture *f, uint64_t va)
{
	uint64_t pa, flags, size;

	assert_false(pt_translate(&f->ctx, f->root, va, &pa, &flags, &size));
}

static void identity_4g_2m_pages(void **state)
{
	(void)state;
	struct fixture *f = make(16, false);

	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 4ull << 30, PTE_W), PT_OK);
	/* root + 1 PDPT + 4 PDs */
	assert_int_equal(f->pool.used, 6);
	assert_int_equal(pt_pages_needed(0, 0, 4ull << 30, false), 5);
	expect_map(f, 0, 0, PAGE_2M, PTE_P | PTE_W | PTE_PS);
	expect_map(f, 0x12345678, 0x12345678, PAGE_2M, PTE_P | PTE_W | PTE_PS);
	expect_map(f, 0xfee00000, 0xfee00000, PAGE_2M, PTE_P | PTE_W);
	expect_map(f, (4ull << 30) - 1, (4ull << 30) - 1, PAGE_2M, PTE_P);
	expect_unmapped(f, 4ull << 30);
	destroy(f);
}

static void identity_with_1g_pages(void **state)
{
	(void)state;
	struct fixture *f = make(4, true);

	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 64ull << 30, PTE_W), PT_OK);
	assert_int_equal(f->pool.used, 2); /* root + 1 PDPT */
	assert_int_equal(pt_pages_needed(0, 0, 64ull << 30, true), 1);
	expect_map(f, (63ull << 30) + 5, (63ull << 30) + 5, PAGE_1G, PTE_PS);
	expect_unmapped(f, 64ull << 30);
	destroy(f);
}

static void unaligned_edges_use_small_pages(void **state)
{
	(void)state;
	struct fixture *f = make(16, true);
	uint64_t va = 0x1ff000, size = 0x402000; /* 4K, 2M, 2M, 4K */

	assert_int_equal(pt_map(&f->ctx, f->root, va, va, size, PTE_W), PT_OK);
	expect_map(f, 0x1ff000, 0x1ff000, PAGE_4K, PTE_W);
	expect_map(f, 0x200000, 0x200000, PAGE_2M, PTE_PS);
	expect_map(f, 0x5fffff, 0x5fffff, PAGE_2M, PTE_PS);
	expect_map(f, 0x600000, 0x600000, PAGE_4K, PTE_W);
	expect_unmapped(f, 0x1fe000);
	expect_unmapped(f, 0x601000);
	assert_true(f->pool.used - 1 <= pt_pages_needed(va, va, size, true));
	destroy(f);
}

static void high_half_core_mapping(void **state)
{
	(void)state;
	struct fixture *f = make(16, true);
	uint64_t va = 0xffffffff80000000ull, pa = 0x1234000, size = 0x300000;

	assert_int_equal(pt_map(&f->ctx, f->root, va, pa, size, PTE_W), PT_OK);
	/* va and pa disagree modulo 2 MiB: every page is a 4 KiB page */
	for (uint64_t off = 0; off < size; off += PAGE_4K)
		expect_map(f, va + off + 8, pa + off + 8, PAGE_4K, PTE_P | PTE_W);
	expect_unmapped(f, va + size);
	expect_unmapped(f, va - PAGE_4K);
	assert_true(f->pool.used - 1 <= pt_pages_needed(va, pa, size, true));
	/* root + PDPT + PD + 2 PTs */
	assert_int_equal(f->pool.used, 5);
	destroy(f);
}

static void both_mappings_in_one_root(void **state)
{
	(void)state;
	struct fixture *f = make(16, false);

	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 4ull << 30, PTE_W), PT_OK);
	assert_int_equal(pt_map(&f->ctx, f->root, 0xffffffff80000000ull,
				0x7f000000, 0x10000, PTE_W),
			 PT_OK);
	expect_map(f, 0x7f000123, 0x7f000123, PAGE_2M, PTE_PS);
	expect_map(f, 0xffffffff80000123ull, 0x7f000123, PAGE_4K, PTE_W);
	destroy(f);
}

static void flags_reach_the_leaf(void **state)
{
	(void)state;
	struct fixture *f = make(8, false);
	uint64_t pa, flags, size;

	assert_int_equal(pt_map(&f->ctx, f->root, 0x400000, 0x800000, PAGE_4K,
				PTE_US | PTE_NX),
			 PT_OK);
	assert_true(pt_translate(&f->ctx, f->root, 0x400000, &pa, &flags, &size));
	assert_int_equal(pa, 0x800000);
	assert_true(flags & PTE_NX);
	assert_true(flags & PTE_US);
	assert_false(flags & PTE_W);
	/* a user page needs US on every level above it (SDM 4.6.1) */
	uint64_t *pml4 = (uint64_t *)(uintptr_t)f->root;

	assert_true(pml4[0] & PTE_US);
	destroy(f);
}

static void bad_ranges_are_refused(void **state)
{
	(void)state;
	struct fixture *f = make(8, false);

	assert_int_equal(pt_map(&f->ctx, f->root, 0x1001, 0, PAGE_4K, 0), PT_EALIGN);
	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0x10, PAGE_4K, 0), PT_EALIGN);
	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 0x800, 0), PT_EALIGN);
	/* first non-canonical address, and a range running into the hole */
	assert_int_equal(pt_map(&f->ctx, f->root, 0x0000800000000000ull, 0,
				PAGE_4K, 0),
			 PT_ECANON);
	assert_int_equal(pt_map(&f->ctx, f->root, 0x00007ffffffff000ull, 0,
				2 * PAGE_4K, 0),
			 PT_ECANON);
	assert_int_equal(pt_map(&f->ctx, f->root, 0xfffffffffffff000ull, 0,
				2 * PAGE_4K, 0),
			 PT_ECANON);
	assert_int_equal(f->pool.used, 1); /* nothing was allocated */
	assert_int_equal(pt_map(&f->ctx, f->root, 0x5000, 0x5000, 0, 0), PT_OK);
	assert_int_equal(f->pool.used, 1);
	expect_unmapped(f, 0x0000800000000000ull);
	destroy(f);
}

static void overlap_changes_nothing(void **state)
{
	(void)state;
	struct fixture *f = make(16, false);

	assert_int_equal(pt_map(&f->ctx, f->root, 0x200000, 0x200000, PAGE_2M,
				PTE_W),
			 PT_OK);
	size_t used = f->pool.used;

	/* overlaps the 2 MiB page at its last 4 KiB */
	assert_int_equal(pt_map(&f->ctx, f->root, 0x100000, 0x900000, 0x101000,
				PTE_W),
			 PT_EEXIST);
	assert_int_equal(pt_map(&f->ctx, f->root, 0x3ff000, 0, PAGE_4K, 0),
			 PT_EEXIST);
	assert_int_equal(f->pool.used, used);
	expect_map(f, 0x3ff000, 0x3ff000, PAGE_2M, PTE_W);
	expect_unmapped(f, 0x100000);
	destroy(f);
}

static void running_out_of_pages(void **state)
{
	(void)state;
	struct fixture *f = make(3, false); /* root + PDPT + one PD */

	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 2ull << 30, PTE_W),
			 PT_ENOMEM);
	expect_map(f, 0x1000, 0x1000, PAGE_2M, PTE_W); /* the first GiB made it */
	expect_unmapped(f, 1ull << 30);
	assert_string_equal(pt_strerror(PT_ENOMEM), "out of page-table memory");
	assert_string_equal(pt_strerror(PT_EEXIST),
			    "range overlaps an existing mapping");
	destroy(f);
}

static void translate_rejects_non_canonical(void **state)
{
	(void)state;
	struct fixture *f = make(4, true);

	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 1ull << 30, 0), PT_OK);
	expect_unmapped(f, 0x0000800000000000ull);
	expect_unmapped(f, 0xffff000000000000ull); /* canonical but unmapped */
	destroy(f);
}

/* EPT trees: presence is any of R/W/X, no P bit is forced, the memory type stays. */
static void ept_format(void **state)
{
	(void)state;
	struct fixture *f = make(16, true);
	uint64_t pa, flags, size, wb = 6ull << EPT_MT_SHIFT, uc = 0;

	f->ctx.format = PT_EPT;
	assert_int_equal(pt_map(&f->ctx, f->root, 0, 0, 1ull << 30,
				EPT_RWX | wb),
			 PT_OK);
	assert_int_equal(pt_map(&f->ctx, f->root, 1ull << 30, 0x12345000,
				PAGE_4K, EPT_R | uc),
			 PT_OK);
	assert_true(pt_translate(&f->ctx, f->root, 0x1000, &pa, &flags, &size));
	assert_int_equal(size, PAGE_1G);
	assert_int_equal(flags & (EPT_RWX | (7ull << EPT_MT_SHIFT)), EPT_RWX | wb);
	assert_true(pt_translate(&f->ctx, f->root, (1ull << 30) + 8, &pa, &flags,
				 &size));
	assert_int_equal(pa, 0x12345008);
	assert_int_equal(size, PAGE_4K);
	assert_int_equal(flags & EPT_RWX, EPT_R);
	/* the tables on the way are RWX so the leaf alone decides */
	uint64_t *pml4 = (uint64_t *)(uintptr_t)f->root;

	assert_int_equal(pml4[0] & EPT_RWX, EPT_RWX);
	/* a range overlapping an execute-only-free leaf is still refused */
	assert_int_equal(pt_map(&f->ctx, f->root, 0x200000, 0, PAGE_4K, EPT_R),
			 PT_EEXIST);
	expect_unmapped(f, (1ull << 30) + PAGE_4K);
	destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_4g_2m_pages),
		cmocka_unit_test(identity_with_1g_pages),
		cmocka_unit_test(unaligned_edges_use_small_pages),
		cmocka_unit_test(high_half_core_mapping),
		cmocka_unit_test(both_mappings_in_one_root),
		cmocka_unit_test(flags_reach_the_leaf),
		cmocka_unit_test(bad_ranges_are_refused),
		cmocka_unit_test(overlap_changes_nothing),
		cmocka_unit_test(running_out_of_pages),
		cmocka_unit_test(translate_rejects_non_canonical),
		cmocka_unit_test(ept_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
