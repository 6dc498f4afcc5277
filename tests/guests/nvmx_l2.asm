; SPDX-License-Identifier: Apache-2.0
;
; nvmx's assembly: entering L2 and coming back from it (the host RIP), L1's
; NMI gate for the NMI-exit test, and the L2 code the tests run.
;
; nvmx_enter works like setjmp: it saves L1's callee-saved registers on its
; stack, points HOST_RSP there (HOST_RIP is nvmx_host_entry, written with
; the rest of the host state, so a test can make it bad), loads L2's
; registers and executes VMLAUNCH or VMRESUME. A VM exit (or a VM-entry
; failure after the guest-state checks, SDM Vol. 3C 27.8) lands in
; nvmx_host_entry with that stack, which stores L2's registers and returns
; 0 from nvmx_enter. A VMfail falls through and returns RFLAGS (never 0).
;
; Every L2 stub ends in DONE, a VMCALL that repeats if resumed, so an L2
; can never run off its end, whatever a test does.
;
; Position-independent: the EFI image is relocated where the firmware loads
; it, so every data access is RIP-relative.

default rel
bits 64

; struct l2_regs offsets
%define R_RAX 0
%define R_RBX 8
%define R_RCX 16
%define R_RDX 24
%define R_RSI 32
%define R_RDI 40
%define R_RBP 48
%define R_R8 56
%define R_R9 64
%define R_R10 72
%define R_R11 80
%define R_R12 88
%define R_R13 96
%define R_R14 104
%define R_R15 112

%define HOST_RSP 0x6c14
%define L2_EVENT_MAGIC 0x45564e54

%macro DONE 0
%%again:
	vmcall
	jmp %%again
%endmacro

%macro STUB 1
global %1:function hidden
%1:
%endmacro

section .text

; uint64_t nvmx_enter(struct l2_regs *regs /* rdi */, int launch /* esi */)
global nvmx_enter:function hidden
nvmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; [HOST_RSP]: where L2's registers go
	mov eax, HOST_RSP
	vmwrite rax, rsp
	test esi, esi			; the MOVs below keep these flags
	mov rax, [rdi + R_RAX]
	mov rbx, [rdi + R_RBX]
	mov rcx, [rdi + R_RCX]
	mov rdx, [rdi + R_RDX]
	mov rsi, [rdi + R_RSI]
	mov rbp, [rdi + R_RBP]
	mov r8, [rdi + R_R8]
	mov r9, [rdi + R_R9]
	mov r10, [rdi + R_R10]
	mov r11, [rdi + R_R11]
	mov r12, [rdi + R_R12]
	mov r13, [rdi + R_R13]
	mov r14, [rdi + R_R14]
	mov r15, [rdi + R_R15]
	mov rdi, [rdi + R_RDI]
	jz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume
.failed:
	pushfq
	pop rax
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

global nvmx_host_entry:function hidden
nvmx_host_entry:
	push rdi
	mov rdi, [rsp + 8]
	mov [rdi + R_RAX], rax
	mov [rdi + R_RBX], rbx
	mov [rdi + R_RCX], rcx
	mov [rdi + R_RDX], rdx
	mov [rdi + R_RSI], rsi
	mov [rdi + R_RBP], rbp
	mov [rdi + R_R8], r8
	mov [rdi + R_R9], r9
	mov [rdi + R_R10], r10
	mov [rdi + R_R11], r11
	mov [rdi + R_R12], r12
	mov [rdi + R_R13], r13
	mov [rdi + R_R14], r14
	mov [rdi + R_R15], r15
	pop rax
	mov [rdi + R_RDI], rax
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	xor eax, eax
	ret

; L1's NMI gate during the NMI-exit test: the C hook runs with NMIs
; blocked (it is inside NMI delivery until the IRETQ).
extern nvmx_nmi_hook
global nvmx_l1_nmi:function hidden
nvmx_l1_nmi:
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	push rbx
	mov rbx, rsp
	and rsp, -16
	call nvmx_nmi_hook
	mov rsp, rbx
	pop rbx
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	iretq

; An IRET to the next instruction: ends NMI blocking in L1, if any.
global nvmx_iret_self:function hidden
nvmx_iret_self:
	mov rdx, rsp
	xor eax, eax
	mov ax, ss
	push rax
	push rdx
	pushfq
	mov ax, cs
	push rax
	lea rax, [rel .back]
	push rax
	iretq
.back:
	ret

; ---- L2's IDT handlers: 16 bytes each, vector v at l2_vectors + 16 * v ----

%macro VEC 1
	align 16
%if (%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30)
	push qword %1			; the CPU pushed an error code
%else
	push qword -1			; none: L2_NO_ERROR in its place
	push qword %1
%endif
	jmp l2_vec_common
%endmacro

	align 16
global l2_vectors:data hidden
l2_vectors:
%assign v 0
%rep 256
	VEC v
%assign v v + 1
%endrep

; [rsp] vector, error, RIP, CS, RFLAGS, RSP, SS
l2_vec_common:
	mov rax, [rsp]
	mov [rel l2_ev + 0], rax
	mov rax, [rsp + 8]
	mov [rel l2_ev + 8], rax
	mov rax, [rsp + 16]
	mov [rel l2_ev + 16], rax
	mov rax, [rsp + 24]
	mov [rel l2_ev + 24], rax
	mov rax, [rsp + 32]
	mov [rel l2_ev + 32], rax
	mov rax, [rsp + 40]
	mov [rel l2_ev + 40], rax
	mov rax, cr2
	mov [rel l2_ev + 48], rax
	inc qword [rel l2_ev + 56]
	mov eax, L2_EVENT_MAGIC
	DONE

; ---- 64-bit L2 code; registers come from the test ----

STUB l2_vmcall
	lea rax, [rbx + rcx]
	DONE

STUB l2_cpuid
	xor eax, eax
	xor ecx, ecx
	cpuid
	DONE

STUB l2_hlt
	hlt
	mov eax, 0x484c54
	DONE

STUB l2_out81
	mov al, 0x5a
	out 0x81, al
	DONE

STUB l2_in81
	mov edx, 0x81
	in eax, dx
	DONE

STUB l2_out80
	mov al, 0x5a
	out 0x80, al
	mov eax, 0x600d
	DONE

STUB l2_out_span
	mov edx, 0x7f
	out dx, eax
	DONE

STUB l2_outsb
	mov edx, 0x81
	lea rsi, [rel l2_bytes]
	mov ecx, 2
	rep outsb
	DONE

STUB l2_rdmsr
	rdmsr
	DONE

STUB l2_wrmsr
	wrmsr
	DONE

; Reads IA32_KERNEL_GS_BASE into R9:R8, then writes R11:R10 to it.
STUB l2_msr_swap
	mov ecx, 0xc0000102
	rdmsr
	mov r8d, eax
	mov r9d, edx
	mov eax, r10d
	mov edx, r11d
	wrmsr
	DONE

STUB l2_mov_cr0
	mov cr0, rbx
	mov rax, cr0
	DONE

STUB l2_read_crs
	mov rax, cr0
	mov rdx, cr4
	DONE

STUB l2_mov_cr3
	mov cr3, rbx
	DONE

STUB l2_read_cr3
	mov rax, cr3
	DONE

STUB l2_mov_cr8
	mov cr8, rbx
	DONE

STUB l2_read_cr8
	mov rax, cr8
	DONE

STUB l2_clts
	clts
	DONE

STUB l2_lmsw
	lmsw bx
	DONE

STUB l2_mov_dr7
	mov rax, dr7
	DONE

STUB l2_ud2
	ud2
	DONE

STUB l2_load_ds
	mov eax, ebx
	mov ds, ax
	DONE

STUB l2_load
	mov rax, [rbx]
	DONE

STUB l2_store
	mov [rbx], rcx
	DONE

STUB l2_call
	call rbx
	DONE

STUB l2_int3
	int3
	DONE

STUB l2_icebp
	db 0xf1				; INT1 / ICEBP
	DONE

; Long enough for any timer or pending event to hit it, short enough
; that a missing exit ends in the VMCALL instead of hanging.
STUB l2_spin
	mov ecx, 200000
.loop:
	dec ecx
	jnz .loop
	mov eax, 0x5350
	DONE

; The xAPIC ICR at RBX: destination ECX, command EDX; then spin.
STUB l2_icr_mmio
	mov [rbx + 0x310], ecx
	mov [rbx + 0x300], edx
	jmp l2_spin

; The x2APIC ICR (RCX = 0x830, EDX:EAX from L1); then spin.
STUB l2_icr_msr
	wrmsr
	jmp l2_spin

STUB l2_sti
	sti
	nop
	nop
	DONE

STUB l2_iret
	mov rdx, rsp
	xor eax, eax
	mov ax, ss
	push rax
	push rdx
	pushfq
	mov ax, cs
	push rax
	lea rax, [rel l2_iret_next]
	push rax
	iretq
STUB l2_iret_next
	nop
	DONE

STUB l2_invlpg
	invlpg [rbx]
	DONE

STUB l2_rdtsc
	rdtsc
	shl rdx, 32
	or rax, rdx
	DONE

STUB l2_invd
	invd
	DONE

STUB l2_xsetbv
	xsetbv
	DONE

STUB l2_pause
	pause
	DONE

STUB l2_wbinvd
	wbinvd
	DONE

STUB l2_sgdt
	sgdt [rbx]
	DONE

STUB l2_nop2
	nop
	nop
	DONE

STUB l2_vmxon
	vmxon [rbx]
	DONE

STUB l2_vmclear
	vmclear [rbx]
	DONE

STUB l2_vmptrld
	vmptrld [rbx]
	DONE

STUB l2_vmptrst
	vmptrst [rbx + 0x20]
	DONE

; RDX gets RFLAGS: a VMREAD/VMWRITE the shadow VMCS served reports there.
STUB l2_vmread
	vmread rax, rcx
	pushfq
	pop rdx
	DONE

STUB l2_vmwrite
	vmwrite rcx, rax
	pushfq
	pop rdx
	DONE

STUB l2_vmread_mem
	vmread [rbx + 0x10], rcx
	DONE

STUB l2_vmlaunch
	vmlaunch
	DONE

STUB l2_vmresume
	vmresume
	DONE

STUB l2_vmxoff
	vmxoff
	DONE

STUB l2_invept
	invept rax, [rbx]
	DONE

STUB l2_invvpid
	invvpid rax, [rbx]
	DONE

; ---- 32-bit protected mode without paging (unrestricted guest) ----

bits 32
STUB l2_pm32
	mov eax, [ebx]
	add eax, 1
	DONE

; ---- 32-bit PAE paging: EBX = the PDPT to load (nvmx_modes.c) ----

STUB l2_pae_cr3
	mov cr3, ebx
	DONE

; ---- real mode (unrestricted guest), copied to its own page ----
; All segment bases are that page, so offsets from l2_rm_start are the
; addresses; L1 patches the GDT's code base and the GDTR base.

bits 16
STUB l2_rm_start
	mov ax, 0x1234
STUB l2_rm_out
	out 0x81, al
	xor eax, eax
STUB l2_rm_cpuid
	cpuid
	o32 lgdt [cs:l2_rm_gdtr - l2_rm_start]
	mov eax, cr0
	or al, 1
	mov cr0, eax
	jmp dword 0x08:(l2_rm_pm - l2_rm_start)
bits 32
l2_rm_pm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, [ebx]
	DONE
	align 8
STUB l2_rm_gdt
	dq 0
	dq 0				; code: base = the page (L1 fills it in)
	dq 0x00cf93000000ffff		; flat 4-GiB data
STUB l2_rm_gdtr
	dw 23
	dd 0				; the GDT's linear address (L1)
STUB l2_rm_end

bits 64

section .data
	align 8
global l2_ev:data hidden
l2_ev:	times 8 dq 0
l2_bytes: db 0x11, 0x22

; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
