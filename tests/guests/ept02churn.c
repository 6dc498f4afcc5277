/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT02 as a bounded cache (issue 9, finding 4): an L2 touches one quadword
 * per 2 MiB over CHURN_GIB GiB of L2-physical memory at 16 GiB and up.
 * EPT12 maps all of it with 4 KiB leaves onto one page of L1 RAM, through
 * one shared PD and one shared PT (EPT12 itself is three pages), so every
 * touch needs a new EPT02 page table in L0: far more than a vCPU's EPT02
 * budget. The run must complete with every touch landing in that one page
 * (the count L1 reads there), with evictions reported by L0
 * (HC_MEM_BUDGET), EPT02 within its budget, and L0 alive on every CPU.
 * The L2 runs on the BSP (the nvmx environment is one CPU's).
 * In Bochs RDTSC counts instructions: the tsc line is the whole run's
 * instruction count, L0's EPT02 faults included.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/nvmx.h"

#ifndef CHURN_GIB
#define CHURN_GIB 8
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#if CHURN_GIB == 8
#define NAME "ept02churn"
#else
#define NAME "ept02churn" STR(CHURN_GIB)
#endif
#define GIB (1ull << 30)
#define MIB2 (1ull << 21)
#define L2_BASE_GIB 16 /* L2-physical 16 GiB .. 16 + CHURN_GIB GiB */
#define DONE_MAGIC 0x4348524eu
#define EPT_RWX_WB (7ull | 6ull << 3)
#define PT_P_RW 3ull
#define PT_P_RW_PS 0x83ull
#define ADDR 0x000ffffffffff000ull

extern const char l2_churn[] HIDDEN;

static uint64_t *low_pages(UINTN n)
{
	/* below 1 GiB: EPT12 maps L2-physical 0..1 GiB to L1 one to one */
	EFI_PHYSICAL_ADDRESS pa = 0x3fffffffull;

	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, n, &pa)))
		return NULL;
	ZeroMem((void *)pa, n * PAGE);
	return (uint64_t *)pa;
}

/*
 * EPT12: GiBs 16.. point to one PD whose entries all point to one PT whose
 * entries all map the target page. L2's paging: those GiBs identity-mapped
 * with 2 MiB pages (one PD per GiB).
 */
static uint64_t *map_churn(void)
{
	uint64_t *e = low_pages(3), *l2pd = low_pages(CHURN_GIB), *target = low_pages(1);

	if (!e || !l2pd || !target)
		return NULL;
	uint64_t *pd12 = e, *pt12 = e + 512, *pdpt12 = (uint64_t *)(((uint64_t *)env.ept_pml4)[0] & ADDR);
	uint64_t *pdpt2 = (uint64_t *)(((uint64_t *)env.l2_cr3)[0] & ADDR);

	for (unsigned i = 0; i < 512; i++) {
		pt12[i] = (uint64_t)target | EPT_RWX_WB;
		pd12[i] = (uint64_t)pt12 | 7ull;
	}
	for (unsigned g = 0; g < CHURN_GIB; g++) {
		uint64_t gib = L2_BASE_GIB + g, *pd = l2pd + 512 * g;

		pdpt12[gib] = (uint64_t)pd12 | 7ull;
		pdpt2[gib] = (uint64_t)pd | PT_P_RW;
		for (unsigned i = 0; i < 512; i++)
			pd[i] = (gib * GIB + i * MIB2) | PT_P_RW_PS;
	}
	return target;
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
	static struct vm vm;
	const uint64_t touches = CHURN_GIB * GIB / MIB2;
	uint64_t cap = 0, bound = 0, sinks = 0, used0 = 0, ev0 = 0, e01 = 0;
	uint64_t used = 0, ev = 0, *target;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init(NAME);
	if (!env_init() || !env.has_ept) {
		check("l2-ran", false, "no VMX environment with EPT");
		guest_finish();
	}
	target = map_churn();
	if (!check("maps", target != NULL, "EPT12 and L2 maps of %u GiB", CHURN_GIB))
		guest_finish();
	bool hc = mem_budget(1, &cap, &bound, &sinks) && mem_budget(0, &used0, &ev0, &e01);

	*(uint32_t *)env.vmxon = env.cap.revision;
	*(uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		check("l2-ran", false, "VMXON failed");
		guest_finish();
	}
	vm_init(&vm, L2_LONG, l2_churn);
	vm.r.rdi = L2_BASE_GIB * GIB;
	vm.r.rsi = touches;
	vm.r.rdx = MIB2;
	__asm__ volatile("cli" ::: "memory");
	uint64_t t0 = rdtsc();
	int st = vm_run(&vm);
	uint64_t t1 = rdtsc();

	__asm__ volatile("sti" ::: "memory");
	hc = hc && mem_budget(0, &used, &ev, &e01);
	vmxoff();
	check("l2-ran", st == VM_OK && vm.x.reason == EXIT_VMCALL &&
			    (uint32_t)vm.r.rax == DONE_MAGIC && *target == touches,
	      "%s; %lu touches of %u GiB counted %lu in one L1 page",
	      vm_exit_str(&vm), touches, CHURN_GIB, *target);
	guest_printf(NAME ": info tsc %lu for %lu touches (%lu per touch)\n",
		     t1 - t0, touches, (t1 - t0) / touches);
	if (!hc) {
		guest_printf(NAME ": SKIP ept02-evicted (no L0 answers HC_MEM_BUDGET)\n");
	} else {
		guest_printf(NAME ": info cpu0 EPT02 pages in use %lu of %lu, "
			     "evictions %lu, EPT01 table pages %lu\n",
			     used, cap, ev - ev0, e01);
		check("ept02-evicted", ev > ev0, "%lu evictions during the run",
		      ev - ev0);
		check("ept02-in-budget", used <= cap, "%lu of %lu pages", used, cap);
	}
	l0_alive_everywhere();
	guest_finish();
}
