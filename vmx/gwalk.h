/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-linear to guest-physical translation through the guest's own paging
 * structures (SDM Vol. 3A chapter 4), for reading the instruction behind an
 * EPT violation: the exit gives the guest-physical address of the data but
 * only the guest-linear RIP of the code. Pure logic; guest memory is reached
 * through the caller's read callback, so the unit tests use a host buffer.
 */
#ifndef VMX_GWALK_H
#define VMX_GWALK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The guest's control registers as the CPU uses them (the VMCS guest fields,
 * not the read shadows): CR0.PG, CR4.PSE, CR4.PAE, CR4.LA57, EFER.LMA and
 * EFER.NXE select the paging mode and its reserved bits.
 */
struct gwalk_regs {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Reads 8 bytes of guest-physical memory at gpa (aligned to 8 for table
 * entries); false if gpa is not readable memory.
 */
typedef bool (*gwalk_read64)(void *ctx, uint64_t gpa, uint64_t *value);

enum gwalk_result {
	GWALK_OK,
	GWALK_NOT_PRESENT, /* an entry on the way has P = 0: a guest #PF */
	GWALK_RESERVED,    /* a present entry sets a reserved bit: a #PF too */
	GWALK_NO_MEMORY,   /* the read callback refused a table address */
	GWALK_UNSUPPORTED, /* 5-level paging (CR4.LA57) */
};

const char *gwalk_strerror(enum gwalk_result r);

/*
 * Translates gla for a supervisor instruction fetch (no permission checks
 * beyond presence and reserved bits: the fetch already happened on the CPU);
 * sets *gpa only on GWALK_OK. Outside IA-32e mode only bits 31:0 of gla
 * count, as linear addresses are 32 bits wide there. Accessed and dirty
 * flags are never set: the walk only reads.
 */
enum gwalk_result gwalk_translate(const struct gwalk_regs *r, uint64_t gla,
				  gwalk_read64 read, void *ctx, uint64_t *gpa);

#endif
