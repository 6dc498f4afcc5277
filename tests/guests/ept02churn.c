/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT02 as a bounded cache (issue 9, finding 4): on every CPU at once, an L2
 * touches one quadword per 2 MiB over CHURN_GIB GiB of L2-physical memory
 * at 16 GiB and up. EPT12 (shared) maps all of it with 4 KiB leaves onto
 * one page of L1 RAM, through one shared PD and one shared PT (EPT12 itself
 * is three pages), so every touch needs a new EPT02 page table in L0: far
 * more than a vCPU's EPT02 budget. Each run must complete with every touch
 * landing in that one page (L2 adds with LOCK, so the count L1 reads there
 * is the sum over all CPUs), with evictions on every vCPU reported by L0
 * (HC_MEM_BUDGET), EPT02 within its budget, and L0 alive on every CPU.
 *
 * The BSP uses the nvmx environment as it is; each AP (EFI MP services)
 * gets its own VMXON region, VMCS, L2 stack, and a copy of the
 * environment's GDT with its own TSS, and builds its VMCS with vm_init
 * under a lock (vm_init works on env.vmcs, which each AP points to its own
 * region meanwhile). In Bochs RDTSC counts instructions: the tsc lines are
 * each CPU's instruction count for its run, L0's EPT02 fills included.
 */
#include <efi.h>
#include <efilib.h>

#include "lib/spinlock.h"
#include "lib/string.h"
#include "tests/guests/nvmx.h"

#ifndef CHURN_GIB
#define CHURN_GIB 8
#endif
#define STR_(x) #x
#define STR(x)	STR_(x)
#if CHURN_GIB == 8
#define NAME "ept02churn"
#else
#define NAME "ept02churn" STR(CHURN_GIB)
#endif
#define GIB	      ((uint64_t)1 << 30)
#define MIB2	      ((uint64_t)1 << 21)
#define TOUCHES	      (CHURN_GIB * GIB / MIB2)
#define L2_BASE_GIB   16 /* L2-physical 16 GiB .. 16 + CHURN_GIB GiB */
#define DONE_MAGIC    0x4348524eu
#define EPT_RWX_WB    (7ull | 6ull << 3)
#define PT_P_RW	      3ull
#define PT_P_RW_PS    0x83ull
#define ADDR	      0x000ffffffffff000ull
#define CR4_VMXE      (1ull << 13)
#define MAX_CPUS      8
#define AP_TIMEOUT_US 600000000ull

extern const char l2_churn[] HIDDEN;

/* What each CPU needs and reports; pages below 1 GiB (EPT12's identity). */
struct slot {
	uint64_t vmxon, vmcs, gdt, tss, stack_top;
	bool used;
	/* results */
	int entry;
	uint32_t reason, rax;
	uint64_t tsc, used_pages, cap, evictions;
	bool hc;
	const char *why;
};

static struct {
	mp_services *mp;
	UINTN count;
	struct slot s[MAX_CPUS];
	uint64_t *target, *ept12, *l2pd;
	struct spinlock vm_init_lock;
} c;

static uint64_t *low_pages(UINTN n)
{
	EFI_PHYSICAL_ADDRESS pa = 0x3fffffffull;

	if (EFI_ERROR(
		BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, n, &pa)))
		return NULL;
	ZeroMem((void *)pa, n * PAGE);
	return (uint64_t *)pa;
}

/* Before env_init, which ends the use of boot services. */
static bool allocate(void)
{
	UINTN enabled = 1;

	c.mp = mp_locate();
	c.count = 1;
	if (c.mp &&
	    EFI_ERROR(c.mp->GetNumberOfProcessors(c.mp, &c.count, &enabled)))
		c.count = 1;
	if (c.count > MAX_CPUS)
		c.count = MAX_CPUS;
	c.ept12 = low_pages(2);
	c.l2pd = low_pages(CHURN_GIB);
	c.target = low_pages(1);
	if (!c.ept12 || !c.l2pd || !c.target)
		return false;
	for (UINTN i = 0; i < c.count; i++) {
		uint64_t *p = low_pages(5);

		if (!p)
			return false;
		c.s[i].vmxon = (uint64_t)p;
		c.s[i].vmcs = (uint64_t)p + PAGE;
		c.s[i].gdt = (uint64_t)p + 2 * PAGE;
		c.s[i].tss = (uint64_t)p + 3 * PAGE;
		c.s[i].stack_top = (uint64_t)p + 5 * PAGE;
	}
	return true;
}

/*
 * EPT12: GiBs 16.. point to one PD whose entries all point to one PT whose
 * entries all map the target page. L2's paging: those GiBs identity-mapped
 * with 2 MiB pages (one PD per GiB).
 */
static void map_churn(void)
{
	uint64_t *pd12 = c.ept12, *pt12 = c.ept12 + 512;
	uint64_t *pdpt12 = (uint64_t *)(((uint64_t *)env.ept_pml4)[0] & ADDR);
	uint64_t *pdpt2 = (uint64_t *)(((uint64_t *)env.l2_cr3)[0] & ADDR);

	for (unsigned i = 0; i < 512; i++) {
		pt12[i] = (uint64_t)c.target | EPT_RWX_WB;
		pd12[i] = (uint64_t)pt12 | 7ull;
	}
	for (unsigned g = 0; g < CHURN_GIB; g++) {
		uint64_t gib = L2_BASE_GIB + g, *pd = c.l2pd + 512 * g;

		pdpt12[gib] = (uint64_t)pd12 | 7ull;
		pdpt2[gib] = (uint64_t)pd | PT_P_RW;
		for (unsigned i = 0; i < 512; i++)
			pd[i] = (gib * GIB + i * MIB2) | PT_P_RW_PS;
	}
}

static bool mem_budget(uint64_t which, uint64_t *b, uint64_t *cc, uint64_t *d)
{
	*b = which;
	*cc = *d = 0;
	return hypercall(HC_MEM_BUDGET, b, cc, d) == HC_OK;
}

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* An AP's own GDT (the environment's, with its own TSS) and TR. */
static bool ap_gdt(struct slot *s)
{
	struct dtr g = {env.gdt_limit, s->gdt};
	uint64_t *d = (uint64_t *)(s->gdt + env.tr_sel);
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	if (cs != env.cs) {
		s->why = "the AP's CS differs from the BSP's";
		return false;
	}
	memcpy((void *)s->gdt, (void *)env.gdt, (size_t)env.gdt_limit + 1);
	d[0] = 0x67 | (s->tss & 0xffffff) << 16 | 0x89ull << 40 |
	       ((s->tss >> 24) & 0xff) << 56;
	d[1] = s->tss >> 32;
	*(uint16_t *)(s->tss + 0x66) = 0x68;
	__asm__ volatile("lgdt %0" : : "m"(g) : "memory");
	ltr(env.tr_sel);
	return true;
}

/* This CPU's VMCS, built by vm_init on its own region. */
static void vm_setup(struct slot *s, struct vm *vm, bool bsp)
{
	struct dtr idt;

	spin_lock(&c.vm_init_lock);
	uint64_t shared = env.vmcs;

	env.vmcs = s->vmcs;
	vm_init(vm, L2_LONG, l2_churn);
	env.vmcs = shared;
	spin_unlock(&c.vm_init_lock);
	if (bsp)
		return;
	__asm__ volatile("sidt %0" : "=m"(idt));
	vmw(F_HOST_TR_BASE, s->tss);
	vmw(F_HOST_GDTR_BASE, s->gdt);
	vmw(F_HOST_IDTR_BASE, idt.base);
	vmw(F_GUEST_RSP, s->stack_top);
}

static void run_here(struct slot *s, bool bsp)
{
	struct vm vm;
	uint64_t b, cc, d, ev0 = 0;

	s->used = true;
	s->entry = VM_INVALID;
	if (!bsp) {
		__asm__ volatile("cli" ::: "memory");
		/* as env_init does on the BSP: locked, VMX outside SMX (the
		 * firmware in Bochs leaves it unlocked; under L0 it is
		 * locked) */
		uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

		if (!(fc & 1))
			wrmsr(MSR_FEATURE_CONTROL, fc | 1 | 4);
		write_cr4(read_cr4() | CR4_VMXE);
		if (!ap_gdt(s))
			return;
	}
	*(uint32_t *)s->vmxon = env.cap.revision;
	*(uint32_t *)s->vmcs = env.cap.revision;
	if (vmxon(s->vmxon) != VM_OK) {
		s->why = "VMXON failed";
		return;
	}
	s->hc = mem_budget(0, &b, &cc, &d);
	ev0 = cc;
	vm_setup(s, &vm, bsp);
	vm.r.rdi = L2_BASE_GIB * GIB;
	vm.r.rsi = TOUCHES;
	vm.r.rdx = MIB2;
	uint64_t t0 = rdtsc();

	s->entry = vm_run(&vm);
	s->tsc = rdtsc() - t0;
	s->reason = vm.x.reason;
	s->rax = (uint32_t)vm.r.rax;
	s->hc = s->hc && mem_budget(0, &b, &cc, &d);
	s->used_pages = b;
	s->evictions = cc - ev0;
	s->hc = s->hc && mem_budget(1, &b, &cc, &d);
	s->cap = b;
	vmclear(s->vmcs);
	vmxoff();
}

static VOID EFIAPI ap_main(VOID *arg)
{
	UINTN me;

	(void)arg;
	if (EFI_ERROR(c.mp->WhoAmI(c.mp, &me)) || me >= c.count)
		return;
	run_here(&c.s[me], false);
}

/* The APs start theirs, the BSP runs its own, then waits for them. */
static EFI_STATUS run_everywhere(UINTN *bsp)
{
	EFI_EVENT done = NULL;
	EFI_STATUS st = EFI_SUCCESS;

	*bsp = 0;
	if (c.mp)
		c.mp->WhoAmI(c.mp, bsp);
	if (c.count > 1) {
		__asm__ volatile("sti" ::: "memory");
		st = BS->CreateEvent(0, 0, NULL, NULL, &done);
		if (!EFI_ERROR(st))
			st = c.mp->StartupAllAPs(c.mp, ap_main, FALSE, done,
						 AP_TIMEOUT_US, NULL, NULL);
		__asm__ volatile("cli" ::: "memory");
	}
	run_here(&c.s[*bsp], true);
	if (done && !EFI_ERROR(st)) {
		UINTN index;

		__asm__ volatile("sti" ::: "memory");
		st = BS->WaitForEvent(1, &done, &index);
		__asm__ volatile("cli" ::: "memory");
	}
	return st;
}

static void report(UINTN bsp, EFI_STATUS st)
{
	unsigned ran = 0, evicted = 0, within = 0, cpus = 0;
	bool hc = true;

	for (UINTN i = 0; i < c.count; i++) {
		struct slot *s = &c.s[i];

		if (!s->used)
			continue;
		cpus++;
		hc = hc && s->hc;
		if (s->entry == VM_OK && s->reason == EXIT_VMCALL &&
		    s->rax == DONE_MAGIC)
			ran++;
		else
			guest_printf(
			    NAME ": info cpu%lu did not finish: %s (entry %d, "
				 "reason %u)\n",
			    (unsigned long)i, s->why ? s->why : "-", s->entry,
			    s->reason);
		guest_printf(
		    NAME
		    ": info cpu%lu tsc %lu for %lu touches (%lu per touch)%s\n",
		    (unsigned long)i, s->tsc, (uint64_t)TOUCHES,
		    s->tsc / TOUCHES, i == bsp ? " (BSP)" : "");
		if (s->hc) {
			guest_printf(
			    NAME ": info cpu%lu EPT02 pages in use %lu of %lu, "
				 "evictions %lu\n",
			    (unsigned long)i, s->used_pages, s->cap,
			    s->evictions);
			evicted += s->evictions > 0;
			within += s->used_pages <= s->cap;
		}
	}
	check(
	    "l2-ran", ran == cpus && *c.target == cpus * TOUCHES,
	    "%u of %u CPUs ran their L2 (MP 0x%lx); %u x %lu touches of %u GiB "
	    "counted %lu in one L1 page",
	    ran, cpus, (uint64_t)st, cpus, (uint64_t)TOUCHES, CHURN_GIB,
	    *c.target);
	if (!hc) {
		guest_printf(
		    NAME
		    ": SKIP ept02-evicted (no L0 answers HC_MEM_BUDGET)\n");
		return;
	}
	check("ept02-evicted", evicted == cpus, "on %u of %u vCPUs", evicted,
	      cpus);
	check("ept02-in-budget", within == cpus, "on %u of %u vCPUs", within,
	      cpus);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	UINTN bsp;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init(NAME);
	bool got = allocate();

	if (!check("maps", got, "pages for %lu CPUs and %u GiB", c.count,
		   CHURN_GIB))
		guest_finish();
	if (!env_init() || !env.has_ept) {
		check("l2-ran", false, "no VMX environment with EPT");
		guest_finish();
	}
	map_churn();
	EFI_STATUS st = run_everywhere(&bsp);

	report(bsp, st);
	__asm__ volatile("sti" ::: "memory");
	l0_alive_everywhere();
	guest_finish();
}
