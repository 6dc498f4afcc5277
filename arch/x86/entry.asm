; SPDX-License-Identifier: Apache-2.0
;
; core_enter: the one way into the core. The loader calls it (SysV ABI) at
; the core's *physical* alias while the firmware's page tables are live; the
; core's page tables identity-map all physical memory as well, so this code
; keeps running across the CR3 switch. The firmware's CPU state is saved in a
; struct fw_context on the caller's stack (offsets generated from C).

%include "asm-offsets.inc"

bits 64
default rel

extern core_cpu_entry
extern bootinfo
extern __core_start
global core_enter
global gdt_reload
global nmi_unblock

section .text.entry

; uint64_t core_enter(uint64_t cpu)
core_enter:
	sub rsp, FW_SIZE
	mov [rsp + FW_RBX], rbx
	mov [rsp + FW_RBP], rbp
	mov [rsp + FW_R12], r12
	mov [rsp + FW_R13], r13
	mov [rsp + FW_R14], r14
	mov [rsp + FW_R15], r15
	mov rax, [rsp + FW_SIZE]		; return address
	mov [rsp + FW_RIP], rax
	lea rax, [rsp + FW_SIZE + 8]		; RSP once we have returned
	mov [rsp + FW_RSP], rax
	pushfq
	pop qword [rsp + FW_RFLAGS]
	cli
	mov rax, cr3
	mov [rsp + FW_CR3], rax
	mov ecx, MSR_FS_BASE
	rdmsr
	mov [rsp + FW_FS_BASE], eax
	mov [rsp + FW_FS_BASE + 4], edx
	mov ecx, MSR_GS_BASE
	rdmsr
	mov [rsp + FW_GS_BASE], eax
	mov [rsp + FW_GS_BASE + 4], edx
	mov [rsp + FW_CS], cs
	mov [rsp + FW_DS], ds
	mov [rsp + FW_ES], es
	mov [rsp + FW_FS], fs
	mov [rsp + FW_GS], gs
	mov [rsp + FW_SS], ss
	str word [rsp + FW_TR]
	sldt word [rsp + FW_LDTR]
	sgdt [rsp + FW_GDTR]
	sidt [rsp + FW_IDTR]

	mov r12, rsp				; fw_context (identity-mapped)
	mov r13, rdi				; cpu
	lea rbx, [rel bootinfo]			; physical alias of bootinfo
	mov r14, [rbx + BI_CORE_PA]
	mov rax, [rbx + BI_CR3]
	mov cr3, rax
	mov rax, .high				; absolute: the linked address
	jmp rax
.high:
	mov rbx, bootinfo
	mov rax, r13
	imul rax, rax, PERCPU_SIZE
	add rax, [rbx + BI_PERCPU_VA]
	lea rsp, [rax + PERCPU_SIZE - PERCPU_STACK_RESERVE]	; this CPU's core stack
	mov rdi, r13
	mov rsi, rax
	mov rdx, r12
	call core_cpu_entry
	mov r15, rax

	; back to the physical alias before the firmware's CR3 returns
	mov rax, .low
	mov rcx, __core_start
	sub rax, rcx
	add rax, r14
	jmp rax
.low:
	mov rsp, r12
	lgdt [rsp + FW_GDTR]
	lidt [rsp + FW_IDTR]
	movzx eax, word [rsp + FW_CS]
	push rax
	lea rax, [rel .cs_reloaded]
	push rax
	retfq
.cs_reloaded:
	mov rax, [rsp + FW_CR3]
	mov cr3, rax
	mov ss, [rsp + FW_SS]
	mov ds, [rsp + FW_DS]
	mov es, [rsp + FW_ES]
	mov fs, [rsp + FW_FS]
	mov gs, [rsp + FW_GS]
	; bases last: loading a selector may have changed them
	mov ecx, MSR_FS_BASE
	mov eax, [rsp + FW_FS_BASE]
	mov edx, [rsp + FW_FS_BASE + 4]
	wrmsr
	mov ecx, MSR_GS_BASE
	mov eax, [rsp + FW_GS_BASE]
	mov edx, [rsp + FW_GS_BASE + 4]
	wrmsr
	mov rax, r15				; core_cpu_entry's status
	push qword [rsp + FW_RFLAGS]
	popfq
	mov rbx, [rsp + FW_RBX]
	mov rbp, [rsp + FW_RBP]
	mov r12, [rsp + FW_R12]
	mov r13, [rsp + FW_R13]
	mov r14, [rsp + FW_R14]
	mov r15, [rsp + FW_R15]
	add rsp, FW_SIZE
	ret

section .text

; void nmi_unblock(void): an IRET to the next instruction. A VM exit caused
; by an NMI leaves NMIs blocked until the next IRET (SDM Vol. 3C, "VM exits
; caused by NMIs"); L0 takes no NMI itself, so it must IRET on purpose.
nmi_unblock:
	mov rax, rsp
	push qword GDT_DATA_SEL
	push rax
	pushfq
	push qword GDT_CODE_SEL
	lea rcx, [rel .after]
	push rcx
	iretq
.after:
	ret

; void gdt_reload(const void *gdtr, uint64_t code_sel, uint64_t data_sel)
gdt_reload:
	lgdt [rdi]
	mov ss, dx
	mov ds, dx
	mov es, dx
	push rsi
	lea rax, [rel .reloaded]
	push rax
	retfq
.reloaded:
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
