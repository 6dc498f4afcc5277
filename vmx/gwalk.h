/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-linear to guest-physical translation through the guest's own paging
 * structures (SDM Vol. 3A chapter 4). Two users: reading the instruction
 * behind an EPT violation (the exit gives the guest-physical address of the
 * data but only the guest-linear RIP of the code), and the memory operands
 * of the VMX instructions L0 emulates for L1, which must fault exactly where
 * the CPU would have. Pure logic; guest memory is reached through the
 * caller's read callback, so the unit tests use a host buffer.
 *
 * Known limitations, all of them differences from a real CPU:
 * - The walk only reads: accessed and dirty flags are never set, where the
 *   CPU sets A in every entry it uses and D in the leaf of a write
 *   (SDM Vol. 3A 4.8). A guest that relies on them for pages L0 touched on
 *   its behalf (VMPTRST, VMREAD to memory) sees them clear.
 * - The walk reads memory, not the TLBs or paging-structure caches, so it
 *   sees entries the guest changed without invalidating them (SDM 4.10);
 *   with PAE it reads the PDPT at CR3 rather than the PDPTE registers.
 * - Protection keys (CR4.PKE with PKRU, CR4.PKS with IA32_PKRS; SDM 4.6.2)
 *   are not checked, so an access they would forbid succeeds, and the PK
 *   bit of the error code is never set. struct gwalk_regs cannot carry the
 *   two registers without breaking its positional initializers.
 * - Every access is taken as explicit: implicit supervisor accesses (to
 *   the GDT, IDT, ...), to which SMAP applies whatever RFLAGS.AC says, are
 *   not modelled. Shadow-stack accesses and LAM are not modelled either.
 * - Physical-address bits above MAXPHYADDR are not checked as reserved.
 */
#ifndef VMX_GWALK_H
#define VMX_GWALK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The guest's control registers as the CPU uses them (the VMCS guest fields,
 * not the read shadows): CR0.PG, CR4.PSE, CR4.PAE, CR4.LA57, EFER.LMA and
 * EFER.NXE select the paging mode and its reserved bits; CR0.WP, CR4.SMEP
 * and CR4.SMAP take part in the access-rights checks.
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
	/*
	 * IA-32e mode, and gla not canonical for the paging mode (48 bits,
	 * 57 with CR4.LA57): a #GP or #SS, the caller's to raise; no entry
	 * was read.
	 */
	GWALK_NON_CANONICAL,
	GWALK_PROTECTION,  /* translated, but the access is not allowed: #PF */
};

const char *gwalk_strerror(enum gwalk_result r);

/*
 * Whether gla is canonical for the paging mode r selects (SDM Vol. 3A
 * 3.3.7.1, 4.5.1): in IA-32e mode bits 63:47 all equal with 4-level paging,
 * bits 63:56 with 5-level paging (CR4.LA57); outside IA-32e mode always.
 */
bool gwalk_canonical(const struct gwalk_regs *r, uint64_t gla);

/*
 * Translates gla for a supervisor instruction fetch (no permission checks
 * beyond presence and reserved bits: the fetch already happened on the CPU);
 * sets *gpa only on GWALK_OK. Outside IA-32e mode only bits 31:0 of gla
 * count, as linear addresses are 32 bits wide there. In IA-32e mode the
 * walk has four levels (PML4 first), or five with CR4.LA57 (PML5 first,
 * SDM Vol. 3A 4.5). Accessed and dirty flags are never set: the walk only
 * reads.
 */
enum gwalk_result gwalk_translate(const struct gwalk_regs *r, uint64_t gla,
				  gwalk_read64 read, void *ctx, uint64_t *gpa);

/* The kind of access for gwalk_translate_access, ORed together. */
enum gwalk_access {
	GWALK_WRITE = 1, /* a data write; a data read without it */
	GWALK_USER = 2,	 /* at CPL 3; without it, supervisor (CPL 0-2) */
	GWALK_FETCH = 4, /* an instruction fetch; GWALK_WRITE is then ignored */
	/*
	 * RFLAGS.AC = 1: with CR4.SMAP, lets a supervisor data access reach
	 * user pages (SDM Vol. 3A 4.6.1). A flag here rather than a field of
	 * struct gwalk_regs, which existing code fills positionally.
	 */
	GWALK_AC = 8,
};

/* Page-fault error code bits (SDM Vol. 3A 4.7). */
#define GWALK_PFEC_P 0x1u    /* protection violation; 0: not present */
#define GWALK_PFEC_W 0x2u    /* a write */
#define GWALK_PFEC_U 0x4u    /* a user-mode access */
#define GWALK_PFEC_RSVD 0x8u /* a reserved bit was set */
#define GWALK_PFEC_I 0x10u   /* an instruction fetch (with SMEP or PAE+NXE) */

/*
 * Translates gla for one access of the given kind made at the guest's
 * privilege (access is a set of enum gwalk_access flags), applying the
 * access rights of SDM Vol. 3A 4.6: U/S, R/W with CR0.WP, XD with
 * EFER.NXE, SMEP and SMAP (with GWALK_AC). On GWALK_OK sets *gpa. On
 * GWALK_NOT_PRESENT, GWALK_RESERVED and GWALK_PROTECTION, all three a #PF
 * for the guest with CR2 = gla, sets *pf_error (when not NULL) to its error
 * code. *gpa and *pf_error are left alone otherwise.
 *
 * With paging off (CR0.PG = 0) the address is physical and nothing faults.
 * Outside IA-32e mode only bits 31:0 of gla count. In IA-32e mode a gla
 * that is not canonical for the paging mode gives GWALK_NON_CANONICAL (a
 * #GP or #SS, which the caller should have raised before any #PF) and no
 * error code. One call covers one page: an access that crosses a page
 * boundary needs a call for each page.
 */
enum gwalk_result gwalk_translate_access(const struct gwalk_regs *r,
					 uint64_t gla, unsigned access,
					 gwalk_read64 read, void *ctx,
					 uint64_t *gpa, uint32_t *pf_error);

#endif
