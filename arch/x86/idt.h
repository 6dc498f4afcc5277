/* SPDX-License-Identifier: Apache-2.0 */
/* One IDT shared by all CPUs: exception vectors 0-31 into the core's handlers. */
#ifndef ARCH_X86_IDT_H
#define ARCH_X86_IDT_H

#include <stdint.h>

/* Builds the table (once, on the bootstrap CPU). */
void idt_init(void);
/* Loads it on the calling CPU. */
void idt_load(void);
/* Its linear address (the VMCS host IDTR). */
uint64_t idt_base(void);

#endif
