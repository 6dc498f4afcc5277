/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT12: the EPT paging structures L1 builds for its L2 guest, walked in
 * software to translate an L2 guest-physical address into an L1
 * guest-physical one (SDM Vol. 3C 29.3.2), with the EPT misconfiguration and
 * EPT violation rules of 29.3.3. L0 composes the result with EPT01 to build
 * EPT02, and reflects a misconfiguration or violation to L1 as the exit L1
 * would have seen from hardware.
 *
 * Pure logic: L1 memory is reached through the caller's read callback. The
 * walk only reads: L0 never advertises EPT accessed/dirty flags to L1, so no
 * A/D bit is ever set (and bits 8 and 9 of an entry are ignored).
 *
 * What L0 offers L1, and so what this walk supports: 4-level EPT only,
 * UC or WB paging-structure memory type, no A/D flags, no mode-based execute
 * control (bit 10 ignored), no supervisor shadow-stack control, no
 * sub-page permissions, no #VE (bit 63 ignored).
 */
#ifndef NESTED_EPT12_H
#define NESTED_EPT12_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/caps.h"

/* Reads the 8 aligned bytes of L1 guest-physical memory at gpa; false if
 * gpa is not readable L1 memory. */
typedef bool (*ept12_read64)(void *ctx, uint64_t gpa, uint64_t *value);

/* The EPT features L0 advertises to L1 in IA32_VMX_EPT_VPID_CAP. */
struct ept12_caps {
	bool exec_only; /* bit 0: execute-only translations */
	bool large_2m;	/* bit 16: 2 MiB pages */
	bool large_1g;	/* bit 17: 1 GiB pages */
	unsigned
	    phys_bits; /* MAXPHYADDR as L1 sees it (CPUID.80000008H:EAX[7:0]) */
};

/*
 * The VM-entry check on vmcs12's EPTP (SDM Vol. 3C 27.2.1.1, format in
 * 25.6.11): memory type UC (0) or WB (6), page-walk length 4 (bits 5:3 =
 * 3), bit 6 (A/D enable) clear because L0 does not offer A/D, bits 11:7
 * clear, and no address bit at or above phys_bits.
 */
/* What L1 was offered (its IA32_VMX_EPT_VPID_CAP) as the walker needs it. */
static inline struct ept12_caps ept12_caps_of(const struct vmx_msrs *caps,
					      unsigned phys_bits)
{
	return (struct ept12_caps){
	    .exec_only = caps->ept_vpid & (1ull << 0),
	    .large_2m = caps->ept_vpid & (1ull << 16),
	    .large_1g = caps->ept_vpid & (1ull << 17),
	    .phys_bits = phys_bits,
	};
}

bool ept12_eptp_valid(uint64_t eptp, const struct ept12_caps *c);

/* The kinds of access; the values are the EPT-violation exit qualification
 * bits 2:0 (SDM Vol. 3C 28.2.1), and also the R/W/X bits of an entry. */
enum ept12_access { EPT12_READ = 1, EPT12_WRITE = 2, EPT12_FETCH = 4 };

struct ept12_result {
	enum {
		EPT12_OK,
		EPT12_VIOLATION, /* reflect an EPT violation (exit 48) to L1 */
		EPT12_MISCONFIG, /* reflect an EPT misconfiguration (exit 49) */
		EPT12_NO_MEMORY, /* a table lies outside readable L1 memory */
	} status;
	uint64_t l1_gpa; /* OK: the translation */
	/*
	 * R=1 W=2 X=4: the AND of the permission bits of every entry read
	 * (0 when an entry is not present). For OK and VIOLATION this is what
	 * goes into exit qualification bits 5:3.
	 */
	unsigned perms;
	unsigned memtype; /* OK: leaf bits 5:3 (0 UC, 1 WC, 4 WT, 5 WP, 6 WB) */
	bool ignore_pat;  /* OK: leaf bit 6 */
	uint64_t page_size; /* OK: 4 KiB, 2 MiB or 1 GiB */
	unsigned level;	    /* where the walk stopped: 4 = PML4E ... 1 = PTE */
	uint64_t
	    entry; /* the entry where it stopped, for logs; 0 for NO_MEMORY */
};

/*
 * Translates the L2 guest-physical address gpa (bits 47:0; the caller
 * handles addresses beyond 48 bits) through the EPT that eptp names, for
 * the accesses in access (a mask of enum ept12_access; several bits mean
 * an access that needs all of them, e.g. a locked read-modify-write).
 * eptp is assumed to have passed ept12_eptp_valid(); only its address bits
 * are used. The order of outcomes follows SDM 29.3.3: a not-present entry
 * stops the walk with VIOLATION; a present but misconfigured entry stops it
 * with MISCONFIG; only a walk that reaches its leaf checks the access
 * against the permissions of the whole path (VIOLATION if one is missing).
 * NO_MEMORY when the callback refuses a read. Every field of *r is set.
 */
void ept12_walk(uint64_t eptp, uint64_t gpa, unsigned access,
		const struct ept12_caps *c, ept12_read64 read, void *ctx,
		struct ept12_result *r);

#endif
