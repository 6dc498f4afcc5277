/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/ept.c's bound on EPT01 (issue 9, finding 4), on host memory: the pool
 * (page_alloc) and the MTRRs (mtrr_read) are stubbed here, physical
 * addresses are host pointers. After ept01_build nothing may come from the
 * pool; L1 touching every GiB of a 40-bit space, with or without 1 GiB
 * pages, must always be answered (mapped or sent to the sink) with EPT01's
 * table pages within ept01_table_bound(); the sink shows the scratch page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/mtrr.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "vmx/ept.h"

#define GIB	  (1ull << 30)
#define MIB2	  (1ull << 21)
#define HOLE_PA	  0x1000000ull
#define HOLE_SIZE 0x300000ull
#define APIC_PA	  0xfee00000ull
#define BITS	  40

#define ARENA_PAGES 512

static unsigned pool_calls;
static bool pool_open;
static uint8_t arena[ARENA_PAGES][4096] __attribute__((aligned(4096)));

/* --- stubs of what the core provides --- */

uint64_t page_alloc(void)
{
	assert_true(pool_open); /* only ept01_build may take pages */
	assert_true(pool_calls < ARENA_PAGES);
	memset(arena[pool_calls], 0, 4096);
	return (uint64_t)arena[pool_calls++];
}

void page_free(uint64_t pa)
{
	(void)pa;
}

/* MTRRs on, default UC, RAM [0, 512 MiB) WB; one WB 2 MiB range at 5 GiB. */
void mtrr_read(struct mtrr_state *s)
{
	memset(s, 0, sizeof(*s));
	s->cap = 2;
	s->def_type = MTRR_DEF_TYPE_E | MTRR_UC;
	s->var[0].base = 0 | MTRR_WB;
	s->var[0].mask = (((1ull << BITS) - 1) & ~(512ull * 1024 * 1024 - 1)) |
			 MTRR_PHYSMASK_V;
	s->var[1].base = (5 * GIB) | MTRR_WB;
	s->var[1].mask = (((1ull << BITS) - 1) & ~(MIB2 - 1)) | MTRR_PHYSMASK_V;
	s->phys_bits = BITS;
}

/* --- helpers --- */

static void build(bool allow_1g)
{
	pool_open = true;
	pool_calls = 0;
	assert_true(ept01_build(&ept01, 4 * GIB, HOLE_PA, HOLE_SIZE, APIC_PA,
				allow_1g));
	pool_open = false;
	/* root and start-up tables, scratch page, sinks, demand reserve */
	assert_int_equal(pool_calls,
			 ept01.table_pages + 1 + EPT01_DEMAND_PAGES);
	assert_int_equal(ept01.demand_left, EPT01_DEMAND_PAGES);
}

static void touch_every_gib(void)
{
	uint64_t bound = ept01_table_bound(&ept01);

	for (uint64_t a = 4 * GIB; a < (1ull << BITS); a += GIB) {
		assert_true(ept01_map_on_demand(&ept01, a + 0x1234));
		assert_true(ept01.table_pages <= bound);
		assert_int_equal(ept01_table_bound(&ept01), bound);
	}
}

/* --- tests --- */

static void gib_leaves_use_one_table(void **state)
{
	uint64_t hpa, flags, size, before;

	(void)state;
	build(true);
	before = ept01.table_pages;
	touch_every_gib();
	/* GiB 5 has two types: 2 MiB leaves there (one PD); one PDPT for the
	 * second 512 GiB */
	assert_true(ept01.table_pages - before <= 2);
	assert_int_equal(ept01.sinks, 0);
	assert_true(ept01_lookup_size(7 * GIB + 5, &hpa, &flags, &size));
	assert_int_equal(hpa, 7 * GIB + 5);
	assert_int_equal(size, GIB);
	assert_int_equal((flags >> EPT_MT_SHIFT) & 7, MTRR_UC);
	assert_true(ept01_lookup_size(5 * GIB, &hpa, &flags, &size));
	assert_int_equal(size, MIB2);
	assert_int_equal((flags >> EPT_MT_SHIFT) & 7, MTRR_WB);
}

static void reserve_runs_out_into_the_sink(void **state)
{
	uint64_t hpa, flags, size;

	(void)state;
	build(false);
	touch_every_gib(); /* 1020 GiBs, one PD each: far beyond 64 */
	assert_int_equal(ept01.demand_left, 0);
	assert_true(ept01.sinks > 0);
	assert_int_equal(ept01.table_pages, ept01_table_bound(&ept01));
	/* the last GiB went to the sink: the scratch page, WB, full access */
	assert_true(ept01_lookup_size((1ull << BITS) - GIB + 0x1234, &hpa,
				      &flags, &size));
	assert_int_equal(hpa, ept01.scratch_pa + 0x234);
	assert_int_equal(size, 4096);
	assert_int_equal(flags & EPT_RWX, EPT_RWX);
	assert_int_equal((flags >> EPT_MT_SHIFT) & 7, MTRR_WB);
	/* a sink GiB is mapped everywhere inside: no further fault */
	assert_true(ept01_lookup_size((1ull << BITS) - 1, &hpa, &flags, &size));
	assert_int_equal(hpa, ept01.scratch_pa + 0xfff);
	/* an early GiB kept its real 2 MiB identity leaf */
	assert_true(ept01_lookup_size(6 * GIB + 0x10, &hpa, &flags, &size));
	assert_int_equal(hpa, 6 * GIB + 0x10);
	assert_int_equal(size, MIB2);
}

static void refusals_and_races(void **state)
{
	(void)state;
	build(true);
	/* L0's region and addresses beyond the width: never mapped */
	assert_false(ept01_map_on_demand(&ept01, HOLE_PA + 0x1000));
	assert_false(ept01_map_on_demand(&ept01, 1ull << BITS));
	/* the xAPIC page is read-only: a write fault there is real */
	assert_false(ept01_map_on_demand(&ept01, APIC_PA));
	/* mapped by another CPU first: retry, not a stop */
	assert_true(ept01_map_on_demand(&ept01, 9 * GIB));
	assert_true(ept01_map_on_demand(&ept01, 9 * GIB + 8));
	/* RAM below the start-up end is mapped with full access */
	assert_true(ept01_map_on_demand(&ept01, 0x100000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gib_leaves_use_one_table),
	    cmocka_unit_test(reserve_runs_out_into_the_sink),
	    cmocka_unit_test(refusals_and_races),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
