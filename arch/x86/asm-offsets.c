/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled to assembly only: each DEFINE leaves a "->NAME value" marker that
 * the Makefile turns into a nasm %define, so entry stubs never hard-code a
 * struct offset.
 */
#include <stddef.h>

#include "arch/x86/exception.h"
#include "core/bootinfo.h"
#include "core/percpu.h"
#include "vmx/msr.h"
#include "vmx/vmcs_fields.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFF(sym, type, member) DEFINE(sym, offsetof(type, member))

void asm_offsets(void);
void asm_offsets(void)
{
	OFF(BI_CORE_PA, struct boot_info, core_pa);
	OFF(BI_CR3, struct boot_info, cr3);
	OFF(BI_PERCPU_VA, struct boot_info, percpu_va);
	DEFINE(PERCPU_SIZE, PERCPU_SIZE);
	DEFINE(PERCPU_STACK_RESERVE, PERCPU_STACK_RESERVE);

	DEFINE(FW_SIZE, (sizeof(struct fw_context) + 15) & ~15ul);
	OFF(FW_RBX, struct fw_context, rbx);
	OFF(FW_RBP, struct fw_context, rbp);
	OFF(FW_R12, struct fw_context, r12);
	OFF(FW_R13, struct fw_context, r13);
	OFF(FW_R14, struct fw_context, r14);
	OFF(FW_R15, struct fw_context, r15);
	OFF(FW_RSP, struct fw_context, rsp);
	OFF(FW_RIP, struct fw_context, rip);
	OFF(FW_RFLAGS, struct fw_context, rflags);
	OFF(FW_CR3, struct fw_context, cr3);
	OFF(FW_FS_BASE, struct fw_context, fs_base);
	OFF(FW_GS_BASE, struct fw_context, gs_base);
	OFF(FW_CS, struct fw_context, cs);
	OFF(FW_DS, struct fw_context, ds);
	OFF(FW_ES, struct fw_context, es);
	OFF(FW_FS, struct fw_context, fs);
	OFF(FW_GS, struct fw_context, gs);
	OFF(FW_SS, struct fw_context, ss);
	OFF(FW_TR, struct fw_context, tr);
	OFF(FW_LDTR, struct fw_context, ldtr);
	OFF(FW_GDTR, struct fw_context, gdtr);
	OFF(FW_IDTR, struct fw_context, idtr);

	DEFINE(EXC_FRAME_GPRS, offsetof(struct exc_frame, vector));
	OFF(EXC_RAX, struct exc_frame, rax);
	OFF(EXC_RBX, struct exc_frame, rbx);
	OFF(EXC_RCX, struct exc_frame, rcx);
	OFF(EXC_RDX, struct exc_frame, rdx);
	OFF(EXC_RSI, struct exc_frame, rsi);
	OFF(EXC_RDI, struct exc_frame, rdi);
	OFF(EXC_RBP, struct exc_frame, rbp);
	OFF(EXC_R8, struct exc_frame, r8);
	OFF(EXC_R9, struct exc_frame, r9);
	OFF(EXC_R10, struct exc_frame, r10);
	OFF(EXC_R11, struct exc_frame, r11);
	OFF(EXC_R12, struct exc_frame, r12);
	OFF(EXC_R13, struct exc_frame, r13);
	OFF(EXC_R14, struct exc_frame, r14);
	OFF(EXC_R15, struct exc_frame, r15);
	OFF(EXC_VECTOR, struct exc_frame, vector);

	OFF(VCPU_RAX, struct vcpu, regs.rax);
	OFF(VCPU_RBX, struct vcpu, regs.rbx);
	OFF(VCPU_RCX, struct vcpu, regs.rcx);
	OFF(VCPU_RDX, struct vcpu, regs.rdx);
	OFF(VCPU_RSI, struct vcpu, regs.rsi);
	OFF(VCPU_RDI, struct vcpu, regs.rdi);
	OFF(VCPU_RBP, struct vcpu, regs.rbp);
	OFF(VCPU_R8, struct vcpu, regs.r8);
	OFF(VCPU_R9, struct vcpu, regs.r9);
	OFF(VCPU_R10, struct vcpu, regs.r10);
	OFF(VCPU_R11, struct vcpu, regs.r11);
	OFF(VCPU_R12, struct vcpu, regs.r12);
	OFF(VCPU_R13, struct vcpu, regs.r13);
	OFF(VCPU_R14, struct vcpu, regs.r14);
	OFF(VCPU_R15, struct vcpu, regs.r15);

	DEFINE(GDT_CODE_SEL, GDT_CODE);
	DEFINE(GDT_DATA_SEL, GDT_DATA);
	DEFINE(MSR_FS_BASE, MSR_IA32_FS_BASE);
	DEFINE(MSR_GS_BASE, MSR_IA32_GS_BASE);
	/* VMCS encodings the entry stubs write (vmx/vmcs_fields.def) */
	DEFINE(VMCS_HOST_RSP, HOST_RSP);
	DEFINE(VMCS_HOST_RIP, HOST_RIP);
}
