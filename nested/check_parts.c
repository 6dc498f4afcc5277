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

/* The inputs of the parts of nested_check_controls_host(), together. */
#define NC_CTL_HOST_W(F)                                                       \
	NC_IN_EXEC(F) NC_IN_EXIT(F) NC_IN_ENTRY(F) NC_IN_HOST_REGS(F)          \
	NC_IN_HOST_SEGS(F) NC_IN_ADDRESS_SPACE(F)
const struct dirty12 nc_ctl_host_inputs = {
    .w = {0 NC_CTL_HOST_W(NC_W0), 0 NC_CTL_HOST_W(NC_W1),
	  0 NC_CTL_HOST_W(NC_W2)}};

#ifdef UNIT_TEST
int nc_part_now = -1;
/* test_checks.c records the reads; other unit tests need not */
__attribute__((weak)) void nc_note_read(unsigned slot)
{
	(void)slot;
}
#endif
