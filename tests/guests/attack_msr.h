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

/* ICR values for the self-NMIs (SDM Vol. 3A 11.6.1). */
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define ICR_NMI_ASSERT ((4u << 8) | (1u << 14))
#define ICR_BUSY       (1u << 12)
#define NMI_WAIT_SPINS 10000000u

/* One NMI to this CPU through the xAPIC at page; true if it arrived
 * (attack_apic.c). */
bool self_nmi_xapic(uint64_t page) HIDDEN;
/* L0 answers a hypercall on this CPU. */
bool l0_answers(void) HIDDEN;
/* The same attacks through the VMX MSR lists (attack_msrlist.c). */
void attack_msr_lists(void) HIDDEN;

#endif
