/* SPDX-License-Identifier: Apache-2.0 */
/* vmcs12's VM-entry/VM-exit MSR lists (nested/msrlist.c). */
#ifndef NESTED_MSRLIST_H
#define NESTED_MSRLIST_H

#include <stdint.h>

/*
 * What an entry's MSR loading changed outside the VMCS, to put back if the
 * CPU then refuses the entry (L1 must find its MSRs as before VMLAUNCH).
 * One page: entries beyond MSR_UNDO_MAX are not recorded (logged).
 */
#define MSR_UNDO_MAX 255
struct msr_undo {
	uint32_t n, lost;
	struct {
		uint32_t index, pad;
		uint64_t old;
	} e[MSR_UNDO_MAX];
};

_Static_assert(sizeof(struct msr_undo) <= 4096, "the undo log is one page");

/*
 * Loads count entries at L1-physical gpa, VMCS-resident MSRs into the
 * current VMCS's guest fields, the others as L1's WRMSR would meet them
 * (vmx/msr_policy.def). 0 on success, else the 1-based number of the
 * entry that failed (the exit qualification of exit 34, SDM 27.8); entries
 * before it stay loaded, as on the CPU. With undo (may be NULL), the old
 * value of every MSR written outside the VMCS is recorded.
 */
uint32_t msrlist_load_entries(uint64_t gpa, uint32_t count,
			      struct msr_undo *undo);
/* Writes the recorded old values back, last first, through the policy. */
void msrlist_undo(struct msr_undo *undo);
/* Stores the MSRs' values into the entries' data; 0 or the failing entry. */
uint32_t msrlist_store_entries(uint64_t gpa, uint32_t count);

/*
 * Inline: most vmcs12s have empty lists, and every nested round trip asks
 * (an empty list costs a test here instead of a call and a frame).
 */
static inline uint32_t msrlist_load(uint64_t gpa, uint32_t count,
				    struct msr_undo *undo)
{
	if (count)
		return msrlist_load_entries(gpa, count, undo);
	if (undo)
		undo->n = undo->lost = 0;
	return 0;
}

static inline uint32_t msrlist_store(uint64_t gpa, uint32_t count)
{
	return count ? msrlist_store_entries(gpa, count) : 0;
}

#endif
