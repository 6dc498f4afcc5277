/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attack on L0's memory through EPT01 (issue 9, finding 4): L1 reads one
 * byte per 2 MiB over 4 GiB above the start-up map, then one byte per GiB
 * across its whole guest-physical address width. Each block is new to
 * EPT01, which used to take table pages from the one pool for each until it
 * ran dry (566 reads) and stopped the vCPU. Now EPT01 maps such blocks with
 * 1 GiB leaves from a fixed reserve (then a shared sink): the reads give
 * what a bus without memory gives (all ones), EPT01's table pages stay
 * within the bound L0 reports (HC_MEM_BUDGET), and L0 is alive on every CPU.
 *
 * L1 reads through its own identity map of the whole width (1 GiB pages, or
 * 2 MiB ones where the CPU lacks them), loaded with interrupts off.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

#define GIB	  (1ull << 30)
#define MIB2	  (1ull << 21)
#define LOW_START (4 * GIB) /* above RAM and above L0's start-up map here */
#define P_RW_PS	  0x83ull   /* present, writable, page size */
#define P_RW	  0x3ull

static uint64_t *pages(UINTN n)
{
	EFI_PHYSICAL_ADDRESS pa = 0xffffffffull;

	if (EFI_ERROR(
		BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, n, &pa)))
		return NULL;
	ZeroMem((void *)pa, n * 4096);
	return (uint64_t *)pa;
}

/* Identity map of [0, 2^bits): PML4 -> PDPTs (-> PDs without 1 GiB pages). */
static uint64_t build_map(unsigned bits, bool gib_pages)
{
	uint64_t gibs = 1ull << (bits - 30), npdpt = (gibs + 511) / 512;
	uint64_t *pml4 = pages(1), *pdpt = pages(npdpt);
	uint64_t *pd = gib_pages ? NULL : pages(gibs);

	if (!pml4 || !pdpt || (!gib_pages && !pd))
		return 0;
	for (uint64_t i = 0; i < npdpt; i++)
		pml4[i] = (uint64_t)&pdpt[512 * i] | P_RW;
	for (uint64_t g = 0; g < gibs; g++) {
		if (gib_pages) {
			pdpt[g] = (g * GIB) | P_RW_PS;
			continue;
		}
		pdpt[g] = (uint64_t)&pd[512 * g] | P_RW;
		for (uint64_t i = 0; i < 512; i++)
			pd[512 * g + i] = (g * GIB + i * MIB2) | P_RW_PS;
	}
	return (uint64_t)pml4;
}

struct sweep {
	uint64_t reads, not_ones;
};

static void read_range(struct sweep *s, uint64_t from, uint64_t to,
		       uint64_t step)
{
	for (uint64_t a = from; a < to; a += step) {
		uint8_t b = *(volatile uint8_t *)a;

		s->reads++;
		s->not_ones += b != 0xff;
	}
}

static bool mem_budget(uint64_t which, uint64_t *b, uint64_t *c, uint64_t *d)
{
	*b = which;
	*c = *d = 0;
	return hypercall(HC_MEM_BUDGET, b, c, d) == HC_OK;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	unsigned bits = cpuid(0x80000008, 0).eax & 0xff;
	bool gib_pages = cpuid(0x80000001, 0).edx & (1u << 26);
	uint64_t cap = 0, bound = 0, sinks = 0, used = 0, ev = 0, before = 0,
		 after = 0;
	struct sweep fine = {0, 0}, wide = {0, 0};

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("ept01bound");
	guest_printf(
	    "ept01bound: info %u-bit guest-physical addresses, %s pages\n",
	    bits, gib_pages ? "1 GiB" : "2 MiB");
	bool hc = mem_budget(1, &cap, &bound, &sinks) &&
		  mem_budget(0, &used, &ev, &before);
	uint64_t cr3 =
	    bits >= 33 && bits <= 48 ? build_map(bits, gib_pages) : 0;

	if (!check("own-map", cr3 != 0, "identity map of 2^%u bytes", bits))
		guest_finish();
	uint64_t old = read_cr3();

	__asm__ volatile("cli; mov %0, %%cr3" : : "r"(cr3) : "memory");
	read_range(&fine, LOW_START, LOW_START + 4 * GIB, MIB2);
	read_range(&wide, LOW_START, 1ull << bits, GIB);
	__asm__ volatile("mov %0, %%cr3; sti" : : "r"(old) : "memory");

	check("no-memory-reads-ones", fine.not_ones == 0 && wide.not_ones == 0,
	      "%lu reads per 2 MiB, %lu per GiB; %lu bytes not 0xff",
	      fine.reads, wide.reads, fine.not_ones + wide.not_ones);
	hc = hc && mem_budget(0, &used, &ev, &after) &&
	     mem_budget(1, &cap, &bound, &sinks);
	if (!hc) {
		check("ept01-bounded", false,
		      "HC_MEM_BUDGET unanswered (no L0)");
	} else {
		guest_printf(
		    "ept01bound: info EPT01 table pages %lu before, %lu "
		    "after, bound %lu, sink blocks %lu\n",
		    before, after, bound, sinks);
		check("ept01-bounded", after <= bound && after >= before,
		      "EPT01 table pages %lu <= bound %lu", after, bound);
	}
	l0_alive_everywhere();
	guest_finish();
}
