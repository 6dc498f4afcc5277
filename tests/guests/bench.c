/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path-length benchmark (not a test): in Bochs RDTSC counts executed
 * instructions, L0's included, so the TSC cost of one CPUID in L1 minus its
 * cost on bare Bochs is the number of instructions one CPUID exit costs L0
 * (exit, handler, entry). Deterministic, so one run says it all.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

#define ROUNDS 1000

/* TSC per iteration of a loop of one CPUID of leaf, with interrupts off. */
static uint64_t per_cpuid(uint32_t leaf)
{
	uint64_t t0, t1;

	__asm__ volatile("cli");
	t0 = rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		cpuid(leaf, 0);
	t1 = rdtsc();
	__asm__ volatile("sti");
	return (t1 - t0) / ROUNDS;
}

/* The same loop without CPUID: what the loop itself costs. */
static uint64_t per_empty(void)
{
	uint64_t t0, t1;

	__asm__ volatile("cli");
	t0 = rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		__asm__ volatile("" ::: "memory");
	t1 = rdtsc();
	__asm__ volatile("sti");
	return (t1 - t0) / ROUNDS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	guest_init("bench");
	char sig[13];
	uint32_t max;
	bool l0 = hv_signature(sig, &max);
	uint64_t loop = per_empty();
	uint64_t basic = per_cpuid(0);
	uint64_t hv = per_cpuid(0x40000000);

	guest_printf("bench: under %s\n", l0 ? sig : "no hypervisor");
	guest_printf("bench: empty-loop %lu tsc/iteration\n", loop);
	guest_printf("bench: cpuid-0 %lu tsc/iteration (%lu without the loop)\n",
		     basic, basic - loop);
	guest_printf("bench: cpuid-40000000 %lu tsc/iteration (%lu without the loop)\n",
		     hv, hv - loop);
	guest_finish();
}
