/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/bitmap.h"

#include <stddef.h>

/* Byte loops rather than memcpy/memset: the outputs may alias inputs. */
static void fill(uint8_t *out, uint8_t value)
{
	size_t i;

	for (i = 0; i < BITMAP_PAGE_SIZE; i++)
		out[i] = value;
}

void bitmap_merge_msr(uint8_t out[BITMAP_PAGE_SIZE],
		      const uint8_t l0[BITMAP_PAGE_SIZE], const uint8_t *l1)
{
	size_t i;

	if (!l1) {
		fill(out, 0xff);
		return;
	}
	for (i = 0; i < BITMAP_PAGE_SIZE; i++)
		out[i] = l0[i] | l1[i];
}

static void io_one(uint8_t *out, const uint8_t *l1, bool all)
{
	size_t i;

	if (all || !l1) {
		fill(out, all ? 0xff : 0);
		return;
	}
	for (i = 0; i < BITMAP_PAGE_SIZE; i++)
		out[i] = l1[i];
}

void bitmap_merge_io(uint8_t out_a[BITMAP_PAGE_SIZE],
		     uint8_t out_b[BITMAP_PAGE_SIZE], const uint8_t *l1_a,
		     const uint8_t *l1_b, bool l1_uncond_io)
{
	io_one(out_a, l1_a, l1_uncond_io);
	io_one(out_b, l1_b, l1_uncond_io);
}
