/* SPDX-License-Identifier: Apache-2.0 */
/* Per-CPU data: one PERCPU_SIZE area per CPU, struct at the bottom, stack at the top. */
#ifndef CORE_PERCPU_H
#define CORE_PERCPU_H

#include <stdint.h>

#include "arch/x86/gdt.h"
#include "core/bootinfo.h"
#include "vmx/vcpu.h"

#define PERCPU_SIZE 0x10000ul
#define IST_STACK_SIZE 4096

struct percpu {
	struct percpu *self; /* at %gs:0, so this_cpu() is one load */
	uint32_t cpu;        /* firmware processor number */
	uint32_t apic_id;
	const struct fw_context *fw; /* state to return to */
	struct vcpu vcpu;
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	/* Separate stacks so #DF, NMI and #MC never run on a broken stack. */
	uint8_t ist_df[IST_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t ist_nmi[IST_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t ist_mc[IST_STACK_SIZE] __attribute__((aligned(16)));
	/* the main stack runs from here up to the end of the area */
};

/*
 * The top 16 bytes of each per-CPU area are not stack: they hold the vCPU
 * pointer that vmx_entry.asm finds at HOST_RSP on every VM exit.
 */
#define PERCPU_STACK_RESERVE 16

static inline uint64_t percpu_stack_top(const struct percpu *pc)
{
	return (uint64_t)pc + PERCPU_SIZE - PERCPU_STACK_RESERVE;
}

_Static_assert(sizeof(struct percpu) + 32 * 1024 <= PERCPU_SIZE,
	       "per-CPU area leaves less than 32 KiB of stack");

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

extern struct boot_info bootinfo;

#endif
