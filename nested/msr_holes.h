/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs02's MSR bitmap by the holes of nested/msr_holes.def, merged with
 * straight-line code: the 64-bit words that hold the holes' bits are
 * compile-time constants, so each costs a load, an AND, an OR and a store
 * at every entry of L2 (nested/msr_holes.c). Pure: the caller maps pages.
 */
#ifndef NESTED_MSR_HOLES_H
#define NESTED_MSR_HOLES_H

#include <stdbool.h>
#include <stdint.h>

/*
 * From L0's MSR bitmap page: which hole bits L0 leaves clear. false if the
 * holes do not fit struct bitmap_holes (the caller then merges whole pages).
 */
bool msr_holes_init(const uint8_t *l0);
/*
 * out (all ones outside the holes' bits: bitmap_msr_fill) gets L1's bits in
 * the holes L0 leaves clear, ones in the others; l1 NULL: all ones there.
 */
void msr_holes_merge(uint8_t *out, const uint8_t *l1);

#endif
