/* SPDX-License-Identifier: Apache-2.0 */
/* What the two halves of the MSR attack payload share
 * (tests/guests/attack_msr*.c). */
#ifndef TESTS_GUESTS_ATTACK_MSR_H
#define TESTS_GUESTS_ATTACK_MSR_H

#include "tests/guests/guestlib.h"

struct l0_region {
	uint64_t base, size;
};
extern struct l0_region l0 HIDDEN;

/* One NMI to this CPU through the xAPIC at page; true if it arrived. */
bool self_nmi_xapic(uint64_t page) HIDDEN;
/* L0 answers a hypercall on this CPU. */
bool l0_answers(void) HIDDEN;
/* The same attacks through the VMX MSR lists (attack_msrlist.c). */
void attack_msr_lists(void) HIDDEN;

#endif
