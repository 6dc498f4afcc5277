/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The literal CVE-2015-5307 loop as an L2 (tests/guests/acloop32.h). In
 * IA-32e mode the CPU aligns RSP to 16 before it pushes an exception frame
 * (SDM Vol. 3A 6.14.2), so the loop needs legacy protected mode: there a
 * delivery to the same privilege level pushes EFLAGS, CS, EIP and the error
 * code on the current stack (6.12.1), and with CPL 3, CR0.AM and EFLAGS.AC
 * (which delivery does not clear) a misaligned ESP makes the first push
 * raise #AC (6.15, "Interrupt 17"), whose delivery pushes there again.
 * #AC is benign (Table 6-5): no double fault, the loop never ends and no
 * instruction completes. Bochs 3.0 behaves so: interrupt()'s same-privilege
 * path (cpu/exception.cc) pushes with push_32, whose stack_write_dword
 * (cpu/stack.cc) raises #AC for a misaligned address at CPL 3 with AC on.
 *
 * L1 runs the same loop after leaving IA-32e mode on its own CPU
 * (acloop32_l1: a far return to a 32-bit code segment, CR0.PG and
 * IA32_EFER.LME cleared, Vol. 3A 10.8.5.4), in place (the payload's code
 * and the pages are below 4 GiB, identity-mapped by the firmware).
 *
 * Layout of the three pages: the GDT at 0, L1's GDTR at 0xe0 and IDTR at
 * 0xf0, the IDT at 0x100, the loop's code at 0x300, the #AC handler at
 * 0x400, the TSS at 0x800; L2's stack is the second page, L1's the third,
 * ESP 2 bytes below the end.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/acloop32.h"

#define CR0_AM	   (1ull << 18)
#define RFLAGS_AC  (1ull << 18)
#define AR_CODE32_3 0xc0fbu /* 32-bit, 4 KiB granular, DPL 3, execute/read, accessed */
#define AR_DATA32_3 0xc0f3u /* the same for read/write data */
#define AR_TSS32_BUSY 0x8bu
#define SEL_TSS	    0x18
#define SEL_CODE3   0x23
#define SEL_DATA3   0x2b
#define OFF_IDT	    0x100
#define OFF_CODE    0x300
#define OFF_HANDLER 0x400
#define OFF_TSS	    0x800
#define OFF_GDTR    0xe0
#define OFF_IDTR    0xf0
#define MISALIGN    2
#define PAGES	    3

static uint64_t page; /* the two pages */

/* push eax; vmcall (L2's code); vmcall (the handler: never reached) */
static const uint8_t l2_code[] = {0x50, 0x0f, 0x01, 0xc1};
static const uint8_t handler[] = {0x0f, 0x01, 0xc1};

bool acloop32_init(void)
{
	EFI_PHYSICAL_ADDRESS a = 0x3fffffff;
	uint64_t *gdt, *idt;

	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, PAGES, &a)))
		return false;
	page = a;
	ZeroMem((void *)page, PAGES * 4096);
	gdt = (uint64_t *)page;
	gdt[1] = 0x00cf9b000000ffffull; /* ring-0 code and data (unused) */
	gdt[2] = 0x00cf93000000ffffull;
	gdt[3] = 0x67 | ((page + OFF_TSS) & 0xffffff) << 16 |
		 (uint64_t)AR_TSS32_BUSY << 40 | ((page + OFF_TSS) >> 24) << 56;
	gdt[4] = 0x00cffb000000ffffull; /* ring-3 code and data */
	gdt[5] = 0x00cff3000000ffffull;
	/* #AC: a 32-bit interrupt gate to the ring-3 handler (SDM 6.11) */
	idt = (uint64_t *)(page + OFF_IDT);
	idt[17] = ((page + OFF_HANDLER) & 0xffff) | (uint64_t)SEL_CODE3 << 16 |
		  0xeeull << 40 | ((page + OFF_HANDLER) >> 16) << 48;
	*(uint16_t *)(page + OFF_GDTR) = 6 * 8 - 1;
	*(uint64_t *)(page + OFF_GDTR + 2) = page;
	*(uint16_t *)(page + OFF_IDTR) = 32 * 8 - 1;
	*(uint32_t *)(page + OFF_IDTR + 2) = (uint32_t)(page + OFF_IDT);
	CopyMem((void *)(page + OFF_CODE), (void *)l2_code, sizeof(l2_code));
	CopyMem((void *)(page + OFF_HANDLER), (void *)handler, sizeof(handler));
	return true;
}

/*
 * acloop32_go(page): on this CPU, our GDT, then 32-bit code (selector 0x08)
 * at CPL 0, paging and IA32_EFER.LME off, data segments 0x10, our IDT,
 * CR0.AM on, IRET to CPL 3 (0x23, stack 0x2b at the third page's end - 2,
 * EFLAGS.AC, IF clear) at the loop's code. ESI carries the page.
 */
void acloop32_go(uint64_t page) HIDDEN;
void acloop32_compat(void) HIDDEN;
__asm__(".pushsection .text\n\t.code64\n"
	"acloop32_go:\n\tcli\n\tlgdt 0xe0(%rdi)\n\tmovl %edi, %esi\n"
	"\tleaq acloop32_compat(%rip), %rax\n\tpushq $0x08\n\tpushq %rax\n\tlretq\n"
	"\t.code32\n"
	"acloop32_compat:\n\tmovl %cr0, %eax\n\tandl $0x7fffffff, %eax\n\tmovl %eax, %cr0\n"
	"\tmovl $0xc0000080, %ecx\n\trdmsr\n\tandl $0xfffffeff, %eax\n\twrmsr\n"
	"\tmovw $0x10, %ax\n\tmovw %ax, %ds\n\tmovw %ax, %es\n\tmovw %ax, %ss\n"
	"\tmovw %ax, %fs\n\tmovw %ax, %gs\n\tlidt 0xf0(%esi)\n"
	"\tmovl %cr0, %eax\n\torl $0x40000, %eax\n\tmovl %eax, %cr0\n"
	"\tpushl $0x2b\n\tleal 0x2ffe(%esi), %eax\n\tpushl %eax\n"
	"\tpushl $0x40002\n\tpushl $0x23\n\tleal 0x300(%esi), %eax\n\tpushl %eax\n"
	"\tiretl\n\t.code64\n.popsection\n");
_Static_assert(OFF_GDTR == 0xe0 && OFF_IDTR == 0xf0 && OFF_CODE == 0x300 &&
		       PAGES * 4096 - MISALIGN == 0x2ffe,
	       "the asm above uses these offsets");

void acloop32_l1(void)
{
	acloop32_go(page);
	for (;;) /* not reached */
		;
}

static void seg(unsigned s, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	vmw(F_GUEST_ES_SEL + 2 * s, sel);
	vmw(F_GUEST_ES_BASE + 2 * s, base);
	vmw(F_GUEST_ES_LIMIT + 2 * s, limit);
	vmw(F_GUEST_ES_AR + 2 * s, ar);
}

void acloop32_vm(struct vm *vm, uint32_t exc_bitmap)
{
	vm_init(vm, L2_PROT32, (const void *)(page + OFF_CODE));
	vmw(F_GUEST_CR0, vmr(F_GUEST_CR0) | CR0_AM);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_AC);
	seg(SEG_CS, SEL_CODE3, 0, 0xffffffff, AR_CODE32_3);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			seg(s, SEL_DATA3, 0, 0xffffffff, AR_DATA32_3);
	seg(SEG_TR, SEL_TSS, page + OFF_TSS, 0x67, AR_TSS32_BUSY);
	vmw(F_GUEST_GDTR_BASE, page);
	vmw(F_GUEST_GDTR_LIM, 6 * 8 - 1);
	vmw(F_GUEST_IDTR_BASE, page + OFF_IDT);
	vmw(F_GUEST_IDTR_LIM, 32 * 8 - 1);
	vmw(F_GUEST_RSP, page + 2 * 4096 - MISALIGN);
	vmw(F_EXC_BITMAP, exc_bitmap);
}

static bool is_ac(uint32_t info)
{
	return (info & (INTR_VALID | 0xfff)) == (INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 17);
}

bool acloop32_reference(struct vm *vm)
{
	uint64_t code = page + OFF_CODE, rsp = page + 2 * 4096 - MISALIGN;
	bool first, again;

	acloop32_vm(vm, 1u << 17);
	vm_run(vm);
	first = check("ac32-push-faults",
		      vm->x.entry == VM_OK && vm->x.reason == EXIT_EXC_NMI &&
			  is_ac(vm->x.intr) && vm->x.intr_err == 0 &&
			  !(vm->x.idt & INTR_VALID) && vm->x.rip == code &&
			  vmr(F_GUEST_RSP) == rsp,
		      "CPL 3, AM, AC, ESP 0x%lx: PUSH raises #AC: %s, interruption 0x%x error %u, IDT-vectoring 0x%x, rip 0x%lx (code 0x%lx)",
		      rsp, vm_exit_str(vm), vm->x.intr, vm->x.intr_err,
		      vm->x.idt, vm->x.rip, code);
	/* the CPU's own next step: deliver that #AC to L2 (Vol. 3C 27.6) */
	vmw(F_ENTRY_INTR, INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 17);
	vmw(F_ENTRY_ERRCODE, 0);
	vm_run(vm);
	again = check("ac32-delivery-faults",
		      vm->x.entry == VM_OK && vm->x.reason == EXIT_EXC_NMI &&
			  is_ac(vm->x.intr) && is_ac(vm->x.idt) &&
			  vm->x.rip == code && vmr(F_GUEST_RSP) == rsp,
		      "delivering that #AC on the misaligned stack raises #AC again: %s, interruption 0x%x, IDT-vectoring 0x%x, rip 0x%lx",
		      vm_exit_str(vm), vm->x.intr, vm->x.idt, vm->x.rip);
	return first && again;
}
