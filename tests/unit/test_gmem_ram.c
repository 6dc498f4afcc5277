/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gmem's classification (vmx/gmem_ram.c): what L0 may touch on L1's behalf.
 * The map is the one Bochs' OVMF gives with 512 MiB (RAM with the usual
 * legacy hole), L0's region inside RAM's span, and the identity map ending
 * at 4 GiB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmx/gmem_ram.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* L0's region 0x1e000000..0x1e400000 is not in the list (reserved type) */
static const struct mem_range ram[] = {
    {0, 0xa0000},
    {0x100000, 0x1e000000},
    {0x1e400000, 512 * MiB},
};

static const struct gmem_ram map = {
    ram, 3, 0x1e000000, 4 * MiB, 4 * GiB,
};

static void test_ram_is_ram(void **state)
{
	(void)state;
	assert_true(gmem_is_ram(&map, 0, 4096));
	assert_true(gmem_is_ram(&map, 0x9f000, 4096));
	assert_true(gmem_is_ram(&map, 0x100000, 8));
	assert_true(gmem_is_ram(&map, 512 * MiB - 4096, 4096));
	assert_true(gmem_is_ram(&map, 512 * MiB - 1, 1));
	assert_true(gmem_is_ram(&map, 0x1234, 0)); /* len 0: the byte itself */
}

static void test_holes_and_mmio(void **state)
{
	(void)state;
	/* the legacy VGA/ROM hole, and a range that runs into it */
	assert_false(gmem_is_ram(&map, 0xa0000, 4096));
	assert_false(gmem_is_ram(&map, 0x9f000, 0x1001));
	/* above RAM, the xAPIC, the firmware flash */
	assert_false(gmem_is_ram(&map, 512 * MiB, 4096));
	assert_false(gmem_is_ram(&map, 512 * MiB - 4, 8));
	assert_false(gmem_is_ram(&map, 0xfee00000, 4));
	assert_false(gmem_is_ram(&map, 0xffe00000, 4096));
}

static void test_beyond_identity_map(void **state)
{
	(void)state;
	assert_false(gmem_is_ram(&map, 4 * GiB, 4096));
	assert_false(gmem_is_ram(&map, 4 * GiB - 4096, 8192));
	assert_false(gmem_is_ram(&map, ~0ull - 4095, 4096));
	assert_false(gmem_is_ram(&map, ~0ull, 2)); /* wraps */
	assert_false(gmem_is_ram(&map, 1ull << 51, 8));
}

/* RAM listed beyond the identity map is still no memory to L0 */
static void test_ram_beyond_mapped_end(void **state)
{
	static const struct mem_range big[] = {{0, 8 * GiB}};
	const struct gmem_ram m = {big, 1, 0, 0, 4 * GiB};

	(void)state;
	assert_true(gmem_is_ram(&m, 4 * GiB - 8, 8));
	assert_false(gmem_is_ram(&m, 4 * GiB - 4, 8));
	assert_false(gmem_is_ram(&m, 4 * GiB, 8));
}

static void test_l0_region(void **state)
{
	(void)state;
	assert_false(gmem_is_ram(&map, 0x1e000000, 4096));
	assert_false(gmem_is_ram(&map, 0x1e3ff000, 4096));
	assert_false(gmem_is_ram(&map, 0x1dfff000, 0x2000)); /* runs into it */
	assert_true(gmem_is_ram(&map, 0x1dfff000, 0x1000));
	assert_true(gmem_is_ram(&map, 0x1e400000, 0x1000));
}

/* Even if the RAM list wrongly held L0's region, L0's pages are not RAM. */
static void test_l0_region_listed_as_ram(void **state)
{
	static const struct mem_range all[] = {{0, 512 * MiB}};
	const struct gmem_ram m = {all, 1, 0x1e000000, 4 * MiB, 4 * GiB};

	(void)state;
	assert_false(gmem_is_ram(&m, 0x1e000000, 1));
	assert_false(gmem_is_ram(&m, 0x1e3fffff, 1));
	assert_false(gmem_is_ram(&m, 0x1dffffff, 2));
	assert_true(gmem_is_ram(&m, 0x1dffffff, 1));
	assert_true(gmem_is_ram(&m, 0x1e400000, 1));
}

static void test_empty_map(void **state)
{
	const struct gmem_ram m = {ram, 0, 0, 0, 4 * GiB};

	(void)state;
	assert_false(gmem_is_ram(&m, 0, 1));
	assert_false(gmem_is_ram(&m, 0x100000, 4096));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ram_is_ram),
	    cmocka_unit_test(test_holes_and_mmio),
	    cmocka_unit_test(test_beyond_identity_map),
	    cmocka_unit_test(test_ram_beyond_mapped_end),
	    cmocka_unit_test(test_l0_region),
	    cmocka_unit_test(test_l0_region_listed_as_ram),
	    cmocka_unit_test(test_empty_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
