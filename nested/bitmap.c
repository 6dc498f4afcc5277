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

bool bitmap_sparse_from(struct bitmap_sparse *s,
			const uint8_t l0[BITMAP_PAGE_SIZE])
{
	s->n = 0;
	for (size_t i = 0; i < WORDS; i++) {
		word w = ((const word *)l0)[i];

		if (!w)
			continue;
		if (s->n == BITMAP_SPARSE_MAX)
			return false;
		s->word[s->n] = (uint16_t)i;
		s->bits[s->n++] = w;
	}
	return true;
}

void bitmap_merge_msr_sparse(uint8_t out[BITMAP_PAGE_SIZE],
			     const struct bitmap_sparse *l0, const uint8_t *l1)
{
	word *o = (word *)out;

	if (!l1) {
		fill(out, 0xff);
		return;
	}
	if (out != l1) {
		size_t n = WORDS;
		const word *src = (const word *)l1;

		/* one string instruction: this page is copied at every entry of
		 * L2 */
		__asm__ volatile("rep movsq"
				 : "+D"(o), "+S"(src), "+c"(n)
				 :
				 : "memory");
		o = (word *)out;
	}
	for (unsigned i = 0; i < l0->n; i++)
		o[l0->word[i]] |= l0->bits[i];
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
