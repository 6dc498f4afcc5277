/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/msr_holes.h"

#include "nested/bitmap.h"

static const uint32_t hole_msrs[] = {
#define MSR_HOLE(msr) msr,
#include "nested/msr_holes.def"
#undef MSR_HOLE
};
#define NMSR (sizeof(hole_msrs) / sizeof(hole_msrs[0]))

/*
 * SDM Vol. 3C 25.6.9: the bitmap's 64-bit word that holds msr's read bit
 * (read low at byte 0, read high at byte 1024); its write bit is in the word
 * WRITE_WORDS later (write low at byte 2048, write high at 3072).
 */
#define READ_WORD(m)                                                           \
	((((m) >= 0xc0000000u ? 1024u : 0u) + ((m) & 0x1fffu) / 8u) / 8u)
#define WRITE_WORDS 256u

/* The hole MSRs' words, from L0's page (struct bitmap_holes per word). */
static struct bitmap_holes holes;
/* per entry of hole_msrs[] that begins a new word: [0] read, [1] write */
static uint64_t mask[NMSR][2], keep[NMSR][2];

typedef uint64_t __attribute__((may_alias)) word;

/* Consecutive MSRs of the list often share a word: one merge per word. */
static inline __attribute__((always_inline)) bool new_word(unsigned k)
{
	return k == 0 ||
	       READ_WORD(hole_msrs[k]) != READ_WORD(hole_msrs[k - 1]);
}

/* The bits of holes' word w (bitmap_holes_from), or none (L0 keeps all). */
static void word_mask(unsigned w, uint64_t *m, uint64_t *k, unsigned *found)
{
	*m = 0;
	for (unsigned i = 0; i < holes.n; i++)
		if (holes.off[i] == w) {
			*m = holes.mask[i];
			(*found)++;
		}
	*k = ~*m;
}

bool msr_holes_init(const uint8_t *l0)
{
	unsigned found = 0;

	if (!bitmap_holes_from(&holes, hole_msrs, NMSR, l0))
		return false;
	for (unsigned k = 0; k < NMSR; k++) {
		unsigned w = READ_WORD(hole_msrs[k]);

		if (!new_word(k))
			continue;
		word_mask(w, &mask[k][0], &keep[k][0], &found);
		word_mask(w + WRITE_WORDS, &mask[k][1], &keep[k][1], &found);
	}
	/* every word of holes is one of the list's (each counted once, as
	 * the list is sorted): else the straight-line merge would miss one */
	return found == holes.n;
}

void msr_holes_merge(uint8_t *out, const uint8_t *l1)
{
	word *o = (word *)out;
	const word *in = (const word *)l1;

	if (!in) {
		for (unsigned k = 0; k < NMSR; k++) {
			o[READ_WORD(hole_msrs[k])] = ~0ull;
			o[READ_WORD(hole_msrs[k]) + WRITE_WORDS] = ~0ull;
		}
		return;
	}
	/* at every entry of L2: the list and its words fold into constants */
#pragma GCC unroll 64
	for (unsigned k = 0; k < NMSR; k++) {
		if (!new_word(k))
			continue;
		unsigned r = READ_WORD(hole_msrs[k]), w = r + WRITE_WORDS;

		o[r] = keep[k][0] | (in[r] & mask[k][0]);
		o[w] = keep[k][1] | (in[w] & mask[k][1]);
	}
}
