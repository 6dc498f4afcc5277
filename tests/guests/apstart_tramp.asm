; SPDX-License-Identifier: Apache-2.0
;
; apstart's AP trampoline, copied to a page below 1 MiB whose number is the
; SIPI vector. An AP starts here in real mode with CS = page >> 4 and IP = 0,
; so the code only addresses its page through DS = CS, with offsets from the
; page start, and needs no stack. Each AP takes a slot by order of arrival,
; stores what CPUID says about the hypervisor, counts itself done and halts.
;
; The data layout is shared with apstart.c (TRAMP_* there): keep in step.
; apstart.c also checks that the code ends before TRAMP_COUNTER.

%define TRAMP_COUNTER	0x800	; dword: APs that finished
%define TRAMP_ARRIVAL	0x804	; dword: next free slot
%define TRAMP_SLOTS	0x810	; 16 bytes each: EBX ECX EDX of 0x40000000, APIC ID
%define TRAMP_MAX_SLOTS	127	; up to the end of the page

section .rodata			; only ever executed from the copy
global tramp_start:data hidden
global tramp_end:data hidden

bits 16
tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	mov eax, 1
	lock xadd [TRAMP_ARRIVAL], eax
	cmp eax, TRAMP_MAX_SLOTS
	jae .done			; no room: still counted, not recorded
	mov di, ax
	shl di, 4
	add di, TRAMP_SLOTS
	mov eax, 1
	cpuid
	shr ebx, 24			; initial APIC ID
	mov [di + 12], ebx
	mov eax, 0x40000000
	xor ecx, ecx
	cpuid
	mov [di], ebx
	mov [di + 4], ecx
	mov [di + 8], edx
.done:
	; Last, so that a counted AP's slot is complete (x86 stores are ordered).
	lock inc dword [TRAMP_COUNTER]
.halt:
	cli
	hlt
	jmp .halt
tramp_end:


; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
