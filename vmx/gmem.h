/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading L1's memory from L0: guest-physical addresses go through EPT01,
 * so L0's own region reads as L1's scratch page and nothing L1 names can
 * make L0 read its own memory.
 */
#ifndef VMX_GMEM_H
#define VMX_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* false if part of [gpa, gpa+n) is not mapped in EPT01 or not readable. */
bool gmem_read(uint64_t gpa, void *buf, size_t n);

/*
 * The host-physical address of L1's readable 4 KiB page at gpa (aligned), as
 * EPT01 maps it (L0's region gives the scratch page); 0 if none.
 */
uint64_t gmem_page_hpa(uint64_t gpa);

/* false if part of [gpa, gpa+n) is not mapped in EPT01 or not writable. */
bool gmem_write(uint64_t gpa, const void *buf, size_t n);

/*
 * Fetches up to n instruction bytes at the current guest's CS:RIP through
 * its paging (L2's go through EPT12 too); returns how many it could read
 * (0 if none).
 */
unsigned gmem_fetch_insn(uint8_t *buf, unsigned n);

#endif
