; SPDX-License-Identifier: Apache-2.0
;
; L2 code for bmodels.c (the Bochs-model payload): a long instruction loop
; (no notify exit may come of it) and the 32-bit CPL-3 code of the #AC
; delivery loop (CVE-2015-5307-like): with CR0.AM, RFLAGS.AC and a misaligned
; ESP, PUSH raises #AC, and delivering it through a gate to CPL-3 code pushes
; on the same misaligned stack: #AC again, without end. If the push ever
; completed, or the #AC handler (the VMCALL) ever ran, L2 exits with VMCALL.
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

; 32-bit protected mode, CPL 3: the PUSH faults; the #AC gate points at
; bm_l2_ac_handler.
bits 32
global bm_l2_push32:function hidden
bm_l2_push32:
	push eax
global bm_l2_ac_handler:function hidden
bm_l2_ac_handler:
	vmcall
	jmp bm_l2_ac_handler

; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
