/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/bitmap.h"

#include <stddef.h>

/*
 * Word loops rather than memcpy/memset: the outputs may alias inputs, and
 * this runs at every entry of L2 (bytes would cost 8 times the
 * instructions). Bitmap pages are 4 KiB-aligned.
 */
typedef uint64_t __attribute__((may_alias)) word;
#define WORDS (BITMAP_PAGE_SIZE / sizeof(word))

static void fill(uint8_t *out, uint8_t value)
{
	word *o = (word *)out;
	word v = value ? ~0ull : 0;
	size_t i;

	for (i = 0; i < WORDS; i++)
		o[i] = v;
}

void bitmap_merge_msr(uint8_t out[BITMAP_PAGE_SIZE],
		      const uint8_t l0[BITMAP_PAGE_SIZE], const uint8_t *l1)
{
	size_t i;

	if (!l1) {
		fill(out, 0xff);
		return;
	}
	for (i = 0; i < WORDS; i++)
		((word *)out)[i] = ((const word *)l0)[i] | ((const word *)l1)[i];
}

static void io_one(uint8_t *out, const uint8_t *l1, bool all)
{
	size_t i;

	if (all || !l1) {
		fill(out, all ? 0xff : 0);
		return;
	}
	for (i = 0; i < WORDS; i++)
		((word *)out)[i] = ((const word *)l1)[i];
}

void bitmap_merge_io(uint8_t out_a[BITMAP_PAGE_SIZE],
		     uint8_t out_b[BITMAP_PAGE_SIZE], const uint8_t *l1_a,
		     const uint8_t *l1_b, bool l1_uncond_io)
{
	io_one(out_a, l1_a, l1_uncond_io);
	io_one(out_b, l1_b, l1_uncond_io);
}
