/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/bitmap.c: vmcs02's MSR bitmap is L0's OR L1's (all ones when L1
 * has none); its I/O bitmaps are L1's, all ones for unconditional I/O
 * exiting, zeros when L1 gives none. Also with outputs aliasing inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/bitmap.h"
#include "nested/msr_holes.h"

#define PAGE BITMAP_PAGE_SIZE

static uint8_t l0[PAGE], l1[PAGE], l1b[PAGE], out[PAGE], out_b[PAGE];

/* A reproducible pattern with every byte value likely to show up. */
static void pattern(uint8_t *p, uint32_t seed)
{
	size_t i;

	for (i = 0; i < PAGE; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static bool msr_bit(const uint8_t *bm, unsigned quarter, uint32_t msr)
{
	uint32_t i = msr & 0x1fff;

	return (bm[quarter * 1024 + i / 8] >> (i % 8)) & 1;
}

static void set_msr_bit(uint8_t *bm, unsigned quarter, uint32_t msr)
{
	uint32_t i = msr & 0x1fff;

	bm[quarter * 1024 + i / 8] |= (uint8_t)(1u << (i % 8));
}

static void assert_all(const uint8_t *p, uint8_t value)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		if (p[i] != value)
			fail_msg("byte %zu is 0x%02x, not 0x%02x", i, p[i],
				 value);
}

enum { READ_LOW, READ_HIGH, WRITE_LOW, WRITE_HIGH };

static void msr_l0_wins(void **state)
{
	(void)state;
	memset(l0, 0, PAGE);
	memset(l1, 0, PAGE);
	/* L0 intercepts reads of IA32_FEATURE_CONTROL, L1 writes of EFER */
	set_msr_bit(l0, READ_LOW, 0x3a);
	set_msr_bit(l1, WRITE_HIGH, 0xc0000080);
	memset(out, 0x5a, PAGE);
	bitmap_merge_msr(out, l0, l1);
	assert_true(msr_bit(out, READ_LOW, 0x3a));
	assert_true(msr_bit(out, WRITE_HIGH, 0xc0000080));
	assert_false(msr_bit(out, WRITE_LOW, 0x3a));
	assert_false(msr_bit(out, READ_HIGH, 0xc0000080));
	assert_false(msr_bit(out, READ_LOW, 0x3b));
}

static void msr_or_every_byte(void **state)
{
	size_t i;

	(void)state;
	pattern(l0, 1);
	pattern(l1, 2);
	bitmap_merge_msr(out, l0, l1);
	for (i = 0; i < PAGE; i++) {
		/* nothing lost from either side, nothing added */
		assert_int_equal(out[i] & l0[i], l0[i]);
		assert_int_equal(out[i] & l1[i], l1[i]);
		assert_int_equal(out[i] & ~(l0[i] | l1[i]), 0);
	}
}

static void msr_l1_without_bitmap(void **state)
{
	(void)state;
	memset(l0, 0, PAGE);
	memset(out, 0, PAGE);
	bitmap_merge_msr(out, l0, NULL);
	assert_all(out, 0xff);
}

static void msr_aliasing(void **state)
{
	uint8_t want[PAGE];
	size_t i;

	(void)state;
	pattern(l0, 3);
	pattern(l1, 4);
	for (i = 0; i < PAGE; i++)
		want[i] = l0[i] | l1[i];
	bitmap_merge_msr(l1, l0, l1);
	assert_memory_equal(l1, want, PAGE);
	pattern(l1, 4);
	bitmap_merge_msr(l0, l0, l1);
	assert_memory_equal(l0, want, PAGE);
}

static void io_unconditional(void **state)
{
	(void)state;
	memset(out, 0, PAGE);
	memset(out_b, 0, PAGE);
	bitmap_merge_io(out, out_b, NULL, NULL, true);
	assert_all(out, 0xff);
	assert_all(out_b, 0xff);
	/* bitmaps passed along do not weaken it */
	memset(l1, 0, PAGE);
	memset(l1b, 0, PAGE);
	bitmap_merge_io(out, out_b, l1, l1b, true);
	assert_all(out, 0xff);
	assert_all(out_b, 0xff);
}

static void io_no_exiting(void **state)
{
	(void)state;
	memset(out, 0xa5, PAGE);
	memset(out_b, 0xa5, PAGE);
	bitmap_merge_io(out, out_b, NULL, NULL, false);
	assert_all(out, 0);
	assert_all(out_b, 0);
}

static void io_l1_bitmaps(void **state)
{
	(void)state;
	pattern(l1, 5);
	pattern(l1b, 6);
	memset(out, 0, PAGE);
	memset(out_b, 0, PAGE);
	bitmap_merge_io(out, out_b, l1, l1b, false);
	assert_memory_equal(out, l1, PAGE);
	assert_memory_equal(out_b, l1b, PAGE);
	/* one bitmap given: the other range never exits */
	memset(out_b, 0xff, PAGE);
	bitmap_merge_io(out, out_b, l1, NULL, false);
	assert_memory_equal(out, l1, PAGE);
	assert_all(out_b, 0);
	memset(out, 0xff, PAGE);
	bitmap_merge_io(out, out_b, NULL, l1b, false);
	assert_all(out, 0);
	assert_memory_equal(out_b, l1b, PAGE);
}

static void io_aliasing(void **state)
{
	uint8_t want_a[PAGE], want_b[PAGE];

	(void)state;
	pattern(l1, 7);
	pattern(l1b, 8);
	memcpy(want_a, l1, PAGE);
	memcpy(want_b, l1b, PAGE);
	bitmap_merge_io(l1, l1b, l1, l1b, false);
	assert_memory_equal(l1, want_a, PAGE);
	assert_memory_equal(l1b, want_b, PAGE);
	bitmap_merge_io(l1, l1b, l1, l1b, true);
	assert_all(l1, 0xff);
	assert_all(l1b, 0xff);
}

/* The hole MSRs as nested/msr_holes.def lists them. */
static const uint32_t holes_list[] = {
#define MSR_HOLE(msr) msr,
#include "nested/msr_holes.def"
#undef MSR_HOLE
};
#define NHOLES (sizeof(holes_list) / sizeof(holes_list[0]))

static bool is_hole(uint32_t msr)
{
	for (unsigned i = 0; i < NHOLES; i++)
		if (holes_list[i] == msr)
			return true;
	return false;
}

/*
 * Holes (nested/msr_holes.c, the merge vmcs02 uses): every bit of every MSR
 * in the bitmap's ranges is one, except the holes' read and write bits,
 * which are L0's OR L1's; without L1's bitmap, all ones. Random L0 and L1
 * pages, three rounds on the same output (the merge keeps the page right
 * from one entry to the next).
 */
static void msr_holes(void **state)
{
	static const uint32_t base[2] = {0, 0xc0000000u};

	(void)state;
	for (uint32_t seed = 1; seed <= 4; seed++) {
		pattern(l0, seed);
		assert_true(msr_holes_init(l0));
		bitmap_msr_fill(out);
		for (unsigned round = 0; round < 3; round++) {
			pattern(l1, seed * 7 + round);
			msr_holes_merge(out, l1);
			for (unsigned q = 0; q < 4; q++)
				for (uint32_t i = 0; i <= 0x1fff; i++) {
					uint32_t msr = base[q % 2] + i;
					bool want = !is_hole(msr) ||
						    msr_bit(l0, q, msr) ||
						    msr_bit(l1, q, msr);

					assert_int_equal(msr_bit(out, q, msr), want);
				}
		}
		msr_holes_merge(out, NULL);
		assert_all(out, 0xff);
	}
	/* a hole L0 intercepts stays one; L1's clear hole bits reach out */
	memset(l0, 0, PAGE);
	set_msr_bit(l0, 0, 0x10);
	assert_true(msr_holes_init(l0));
	memset(l1, 0, PAGE);
	bitmap_msr_fill(out);
	msr_holes_merge(out, l1);
	assert_true(msr_bit(out, 0, 0x10));
	assert_false(msr_bit(out, 2, 0x10));
	/* quarters: 0 read low, 1 read high, 2 write low, 3 write high */
	for (unsigned i = 1; i < NHOLES; i++) {
		unsigned hi = holes_list[i] >= 0xc0000000u;

		assert_false(msr_bit(out, hi, holes_list[i]));
		assert_false(msr_bit(out, 2 + hi, holes_list[i]));
	}
	assert_true(msr_bit(out, 0, 0x11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msr_holes),
		cmocka_unit_test(msr_l0_wins),
		cmocka_unit_test(msr_or_every_byte),
		cmocka_unit_test(msr_l1_without_bitmap),
		cmocka_unit_test(msr_aliasing),
		cmocka_unit_test(io_unconditional),
		cmocka_unit_test(io_no_exiting),
		cmocka_unit_test(io_l1_bitmaps),
		cmocka_unit_test(io_aliasing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
