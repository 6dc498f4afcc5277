; SPDX-License-Identifier: Apache-2.0
;
; Exception entry stubs for vectors 0-31: each pushes a zero error code when
; the CPU does not, then its vector, and joins isr_common, which builds a
; struct exc_frame (offsets generated from C) and calls exception_dispatch.

%include "asm-offsets.inc"

bits 64
default rel

extern exception_dispatch
global isr_stub_table

section .text

; Vectors with a CPU-pushed error code (SDM Vol. 3A Table 6-1).
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign v 0
%rep 32
isr_%+v:
%if !HAS_ERROR(v)
	push 0
%endif
	push v
	jmp isr_common
%assign v v+1
%endrep

isr_common:
	sub rsp, EXC_FRAME_GPRS
	mov [rsp + EXC_RAX], rax
	mov [rsp + EXC_RBX], rbx
	mov [rsp + EXC_RCX], rcx
	mov [rsp + EXC_RDX], rdx
	mov [rsp + EXC_RSI], rsi
	mov [rsp + EXC_RDI], rdi
	mov [rsp + EXC_RBP], rbp
	mov [rsp + EXC_R8], r8
	mov [rsp + EXC_R9], r9
	mov [rsp + EXC_R10], r10
	mov [rsp + EXC_R11], r11
	mov [rsp + EXC_R12], r12
	mov [rsp + EXC_R13], r13
	mov [rsp + EXC_R14], r14
	mov [rsp + EXC_R15], r15
	mov rdi, rsp
	cld
	call exception_dispatch
	mov rax, [rsp + EXC_RAX]
	mov rbx, [rsp + EXC_RBX]
	mov rcx, [rsp + EXC_RCX]
	mov rdx, [rsp + EXC_RDX]
	mov rsi, [rsp + EXC_RSI]
	mov rdi, [rsp + EXC_RDI]
	mov rbp, [rsp + EXC_RBP]
	mov r8, [rsp + EXC_R8]
	mov r9, [rsp + EXC_R9]
	mov r10, [rsp + EXC_R10]
	mov r11, [rsp + EXC_R11]
	mov r12, [rsp + EXC_R12]
	mov r13, [rsp + EXC_R13]
	mov r14, [rsp + EXC_R14]
	mov r15, [rsp + EXC_R15]
	add rsp, EXC_FRAME_GPRS + 16		; GPRs, vector, error code
	iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 32
	dq isr_%+v
%assign v v+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
