; SPDX-License-Identifier: Apache-2.0
;
; L2 code for bmodels.c (the Bochs-model payload): a long instruction loop
; (no notify exit may come of it) and the 32-bit CPL-3 code of the #AC
; delivery loop (CVE-2015-5307-like): with CR0.AM, RFLAGS.AC and a misaligned
; ESP, PUSH raises #AC, and delivering it through a gate to CPL-3 code pushes
; on the same misaligned stack: #AC again, without end. If the push ever
; completed, or the #AC handler (the VMCALL) ever ran, L2 exits with VMCALL.
; And the #DB loop of CVE-2015-8104 in 64-bit mode (see bm_l2_icebp).
;
; Position-independent: L2 runs this code where the firmware loaded the image.

default rel

section .text

; 64-bit: 300000 iterations of DEC/JNZ, then VMCALL (repeated if resumed).
bits 64
global bm_l2_loop:function hidden
bm_l2_loop:
	mov ecx, 300000
.again:
	dec ecx
	jnz .again
.done:
	vmcall
	jmp .done

; 64-bit: ICEBP raises #DB; its gate (IST 1) leads to bm_l2_db_handler.
; With a data breakpoint on the IST stack's top slot, delivering #DB
; writes there and raises the next #DB trap before the handler's first
; instruction, without end (CVE-2015-8104-like).
; L2 loads DR7 itself (RDI holds the value): Bochs 3.0 does not flush its
; TLB when VM entry loads DR7, so a breakpoint enabled only that way misses
; pages that were in its TLB (MOV DR7 flushes it).
global bm_l2_icebp:function hidden
bm_l2_icebp:
	mov dr7, rdi
	db 0xf1
.done:
	vmcall
	jmp .done

global bm_l2_db_handler:function hidden
bm_l2_db_handler:
	vmcall
	jmp bm_l2_db_handler

; 32-bit protected mode, CPL 3: the PUSH faults; the #AC gate points at
; bm_l2_ac_handler.
bits 32
global bm_l2_push32:function hidden
bm_l2_push32:
	push eax
; The same with IRET first: with (virtual-)NMI blocking on, the IRET
; unblocks NMIs and then faults (#AC popping from the misaligned stack).
global bm_l2_iret32:function hidden
bm_l2_iret32:
	iretd
global bm_l2_ac_handler:function hidden
bm_l2_ac_handler:
	vmcall
	jmp bm_l2_ac_handler

; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
