/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every CPU's vmcs01 shares: the controls chosen once from the
 * capability MSRs, the fixed CR bits, the MSR bitmap and EPT01.
 */
#ifndef VMX_CONFIG_H
#define VMX_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/caps.h"

struct vmx_config {
	struct vmx_msrs msrs;
	uint32_t pin, proc, proc2, exit, entry; /* entry without IA-32e mode */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t cr0_mask, cr4_mask; /* bits L1 may not set freely */
	uint64_t msr_bitmap_pa;
	bool invvpid_single;
};

extern struct vmx_config vmx_cfg;

/* Done once, on the bootstrap CPU; false after logging why. */
bool vmx_config_init(void);
/* The pure part (vmx/config_choose.c): c from the capability MSRs m. */
bool vmx_config_choose(struct vmx_config *c, const struct vmx_msrs *m);
/* L0's MSR bitmap (vmx/msr_policy.def) into a zeroed 4 KiB page. */
void vmx_msr_bitmap_fill(uint8_t *page);

/*
 * CR0/CR4 values L1 wants, made acceptable to VMX (SDM Vol. 3D A.7, A.8);
 * PE and PG may be 0 (unrestricted guest). Inline: every nested exit asks.
 */
static inline uint64_t vmx_guest_cr0(uint64_t wanted)
{
	const uint64_t pe_pg = (1ull << 0) | (1ull << 31);

	return (wanted | (vmx_cfg.cr0_fixed0 & ~pe_pg)) &
	       (vmx_cfg.cr0_fixed1 | 0xffffffff00000000ull);
}

static inline uint64_t vmx_guest_cr4(uint64_t wanted)
{
	return (wanted | vmx_cfg.cr4_fixed0) &
	       (vmx_cfg.cr4_fixed1 | 0xffffffff00000000ull);
}
/* Drops L1's cached translations after L0 changed its paging controls. */
void vmx_flush_guest_tlb(uint16_t vpid);

#endif
