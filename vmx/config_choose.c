/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure half of vmx/config.c: the controls, fixed CR bits and CR masks
 * L0 chooses from the capability MSRs, and the contents of L0's MSR
 * bitmap. No hardware access, so tools/nstate computes the same vmx_cfg
 * for a CPU model on the host (docs/nested-state.md, replay).
 */
#include "lib/log.h"
#include "vmx/config.h"
#include "vmx/controls.h"
#include "vmx/msr_policy.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)

/*
 * A control word: required bits must be allowed (else 0 and a log line),
 * optional bits are taken where allowed, and the CPU's must-be-1 bits are
 * set (SDM Vol. 3D A.3-A.5: low half allowed-0, high half allowed-1).
 */
static bool choose(const char *what, uint64_t msr, uint32_t required,
		   uint32_t optional, uint32_t *out)
{
	uint32_t must1 = (uint32_t)msr, may1 = (uint32_t)(msr >> 32);

	if (required & ~may1) {
		log_err("vmx: %s controls: CPU lacks 0x%x", what, required & ~may1);
		return false;
	}
	*out = must1 | required | (optional & may1);
	return true;
}

bool vmx_config_choose(struct vmx_config *c, const struct vmx_msrs *m)
{
	bool t = m->basic & (1ull << 55); /* TRUE_* MSRs let us clear default-1 bits */
	bool ok;

	c->msrs = *m;
	ok =
		choose("pin-based", t ? m->true_pinbased : m->pinbased,
		       PIN_NMI_EXITING | PIN_VIRTUAL_NMIS, 0, &c->pin) &&
		choose("processor-based", t ? m->true_procbased : m->procbased,
		       /* TSC offsetting: L1's TSC writes move only its offset */
		       CPU_USE_MSR_BITMAPS | CPU_SECONDARY_CONTROLS |
			       CPU_USE_TSC_OFFSETTING,
		       0, &c->proc) &&
		choose("secondary", m->procbased2,
		       SEC_ENABLE_EPT | SEC_ENABLE_VPID | SEC_UNRESTRICTED_GUEST,
		       /* else these instructions #UD in L1 */
		       SEC_ENABLE_RDTSCP | SEC_ENABLE_INVPCID | SEC_ENABLE_XSAVES |
			       SEC_ENABLE_USER_WAIT_PAUSE,
		       &c->proc2) &&
		choose("VM-exit", t ? m->true_exit : m->exit,
		       EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
			       EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_PAT |
			       EXIT_LOAD_IA32_PAT | EXIT_SAVE_DEBUG_CONTROLS,
		       0, &c->exit) &&
		choose("VM-entry", t ? m->true_entry : m->entry,
		       ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT |
			       ENTRY_LOAD_DEBUG_CONTROLS,
		       0, &c->entry);

	if (!ok)
		return false;
	c->cr0_fixed0 = m->cr0_fixed0;
	c->cr0_fixed1 = m->cr0_fixed1;
	c->cr4_fixed0 = m->cr4_fixed0;
	c->cr4_fixed1 = m->cr4_fixed1;
	/* Unrestricted guest lets L1 clear PE and PG (SDM 26.3.1.1). */
	c->cr0_mask = (m->cr0_fixed0 & ~(CR0_PE | CR0_PG)) |
		      (~m->cr0_fixed1 & 0xffffffffull);
	c->cr4_mask = m->cr4_fixed0 | (~m->cr4_fixed1 & 0xffffffffull);
	c->invvpid_single = m->ept_vpid & (1ull << 41);
	return true;
}

/*
 * A bitmap page where L1's accesses to these MSRs exit (SDM 25.6.9); MSRs
 * outside its two ranges always exit.
 */
static void intercept_msr(uint8_t *bitmap, uint32_t msr, bool reads, bool writes)
{
	unsigned base = msr >= 0xc0000000 ? 1024 : 0;
	unsigned bit = msr & 0x1fff;

	if (msr > 0x1fff && (msr < 0xc0000000 || msr > 0xc0001fff))
		return;
	if (reads)
		bitmap[base + bit / 8] |= 1u << (bit % 8);
	if (writes)
		bitmap[base + 2048 + bit / 8] |= 1u << (bit % 8);
}

void vmx_msr_bitmap_fill(uint8_t *b)
{
	/* every access the policy does not pass through exits */
	for (unsigned i = 0; i < msr_rule_count; i++) {
		const struct msr_rule *r = &msr_rules[i];

		for (uint32_t m = r->first; m <= r->last; m++)
			intercept_msr(b, m, r->rd != MSR_RD_PASS && r->rd != MSR_RD_TSC,
				      r->wr != MSR_WR_PASS);
	}
}

