; SPDX-License-Identifier: Apache-2.0
;
; RDMSR/WRMSR that survive a #GP: L1 may name any MSR, and L0 must not die
; because the CPU has no such MSR. XSETBV likewise: L1's XCR0 value is
; checked first, but a rule L0 does not know (a newer state component) must
; become L1's #GP, not L0's. exception_dispatch() resumes a #GP at one of
; the *_fault_at addresses at the matching *_fixup label.

bits 64
default rel

global rdmsr_safe, wrmsr_safe
global rdmsr_fault_at, rdmsr_fixup, wrmsr_fault_at, wrmsr_fixup
global xsetbv_safe, xsetbv_fault_at, xsetbv_fixup

section .text

; int rdmsr_safe(uint32_t msr, uint64_t *value): 0, or -1 after a #GP
rdmsr_safe:
	mov ecx, edi
rdmsr_fault_at:
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov [rsi], rax
	xor eax, eax
	ret
rdmsr_fixup:
	mov eax, -1
	ret

; int wrmsr_safe(uint32_t msr, uint64_t value): 0, or -1 after a #GP
wrmsr_safe:
	mov ecx, edi
	mov eax, esi
	mov rdx, rsi
	shr rdx, 32
wrmsr_fault_at:
	wrmsr
	xor eax, eax
	ret
wrmsr_fixup:
	mov eax, -1
	ret

; int xsetbv_safe(uint32_t index, uint64_t value): 0, or -1 after a #GP
xsetbv_safe:
	mov ecx, edi
	mov eax, esi
	mov rdx, rsi
	shr rdx, 32
xsetbv_fault_at:
	xsetbv
	xor eax, eax
	ret
xsetbv_fixup:
	mov eax, -1
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
