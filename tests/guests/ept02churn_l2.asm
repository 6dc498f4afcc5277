; SPDX-License-Identifier: Apache-2.0
;
; L2 of the EPT02 budget test (tests/guests/ept02churn.c): adds one (LOCK) to the
; quadword at RDI, RSI times, RDI advancing by RDX each time (one touch per
; 2 MiB of L2-physical memory), then VMCALLs with RAX = "CHRN", forever.

bits 64
default rel
section .text

global l2_churn:function hidden

l2_churn:
	test rsi, rsi
	jz .done
.touch:
	lock inc qword [rdi]
	add rdi, rdx
	dec rsi
	jnz .touch
.done:
	mov eax, 0x4348524e		; "CHRN"
	vmcall
	jmp .done

section .note.GNU-stack noalloc noexec nowrite progbits
