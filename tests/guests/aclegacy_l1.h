/* SPDX-License-Identifier: Apache-2.0 */
/* A legacy alignment-check #AC taken by L1 itself (tests/guests/aclegacy_l1.c). */
#ifndef TESTS_GUESTS_ACLEGACY_L1_H
#define TESTS_GUESTS_ACLEGACY_L1_H

#include <stdbool.h>
#include <stdint.h>

/* What L1's own handler saw: vector (17, 6 if the load did not fault, 0
 * if nothing came), error code, the RIP and CS of the frame; load = the
 * address of the misaligned load. */
struct l1u_event {
	uint64_t vector, error, rip, cs, load;
};

/*
 * Runs a misaligned load at CPL 3 with CR0.AM and RFLAGS.AC in this payload
 * itself (64-bit mode, its own GDT copy with user segments and a TSS whose
 * RSP0 is kstack_top, an IDT copy whose #AC and #UD gates lead to ring-0
 * handlers that record the frame and return here), page tables cr3 that map
 * everything used with U/S set, interrupts off throughout. Restores CR0,
 * CR3, CR4, the IDT, the GDT and the data segments; TR stays on this TSS.
 * Once per boot. addr: the misaligned address; false without memory.
 */
bool l1_user_ac(uint64_t cr3, uint64_t kstack_top, uint64_t ustack_top,
		uint64_t addr, struct l1u_event *ev);

#endif
