/* SPDX-License-Identifier: Apache-2.0 */
#include "arch/x86/idt.h"

#include <stdint.h>

#include "arch/x86/cpu.h"
#include "arch/x86/exception.h"
#include "arch/x86/gdt.h"
#include "core/bootinfo.h"

/* SDM Vol. 3A 6.14.1, Figure 6-8: 64-bit interrupt gate. */
struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));

static uint8_t ist_for(unsigned vector)
{
	switch (vector) {
	case 2:
		return IST_NMI;
	case 8:
		return IST_DF;
	case 18:
		return IST_MC;
	default:
		return 0;
	}
}

void idt_init(void)
{
	for (unsigned v = 0; v < EXC_VECTORS; v++) {
		uint64_t h = isr_stub_table[v];

		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)h,
			.sel = GDT_CODE,
			.ist = ist_for(v),
			.type_attr = 0x8e, /* present, DPL 0, interrupt gate */
			.off_mid = (uint16_t)(h >> 16),
			.off_hi = (uint32_t)(h >> 32),
		};
	}
}

void idt_load(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	lidt(&idtr);
}

uint64_t idt_base(void)
{
	return (uint64_t)idt;
}
