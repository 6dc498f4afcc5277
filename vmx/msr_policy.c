/* SPDX-License-Identifier: Apache-2.0 */
/* Pure MSR policy decisions (vmx/msr_policy.h); host unit test test_msr_policy.
 */
#include "vmx/msr_policy.h"

#include "vmx/msr.h"

const struct msr_rule msr_rules[] = {
#define MSR_POLICY(first, last, rd, wr, why)                                   \
	{first, last, MSR_RD_##rd, MSR_WR_##wr, why},
#include "vmx/msr_policy.def"
#undef MSR_POLICY
};
const unsigned msr_rule_count = sizeof(msr_rules) / sizeof(msr_rules[0]);

static const struct msr_rule pass_rule = {0, 0, MSR_RD_PASS, MSR_WR_PASS,
					  "not listed: L1's"};

const struct msr_rule *msr_rule_of(uint32_t msr)
{
	for (unsigned i = 0; i < msr_rule_count; i++)
		if (msr >= msr_rules[i].first && msr <= msr_rules[i].last)
			return &msr_rules[i];
	return &pass_rule;
}

/* In the order of struct mtrr_state.fixed (mm/mtrr.h). */
static int fixed_index(uint32_t msr)
{
	if (msr == MSR_IA32_MTRR_FIX64K_00000)
		return 0;
	if (msr == MSR_IA32_MTRR_FIX16K_80000 ||
	    msr == MSR_IA32_MTRR_FIX16K_A0000)
		return 1 + (int)(msr - MSR_IA32_MTRR_FIX16K_80000);
	if (msr >= MSR_IA32_MTRR_FIX4K_C0000 &&
	    msr <= MSR_IA32_MTRR_FIX4K_F8000)
		return 3 + (int)(msr - MSR_IA32_MTRR_FIX4K_C0000);
	return -1;
}

uint64_t *mtrr_slot(struct mtrr_state *s, uint32_t msr)
{
	int f = fixed_index(msr);

	if (msr == MSR_IA32_MTRR_DEF_TYPE)
		return &s->def_type;
	if (f >= 0)
		return (s->cap & MTRRCAP_FIX) ? &s->fixed[f] : 0;
	if (msr >= MSR_IA32_MTRR_PHYSBASE0 && msr <= MSR_IA32_MTRR_PHYSMASK15) {
		unsigned n = (msr - MSR_IA32_MTRR_PHYSBASE0) / 2;

		if (n >= mtrr_var_count(s))
			return 0;
		return (msr & 1) ? &s->var[n].mask : &s->var[n].base;
	}
	return 0;
}

#define MTRRCAP_WC (1ull << 10)

/* UC, WC (if MTRRCAP says so), WT, WP, WB (SDM Vol. 3A Table 12-8). */
static bool type_valid(const struct mtrr_state *s, uint64_t t)
{
	return t == MTRR_UC || t == MTRR_WT || t == MTRR_WP || t == MTRR_WB ||
	       (t == MTRR_WC && (s->cap & MTRRCAP_WC));
}

static uint64_t above_phys(const struct mtrr_state *s)
{
	unsigned bits = s->phys_bits ? s->phys_bits : MTRR_PHYS_BITS_DEFAULT;

	return bits >= 64 ? 0 : ~0ull << bits;
}

/* Reserved bits and types: SDM Vol. 3A 12.11.2.1-12.11.2.3 (#GP). */
bool mtrr_value_valid(const struct mtrr_state *s, uint32_t msr, uint64_t value)
{
	if (msr == MSR_IA32_MTRR_DEF_TYPE)
		return !(value & ~0xcffull) && type_valid(s, value & 0xff);
	if (fixed_index(msr) >= 0) {
		for (unsigned i = 0; i < 8; i++)
			if (!type_valid(s, (value >> (8 * i)) & 0xff))
				return false;
		return true;
	}
	if (msr & 1) /* PHYSMASKn: V at 11, the mask from 12 */
		return !(value & (0x7ffull | above_phys(s)));
	return !(value & (0xf00ull | above_phys(s))) &&
	       type_valid(s, value & MTRR_PHYSBASE_TYPE);
}

enum apic_base_verdict apic_base_decide(uint64_t cur, uint64_t want,
					bool has_x2apic, unsigned phys_bits)
{
	uint64_t reserved =
	    0x2ffull | (phys_bits >= 64 ? 0 : ~0ull << phys_bits);
	bool en = want & APIC_BASE_EN, extd = want & APIC_BASE_EXTD;
	bool cur_x2 = (cur & APIC_BASE_EN) && (cur & APIC_BASE_EXTD);
	bool cur_off = !(cur & APIC_BASE_EN);

	if (!has_x2apic)
		reserved |= APIC_BASE_EXTD;
	/* SDM Vol. 3A 11.12.5: EXTD without EN is invalid; x2APIC is left
	 * only through the disabled state, and entered only from xAPIC */
	if ((want & reserved) || (extd && !en) || (cur_x2 && en && !extd) ||
	    (cur_off && extd))
		return APIC_BASE_GP;
	/* L0's doorbells and INIT/SIPI routing need the APIC where it is */
	if (!en || ((want ^ cur) & APIC_BASE_ADDR))
		return APIC_BASE_REFUSED;
	return APIC_BASE_OK;
}

static struct msr_verdict act(enum msr_act a, uint64_t value, uint64_t *slot)
{
	return (struct msr_verdict){a, value, slot};
}

struct msr_verdict msr_decide_read(uint32_t msr, const struct msr_ctx *c)
{
	uint64_t *slot;

	switch (msr_rule_of(msr)->rd) {
	case MSR_RD_PASS:
		return act(MSR_ACT_HW, 0, 0);
	case MSR_RD_L0:
		return act(MSR_ACT_L0, 0, 0);
	case MSR_RD_VIRT:
		slot = mtrr_slot(&c->virt->mtrr, msr);
		return slot ? act(MSR_ACT_VALUE, *slot, 0)
			    : act(MSR_ACT_GP, 0, 0);
	case MSR_RD_TSC:
		return act(MSR_ACT_VALUE, c->tsc + c->virt->tsc_offset, 0);
	case MSR_RD_EMUL:
		if (msr == MSR_TEST_CTRL)
			return c->virt->sld_offered
				   ? act(MSR_ACT_VALUE, c->virt->test_ctrl, 0)
				   : act(MSR_ACT_GP, 0, 0);
		if (msr == MSR_IA32_CORE_CAPABILITIES)
			return c->virt->has_core_caps
				   ? act(MSR_ACT_VALUE,
					 (c->virt->core_caps & ~CORE_CAPS_SLD) |
					     (c->virt->sld_offered
						  ? CORE_CAPS_SLD
						  : 0),
					 0)
				   : act(MSR_ACT_GP, 0, 0);
		if (msr == MSR_IA32_TSC_ADJUST)
			return c->virt->has_tsc_adjust
				   ? act(MSR_ACT_VALUE, c->virt->tsc_adjust, 0)
				   : act(MSR_ACT_GP, 0, 0);
		/* IA32_MISC_ENABLE */
		return act(MSR_ACT_VALUE,
			   c->virt->misc_enable | MISC_ENABLE_BTS_UNAVAIL |
			       MISC_ENABLE_PEBS_UNAVAIL,
			   0);
	default:
		return act(MSR_ACT_REFUSE, 0, 0);
	}
}

static struct msr_verdict emulated_write(uint32_t msr, uint64_t value,
					 const struct msr_ctx *c)
{
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		switch (apic_base_decide(c->apic_base, value, c->has_x2apic,
					 c->phys_bits)) {
		case APIC_BASE_OK:
			return act(MSR_ACT_HW,
				   (value & ~APIC_BASE_BSP) |
				       (c->apic_base & APIC_BASE_BSP),
				   0);
		case APIC_BASE_GP:
			return act(MSR_ACT_GP, 0, 0);
		default:
			return act(MSR_ACT_REFUSE, 0, 0);
		}
	case MSR_IA32_MISC_ENABLE:
		return act(MSR_ACT_VIRT,
			   value | MISC_ENABLE_BTS_UNAVAIL |
			       MISC_ENABLE_PEBS_UNAVAIL,
			   &c->virt->misc_enable);
	case MSR_IA32_XSS:
		return (value & (XSS_PT | XSS_CET_U | XSS_CET_S))
			   ? act(MSR_ACT_REFUSE, 0, 0)
			   : act(MSR_ACT_HW, value, 0);
	case MSR_X2APIC_ICR:
		return act(MSR_ACT_ICR, value, 0);
	case MSR_TEST_CTRL: /* bit 29 only, where L0 offers it */
		if (!c->virt->sld_offered || (value & ~TEST_CTRL_SLD))
			return act(MSR_ACT_GP, 0, 0);
		return act(MSR_ACT_TEST_CTRL, value, &c->virt->test_ctrl);
	case MSR_IA32_TSC: /* L1's TSC becomes value */
		return act(MSR_ACT_TSC, value - c->tsc, 0);
	case MSR_IA32_TSC_ADJUST: /* the TSC moves by the change (SDM
				     3B 18.17.3) */
		if (!c->virt->has_tsc_adjust)
			return act(MSR_ACT_GP, 0, 0);
		return act(MSR_ACT_TSC,
			   c->virt->tsc_offset + (value - c->virt->tsc_adjust),
			   0);
	default:
		return act(MSR_ACT_REFUSE, 0, 0); /* an EMUL row without code */
	}
}

struct msr_verdict msr_decide_write(uint32_t msr, uint64_t value,
				    const struct msr_ctx *c)
{
	uint64_t *slot;

	switch (msr_rule_of(msr)->wr) {
	case MSR_WR_PASS:
		return act(MSR_ACT_HW, value, 0);
	case MSR_WR_DROP:
		return act(MSR_ACT_DROP, 0, 0);
	case MSR_WR_VIRT:
		slot = mtrr_slot(&c->virt->mtrr, msr);
		if (!slot || !mtrr_value_valid(&c->virt->mtrr, msr, value))
			return act(MSR_ACT_GP, 0, 0);
		return act(MSR_ACT_VIRT, value, slot);
	case MSR_WR_EMUL:
		return emulated_write(msr, value, c);
	default:
		return act(MSR_ACT_REFUSE, 0, 0);
	}
}

/* SDM Vol. 3C 27.4: FS/GS base, the x2APIC range, IA32_SMM_MONITOR_CTL. */
bool msrlist_load_forbidden(uint32_t msr)
{
	return msr == MSR_IA32_FS_BASE || msr == MSR_IA32_GS_BASE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) ||
	       msr == MSR_IA32_SMM_MONITOR_CTL;
}

/* SDM Vol. 3C 28.4: the x2APIC range, IA32_SMBASE. */
bool msrlist_store_forbidden(uint32_t msr)
{
	return (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) ||
	       msr == MSR_IA32_SMBASE;
}

struct msr_verdict msrlist_decide_load(uint32_t msr, uint64_t value,
				       const struct msr_ctx *c)
{
	if (msrlist_load_forbidden(msr))
		return act(MSR_ACT_GP, 0, 0);
	return msr_decide_write(msr, value, c);
}
