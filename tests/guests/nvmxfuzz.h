/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmxfuzz: a differential fuzzer of VM entry. Each case starts from the
 * same valid vmcs12 (nvmx's vm_init for a 64-bit L2, plus the VMX-preemption
 * timer at 0 so that an L2 that gets in exits before its first instruction),
 * changes one to three things ("mutations") and executes VMLAUNCH. The
 * outcome line must read the same on bare Bochs and as L1 on Matryoshka
 * (tests/system/fuzz.sh compares them).
 *
 * A mutation names a target and how its value changes:
 *   NAME=0x5        the value
 *   NAME=@page+0x8  an address in one of the payload's pages (printed so
 *                   because the pages' addresses differ between runs)
 *   NAME^0x4        the start value XOR bits (start values such as selectors
 *                   and host addresses are the environment's own)
 *   NAME|0x4        bits set
 *   NAME&~0x4       bits cleared
 * Targets are VMCS fields by name, or pseudo-targets: MSRE0..MSRE3 (entries
 * of the VM-entry MSR-load list, value INDEX/DATA, both 64-bit), LINKREV (the
 * first dword of the page the link pointer names by default), BADFIELD (a
 * VMWRITE of 0 to the encoding given as value) and MODE (always first: the
 * case starts from a 32-bit protected-mode L2 (1), a real-mode one (2), or a
 * 32-bit one with PAE paging (3), all with unrestricted guest, instead of
 * the 64-bit L2).
 */
#ifndef TESTS_GUESTS_NVMXFUZZ_H
#define TESTS_GUESTS_NVMXFUZZ_H

#include <stddef.h>

#include "tests/guests/nvmx.h"

#define MAX_MUTS 3

enum mut_op { OP_SET, OP_XOR, OP_OR, OP_CLEAR };

/* Pages a mutation value may be relative to (names in nvmxfuzz_gen.c). */
enum fz_page {
	PG_NONE,
	PG_VMCS,
	PG_VMCS2,
	PG_SHADOW,
	PG_MSRBM,
	PG_IOA,
	PG_IOB,
	PG_VMRBM,
	PG_VMWBM,
	PG_MSR,
	PG_EPT,
	PG_ZERO,
	PG_COUNT
};

struct mut {
	uint16_t target; /* index into the target table */
	uint8_t op;	 /* enum mut_op */
	uint8_t page;	 /* enum fz_page, with OP_SET only */
	uint64_t v, v2;	 /* v2: MSRE's data */
};

struct fz_case {
	uint64_t seed, index;
	unsigned n;
	struct mut m[MAX_MUTS];
};

/* What the restore step after a case has to put back in L1. */
#define DIRTY_SEGS     (1u << 0) /* host selectors: reload segment registers */
#define DIRTY_SYSENTER (1u << 1)
#define DIRTY_FSGS     (1u << 2)
#define DIRTY_PAT      (1u << 3)
#define DIRTY_CRS      (1u << 4)
#define DIRTY_KGS      (1u << 5) /* MSR lists: IA32_KERNEL_GS_BASE */
/* host GDTR/IDTR bases: a VM exit loads them (limits 0xffff, SDM 28.5.2);
 * a base canonical at 57 bits (sapphire_rapids' VM-entry checks) but not in
 * the payload's 4-level mode faults at the next use of the table */
#define DIRTY_DT       (1u << 6)

/* ---- nvmxfuzz_gen.c: targets, generator, text form ---- */

/* Addresses of the pages PG_*; set by the payload before any case. */
extern uint64_t fz_page_addr[PG_COUNT] HIDDEN;
extern unsigned fz_maxphy HIDDEN;

/* The case (seed, index): 1 to 3 mutations, a pure function of both. */
void fz_generate(uint64_t seed, uint64_t index, struct fz_case *c);
/* "NAME=0x.. NAME^0x.." into buf; returns the length. */
size_t fz_format(const struct fz_case *c, char *buf, size_t n);
/* Parses mutation words from s (up to the end of the line): false on a
 * word it does not understand (named in err). */
bool fz_parse(const char *s, struct fz_case *c, char *err, size_t errn);

const char *fz_target_name(unsigned t);
/* VMCS encoding of a field target; false for pseudo-targets. */
bool fz_target_field(unsigned t, uint32_t *enc);
enum {
	PSEUDO_NONE,
	PSEUDO_MSRE, /* + entry number in fz_target_arg */
	PSEUDO_LINKREV,
	PSEUDO_BADFIELD,
	PSEUDO_MODE /* the L2 the case starts from (nvmxfuzz.c baseline) */
};
unsigned fz_target_pseudo(unsigned t, unsigned *arg);
unsigned fz_target_dirty(unsigned t);
/* The value an OP_SET mutation writes. */
uint64_t fz_value(const struct mut *m);

/*
 * Capability assumptions the generator's control bits rest on (bare Bochs
 * corei7_skylake_x and what Matryoshka offers, docs/nested.md): checked
 * against the MSRs this CPU reports; what does not hold is written to buf.
 */
bool fz_caps_hold(const struct vmx_caps *c, char *buf, size_t n);

#endif
