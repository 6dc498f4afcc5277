/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VT-d tables L0 builds (drivers/vtd_tables.c) walked in host memory:
 * identity read/write everywhere below the top except L0's region and the
 * units' registers, page by page against a model; 3- and 4-level roots;
 * root and context entries; running out of pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_tables.h"

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

static struct pool pool;
static struct pt_ctx ctx = {pool_alloc, host_virt, &pool, false, PT_X86};

/* QEMU q35's layout as the core saw it (iommu-selftest's log). */
#define L0_START 0x1dbab000ull
#define L0_END	 0x1de3a000ull
#define UNIT	 0xfed90000ull
#define TOP	 0x100000000ull

static int setup(void **state)
{
	(void)state;
	pool.pages = 256;
	pool.used = 0;
	pool.base = aligned_alloc(PAGE_4K, pool.pages * PAGE_4K);
	return pool.base ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(pool.base);
	return 0;
}

static void holes(struct vtd_holes *h)
{
	*h = (struct vtd_holes){.n = 0};
	/* added out of order: the list sorts itself */
	assert_true(vtd_hole_add(h, UNIT, UNIT + PAGE_4K));
	assert_true(vtd_hole_add(h, L0_START, L0_END));
	assert_int_equal(h->r[0].start, L0_START);
}

static bool blocked(uint64_t a)
{
	return (a >= L0_START && a < L0_END) ||
	       (a >= UNIT && a < UNIT + PAGE_4K) || a >= TOP;
}

static void expect_map(uint64_t root, uint64_t a)
{
	struct pt_ctx e = ctx;
	uint64_t pa, flags, size;

	e.format = PT_EPT;
	bool mapped = pt_translate(&e, root, a, &pa, &flags, &size);

	if (blocked(a)) {
		if (mapped)
			fail_msg("0x%llx is mapped but must be blocked",
				 (unsigned long long)a);
		return;
	}
	if (!mapped)
		fail_msg("0x%llx is not mapped", (unsigned long long)a);
	assert_int_equal(pa, a);
	assert_int_equal(
	    flags & (EPT_RWX | (7ull << EPT_MT_SHIFT) | EPT_IGNORE_PAT),
	    EPT_R | EPT_W);
}

static void test_identity_minus_holes(void **state)
{
	(void)state;
	struct vtd_plan p = {
	    .levels = 4, .large_1g = true, .did = 1, .top = TOP};
	struct vtd_holes h;
	enum pt_err err;

	holes(&h);
	uint64_t root = vtd_build_slpt(&ctx, &p, &h, &err);

	assert_int_equal(err, PT_OK);
	assert_true(root);
	/* every page around both holes, and samples elsewhere */
	for (uint64_t a = L0_START - 0x200000; a < L0_END + 0x200000;
	     a += PAGE_4K)
		expect_map(root, a);
	for (uint64_t a = UNIT - 0x10000; a < UNIT + 0x10000; a += PAGE_4K)
		expect_map(root, a);
	for (uint64_t a = 0; a < TOP + 0x40000000; a += 0x1000000 + PAGE_4K)
		expect_map(root, a);
	expect_map(root, TOP - 1);
	expect_map(root, TOP);
	/* large pages where nothing is in the way */
	struct pt_ctx e = ctx;
	uint64_t pa, flags, size;

	e.format = PT_EPT;
	assert_true(pt_translate(&e, root, 0x40000000, &pa, &flags, &size));
	assert_int_equal(size, PAGE_1G);
	assert_true(pt_translate(&e, root, 0x20000000, &pa, &flags, &size));
	assert_int_equal(size, PAGE_2M);
	assert_true(pool.used < 32); /* a few pages, not a 4 KiB map of 4 GiB */
}

static void test_three_levels_and_entries(void **state)
{
	(void)state;
	struct vtd_plan p = {
	    .levels = 3, .large_1g = false, .did = 1, .top = TOP};
	struct vtd_holes h;
	enum pt_err err;

	holes(&h);
	uint64_t pdpt = vtd_build_slpt(&ctx, &p, &h, &err);
	/* the PML4 was the first page taken: its entry 0 is what 3 levels start
	 * at */
	uint64_t pml4 = (uint64_t)(uintptr_t)pool.base;

	assert_int_equal(err, PT_OK);
	assert_int_equal(pdpt, ((uint64_t *)(uintptr_t)pml4)[0] & PTE_ADDR);
	for (uint64_t a = L0_START - 0x10000; a < L0_END + 0x10000;
	     a += PAGE_4K)
		expect_map(pml4, a);
	struct pt_ctx e = ctx;
	uint64_t pa, flags, size;

	e.format = PT_EPT;
	assert_true(pt_translate(&e, pml4, 0x40000000, &pa, &flags, &size));
	assert_int_equal(size, PAGE_2M); /* no 1 GiB pages in this plan */

	uint64_t root = vtd_build_root(&ctx, &p, pdpt);
	const uint64_t *r = (const uint64_t *)(uintptr_t)root;

	assert_true(root);
	uint64_t ctxt = r[0] & PTE_ADDR;
	const uint64_t *c = (const uint64_t *)(uintptr_t)ctxt;

	for (unsigned i = 0; i < 256; i++) {
		assert_int_equal(r[2 * i],
				 ctxt | 1); /* present, one context table */
		assert_int_equal(r[2 * i + 1], 0);
		assert_int_equal(c[2 * i],
				 pdpt | 1); /* present, T = 00, FPD = 0 */
		assert_int_equal(c[2 * i + 1],
				 1 | 1 << 8); /* AW 39-bit, domain 1 */
	}
	p.levels = 4;
	p.did = 5;
	root = vtd_build_root(&ctx, &p, 0x123000);
	c = (const uint64_t *)(uintptr_t)(((const uint64_t *)(uintptr_t)
					       root)[0] &
					  PTE_ADDR);
	assert_int_equal(c[255 * 2 + 1], 2 | 5 << 8); /* AW 48-bit, domain 5 */
	assert_int_equal(c[255 * 2], 0x123000 | 1);
}

static void test_out_of_pages(void **state)
{
	(void)state;
	struct vtd_plan p = {
	    .levels = 4, .large_1g = false, .did = 1, .top = TOP};
	struct vtd_holes h;
	enum pt_err err;

	holes(&h);
	pool.pages = 3;
	assert_int_equal(vtd_build_slpt(&ctx, &p, &h, &err), 0);
	assert_int_equal(err, PT_ENOMEM);
	pool.used = 2;
	assert_int_equal(vtd_build_root(&ctx, &p, 0x1000), 0);
}

static void test_hole_list_full(void **state)
{
	(void)state;
	struct vtd_holes h = {.n = 0};

	for (unsigned i = 0; i < DMAR_UNITS_MAX + 1; i++)
		assert_true(vtd_hole_add(&h, (DMAR_UNITS_MAX - i) * PAGE_4K,
					 (DMAR_UNITS_MAX - i + 1) * PAGE_4K));
	assert_false(vtd_hole_add(&h, 0x100000, 0x101000));
	for (unsigned i = 1; i < h.n; i++)
		assert_true(h.r[i - 1].start < h.r[i].start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_identity_minus_holes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_three_levels_and_entries,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_pages, setup, teardown),
	    cmocka_unit_test(test_hole_list_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
