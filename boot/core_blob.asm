; SPDX-License-Identifier: Apache-2.0
; The core image (build/core.bin), carried inside the loader as data.
global core_blob_start
global core_blob_end
section .rodata align=4096
core_blob_start:
	incbin "core.bin"
core_blob_end:

section .note.GNU-stack noalloc noexec nowrite progbits
