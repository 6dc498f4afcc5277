; SPDX-License-Identifier: Apache-2.0
;
; The temporary NMI, #UD, #GP, #PF and #AC gates of guestlib.c's trap_arm(). A fault
; that a guarded instruction was expected to raise (trap_skip = its length,
; set by the GUARD() asm just before it) is recorded in trap_vector and
; trap_error and resumed after the instruction. Any other fault goes on to
; the firmware's handler as if we were not there, so a bug in a payload
; still gets the firmware's exception dump.
;
; Position-independent: the EFI image is relocated wherever the firmware
; loads it, so every data access is RIP-relative.

default rel
bits 64

extern trap_skip
extern trap_vector
extern trap_error

section .data
align 8
global trap_prev_ud:data hidden
global trap_prev_gp:data hidden
global trap_prev_pf:data hidden
global trap_prev_ac:data hidden
trap_prev_ud: dq 0
trap_prev_gp: dq 0
trap_prev_pf: dq 0
trap_prev_ac: dq 0

section .text

; TRAP name, vector, has_error_code, previous-handler variable
%macro TRAP 4
global %1:function hidden
%1:
%if %3 == 0
	push qword 0			; same frame layout as with an error code
%endif
	push rax
	mov rax, [trap_skip]
	test rax, rax
	jz %%chain
	add [rsp + 16], rax		; the saved RIP: resume after the instruction
	mov qword [trap_skip], 0	; one shot: a second fault is not ours
	mov qword [trap_vector], %2
	mov rax, [rsp + 8]
	mov [trap_error], rax
	pop rax
	add rsp, 8			; the error code
	iretq
%%chain:
	pop rax
%if %3 == 0
	add rsp, 8
%endif
	jmp [%4]
%endmacro

TRAP trap_ud, 6, 0, trap_prev_ud
TRAP trap_gp, 13, 1, trap_prev_gp
TRAP trap_pf, 14, 1, trap_prev_pf
TRAP trap_ac, 17, 1, trap_prev_ac

; NMI gate: counts NMIs that reach L1 (the nmi-delivered check). Interrupt
; gates do not block NMIs; the IRET ends the NMI's own blocking.
extern trap_nmis
global trap_nmi:function hidden
trap_nmi:
	lock inc qword [trap_nmis]
	iretq

; Where an unexpected fault goes when the firmware had no gate for it.
global trap_dead:function hidden
trap_dead:
	cli
	hlt
	jmp trap_dead

; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
