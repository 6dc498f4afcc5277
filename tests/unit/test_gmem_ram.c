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
#include <string.h>

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

/*
 * gmem_ram_copy on a small machine: physical 0..0x5000 in a host array, RAM
 * at 0x1000..0x3000, L0's region at 0x4000..0x5000 (listed as RAM by
 * mistake, to show it is still left alone); virt() fails the test for any
 * address that is not RAM, so "never dereferenced" is checked too.
 */
static uint8_t phys[0x5000];
static unsigned virt_calls;
static const struct mem_range small_ram[] = {{0x1000, 0x3000},
					     {0x4000, 0x5000}};
static const struct gmem_ram small = {small_ram, 2, 0x4000, 0x1000, 4 * GiB};

static void *virt(uint64_t pa)
{
	if (!(pa >= 0x1000 && pa < 0x3000))
		fail_msg("L0 dereferenced 0x%llx", (unsigned long long)pa);
	virt_calls++;
	return phys + pa;
}

static void fill(void)
{
	for (unsigned i = 0; i < sizeof(phys); i++)
		phys[i] = (uint8_t)i;
	virt_calls = 0;
}

static void test_copy_read(void **state)
{
	uint8_t buf[32];

	(void)state;
	fill();
	/* wholly RAM, across a page boundary inside RAM */
	assert_true(gmem_ram_copy(&small, virt, 0x1ff0, buf, 32, false));
	assert_memory_equal(buf, phys + 0x1ff0, 32);
	assert_int_equal(virt_calls, 2);
	/* the end of RAM: 16 bytes read, 16 all ones */
	assert_false(gmem_ram_copy(&small, virt, 0x2ff0, buf, 32, false));
	assert_memory_equal(buf, phys + 0x2ff0, 16);
	for (unsigned i = 16; i < 32; i++)
		assert_int_equal(buf[i], 0xff);
	/* below RAM, L0's region, beyond everything: all ones */
	assert_false(gmem_ram_copy(&small, virt, 0x0ff8, buf, 8, false));
	assert_false(gmem_ram_copy(&small, virt, 0x4000, buf, 32, false));
	assert_false(gmem_ram_copy(&small, virt, 1ull << 32, buf, 32, false));
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(buf[i], 0xff);
	/* nothing to do */
	assert_true(gmem_ram_copy(&small, virt, 0x9000, buf, 0, false));
}

static void test_copy_write(void **state)
{
	uint8_t buf[32], before[sizeof(phys)];

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	fill();
	memcpy(before, phys, sizeof(phys));
	/* half into RAM, half dropped */
	assert_false(gmem_ram_copy(&small, virt, 0x2ff0, buf, 32, true));
	assert_memory_equal(phys + 0x2ff0, buf, 16);
	assert_memory_equal(phys + 0x3000, before + 0x3000, 0x2000);
	/* L0's region and below RAM: nothing written */
	assert_false(gmem_ram_copy(&small, virt, 0x4100, buf, 32, true));
	assert_false(gmem_ram_copy(&small, virt, 0x0ff0, buf, 16, true));
	assert_memory_equal(phys, before, 0x1000);
	assert_memory_equal(phys + 0x4000, before + 0x4000, 0x1000);
	/* RAM: written */
	assert_true(gmem_ram_copy(&small, virt, 0x1800, buf, 32, true));
	assert_memory_equal(phys + 0x1800, buf, 32);
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
	    cmocka_unit_test(test_copy_read),
	    cmocka_unit_test(test_copy_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
