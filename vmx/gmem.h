/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L0's accesses to L1's memory on L1's behalf (VMCS regions, bitmaps, MSR
 * lists, EPT12, operands). gmem is total: an L1-physical address that is not
 * RAM L0 may touch (vmx/gmem_ram.h: outside the RAM map, beyond L0's
 * identity map, MMIO, holes, L0's own region) is never dereferenced; it
 * reads as all ones and writes to it are dropped, as a CPU sees it where no
 * memory answers. So each VMX instruction gets its architectural result
 * from the bytes it reads, with no special case in the callers. RAM is
 * identity-mapped in EPT01, so what L0 reads there is what L1 sees.
 */
#ifndef VMX_GMEM_H
#define VMX_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reads [gpa, gpa+n): RAM as it is, every other byte as 0xff. Returns
 * whether all of it was RAM (callers that follow the architecture need not
 * look).
 */
bool gmem_read(uint64_t gpa, void *buf, size_t n);

/*
 * The host-physical address of L1's 4 KiB page at gpa (aligned), for a
 * structure the CPU reads in place (I/O bitmaps) or L0 reads whole (the MSR
 * bitmap); 0 if the page is not wholly RAM: the caller then uses an
 * all-ones page of its own, never an MMIO or L0 address.
 */
uint64_t gmem_page_hpa(uint64_t gpa);

/* Writes [gpa, gpa+n): to RAM, dropped elsewhere. Returns whether all RAM. */
bool gmem_write(uint64_t gpa, const void *buf, size_t n);

/*
 * Fetches up to n instruction bytes at the current guest's CS:RIP through
 * its paging (L2's go through EPT12 too); returns how many it could read
 * from RAM (0 if none): bytes in no memory are not made up.
 */
unsigned gmem_fetch_insn(uint8_t *buf, unsigned n);
/* The same for n bytes at a linear address of the current guest. */
unsigned gmem_read_linear(uint64_t gla, void *buf, unsigned n);

#endif
