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
		((word *)out)[i] =
		    ((const word *)l0)[i] | ((const word *)l1)[i];
}

/* SDM Vol. 3C 25.6.9: read low, read high, write low, write high. */
static bool add_hole_bit(struct bitmap_holes *h, unsigned byte, uint8_t bit,
			 const uint8_t *l0)
{
	unsigned i, w = byte / 8;

	if (l0[byte] & bit) /* L0 intercepts it: stays one */
		return true;
	for (i = 0; i < h->n && h->off[i] != w; i++)
		;
	if (i == h->n) {
		if (h->n == BITMAP_HOLES_MAX)
			return false;
		h->off[h->n] = (uint16_t)w;
		h->mask[h->n++] = 0;
	}
	h->mask[i] |= (uint64_t)bit << (8 * (byte % 8)); /* little endian */
	return true;
}

bool bitmap_holes_from(struct bitmap_holes *h, const uint32_t *msrs,
		       unsigned n, const uint8_t l0[BITMAP_PAGE_SIZE])
{
	h->n = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t idx = msrs[i] & 0x1fff;
		unsigned high = msrs[i] >= 0xc0000000u ? 1024 : 0;
		uint8_t bit = (uint8_t)(1u << (idx % 8));

		if (!add_hole_bit(h, high + idx / 8, bit, l0) ||
		    !add_hole_bit(h, 2048 + high + idx / 8, bit, l0))
			return false;
	}
	return true;
}

void bitmap_msr_fill(uint8_t out[BITMAP_PAGE_SIZE])
{
	fill(out, 0xff);
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
