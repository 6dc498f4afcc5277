/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmx's environment: the firmware's CPU taken over for VMX root operation
 * (feature control, CR4.VMXE, a GDT with a TSS because VM exits need a host
 * TR), the pages every test uses, EPT12 with its test windows, L2's own
 * page tables and IDT, and the local APIC for self-interrupts.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/nvmx.h"

#include "lib/string.h"

struct env env;

#define CR4_VMXE    (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define FC_LOCK	    (1ull << 0)
#define FC_VMX	    (1ull << 2) /* VMX outside SMX */

/* EPT entry bits (SDM Vol. 3C 29.3.2). */
#define EPT_R	  1ull
#define EPT_W	  2ull
#define EPT_X	  4ull
#define EPT_RWX	  7ull
#define EPT_WB	  (6ull << 3)
#define EPT_IPAT  (1ull << 6)
#define EPT_LARGE (1ull << 7)

/* x86 page-table bits for L2's own identity map. */
#define PT_P	 1ull
#define PT_RW	 2ull
#define PT_LARGE (1ull << 7)

#define PAGES 40

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static uint64_t pool_next;
static uint64_t ept_pdpt, ept_pd0, ept_pd1;

static uint64_t page(void)
{
	uint64_t p = pool_next;

	pool_next += PAGE;
	memset((void *)p, 0, PAGE);
	return p;
}

static uint64_t *pt(uint64_t pa)
{
	return (uint64_t *)pa;
}

static void read_caps(void)
{
	struct vmx_caps *c = &env.cap;
	struct cpuid_regs r;

	c->basic = rdmsr(MSR_VMX_BASIC);
	c->revision = (uint32_t)c->basic & 0x7fffffff;
	/* IA32_VMX_BASIC[55]: the TRUE_* MSRs say which default-1 bits may be
	 * 0. */
	c->true_ctls = c->basic & (1ull << 55);
	c->pin = rdmsr(c->true_ctls ? 0x48d : 0x481);
	c->proc = rdmsr(c->true_ctls ? 0x48e : 0x482);
	c->exit = rdmsr(c->true_ctls ? 0x48f : 0x483);
	c->entry = rdmsr(c->true_ctls ? 0x490 : 0x484);
	c->misc = rdmsr(MSR_VMX_MISC);
	c->cr0_fixed0 = rdmsr(0x486);
	c->cr0_fixed1 = rdmsr(0x487);
	c->cr4_fixed0 = rdmsr(0x488);
	c->cr4_fixed1 = rdmsr(0x489);
	c->proc2 = ctl_can(c->proc, PROC_SECONDARY) ? rdmsr(0x48b) : 0;
	env.has_ept = ctl_can(c->proc2, PROC2_EPT);
	env.has_vpid = ctl_can(c->proc2, PROC2_VPID);
	c->ept_vpid = (env.has_ept || env.has_vpid) ? rdmsr(0x48c) : 0;
	/* EPT_VPID_CAP: 4-level walk (6), WB (14), INVEPT (20). */
	if (env.has_ept &&
	    (!(c->ept_vpid & (1ull << 6)) || !(c->ept_vpid & (1ull << 14))))
		env.has_ept = false;
	env.has_1g_ept = env.has_ept && (c->ept_vpid & (1ull << 17));
	env.has_ug = env.has_ept && ctl_can(c->proc2, PROC2_UNRESTRICTED);
	env.has_shadow = ctl_can(c->proc2, PROC2_SHADOW_VMCS);

	r = cpuid(0x80000000, 0);
	c->maxphyaddr = 36;
	if (r.eax >= 0x80000008)
		c->maxphyaddr = cpuid(0x80000008, 0).eax & 0xff;
	env.has_xsave = cpuid(1, 0).ecx & (1u << 26);
}

/*
 * UEFI leaves TR = 0, yet VM entry requires a host TR selector other than 0
 * (SDM Vol. 3C 27.2.3): a copy of the firmware's GDT with a 64-bit TSS
 * descriptor after its last entry, loaded together with TR.
 */
static void setup_gdt(void)
{
	struct dtr g;
	uint8_t *gdt;
	uint64_t tss = env.tss;
	uint16_t at;

	__asm__ volatile("sgdt %0" : "=m"(g));
	__asm__ volatile("mov %%cs, %0" : "=r"(env.cs));
	__asm__ volatile("mov %%ds, %0" : "=r"(env.ds));
	__asm__ volatile("mov %%ss, %0" : "=r"(env.ss));
	gdt = (uint8_t *)env.gdt;
	memcpy(gdt, (void *)g.base, (size_t)g.limit + 1);
	at = (uint16_t)(((uint32_t)g.limit + 1 + 7) & ~7u);
	uint64_t *d = (uint64_t *)(gdt + at);

	/* Limit 0x67, type 9 (available 64-bit TSS), present. */
	d[0] = 0x67 | (tss & 0xffffff) << 16 | 0x89ull << 40 |
	       ((tss >> 24) & 0xff) << 56;
	d[1] = tss >> 32;
	env.tr_sel = at;
	env.gdt_limit = (uint16_t)(at + 15);
	/* The I/O map base beyond the limit: no I/O permission bitmap. */
	*(uint16_t *)((uint8_t *)tss + 0x66) = 0x68;
	g.base = env.gdt;
	g.limit = env.gdt_limit;
	__asm__ volatile("lgdt %0" : : "m"(g) : "memory");
	ltr(env.tr_sel);

	struct dtr i;

	__asm__ volatile("sidt %0" : "=m"(i));
	env.host_idt = i.base;
	env.host_idt_limit = i.limit;
}

/* L2's identity map of 0..4 GiB in 2-MiB pages; above it nothing. */
static void setup_l2_paging(void)
{
	uint64_t pml4 = page(), pdpt = page();

	pt(pml4)[0] = pdpt | PT_P | PT_RW;
	for (uint64_t g = 0; g < 4; g++) {
		uint64_t pd = page();

		pt(pdpt)[g] = pd | PT_P | PT_RW;
		for (uint64_t i = 0; i < 512; i++)
			pt(pd)[i] =
			    (g << 30 | i << 21) | PT_P | PT_RW | PT_LARGE;
	}
	env.l2_cr3 = pml4;
}

static void setup_l2_idt(void)
{
	uint64_t *idt = pt(env.l2_idt);

	for (uint64_t v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)l2_vectors + 16 * v;

		/* 64-bit interrupt gate, DPL 0, present (SDM Vol. 3A 6.14.1).
		 */
		idt[2 * v] = (a & 0xffff) | (uint64_t)env.cs << 16 |
			     0x8eull << 40 | ((a >> 16) & 0xffff) << 48;
		idt[2 * v + 1] = a >> 32;
	}
}

/*
 * EPT12: guest-physical 0..1 GiB identity (2-MiB pages, WB) where all of
 * this payload and the firmware's memory live; GiB 1 holds the 4-KiB test
 * pages and a 2-MiB remap; GiB 2 is one 1-GiB page at 0 where supported.
 */
void ept_reset(void)
{
	uint64_t *pml4 = pt(env.ept_pml4), *pdpt = pt(ept_pdpt);
	uint64_t *pd0 = pt(ept_pd0), *pd1 = pt(ept_pd1), *pt1 = pt(env.ept_pt1);

	memset(pml4, 0, PAGE);
	memset(pdpt, 0, PAGE);
	memset(pd1, 0, PAGE);
	memset(pt1, 0, PAGE);
	pml4[0] = ept_pdpt | EPT_RWX;
	pdpt[0] = ept_pd0 | EPT_RWX;
	for (uint64_t i = 0; i < 512; i++)
		pd0[i] = i << 21 | EPT_RWX | EPT_WB | EPT_LARGE;
	pdpt[1] = ept_pd1 | EPT_RWX;
	pd1[0] = env.ept_pt1 | EPT_RWX;
	pd1[1] = (env.data[0] & ~0x1fffffull) | EPT_RWX | EPT_WB | EPT_LARGE;
	if (env.has_1g_ept)
		pdpt[2] = 0 | EPT_RWX | EPT_WB | EPT_LARGE;
	/* The APIC page, for the L2 that sends itself an NMI: UC, PAT ignored.
	 */
	memset(pt(env.ept_pd3), 0, PAGE);
	pdpt[3] = env.ept_pd3 | EPT_RWX;
	pt(env.ept_pd3)[(env.apic_base >> 21) & 511] =
	    (env.apic_base & ~0x1fffffull) | EPT_RWX | EPT_IPAT | EPT_LARGE;
	pt1[0] = env.data[0] | EPT_RWX | EPT_WB;
	pt1[1] = env.data[1] | EPT_R | EPT_X | EPT_WB;
	pt1[2] = 0;
	pt1[3] = env.data[3] | EPT_R | EPT_W | EPT_WB;
	pt1[4] = env.data[0] | EPT_W | EPT_WB; /* W without R */
	pt1[5] = 0;
}

uint64_t *ept_pt1_entry(unsigned i)
{
	return &pt(env.ept_pt1)[i];
}

uint64_t env_eptp(void)
{
	/* WB paging structures (bits 2:0 = 6), walk length 4 (5:3 = 3). */
	return env.ept_pml4 | 6 | 3 << 3;
}

static void setup_memory(void)
{
	env.vmxon = page();
	env.vmcs = page();
	env.vmcs2 = page();
	env.shadow = page();
	env.msr_bitmap = page();
	env.io_a = page();
	env.io_b = page();
	env.vmread_bm = page();
	env.vmwrite_bm = page();
	env.msr_area = page();
	env.ept_pml4 = page();
	ept_pdpt = page();
	ept_pd0 = page();
	ept_pd1 = page();
	env.ept_pt1 = page();
	env.ept_pd3 = page();
	env.l2_idt = page();
	page(); /* L2's stack: two pages, this one and the next */
	env.l2_stack_top = page() + PAGE;
	env.scratch = page();
	for (int i = 0; i < 4; i++) {
		env.data[i] = page();
		/* A value per page at offset 0x18: tests read it through EPT12.
		 */
		pt(env.data[i])[3] = 0xd47a000000000000ull | (uint64_t)i << 32 |
				     0x600d0000u | (uint64_t)i;
	}
	env.rm_code = page();
	env.gdt = page();
	env.tss = page();
	setup_l2_paging();
}

static bool feature_control(void)
{
	uint64_t fc = 0;
	int v = try_rdmsr(MSR_FEATURE_CONTROL, &fc);

	/*
	 * OVMF in Bochs leaves the MSR unlocked; VMXON needs it locked with
	 * "VMX outside SMX" (SDM Vol. 3C 24.7). Lock it as firmware would.
	 */
	if (v == NO_FAULT && !(fc & FC_LOCK))
		v = try_wrmsr(MSR_FEATURE_CONTROL, fc | FC_LOCK | FC_VMX);
	if (v == NO_FAULT)
		v = try_rdmsr(MSR_FEATURE_CONTROL, &fc);
	return check("feature-control",
		     v == NO_FAULT && (fc & FC_LOCK) && (fc & FC_VMX),
		     "lock %d, VMX outside SMX %d (%s)", !!(fc & FC_LOCK),
		     !!(fc & FC_VMX), vector_name(v));
}

bool env_init(void)
{
	EFI_PHYSICAL_ADDRESS a = 0xffffffffull;
	EFI_STATUS st;

	if (!(cpuid(1, 0).ecx & (1u << 5))) {
		check("feature-control", false, "CPUID.1:ECX.VMX[bit 5] is 0");
		return false;
	}
	/* Below 4 GiB: the real-mode and 32-bit L2s address them. */
	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, PAGES, &a);
	if (EFI_ERROR(st)) {
		check("feature-control", false, "AllocatePages: 0x%lx",
		      (uint64_t)st);
		return false;
	}
	pool_next = a;
	/* No more boot services from here: interrupts stay off to the end. */
	__asm__ volatile("cli" ::: "memory");
	read_caps();
	setup_memory();
	if (!feature_control())
		return false;
	uint64_t apic = rdmsr(MSR_APIC_BASE);

	env.x2apic = apic & (1ull << 10);
	env.apic_base = apic & 0xffffff000ull;
	setup_gdt();
	setup_l2_idt();
	ept_reset();
	memset((void *)env.vmread_bm, 0xff, PAGE);
	memset((void *)env.vmwrite_bm, 0xff, PAGE);

	/* CR0.NE is set by UEFI; CR4.VMXE is what VMXON needs from us. */
	write_cr4(read_cr4() | CR4_VMXE);
	guest_printf("nvmx: info true-controls %d ept %d vpid %d ug %d "
		     "shadow %d 1g-ept %d x2apic %d\n",
		     env.cap.true_ctls, env.has_ept, env.has_vpid, env.has_ug,
		     env.has_shadow, env.has_1g_ept, env.x2apic);
	return true;
}

/* ---- local APIC ---- */

#define APIC_EOI      0xb0
#define APIC_ICR_LO   0x300
#define APIC_ICR_HI   0x310
#define APIC_LVT_TIME 0x320
#define ICR_BUSY      (1u << 12)
#define LVT_MASKED    (1u << 16)

static volatile uint32_t *apic_reg(uint32_t off)
{
	return (volatile uint32_t *)(env.apic_base + off);
}

/*
 * A physical destination (this CPU's APIC ID) rather than the "self"
 * shorthand, which the SDM allows for fixed interrupts only (Vol. 3A
 * 11.6.1) and Bochs turns into a fixed interrupt whatever the mode.
 */
void apic_self_ipi(uint32_t icr_low)
{
	uint32_t id = apic_id_now();

	if (env.x2apic) {
		wrmsr(0x800 + APIC_ICR_LO / 16, (uint64_t)id << 32 | icr_low);
		return;
	}
	for (unsigned i = 0; i < 1000000 && (*apic_reg(APIC_ICR_LO) & ICR_BUSY);
	     i++)
		cpu_relax();
	*apic_reg(APIC_ICR_HI) = id << 24;
	*apic_reg(APIC_ICR_LO) = icr_low;
}

void apic_eoi(void)
{
	if (env.x2apic)
		wrmsr(0x800 + APIC_EOI / 16, 0);
	else
		*apic_reg(APIC_EOI) = 0;
}

static uint8_t pic_master, pic_slave;
static uint32_t lvt_timer;

/*
 * The firmware's timer (8259 or local APIC) must not race the interrupts
 * a test sends itself: a different vector would be acknowledged first.
 * Registers are written only when the value changes.
 */
void irq_quiet(void)
{
	pic_master = inb(0x21);
	pic_slave = inb(0xa1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lvt_timer = env.x2apic ? (uint32_t)rdmsr(0x800 + APIC_LVT_TIME / 16)
			       : *apic_reg(APIC_LVT_TIME);
	if (lvt_timer & LVT_MASKED)
		return;
	if (env.x2apic)
		wrmsr(0x800 + APIC_LVT_TIME / 16, lvt_timer | LVT_MASKED);
	else
		*apic_reg(APIC_LVT_TIME) = lvt_timer | LVT_MASKED;
}

void irq_restore(void)
{
	outb(0x21, pic_master);
	outb(0xa1, pic_slave);
	if (lvt_timer & LVT_MASKED)
		return;
	if (env.x2apic)
		wrmsr(0x800 + APIC_LVT_TIME / 16, lvt_timer);
	else
		*apic_reg(APIC_LVT_TIME) = lvt_timer;
}

void skip(const char *name, const char *what)
{
	check_skip(name, "%s not advertised", what);
}
