/* SPDX-License-Identifier: Apache-2.0 */
/* The core's per-CPU GDT and 64-bit TSS. */
#ifndef ARCH_X86_GDT_H
#define ARCH_X86_GDT_H

#include <stdint.h>

#define GDT_CODE 0x08
#define GDT_DATA 0x10
#define GDT_TSS 0x18
#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */

/* SDM Vol. 3A 8.7 "Task Management in 64-bit Mode", Figure 8-11. */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

struct percpu;
void gdt_init(struct percpu *pc);

/* entry.asm: lgdt, reload CS/DS/ES/SS (FS/GS stay: their bases matter). */
void gdt_reload(const void *gdtr, uint64_t code_sel, uint64_t data_sel);

#endif
