/* SPDX-License-Identifier: Apache-2.0 */
#include "arch/x86/gdt.h"

#include "arch/x86/cpu.h"
#include "core/percpu.h"

/* SDM Vol. 3A 3.4.5: 64-bit code (L=1), flat data, both DPL 0. */
#define DESC_CODE64 0x00209a0000000000ull
#define DESC_DATA 0x00cf92000000ffffull

/* SDM Vol. 3A 8.2.3: the 16-byte available 64-bit TSS descriptor (type 9). */
static void set_tss_desc(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xffffull) | ((base & 0xffffffull) << 16) |
		  (0x89ull << 40) | ((uint64_t)(limit >> 16 & 0xf) << 48) |
		  ((base >> 24 & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_init(struct percpu *pc)
{
	struct tss64 *t = &pc->tss;

	t->ist[IST_DF - 1] = (uint64_t)(pc->ist_df + IST_STACK_SIZE);
	t->ist[IST_NMI - 1] = (uint64_t)(pc->ist_nmi + IST_STACK_SIZE);
	t->ist[IST_MC - 1] = (uint64_t)(pc->ist_mc + IST_STACK_SIZE);
	t->iomap_base = sizeof(*t); /* no I/O bitmap */

	pc->gdt[0] = 0;
	pc->gdt[GDT_CODE / 8] = DESC_CODE64;
	pc->gdt[GDT_DATA / 8] = DESC_DATA;
	set_tss_desc(&pc->gdt[GDT_TSS / 8], (uint64_t)t, sizeof(*t) - 1);

	struct desc_ptr gdtr = { sizeof(pc->gdt) - 1, (uint64_t)pc->gdt };

	gdt_reload(&gdtr, GDT_CODE, GDT_DATA);
	ltr(GDT_TSS);
}
