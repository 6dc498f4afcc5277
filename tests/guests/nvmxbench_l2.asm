; SPDX-License-Identifier: Apache-2.0
;
; L2 of the nested benchmark (tests/guests/nvmxbench.c): R12 rounds of
; CPUID, each between two RDTSCs (Bochs' TSC counts instructions). R8 holds
; the TSC before the latest CPUID and R9 the one after the previous CPUID,
; so L1's exit handler can split a round trip into its exit and entry legs;
; R13 sums whole round trips. Then VMCALL, forever.

bits 64
default rel
section .text

global l2_bench:function hidden

%macro TSC_TO 1
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov %1, rax
%endmacro

l2_bench:
	xor r13, r13
.round:
	TSC_TO r8
	xor eax, eax
	xor ecx, ecx
	cpuid
	TSC_TO r9
	sub rax, r8
	add r13, rax
	dec r12
	jnz .round
.done:
	mov eax, 0x42454e43		; "BENC": the rounds are over
	vmcall
	jmp .done

section .note.GNU-stack noalloc noexec nowrite progbits
