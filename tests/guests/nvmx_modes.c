/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L2s that are not 64-bit (real mode and 32-bit protected mode through
 * unrestricted guest, SDM Vol. 3C 27.3.1.1), VMCS shadowing used by an L2
 * that runs VMREAD/VMWRITE itself (25.10, 26.1.3, 31.3), and the MSR-load
 * and MSR-store lists of VM entry and VM exit (27.4, 28.4, 28.6).
 */
#include "tests/guests/nvmx_detail.h"

#include "lib/string.h"

#define CR0_PE	   1ull
#define CR0_PG	   (1ull << 31)
#define CR4_PAE	   (1ull << 5)
#define PDPTE_P	   1ull
#define PDPTE_PWT  (1ull << 3)
#define PD_2M	   0x83ull /* present, writable, 2-MiB page */
#define SHADOW_BIT (1u << 31)

static struct vm vm;

static uint64_t magic(int i)
{
	return *(volatile uint64_t *)(env.data[i] + 0x18);
}

static bool vmcall_done(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL;
}

/* The real-mode L2 in its own page, with its GDT pointing there too. */
static void rm_copy(void)
{
	uint64_t p = env.rm_code;
	uint64_t gdt = p + (uint64_t)(l2_rm_gdt - l2_rm_start);
	uint64_t gdtr = p + (uint64_t)(l2_rm_gdtr - l2_rm_start);

	memcpy((void *)p, l2_rm_start, (size_t)(l2_rm_end - l2_rm_start));
	/* 32-bit code, base = the page, 4 GiB, present, accessed. */
	((uint64_t *)gdt)[1] = 0xffff | (p & 0xffffff) << 16 | 0x9bull << 40 |
			       0xcfull << 48 | ((p >> 24) & 0xff) << 56;
	*(uint32_t *)(gdtr + 2) = (uint32_t)gdt;
}

static void real_mode(void)
{
	struct want w;
	bool ok;

	if (!env.has_ug) {
		skip("rm-io-exit", "unrestricted guest");
		skip("rm-cpuid-exit", "unrestricted guest");
		skip("rm-to-protected-mode", "unrestricted guest");
		skip("pm32-no-paging", "unrestricted guest");
		skip("entry-guest-real-without-ug", "unrestricted guest");
		return;
	}
	rm_copy();
	vm_init(&vm, L2_REAL, NULL);
	vmw_or(F_PROC, PROC_UNCOND_IO);
	vm.r.rbx = env.data[1] + 0x18;
	vm_run(&vm);
	dstart();
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP,	    0x00810040,
			  2,	   (long)(l2_rm_out - l2_rm_start), 0,
			  0};
	ok = dexit(&vm, &w);
	uint64_t cr0 = vmr(F_GUEST_CR0);

	dadd(", CR0.PE %d, AX 0x%lx", (int)(cr0 & CR0_PE), vm.r.rax & 0xffff);
	dcheck("rm-io-exit",
	       ok && !(cr0 & CR0_PE) && (vm.r.rax & 0xffff) == 0x1234);

	vm_skip_run(&vm);
	dstart();
	w = (struct want){EXIT_CPUID,
			  W_QUAL | W_LEN | W_RIP,
			  0,
			  2,
			  (long)(l2_rm_cpuid - l2_rm_start),
			  0,
			  0};
	dcheck("rm-cpuid-exit", dexit(&vm, &w));

	/* L2 loads its GDT, sets CR0.PE and jumps to 32-bit code itself. */
	vm_skip_run(&vm);
	cr0 = vmr(F_GUEST_CR0);
	uint64_t cs = vmr(F_GUEST_CS_SEL), ar = vmr(F_GUEST_CS_AR);

	check("rm-to-protected-mode",
	      vmcall_done() && (cr0 & CR0_PE) && cs == 8 && ar == 0xc09b &&
		  (uint32_t)vm.r.rax == (uint32_t)magic(1),
	      "%s, CR0.PE %d, CS 0x%lx AR 0x%lx, EAX %s", vm_exit_str(&vm),
	      (int)(cr0 & CR0_PE), cs, ar,
	      (uint32_t)vm.r.rax == (uint32_t)magic(1) ? "the data page's value"
						       : "something else");

	if ((uint64_t)l2_pm32 >> 32) {
		skip("pm32-no-paging", "code below 4 GiB");
	} else {
		vm_init(&vm, L2_PROT32, l2_pm32);
		vm.r.rbx = env.data[1] + 0x18;
		vm_run(&vm);
		cr0 = vmr(F_GUEST_CR0);
		check("pm32-no-paging",
		      vmcall_done() && (cr0 & CR0_PE) && !(cr0 >> 31) &&
			  (uint32_t)vm.r.rax == (uint32_t)magic(1) + 1,
		      "%s at +%ld, CR0.PE %d PG %d, EAX %s", vm_exit_str(&vm),
		      vm_rip_off(&vm), (int)(cr0 & CR0_PE),
		      (int)(cr0 >> 31 & 1),
		      (uint32_t)vm.r.rax == (uint32_t)magic(1) + 1
			  ? "value + 1"
			  : "something else");
	}

	/* Without unrestricted guest CR0.PE must be 1 (27.3.1.1). */
	vm_init(&vm, L2_REAL, NULL);
	vmw_clear(F_PROC2, PROC2_UNRESTRICTED);
	vm_run(&vm);
	check("entry-guest-real-without-ug",
	      vm.x.entry == VM_OK &&
		  vm.x.reason == (EXIT_ENTRY_FAIL | EXIT_BAD_GUEST) &&
		  vm.x.qual == 0,
	      "CR0.PE 0 without unrestricted guest: %s, qualification %lu",
	      vm_exit_str(&vm), vm.x.qual);
}

/* L2's PAE paging: one page directory maps its first GiB 1:1 with 2-MiB
 * pages; PDPT A (entered with) and B (loaded by L2) differ in PDPTE0's PWT
 * and in PDPTE3's presence. */
static uint64_t pae_pd[512] __attribute__((aligned(4096)));
static uint64_t pae_pdpt[2][4] __attribute__((aligned(32)));

/*
 * SDM Vol. 3C 28.3.4: with EPT, an exit of an L2 using PAE paging saves
 * the PDPTEs in use. L2 enters with vmcs12's PDPTEs (27.3.2.4: PDPT A's),
 * loads PDPT B with MOV to CR3 (which reads the PDPTEs from memory) and
 * exits: vmcs12's PDPTE fields and CR3 are B's.
 */
static void pae_pdptes(void)
{
	uint64_t *a = pae_pdpt[0], *b = pae_pdpt[1];
	uint64_t end = (uint64_t)l2_pae_cr3 | (uint64_t)pae_pd |
		       (uint64_t)pae_pdpt | env.l2_stack_top;

	if (!env.has_ept || !env.has_ug) {
		skip("exit-saves-pdptes", "no EPT or unrestricted guest");
		return;
	}
	if (end >> 30) {
		skip("exit-saves-pdptes", "code, stack or tables above 1 GiB");
		return;
	}
	for (uint64_t i = 0; i < 512; i++)
		pae_pd[i] = i << 21 | PD_2M;
	memset(pae_pdpt, 0, sizeof(pae_pdpt));
	a[0] = (uint64_t)pae_pd | PDPTE_P;
	b[0] = (uint64_t)pae_pd | PDPTE_P | PDPTE_PWT;
	b[3] = (uint64_t)pae_pd | PDPTE_P;
	vm_init(&vm, L2_PROT32, l2_pae_cr3);
	vmw(F_GUEST_CR0, vmr(F_GUEST_CR0) | CR0_PG);
	vmw(F_GUEST_CR4, vmr(F_GUEST_CR4) | CR4_PAE);
	vmw(F_GUEST_CR3, (uint64_t)a);
	for (unsigned i = 0; i < 4; i++)
		vmw(F_GUEST_PDPTR0 + 2 * i, a[i]);
	vmw_clear(F_PROC, PROC_CR3_LOAD);
	vm.r.rbx = (uint64_t)b;
	vm_run(&vm);
	uint64_t p0 = vmr(F_GUEST_PDPTR0), p3 = vmr(F_GUEST_PDPTR0 + 6);
	uint64_t cr3 = vmr(F_GUEST_CR3);

	check("exit-saves-pdptes",
	      vmcall_done() && p0 == b[0] && p3 == b[3] &&
		  cr3 == (uint64_t)b,
	      "%s, PDPTE0 %s, PDPTE3 %s, CR3 %s", vm_exit_str(&vm),
	      p0 == b[0] ? "B's" : p0 == a[0] ? "A's" : "other",
	      p3 == b[3] ? "B's" : p3 == a[3] ? "A's" : "other",
	      cr3 == (uint64_t)b ? "B" : "not B");
}

void check_modes(void)
{
	real_mode();
	pae_pdptes();
	vmclear(env.vmcs);
}

/* ---- VMCS shadowing ---- */

static void bitmap_allow(uint64_t bm, uint32_t field)
{
	uint32_t i = field & 0x7fff;

	((uint8_t *)bm)[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

static void shadow_vm(const void *stub)
{
	memset((void *)env.vmread_bm, 0xff, PAGE);
	memset((void *)env.vmwrite_bm, 0xff, PAGE);
	bitmap_allow(env.vmread_bm, F_GUEST_RIP);
	bitmap_allow(env.vmwrite_bm, F_GUEST_RSP);
	vm_init(&vm, L2_LONG, stub);
	vmw_or(F_PROC2, PROC2_SHADOW_VMCS);
	vmw(F_LINK_PTR, env.shadow);
}

void check_shadow(void)
{
	static const char *const names[] = {
	    "shadow-vmcs-root-access", "shadow-vmread",
	    "shadow-vmread-exit",      "shadow-vmwrite",
	    "shadow-vmwrite-exit",     "entry-guest-link-not-shadow"};
	uint64_t v = 0;
	int o1, o2, o3;

	if (!env.has_shadow) {
		for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], "VMCS shadowing");
		return;
	}
	/* In VMX root operation a shadow VMCS is read and written as usual. */
	memset((void *)env.shadow, 0, PAGE);
	*(volatile uint32_t *)env.shadow = env.cap.revision | SHADOW_BIT;
	vmclear(env.shadow);
	o1 = vmptrld(env.shadow);
	o2 = vmwrite(F_GUEST_RIP, 0x1111222233334444ull);
	o3 = vmread(F_GUEST_RIP, &v);
	vmwrite(F_GUEST_RSP, 0x5555);
	vmclear(env.shadow);
	check("shadow-vmcs-root-access",
	      o1 == VM_OK && o2 == VM_OK && o3 == VM_OK &&
		  v == 0x1111222233334444ull,
	      "VMPTRLD %s, VMWRITE %s, VMREAD %s reads 0x%lx", vmx_str(o1),
	      vmx_str2(o2), o3 == VM_OK ? "VMsucceed" : "failed", v);

	/* Bitmap bit clear: L2's VMREAD reads the shadow VMCS, no exit. */
	shadow_vm(l2_vmread);
	vm.r.rcx = F_GUEST_RIP;
	vm_run(&vm);
	check("shadow-vmread",
	      vmcall_done() && vm.r.rax == 0x1111222233334444ull &&
		  !(vm.r.rdx & 0x41),
	      "%s, L2 read 0x%lx, RFLAGS.CF %d ZF %d", vm_exit_str(&vm),
	      vm.r.rax, (int)(vm.r.rdx & 1), (int)(vm.r.rdx >> 6 & 1));

	/* Bitmap bit set: VM exit 23 (SDM Vol. 3C 26.1.3). */
	shadow_vm(l2_vmread);
	vm.r.rcx = F_GUEST_RFLAGS;
	vm_run(&vm);
	check("shadow-vmread-exit",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMREAD &&
		  vm.x.len == 3,
	      "VMREAD 0x6820 (bit set): %s, length %u", vm_exit_str(&vm),
	      vm.x.len);

	shadow_vm(l2_vmwrite);
	vm.r.rcx = F_GUEST_RSP;
	vm.r.rax = 0x7777;
	vm_run(&vm);
	vmptrld(env.shadow);
	vmread(F_GUEST_RSP, &v);
	vmclear(env.shadow);
	vmptrld(env.vmcs);
	check("shadow-vmwrite",
	      vmcall_done() && v == 0x7777 && !(vm.r.rdx & 0x41),
	      "%s, the shadow VMCS then holds 0x%lx", vm_exit_str(&vm), v);

	shadow_vm(l2_vmwrite);
	vm.r.rcx = F_GUEST_RIP;
	vm_run(&vm);
	check("shadow-vmwrite-exit",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMWRITE,
	      "VMWRITE 0x681e (bit set): %s", vm_exit_str(&vm));

	/* With shadowing the link pointer must be a shadow VMCS (27.3.1.5). */
	shadow_vm(l2_vmcall);
	memset((void *)env.vmcs2, 0, PAGE);
	*(volatile uint32_t *)env.vmcs2 = env.cap.revision;
	vmw(F_LINK_PTR, env.vmcs2);
	vm_run(&vm);
	check("entry-guest-link-not-shadow",
	      vm.x.entry == VM_OK &&
		  vm.x.reason == (EXIT_ENTRY_FAIL | EXIT_BAD_GUEST) &&
		  vm.x.qual == 4,
	      "link pointer to an ordinary VMCS: %s, qualification %lu",
	      vm_exit_str(&vm), vm.x.qual);
	memset((void *)env.vmread_bm, 0xff, PAGE);
	memset((void *)env.vmwrite_bm, 0xff, PAGE);
	vmclear(env.vmcs);
}

/* ---- MSR lists ---- */

void check_msr_lists(void)
{
	uint64_t *l = (uint64_t *)env.msr_area;
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);

	memset(l, 0, PAGE);
	l[0] = MSR_KERNEL_GS_BASE; /* VM-entry load */
	l[1] = 0x1111000;
	l[32] = MSR_KERNEL_GS_BASE; /* VM-exit store, at +0x100 */
	l[33] = 0;
	l[64] = MSR_KERNEL_GS_BASE; /* VM-exit load, at +0x200 */
	l[65] = 0x3333000;
	vm_init(&vm, L2_LONG, l2_msr_swap);
	vmw(F_ENTRY_MSR_LOAD, env.msr_area);
	vmw(F_EXIT_MSR_STORE, env.msr_area + 0x100);
	vmw(F_EXIT_MSR_LOAD, env.msr_area + 0x200);
	vmw(F_ENTRY_LOAD_CNT, 1);
	vmw(F_EXIT_STORE_CNT, 1);
	vmw(F_EXIT_LOAD_CNT, 1);
	vm.r.r10 = 0x2222000;
	vm.r.r11 = 0;
	vm_run(&vm);
	uint64_t now = rdmsr(MSR_KERNEL_GS_BASE);
	uint64_t l2_read = vm.r.r9 << 32 | (uint32_t)vm.r.r8;

	wrmsr(MSR_KERNEL_GS_BASE, kgs);
	check("msr-list-entry-load", vmcall_done() && l2_read == 0x1111000,
	      "%s, L2 read KERNEL_GS_BASE 0x%lx", vm_exit_str(&vm), l2_read);
	check("msr-list-exit-store", vmcall_done() && l[33] == 0x2222000,
	      "the VM-exit MSR-store list holds 0x%lx", l[33]);
	check("msr-list-exit-load", vmcall_done() && now == 0x3333000,
	      "L1 reads KERNEL_GS_BASE 0x%lx after the exit", now);
	vmclear(env.vmcs);
}
