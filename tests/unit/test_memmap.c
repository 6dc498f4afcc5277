/* SPDX-License-Identifier: Apache-2.0 */
/* The RAM map's range list (mm/memmap.c): sorted insert, merge, lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/memmap.h"

#define MAX 4

static struct mem_range r[MAX];
static uint32_t n;

static int reset(void **state)
{
	(void)state;
	n = 0;
	return 0;
}

static void expect_ranges(const uint64_t *want, uint32_t count)
{
	assert_int_equal(n, count);
	for (uint32_t i = 0; i < count; i++) {
		assert_int_equal(r[i].start, want[2 * i]);
		assert_int_equal(r[i].end, want[2 * i + 1]);
	}
}

static void test_sorted_insert(void **state)
{
	(void)state;
	assert_true(memmap_add(r, &n, MAX, 0x5000, 0x6000));
	assert_true(memmap_add(r, &n, MAX, 0x1000, 0x2000));
	assert_true(memmap_add(r, &n, MAX, 0x3000, 0x4000));
	const uint64_t want[] = { 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000 };

	expect_ranges(want, 3);
	assert_int_equal(memmap_top(r, n), 0x6000);
}

static void test_merge_touching_and_overlapping(void **state)
{
	(void)state;
	assert_true(memmap_add(r, &n, MAX, 0x1000, 0x2000));
	assert_true(memmap_add(r, &n, MAX, 0x3000, 0x4000));
	assert_true(memmap_add(r, &n, MAX, 0x5000, 0x6000));
	/* touches the first, overlaps the second and third: one range */
	assert_true(memmap_add(r, &n, MAX, 0x2000, 0x5800));
	const uint64_t want[] = { 0x1000, 0x6000 };

	expect_ranges(want, 1);
	/* inside: nothing changes */
	assert_true(memmap_add(r, &n, MAX, 0x1800, 0x1900));
	expect_ranges(want, 1);
}

static void test_full_list_refuses_and_keeps(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < MAX; i++)
		assert_true(memmap_add(r, &n, MAX, i * 0x10000, i * 0x10000 + 0x1000));
	assert_false(memmap_add(r, &n, MAX, 0x100000, 0x101000));
	assert_int_equal(n, MAX);
	assert_int_equal(r[MAX - 1].start, (MAX - 1) * 0x10000);
	/* a merge still fits in a full list */
	assert_true(memmap_add(r, &n, MAX, 0x1000, 0x2000));
	assert_int_equal(r[0].end, 0x2000);
	/* an empty range is ignored */
	assert_true(memmap_add(r, &n, MAX, 0x500000, 0x500000));
	assert_int_equal(n, MAX);
}

static void test_contains(void **state)
{
	(void)state;
	assert_true(memmap_add(r, &n, MAX, 0x1000, 0x3000));
	assert_true(memmap_add(r, &n, MAX, 0x4000, 0x5000));
	assert_true(memmap_contains(r, n, 0x1000, 0x2000));
	assert_true(memmap_contains(r, n, 0x2ff8, 8));
	assert_false(memmap_contains(r, n, 0x2ff8, 16));  /* runs into the hole */
	assert_false(memmap_contains(r, n, 0x2800, 0x2000)); /* spans two ranges */
	assert_false(memmap_contains(r, n, 0x3000, 1));
	assert_true(memmap_contains(r, n, 0x4fff, 0));
	assert_false(memmap_contains(r, n, 0x5000, 0));
	assert_false(memmap_contains(r, n, 0xfff, 1));
	assert_false(memmap_contains(r, n, ~0ull - 4, 16)); /* wraps */
	assert_false(memmap_contains(r, 0, 0x1000, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sorted_insert, reset),
		cmocka_unit_test_setup(test_merge_touching_and_overlapping, reset),
		cmocka_unit_test_setup(test_full_list_refuses_and_keeps, reset),
		cmocka_unit_test_setup(test_contains, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
