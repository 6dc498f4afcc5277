/* SPDX-License-Identifier: Apache-2.0 */
/* Exceptions taken inside the core. */
#ifndef ARCH_X86_EXCEPTION_H
#define ARCH_X86_EXCEPTION_H

#include <stdint.h>

/* Built by isr.asm (offsets generated from this struct), read by C. */
struct exc_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define EXC_VECTORS 32

void exception_dispatch(struct exc_frame *f);
/* Prints every register of the frame at error level. */
void exception_dump(const struct exc_frame *f);

/* isr.asm: one entry stub per vector */
extern const uint64_t isr_stub_table[EXC_VECTORS];

#endif
