/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/ept02_policy.c: the EPT02 memory type against every cell of SDM
 * Vol. 3A Table 12-7 (EPT01's type in the MTRR's role, EPT12's in the
 * PAT's), the leaf-size choice, and the per-vCPU budget with its eviction
 * rule driven through a long run of faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nested/ept02_policy.h"

#define KIB4 0x1000ull
#define MIB2 0x200000ull
#define GIB1 0x40000000ull

static const unsigned types[] = {EMT_UC, EMT_WC, EMT_WT, EMT_WP, EMT_WB};

/* expect[t01 index][t12 index], written out from the table's cells */
static const unsigned expect[5][5] = {
    /* t12:  UC      WC      WT      WP      WB */
    [0] = {EMT_UC, EMT_WC, EMT_UC, EMT_UC, EMT_UC}, /* t01 UC */
    [1] = {EMT_UC, EMT_WC, EMT_UC, EMT_UC, EMT_WC}, /* t01 WC */
    [2] = {EMT_UC, EMT_WC, EMT_WT, EMT_WP, EMT_WT}, /* t01 WT */
    [3] = {EMT_UC, EMT_WC, EMT_WP, EMT_WP, EMT_WP}, /* t01 WP */
    [4] = {EMT_UC, EMT_WC, EMT_WT, EMT_WP, EMT_WB}, /* t01 WB */
};

static void memtype_table(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 5; i++)
		for (unsigned j = 0; j < 5; j++)
			assert_int_equal(ept02_memtype(types[i], types[j]),
					 expect[i][j]);
}

/* The attack of finding 6: L1 maps MMIO (UC in EPT01) as WB for L2. */
static void mmio_never_cached(void **state)
{
	(void)state;
	assert_int_equal(ept02_memtype(EMT_UC, EMT_WB), EMT_UC);
	assert_int_equal(ept02_memtype(EMT_UC, EMT_WT), EMT_UC);
	assert_int_equal(ept02_memtype(EMT_UC, EMT_WP), EMT_UC);
	/* RAM stays as L1 asked */
	assert_int_equal(ept02_memtype(EMT_WB, EMT_WB), EMT_WB);
	assert_int_equal(ept02_memtype(EMT_WB, EMT_UC), EMT_UC);
}

static void reserved_types_are_uc(void **state)
{
	(void)state;
	for (unsigned t = 2; t < 8; t++) {
		if (t == EMT_WT || t == EMT_WP || t == EMT_WB)
			continue;
		assert_int_equal(ept02_memtype(EMT_WB, t), EMT_UC);
		assert_int_equal(ept02_memtype(t, EMT_WB), EMT_UC);
	}
}

static void leaf_sizes(void **state)
{
	(void)state;
	assert_int_equal(ept02_leaf_size(KIB4, GIB1, true, true), KIB4);
	assert_int_equal(ept02_leaf_size(GIB1, KIB4, true, true), KIB4);
	assert_int_equal(ept02_leaf_size(MIB2, GIB1, true, true), MIB2);
	assert_int_equal(ept02_leaf_size(GIB1, MIB2, true, true), MIB2);
	assert_int_equal(ept02_leaf_size(GIB1, GIB1, true, true), GIB1);
	/* the CPU lacks 1 GiB EPT pages: 2 MiB */
	assert_int_equal(ept02_leaf_size(GIB1, GIB1, true, false), MIB2);
	/* nor 2 MiB: 4 KiB only */
	assert_int_equal(ept02_leaf_size(GIB1, GIB1, false, false), KIB4);
	assert_int_equal(ept02_leaf_size(GIB1, GIB1, false, true), KIB4);
	assert_int_equal(ept02_leaf_level(KIB4), 1);
	assert_int_equal(ept02_leaf_level(MIB2), 2);
	assert_int_equal(ept02_leaf_level(GIB1), 3);
}

/* A fault takes up to EPT02_FILL_MAX pages; the root stays. */
static void budget_take_and_limit(void **state)
{
	struct ept02_budget b = {.cap = 5, .used = 1};

	(void)state;
	assert_false(ept02_budget_must_evict(&b)); /* 1 + 3 <= 5 */
	assert_true(ept02_budget_take(&b));
	assert_false(ept02_budget_must_evict(&b)); /* 2 + 3 <= 5 */
	assert_true(ept02_budget_take(&b));
	assert_true(ept02_budget_must_evict(&b)); /* 3 + 3 > 5 */
	assert_true(ept02_budget_take(&b));
	assert_true(ept02_budget_take(&b));
	assert_false(ept02_budget_take(&b)); /* never beyond the cap */
	assert_int_equal(b.used, 5);
	assert_int_equal(b.high_water, 5);
	ept02_budget_reset(&b, true);
	assert_int_equal(b.used, 1);
	assert_int_equal(b.evictions, 1);
	assert_false(ept02_budget_must_evict(&b));
	ept02_budget_reset(&b, false); /* INVEPT: not an eviction */
	assert_int_equal(b.evictions, 1);
}

/*
 * The L2 of the system test: one 4 KiB fault per 2 MiB over 8 GiB, each a
 * new PT (and a new PD per GiB). The model tree below stands for EPT02:
 * every fault must find room, used never passes cap, and the evictions are
 * what the arithmetic says.
 */
static void budget_long_run(void **state)
{
	const uint32_t cap = 64;
	struct ept02_budget b = {.cap = cap, .used = 1};
	uint64_t have_pdpt = 0, have_pd = ~0ull, pts = 0;

	(void)state;
	for (uint64_t i = 0; i < 4096; i++) {
		uint64_t gib = i / 512;
		unsigned need = 0;

		if (ept02_budget_must_evict(&b)) {
			ept02_budget_reset(&b, true);
			have_pdpt = 0;
			have_pd = ~0ull;
		}
		if (!have_pdpt) {
			need++;
			have_pdpt = 1;
		}
		if (have_pd != gib) {
			need++;
			have_pd = gib;
		}
		need++; /* the PT */
		for (unsigned k = 0; k < need; k++)
			assert_true(ept02_budget_take(&b));
		assert_true(b.used <= cap);
		pts++;
	}
	assert_int_equal(pts, 4096);
	assert_true(b.evictions >= 4096 / cap);
	assert_true(b.evictions <= 4096 / (cap - 1 - EPT02_FILL_MAX) + 1);
	assert_true(b.high_water <= cap);
}

static void budget_min_always_fits(void **state)
{
	struct ept02_budget b = {.cap = EPT02_BUDGET_MIN, .used = 1};

	(void)state;
	assert_false(ept02_budget_must_evict(&b));
	for (unsigned k = 0; k < EPT02_FILL_MAX; k++)
		assert_true(ept02_budget_take(&b));
	assert_true(ept02_budget_must_evict(&b));
	ept02_budget_reset(&b, true);
	assert_false(ept02_budget_must_evict(&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(memtype_table),
	    cmocka_unit_test(mmio_never_cached),
	    cmocka_unit_test(reserved_types_are_uc),
	    cmocka_unit_test(leaf_sizes),
	    cmocka_unit_test(budget_take_and_limit),
	    cmocka_unit_test(budget_long_run),
	    cmocka_unit_test(budget_min_always_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
