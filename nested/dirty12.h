/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sets of vmcs12 fields, one bit per slot of nested/vmcs12.h: what changed
 * in vmcs12 since vmcs02 was last written from it, and since the VM-entry
 * checks last passed on it (the fast path of docs/nested.md, "Round trip").
 * Pure; host unit test tests/unit/test_dirty12.c.
 *
 * The rule every user follows: a change L0 does not see as a field write
 * (a new vmcs12, a nested-state set, a failed entry, anything in doubt)
 * fills the set, which means "everything changed".
 */
#ifndef NESTED_DIRTY12_H
#define NESTED_DIRTY12_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/vmcs12.h"

#define DIRTY12_WORDS ((VMCS12_SLOT_COUNT + 63) / 64)

struct dirty12 {
	uint64_t w[DIRTY12_WORDS];
};

static inline void dirty12_mark(struct dirty12 *d, unsigned slot)
{
	d->w[slot / 64] |= 1ull << (slot % 64);
}

static inline bool dirty12_test(const struct dirty12 *d, unsigned slot)
{
	return (d->w[slot / 64] >> (slot % 64)) & 1;
}

static inline void dirty12_clear(struct dirty12 *d)
{
	for (unsigned i = 0; i < DIRTY12_WORDS; i++)
		d->w[i] = 0;
}

/* Every slot: "everything changed". */
static inline void dirty12_fill(struct dirty12 *d)
{
	for (unsigned i = 0; i < DIRTY12_WORDS; i++)
		d->w[i] = ~0ull;
}

static inline bool dirty12_any(const struct dirty12 *d,
			       const struct dirty12 *mask)
{
	uint64_t any = 0;

	for (unsigned i = 0; i < DIRTY12_WORDS; i++)
		any |= d->w[i] & mask->w[i];
	return any != 0;
}

static inline bool dirty12_empty(const struct dirty12 *d)
{
	uint64_t any = 0;

	for (unsigned i = 0; i < DIRTY12_WORDS; i++)
		any |= d->w[i];
	return !any;
}

static inline void dirty12_or(struct dirty12 *d, const struct dirty12 *s)
{
	for (unsigned i = 0; i < DIRTY12_WORDS; i++)
		d->w[i] |= s->w[i];
}

/*
 * The slot's new value, marked in d if it differs from the old one: how
 * L0 folds values it reads (the shadow VMCS, vmcs02 at an exit) into
 * vmcs12 and learns what changed.
 */
static inline void dirty12_store(struct vmcs12 *c, struct dirty12 *d,
				 unsigned slot, uint64_t value)
{
	if (c->field[slot] != value) {
		c->field[slot] = value;
		dirty12_mark(d, slot);
	}
}

/* The set of the given slots (a group's inputs). */
void dirty12_of(struct dirty12 *d, const uint16_t *slots, unsigned n);

/*
 * Calls f(slot) for every slot set in both d and mask, in slot order:
 * the cost follows the number of changed fields, not the group's size.
 */
#define DIRTY12_FOR_EACH(d, mask, slot_var)                                    \
	for (unsigned dw_ = 0; dw_ < DIRTY12_WORDS; dw_++)                     \
		for (uint64_t dm_ = (d)->w[dw_] & (mask)->w[dw_]; dm_;         \
		     dm_ &= dm_ - 1)                                           \
			for (unsigned slot_var =                               \
				 dw_ * 64 + (unsigned)__builtin_ctzll(dm_),    \
				      once_ = 1;                               \
			     once_; once_ = 0)

#endif
