; SPDX-License-Identifier: Apache-2.0
;
; Entering and leaving L1. HOST_RSP points at a slot holding the vCPU
; pointer at the top of this CPU's stack (PERCPU_STACK_RESERVE), so every
; exit finds its vCPU without touching a guest register first. Offsets of
; struct vcpu come from C (asm-offsets).

%include "asm-offsets.inc"

bits 64
default rel

extern vmx_handle_exit
extern vmx_entry_failed
global vmx_launch
global vmx_exit_entry
global vmx_dry_entry

section .text

%macro LOAD_GUEST_GPRS 0			; rax = vcpu; loads every GPR, rax last
	mov rbx, [rax + VCPU_RBX]
	mov rcx, [rax + VCPU_RCX]
	mov rdx, [rax + VCPU_RDX]
	mov rsi, [rax + VCPU_RSI]
	mov rdi, [rax + VCPU_RDI]
	mov rbp, [rax + VCPU_RBP]
	mov r8, [rax + VCPU_R8]
	mov r9, [rax + VCPU_R9]
	mov r10, [rax + VCPU_R10]
	mov r11, [rax + VCPU_R11]
	mov r12, [rax + VCPU_R12]
	mov r13, [rax + VCPU_R13]
	mov r14, [rax + VCPU_R14]
	mov r15, [rax + VCPU_R15]
	mov rax, [rax + VCPU_RAX]
%endmacro

; uint64_t vmx_launch(struct vcpu *v): returns RFLAGS of a failed VMLAUNCH;
; a successful one never returns (the next exit enters vmx_exit_entry).
vmx_launch:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov rax, rdi
	LOAD_GUEST_GPRS
	vmlaunch
	pushfq
	pop rax
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

vmx_exit_entry:
	push rax				; vCPU pointer now at [rsp + 8]
	mov rax, [rsp + 8]
	mov [rax + VCPU_RBX], rbx
	mov [rax + VCPU_RCX], rcx
	mov [rax + VCPU_RDX], rdx
	mov [rax + VCPU_RSI], rsi
	mov [rax + VCPU_RDI], rdi
	mov [rax + VCPU_RBP], rbp
	mov [rax + VCPU_R8], r8
	mov [rax + VCPU_R9], r9
	mov [rax + VCPU_R10], r10
	mov [rax + VCPU_R11], r11
	mov [rax + VCPU_R12], r12
	mov [rax + VCPU_R13], r13
	mov [rax + VCPU_R14], r14
	mov [rax + VCPU_R15], r15
	pop qword [rax + VCPU_RAX]
	mov rdi, rax
	cld
	call vmx_handle_exit			; rsp is 16-byte aligned here
.enter:						; eax: 1 = VMLAUNCH (a new vmcs02), 0 = VMRESUME
	test eax, eax
	mov rax, [rsp]
	LOAD_GUEST_GPRS				; moves only: the flags of the test survive
	jnz .launch
	vmresume
	jmp .failed
.launch:
	vmlaunch
.failed:					; RFLAGS say how it failed
	pushfq
	pop rsi
	mov rdi, [rsp]
	call vmx_entry_failed			; unwinds a failed vmcs02 or stops the vCPU
	jmp .enter

; uint64_t vmx_dry_entry(int launch): VM-enters the current VMCS, whose guest
; state is invalid on purpose, so the CPU runs its VMFail checks and stops
; there. Returns the RFLAGS of a VMFail, or 0 when the CPU got as far as the
; guest-state checks and failed the entry with an exit, which lands right
; here (HOST_RSP/HOST_RIP point here for the attempt; the caller restores
; them). Callee-saved registers are kept on the stack across the attempt.
vmx_dry_entry:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov rax, VMCS_HOST_RSP
	vmwrite rax, rsp
	lea rdx, [rel .landed]
	mov rax, VMCS_HOST_RIP
	vmwrite rax, rdx
	test edi, edi
	jnz .launch
	vmresume
	jmp .vmfail
.launch:
	vmlaunch
.vmfail:
	pushfq
	pop rax
	jmp .out
.landed:
	xor eax, eax
.out:
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
