/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MSR and I/O bitmaps of vmcs02: an access exits to L0 if L0 or L1
 * wants it (L0's intercepts always win); nested/reflect.c then decides
 * whose exit it is. Layouts: MSR bitmap SDM Vol. 3C 25.6.9 (4 KiB: read
 * low, read high, write low, write high), I/O bitmaps 25.6.4 (A: ports
 * 0..0x7fff, B: 0x8000..0xffff, one bit per port). Pure: the caller maps
 * and copies the pages.
 */
#ifndef NESTED_BITMAP_H
#define NESTED_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define BITMAP_PAGE_SIZE 4096

/*
 * out = l0 | l1. l1 is NULL when vmcs12 does not use MSR bitmaps: then
 * every RDMSR/WRMSR of L2 exits to L1 (SDM 26.1.3), so out is all ones.
 * out may be the same buffer as l0 or l1.
 */
void bitmap_merge_msr(uint8_t out[BITMAP_PAGE_SIZE],
		      const uint8_t l0[BITMAP_PAGE_SIZE], const uint8_t *l1);

/*
 * L0 itself intercepts no I/O port, so vmcs02's bitmaps are L1's:
 * l1_uncond_io (vmcs12 has unconditional I/O exiting and no I/O bitmaps)
 * makes every port exit, whatever l1_a/l1_b hold; otherwise each output
 * is a copy of its L1 bitmap, or all zeros (no port exits) where that
 * pointer is NULL. Outputs may alias their inputs.
 */
/*
 * vmcs02's MSR bitmap by holes (nested/msr_holes.def): all ones except the
 * read and write bits of the hole MSRs, which are L0's OR L1's. The
 * 64-bit words of the page (little endian, as the CPU reads it: bit k of
 * byte j is bit 8 * (j % 8) + k of word j / 8) that hold hole bits L0
 * leaves clear, and those bits (nested/msr_holes.c merges them).
 */
#define BITMAP_HOLES_MAX 64
struct bitmap_holes {
	unsigned n;
	uint16_t off[BITMAP_HOLES_MAX]; /* word index */
	uint64_t mask[BITMAP_HOLES_MAX]; /* the word's hole bits L0 leaves clear */
};
/* From the hole MSRs (each in one of the bitmap's ranges) and L0's page;
 * false if they need more than BITMAP_HOLES_MAX words. */
bool bitmap_holes_from(struct bitmap_holes *h, const uint32_t *msrs,
		       unsigned n, const uint8_t l0[BITMAP_PAGE_SIZE]);
/* All ones: vmcs02's MSR bitmap before the holes (nested/msr_holes.h). */
void bitmap_msr_fill(uint8_t out[BITMAP_PAGE_SIZE]);

void bitmap_merge_io(uint8_t out_a[BITMAP_PAGE_SIZE],
		     uint8_t out_b[BITMAP_PAGE_SIZE], const uint8_t *l1_a,
		     const uint8_t *l1_b, bool l1_uncond_io);

#endif
