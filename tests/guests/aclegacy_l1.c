/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L1's own legacy alignment-check #AC (tests/guests/aclegacy_l1.h): CPL 3,
 * CR0.AM, RFLAGS.AC and a misaligned 4-byte load raise #AC(0) (SDM Vol. 3A
 * 6.15, "Interrupt 17"); the handler is entered through a 64-bit interrupt
 * gate on TSS.RSP0 (6.14.4). Under L0 the #AC is L0's to intercept (split
 * locks), and it must reach L1 as if L0 were not there.
 */
#include <efi.h>
#include <efilib.h>
#include <stdbool.h>

#include "tests/guests/aclegacy_l1.h"
#include "tests/guests/guestlib.h"

#define CR0_AM	 (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define USER_CODE64 0x00affb000000ffffull /* L, DPL 3, execute/read, accessed */
#define USER_DATA   0x00cff3000000ffffull /* DPL 3, read/write, accessed */

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

volatile struct l1u_event l1u_ev HIDDEN;
uint64_t l1u_saved_rsp HIDDEN;
uint64_t l1u_addr HIDDEN;

/* l1u_enter(rip, rsp, cs, ss): IRETQ to CPL 3 with RFLAGS = AC (IF clear);
 * returns when a handler has recorded the event. */
void l1u_enter(uint64_t rip, uint64_t rsp, uint64_t cs, uint64_t ss) HIDDEN;
void l1u_user(void) HIDDEN;
void l1u_load(void) HIDDEN;
void l1u_ac(void) HIDDEN;
void l1u_ud(void) HIDDEN;
__asm__(".pushsection .text\n"
	"l1u_enter:\n\tpushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n"
	"\tpushq %r14\n\tpushq %r15\n\tmovq %rsp, l1u_saved_rsp(%rip)\n"
	"\tpushq %rcx\n\tpushq %rsi\n\tpushq $0x40002\n\tpushq %rdx\n"
	"\tpushq %rdi\n\tiretq\n"
	"l1u_user:\n\tmovq l1u_addr(%rip), %rbx\n"
	"l1u_load:\n\tmovl (%rbx), %eax\n\tud2\n"
	"l1u_ac:\n\tpopq l1u_ev+8(%rip)\n\tmovq $17, l1u_ev(%rip)\n\tjmp 1f\n"
	"l1u_ud:\n\tmovq $-1, l1u_ev+8(%rip)\n\tmovq $6, l1u_ev(%rip)\n"
	"1:\tmovq (%rsp), %rax\n\tmovq %rax, l1u_ev+16(%rip)\n"
	"\tmovq 8(%rsp), %rax\n\tmovq %rax, l1u_ev+24(%rip)\n"
	"\tmovq l1u_saved_rsp(%rip), %rsp\n\tpopq %r15\n\tpopq %r14\n"
	"\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\tret\n"
	".popsection\n");

static void gate(uint64_t *idt, unsigned v, uint64_t a, uint16_t cs)
{
	idt[2 * v] = (a & 0xffff) | (uint64_t)cs << 16 | 0x8eull << 40 |
		     ((a >> 16) & 0xffff) << 48;
	idt[2 * v + 1] = a >> 32;
}

static uint64_t page(void)
{
	EFI_PHYSICAL_ADDRESS a = 0x3fffffff;

	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, 1, &a)))
		return 0;
	ZeroMem((void *)a, 4096);
	return a;
}

/* The GDT copy: the firmware's, then user code, user data, a 64-bit TSS. */
static uint16_t gdt_copy(const struct dtr *old, struct dtr *new, uint64_t tss,
			 uint16_t *ucs)
{
	uint64_t *g = (uint64_t *)new->base;
	uint16_t off = (uint16_t)((old->limit + 1u + 7) & ~7u);

	CopyMem(g, (void *)old->base, old->limit + 1u);
	g[off / 8] = USER_CODE64;
	g[off / 8 + 1] = USER_DATA;
	g[off / 8 + 2] = 0x67 | (tss & 0xffffff) << 16 | 0x89ull << 40 |
			 ((tss >> 24) & 0xff) << 56;
	g[off / 8 + 3] = tss >> 32;
	new->limit = (uint16_t)(off + 31);
	*ucs = off;
	return (uint16_t)(off + 16);
}

bool l1_user_ac(uint64_t cr3, uint64_t kstack_top, uint64_t ustack_top,
		uint64_t addr, struct l1u_event *ev)
{
	struct dtr gdt, idt, ngdt, nidt;
	uint64_t tss = page(), cr0, cr3_0, cr4, fl;
	uint16_t ucs, tr, ds, es, fs, gs, ss, cs;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt));
	ngdt.base = page();
	nidt.base = page();
	if (!tss || !ngdt.base || !nidt.base || gdt.limit > 4096 - 40) {
		guest_printf("aclegacy_l1: pages 0x%lx 0x%lx 0x%lx, GDT limit %u\n",
			     tss, ngdt.base, nidt.base, gdt.limit);
		return false;
	}
	__asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%es, %2; mov %%fs, %3; mov %%gs, %4; mov %%ss, %5"
			 : "=r"(cs), "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs), "=r"(ss));
	tr = gdt_copy(&gdt, &ngdt, tss, &ucs);
	*(uint64_t *)(tss + 4) = kstack_top; /* RSP0 */
	*(uint16_t *)(tss + 0x66) = 0x68;    /* no I/O bitmap */
	CopyMem((void *)nidt.base, (void *)idt.base, idt.limit + 1u < 4096 ? idt.limit + 1u : 4096);
	nidt.limit = 4095;
	gate((uint64_t *)nidt.base, 6, (uint64_t)l1u_ud, cs);
	gate((uint64_t *)nidt.base, 17, (uint64_t)l1u_ac, cs);
	ZeroMem((void *)&l1u_ev, sizeof(l1u_ev));
	l1u_addr = addr;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(fl));
	__asm__ volatile("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2"
			 : "=r"(cr0), "=r"(cr3_0), "=r"(cr4));
	__asm__ volatile("lgdt %0; ltr %1; lidt %2" : : "m"(ngdt), "r"(tr), "m"(nidt));
	__asm__ volatile("mov %0, %%cr4; mov %1, %%cr3; mov %2, %%cr0"
			 : : "r"(cr4 & ~(CR4_SMEP | CR4_SMAP)), "r"(cr3), "r"(cr0 | CR0_AM)
			 : "memory");
	l1u_enter((uint64_t)l1u_user, ustack_top, ucs | 3u, (ucs + 8u) | 3u);
	__asm__ volatile("mov %0, %%cr0; mov %1, %%cr3; mov %2, %%cr4"
			 : : "r"(cr0), "r"(cr3_0), "r"(cr4) : "memory");
	__asm__ volatile("lidt %0; lgdt %1" : : "m"(idt), "m"(gdt));
	__asm__ volatile("mov %0, %%ss; mov %1, %%ds; mov %2, %%es; mov %3, %%fs; mov %4, %%gs"
			 : : "r"(ss), "r"(ds), "r"(es), "r"(fs), "r"(gs));
	__asm__ volatile("pushq %0; popfq" : : "r"(fl) : "memory", "cc");
	ev->vector = l1u_ev.vector;
	ev->error = l1u_ev.error;
	ev->rip = l1u_ev.rip;
	ev->cs = l1u_ev.cs;
	ev->load = (uint64_t)l1u_load;
	return true;
}
