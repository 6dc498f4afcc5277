/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inputs of each part of the VM-entry checks (NC_PART_LIST in
 * nested/checks.h) as sets of vmcs12 slots, made at compile time; the rule
 * that skips a part (its inputs did not change since every check last
 * passed on this vmcs12, docs/nested.md "Round trip") is nc_part_runs().
 */
#define NESTED_CHECKS_IMPL
#include "nested/checks.h"

_Static_assert(DIRTY12_WORDS == 3, "nc_part_inputs spells out 3 words");

#define NC_BIT(f, k)                                                           \
	((VMCS12_SLOT_##f / 64 == (k)) ? 1ull << (VMCS12_SLOT_##f % 64) : 0)
#define NC_W0(f) | NC_BIT(f, 0)
#define NC_W1(f) | NC_BIT(f, 1)
#define NC_W2(f) | NC_BIT(f, 2)
#define NC_MASK(part, always, inputs)                                          \
	[NC_PART_##part] = {                                                   \
	    .w = {0 inputs(NC_W0), 0 inputs(NC_W1), 0 inputs(NC_W2)}},

const struct dirty12 nc_part_inputs[NC_PART_COUNT] = {
    NC_PART_LIST(NC_MASK)};

/* Per vmcs12 slot, the parts that have it as an input (from nc_part_inputs
 * at the first call: a transposition the preprocessor cannot make). */
static uint32_t slot_parts[VMCS12_SLOT_COUNT];
static uint32_t always_parts;
static bool slot_parts_ready;

static __attribute__((noinline, cold)) void slot_parts_init(void)
{
	for (unsigned p = 0; p < NC_PART_COUNT; p++) {
		if (nc_part_always[p])
			always_parts |= 1u << p;
		for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++)
			if (dirty12_test(&nc_part_inputs[p], s))
				slot_parts[s] |= 1u << p;
	}
	slot_parts_ready = true;
}

_Static_assert(DIRTY12_WORDS == 3, "nc_parts_to_run reads 3 words");

uint32_t nc_parts_to_run(const struct dirty12 *changed)
{
	if (!changed)
		return ~0u;
	if (__builtin_expect(!slot_parts_ready, 0))
		slot_parts_init();
	uint32_t parts = always_parts;
	uint64_t m0 = changed->w[0], m1 = changed->w[1], m2 = changed->w[2];

	/* usually one or two fields changed (RIP): a loop step each */
	for (; m0; m0 &= m0 - 1)
		parts |= slot_parts[__builtin_ctzll(m0)];
	for (; m1; m1 &= m1 - 1)
		parts |= slot_parts[64 + __builtin_ctzll(m1)];
	for (; m2; m2 &= m2 - 1)
		parts |= slot_parts[128 + __builtin_ctzll(m2)];
	return parts;
}

#ifdef UNIT_TEST
int nc_part_now = -1;
/* test_checks.c records the reads; other unit tests need not */
__attribute__((weak)) void nc_note_read(unsigned slot)
{
	(void)slot;
}
#endif
