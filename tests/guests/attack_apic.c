/* SPDX-License-Identifier: Apache-2.0 */
/* The self-NMI through the xAPIC that the MSR attack payloads share. */
#include "tests/guests/attack_msr.h"

/* One NMI to this CPU through its xAPIC; true if L1's handler saw it. */
bool self_nmi_xapic(uint64_t page)
{
	volatile uint32_t *apic = (volatile uint32_t *)page;
	uint32_t self = cpuid(1, 0).ebx >> 24;
	unsigned spins = 0;

	trap_arm();
	trap_nmis = 0;
	while (apic[APIC_ICR_LO / 4] & ICR_BUSY)
		cpu_relax();
	apic[APIC_ICR_HI / 4] = self << 24;
	apic[APIC_ICR_LO / 4] = ICR_NMI_ASSERT;
	while (!trap_nmis && ++spins < NMI_WAIT_SPINS)
		cpu_relax();
	uint64_t got = trap_nmis;

	trap_disarm();
	return got == 1;
}
