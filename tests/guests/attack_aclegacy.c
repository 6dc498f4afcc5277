/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attack-aclegacy: a legacy alignment-check #AC in L2 (CPL 3 with CR0.AM
 * and RFLAGS.AC, a misaligned load) while L0 intercepts #AC for split
 * locks in every vmcs02. L0 must tell it from a split lock and route it as
 * the CPU would without L0 (SDM Vol. 3A 6.15; Vol. 3C 26.2): to L1 as exit
 * 0 vector 17 when vmcs12 intercepts #AC, else into L2's own handler.
 * L2 starts at CPL 3 straight from VM entry (user segments in vmcs12,
 * page tables with U/S set, TSS.RSP0 for the handler's stack). First, the
 * same load by L1 itself at CPL 3 (tests/guests/aclegacy_l1.c): its #AC
 * must reach L1's own handler.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/aclegacy_l1.h"
#include "tests/guests/nvmx.h"

#define CR0_AM	    (1ull << 18)
#define RFLAGS_AC   (1ull << 18)
#define CR4_SMEP    (1ull << 20)
#define CR4_SMAP    (1ull << 21)
#define AR_CODE64_3 0xa0fbu /* AR_CODE64 with DPL 3 */
#define AR_DATA_3   0xc0f3u /* AR_DATA with DPL 3 */
#define PTE_P_RW_US 0x7ull
#define PTE_PS	    0x80ull

static struct vm vm;
static uint8_t line[128] __attribute__((aligned(64)));
uint64_t aclegacy_addr HIDDEN; /* the misaligned address L2 loads from */

L2_STUB(aclegacy_l2);
__asm__(".pushsection .text\n"
	"aclegacy_l2:\n\tmovq aclegacy_addr(%rip), %rbx\n"
	"\tmovl (%rbx), %eax\n\tmovl $0x4f4b, %eax\n\tvmcall\n"
	".popsection\n");

static uint64_t low_pages(UINTN pages)
{
	EFI_PHYSICAL_ADDRESS a = 0x3fffffff;

	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData,
					pages, &a)))
		return 0;
	ZeroMem((void *)a, pages * 4096);
	return a;
}

/* 0..1 GiB identity, 2-MiB pages, user-accessible at every level. */
static uint64_t user_tables(void)
{
	uint64_t t = low_pages(3);
	uint64_t *pml4 = (uint64_t *)t, *pdpt = (uint64_t *)(t + 4096),
		 *pd = (uint64_t *)(t + 8192);

	if (!t)
		return 0;
	pml4[0] = (t + 4096) | PTE_P_RW_US;
	pdpt[0] = (t + 8192) | PTE_P_RW_US;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | PTE_P_RW_US | PTE_PS;
	return t;
}

/* L2 at CPL 3, alignment checks on, about to load from a misaligned address. */
static void setup(uint64_t cr3, uint64_t user_stack, uint32_t exc_bitmap)
{
	vm_init(&vm, L2_LONG, aclegacy_l2);
	vmw(F_GUEST_CR3, cr3);
	vmw(F_GUEST_CR0, vmr(F_GUEST_CR0) | CR0_AM);
	vmw(F_GUEST_CR4, vmr(F_GUEST_CR4) & ~(CR4_SMEP | CR4_SMAP));
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_AC);
	vmw(F_GUEST_CS_SEL, env.cs | 3);
	vmw(F_GUEST_CS_AR, AR_CODE64_3);
	vmw(F_GUEST_ES_SEL + 2 * SEG_SS, env.ds | 3);
	vmw(F_GUEST_ES_AR + 2 * SEG_SS, AR_DATA_3);
	vmw(F_GUEST_RSP, user_stack);
	vmw(F_EXC_BITMAP, exc_bitmap);
	l2_ev.count = 0;
}

/* The same misaligned load by L1 itself at CPL 3: L1's handler gets #AC(0). */
static void l1_check(uint64_t cr3, uint64_t kstack_top, uint64_t ustack_top)
{
	struct l1u_event ev;

	if (!l1_user_ac(cr3, kstack_top, ustack_top, aclegacy_addr, &ev)) {
		check("ac-legacy-in-l1", false, "no memory for the GDT, IDT or TSS copy, or a GDT too large (line above)");
		return;
	}
	check("ac-legacy-in-l1",
	      ev.vector == 17 && ev.error == 0 && ev.rip == ev.load &&
		  (ev.cs & 3) == 3,
	      "L1 itself at CPL 3: its own handler saw vector %lu error %lu at the load + %ld, CPL %lu",
	      ev.vector, ev.error, (long)(ev.rip - ev.load), ev.cs & 3);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	uint64_t cr3, ustack, kstack;
	char sig[13];

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack-aclegacy");
	guest_printf("attack-aclegacy: start (under %s)\n",
		     hv_signature(sig, NULL) ? "a hypervisor" : "no hypervisor");
	aclegacy_addr = (uint64_t)line + 61;
	if (!env_init() || !(cr3 = user_tables()) || !(ustack = low_pages(4)) ||
	    !(kstack = low_pages(4))) {
		check("setup", false, "no memory");
		guest_finish();
	}
	/* before any VM exit of ours sets GDTR's limit to 0xffff (Vol. 3C 28.5.2) */
	l1_check(cr3, kstack + 4 * 4096, ustack + 4 * 4096);
	/* the handler's stack: the CPL 3 -> 0 switch takes TSS.RSP0 */
	*(volatile uint64_t *)(env.tss + 4) = kstack + 4 * 4096;
	*(volatile uint32_t *)env.vmxon = env.cap.revision;
	*(volatile uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		check("vmxon", false, "VMX operation did not start");
		guest_finish();
	}
	setup(cr3, ustack + 4 * 4096, 1u << 17);
	vm_run(&vm);
	check("ac-legacy-to-l1",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_EXC_NMI &&
		  (vm.x.intr & 0x7ff) == (INTR_HW_EXC | 17) &&
		  (vm.x.intr & INTR_ERRCODE) && vm.x.intr_err == 0 &&
		  vm_rip_off(&vm) == 7,
	      "vmcs12 intercepts #AC: %s, interruption 0x%x, error %u, rip +%ld",
	      vm_exit_str(&vm), vm.x.intr, vm.x.intr_err, vm_rip_off(&vm));
	setup(cr3, ustack + 4 * 4096, 0);
	vm_run(&vm);
	check("ac-legacy-into-l2",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL &&
		  vm.r.rax == L2_EVENT_MAGIC && l2_ev.vector == 17 &&
		  l2_ev.error == 0 && l2_ev.rip == (uint64_t)aclegacy_l2 + 7 &&
		  (l2_ev.cs & 3) == 3,
	      "vmcs12 does not: %s, L2's handler saw vector %lu error %lu at rip +%ld from CPL %lu",
	      vm_exit_str(&vm), l2_ev.vector, l2_ev.error,
	      (long)(l2_ev.rip - (uint64_t)aclegacy_l2), l2_ev.cs & 3);
	vmxoff();
	l0_alive_everywhere();
	guest_finish();
}
