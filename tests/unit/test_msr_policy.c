/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/msr_policy.c: every row of vmx/msr_policy.def, the MSRs the threat
 * model names (each with the policy it must have), the WRMSR path and the
 * MSR-load list path giving the same verdict for every MSR of every row
 * and its neighbours, the virtual MTRRs (slots and reserved bits), the
 * IA32_APIC_BASE transitions of SDM Vol. 3A 11.12.5, IA32_MISC_ENABLE and
 * IA32_XSS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/msr.h"
#include "vmx/msr_policy.h"

#define XAPIC  (0xfee00000ull | APIC_BASE_EN)
#define X2APIC (XAPIC | APIC_BASE_EXTD)
#define OFF    0xfee00000ull

static struct msr_virt virt;

static struct msr_ctx ctx(uint64_t apic_base)
{
	memset(&virt, 0, sizeof(virt));
	virt.ready = true;
	virt.mtrr.cap = 8 | MTRRCAP_FIX | (1ull << 10); /* 8 pairs, fixed, WC */
	virt.mtrr.phys_bits = 39;
	virt.mtrr.def_type = MTRR_DEF_TYPE_E | MTRR_WB;
	virt.misc_enable = 1; /* fast strings */
	return (struct msr_ctx){.virt = &virt,
				.apic_base = apic_base,
				.has_x2apic = true,
				.phys_bits = 39};
}

static bool fails(struct msr_verdict d)
{
	return d.act == MSR_ACT_GP || d.act == MSR_ACT_REFUSE;
}

static void rows_are_sane(void **state)
{
	(void)state;
	assert_true(msr_rule_count > 20);
	for (unsigned i = 0; i < msr_rule_count; i++) {
		const struct msr_rule *r = &msr_rules[i];

		assert_true(r->first <= r->last);
		assert_non_null(r->why);
		/* every row is found for its first and last MSR: no overlap */
		assert_ptr_equal(msr_rule_of(r->first), r);
		assert_ptr_equal(msr_rule_of(r->last), r);
		/* a row that passes both ways would be no row */
		assert_false(r->rd == MSR_RD_PASS && r->wr == MSR_WR_PASS);
		for (unsigned j = 0; j < msr_rule_count; j++)
			if (j != i)
				assert_true(msr_rules[j].last < r->first ||
					    msr_rules[j].first > r->last);
	}
	/* not listed: L1's own */
	assert_int_equal(msr_rule_of(MSR_IA32_EFER)->wr, MSR_WR_PASS);
	/* the TSC: the CPU's in non-root (with the VMCS's offset) */
	assert_int_equal(msr_rule_of(0x10)->rd, MSR_RD_TSC);
}

/* The MSRs docs/security.md names, with the policy each must have. */
static const struct {
	uint32_t msr;
	enum msr_rd rd;
	enum msr_wr wr;
} named[] = {
    {MSR_IA32_TSC, MSR_RD_TSC, MSR_WR_EMUL},
    {MSR_IA32_TSC_ADJUST, MSR_RD_EMUL, MSR_WR_EMUL},
    {MSR_IA32_APIC_BASE, MSR_RD_PASS, MSR_WR_EMUL},
    {MSR_IA32_FEATURE_CONTROL, MSR_RD_L0, MSR_WR_GP},
    {MSR_IA32_BIOS_UPDT_TRIG, MSR_RD_PASS, MSR_WR_DROP},
    {MSR_IA32_SMM_MONITOR_CTL, MSR_RD_PASS, MSR_WR_GP},
    {MSR_IA32_MTRRCAP, MSR_RD_PASS, MSR_WR_GP},
    {MSR_IA32_MISC_ENABLE, MSR_RD_EMUL, MSR_WR_EMUL},
    {MSR_IA32_MTRR_PHYSBASE0, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_MTRR_PHYSMASK15, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_MTRR_FIX64K_00000, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_MTRR_FIX16K_A0000, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_MTRR_FIX4K_F8000, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_MTRR_DEF_TYPE, MSR_RD_VIRT, MSR_WR_VIRT},
    {MSR_IA32_PMC0, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_PERFEVTSEL0 + 3, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_PERF_GLOBAL_CTRL, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_FIXED_CTR_CTRL, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_PEBS_ENABLE, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_DS_AREA, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_CTL, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_STATUS, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_OUTPUT_BASE, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_OUTPUT_MASK_PTRS, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_ADDR0_A, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_RTIT_ADDR3_B, MSR_RD_GP, MSR_WR_GP},
    {MSR_IA32_VMX_BASIC, MSR_RD_L0, MSR_WR_GP},
    {MSR_IA32_VMX_PROCBASED_CTLS3, MSR_RD_L0, MSR_WR_GP},
    {MSR_X2APIC_ICR, MSR_RD_PASS, MSR_WR_EMUL},
    {MSR_IA32_DEBUG_INTERFACE, MSR_RD_PASS, MSR_WR_GP},
    {MSR_IA32_XSS, MSR_RD_PASS, MSR_WR_EMUL},
};

static void named_msrs_have_their_policy(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		const struct msr_rule *r = msr_rule_of(named[i].msr);

		assert_int_equal(r->rd, named[i].rd);
		assert_int_equal(r->wr, named[i].wr);
	}
}

/*
 * For every MSR of every row and the MSRs just outside it, with a few
 * values: the list-load verdict is WRMSR's, unless the list may not name
 * the MSR at all (then it fails); a refused WRMSR fails the entry.
 */
static void list_path_agrees_with_wrmsr(void **state)
{
	static const uint64_t values[] = {0,	 6,	 0x606060606060606ull,
					  XAPIC, X2APIC, ~0ull};

	(void)state;
	for (unsigned i = 0; i < msr_rule_count; i++) {
		for (int64_t m = (int64_t)msr_rules[i].first - 1;
		     m <= (int64_t)msr_rules[i].last + 1; m++) {
			for (unsigned k = 0; k < 6; k++) {
				struct msr_ctx c = ctx(XAPIC);
				struct msr_verdict w = msr_decide_write(
				    (uint32_t)m, values[k], &c);
				struct msr_ctx c2 = ctx(XAPIC);
				struct msr_verdict l = msrlist_decide_load(
				    (uint32_t)m, values[k], &c2);

				if (msrlist_load_forbidden((uint32_t)m)) {
					assert_true(fails(l));
					continue;
				}
				assert_int_equal(w.act, l.act);
				assert_int_equal(w.value, l.value);
				if (msr_rule_of((uint32_t)m)->wr == MSR_WR_GP)
					assert_int_equal(w.act, MSR_ACT_REFUSE);
			}
		}
	}
}

static void refused_rows_never_reach_hardware(void **state)
{
	(void)state;
	for (unsigned i = 0; i < msr_rule_count; i++) {
		const struct msr_rule *r = &msr_rules[i];
		struct msr_ctx c = ctx(XAPIC);

		for (uint32_t m = r->first; m <= r->last; m++) {
			struct msr_verdict rd = msr_decide_read(m, &c);
			struct msr_verdict wr = msr_decide_write(m, 0x6, &c);

			if (r->rd != MSR_RD_PASS)
				assert_int_not_equal(rd.act, MSR_ACT_HW);
			if (r->wr == MSR_WR_GP || r->wr == MSR_WR_DROP ||
			    r->wr == MSR_WR_VIRT)
				assert_int_not_equal(wr.act, MSR_ACT_HW);
		}
	}
}

static void lists_own_rules(void **state)
{
	(void)state;
	/* SDM 27.4 */
	assert_true(msrlist_load_forbidden(MSR_IA32_FS_BASE));
	assert_true(msrlist_load_forbidden(MSR_IA32_GS_BASE));
	assert_true(msrlist_load_forbidden(0x800));
	assert_true(msrlist_load_forbidden(MSR_X2APIC_ICR));
	assert_true(msrlist_load_forbidden(0x8ff));
	assert_false(msrlist_load_forbidden(0x900));
	assert_false(msrlist_load_forbidden(0x7ff));
	assert_true(msrlist_load_forbidden(MSR_IA32_SMM_MONITOR_CTL));
	assert_false(msrlist_load_forbidden(MSR_IA32_SMBASE));
	/* SDM 28.4 */
	assert_true(msrlist_store_forbidden(MSR_IA32_SMBASE));
	assert_true(msrlist_store_forbidden(0x830));
	assert_false(msrlist_store_forbidden(MSR_IA32_FS_BASE));
}

static void microcode_trigger_loads_nothing(void **state)
{
	struct msr_ctx c = ctx(XAPIC);

	(void)state;
	assert_int_equal(
	    msr_decide_write(MSR_IA32_BIOS_UPDT_TRIG, 0x1000, &c).act,
	    MSR_ACT_DROP);
	assert_int_equal(
	    msrlist_decide_load(MSR_IA32_BIOS_UPDT_TRIG, 0x1000, &c).act,
	    MSR_ACT_DROP);
}

static void mtrr_virtualized(void **state)
{
	struct msr_ctx c = ctx(XAPIC);
	struct msr_verdict d;

	(void)state;
	/* reads give the vCPU's copy */
	d = msr_decide_read(MSR_IA32_MTRR_DEF_TYPE, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, MTRR_DEF_TYPE_E | MTRR_WB);
	/* a good write goes to the copy */
	d = msr_decide_write(MSR_IA32_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_UC,
			     &c);
	assert_int_equal(d.act, MSR_ACT_VIRT);
	assert_ptr_equal(d.slot, &virt.mtrr.def_type);
	d = msr_decide_write(0x200 + 2 * 7, 0x80000006ull, &c);
	assert_int_equal(d.act, MSR_ACT_VIRT);
	assert_ptr_equal(d.slot, &virt.mtrr.var[7].base);
	d = msr_decide_write(0x201 + 2 * 7, 0x7f80000800ull, &c);
	assert_ptr_equal(d.slot, &virt.mtrr.var[7].mask);
	d = msr_decide_write(MSR_IA32_MTRR_FIX16K_A0000, 0x0606060600000000ull,
			     &c);
	assert_ptr_equal(d.slot, &virt.mtrr.fixed[2]);
	d = msr_decide_write(0x26a, 0, &c);
	assert_ptr_equal(d.slot, &virt.mtrr.fixed[5]);
	/* pairs beyond VCNT do not exist */
	assert_int_equal(msr_decide_write(0x200 + 2 * 8, 6, &c).act,
			 MSR_ACT_GP);
	assert_int_equal(msr_decide_read(0x201 + 2 * 8, &c).act, MSR_ACT_GP);
	/* reserved bits and bad types: #GP (SDM 12.11.2) */
	assert_int_equal(
	    msr_decide_write(MSR_IA32_MTRR_DEF_TYPE, 0x1006, &c).act,
	    MSR_ACT_GP);
	assert_int_equal(
	    msr_decide_write(MSR_IA32_MTRR_DEF_TYPE, 0x802, &c).act,
	    MSR_ACT_GP);
	assert_int_equal(msr_decide_write(0x200, 0x100006, &c).act,
			 MSR_ACT_VIRT);
	assert_int_equal(msr_decide_write(0x200, 0x106, &c).act, MSR_ACT_GP);
	assert_int_equal(msr_decide_write(0x200, 1ull << 39 | 6, &c).act,
			 MSR_ACT_GP);
	assert_int_equal(msr_decide_write(0x201, 0x800 | 1, &c).act,
			 MSR_ACT_GP);
	assert_int_equal(msr_decide_write(0x250, 0x0606060606060603ull, &c).act,
			 MSR_ACT_GP);
	/* WC only where MTRRCAP offers it */
	assert_int_equal(msr_decide_write(0x200, 0x1001, &c).act, MSR_ACT_VIRT);
	virt.mtrr.cap &= ~(1ull << 10);
	assert_int_equal(msr_decide_write(0x200, 0x1001, &c).act, MSR_ACT_GP);
	/* no fixed ranges: no fixed MSRs */
	virt.mtrr.cap &= ~MTRRCAP_FIX;
	assert_int_equal(msr_decide_write(0x250, 0, &c).act, MSR_ACT_GP);
	/* MTRRCAP is read-only */
	assert_int_equal(msr_decide_write(MSR_IA32_MTRRCAP, 0, &c).act,
			 MSR_ACT_REFUSE);
}

static void misc_enable_and_xss(void **state)
{
	struct msr_ctx c = ctx(XAPIC);
	struct msr_verdict d;

	(void)state;
	d = msr_decide_read(MSR_IA32_MISC_ENABLE, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, 1 | MISC_ENABLE_BTS_UNAVAIL |
				      MISC_ENABLE_PEBS_UNAVAIL);
	d = msr_decide_write(MSR_IA32_MISC_ENABLE, 1ull << 34,
			     &c); /* XD disable */
	assert_int_equal(d.act, MSR_ACT_VIRT);
	assert_ptr_equal(d.slot, &virt.misc_enable);
	assert_int_equal(d.value, (1ull << 34) | MISC_ENABLE_BTS_UNAVAIL |
				      MISC_ENABLE_PEBS_UNAVAIL);
	d = msr_decide_write(MSR_IA32_XSS, XSS_PT, &c);
	assert_int_equal(d.act, MSR_ACT_REFUSE);
	d = msr_decide_write(MSR_IA32_XSS, XSS_CET_U, &c);
	assert_int_equal(d.act, MSR_ACT_REFUSE); /* CET hidden from L1 */
	d = msr_decide_write(MSR_IA32_XSS, XSS_CET_S, &c);
	assert_int_equal(d.act, MSR_ACT_REFUSE);
	d = msr_decide_write(MSR_IA32_XSS, 1ull << 14, &c);
	assert_int_equal(d.act, MSR_ACT_HW);
	d = msr_decide_write(MSR_X2APIC_ICR, 0x4500, &c);
	assert_int_equal(d.act, MSR_ACT_ICR);
}

/* SDM Vol. 3A 11.12.5 from every state to every state, base kept. */
static void apic_base_transitions(void **state)
{
	static const struct {
		uint64_t from, to;
		enum apic_base_verdict v;
	} t[] = {
	    {XAPIC, XAPIC, APIC_BASE_OK},
	    {XAPIC, X2APIC, APIC_BASE_OK},
	    {XAPIC, OFF, APIC_BASE_REFUSED},		 /* global disable */
	    {XAPIC, OFF | APIC_BASE_EXTD, APIC_BASE_GP}, /* invalid state */
	    {X2APIC, X2APIC, APIC_BASE_OK},
	    {X2APIC, XAPIC, APIC_BASE_GP}, /* only through disabled */
	    {X2APIC, OFF, APIC_BASE_REFUSED},
	    {OFF, XAPIC, APIC_BASE_OK},
	    {OFF, X2APIC, APIC_BASE_GP}, /* only through xAPIC */
	    {OFF, OFF, APIC_BASE_REFUSED},
	    /* relocation, onto L0's region or anywhere */
	    {XAPIC, (XAPIC & ~APIC_BASE_ADDR) | 0x7f000000ull,
	     APIC_BASE_REFUSED},
	    {X2APIC, (X2APIC & ~APIC_BASE_ADDR) | 0x1000ull, APIC_BASE_REFUSED},
	    /* reserved bits, beyond MAXPHYADDR */
	    {XAPIC, XAPIC | 1, APIC_BASE_GP},
	    {XAPIC, XAPIC | (1ull << 9), APIC_BASE_GP},
	    {XAPIC, XAPIC | (1ull << 39), APIC_BASE_GP},
	    /* the BSP bit may differ: it is kept */
	    {XAPIC | APIC_BASE_BSP, XAPIC, APIC_BASE_OK},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(apic_base_decide(t[i].from, t[i].to, true, 39),
				 t[i].v);
		struct msr_ctx c = ctx(t[i].from);
		struct msr_verdict w =
		    msr_decide_write(MSR_IA32_APIC_BASE, t[i].to, &c);
		struct msr_verdict l =
		    msrlist_decide_load(MSR_IA32_APIC_BASE, t[i].to, &c);

		assert_int_equal(w.act, l.act);
		assert_int_equal(w.act, t[i].v == APIC_BASE_OK ? MSR_ACT_HW
					: t[i].v == APIC_BASE_GP
					    ? MSR_ACT_GP
					    : MSR_ACT_REFUSE);
		if (w.act == MSR_ACT_HW)
			assert_int_equal(w.value,
					 (t[i].to & ~APIC_BASE_BSP) |
					     (t[i].from & APIC_BASE_BSP));
	}
	/* without x2APIC, EXTD is reserved */
	assert_int_equal(apic_base_decide(XAPIC, X2APIC, false, 39),
			 APIC_BASE_GP);
}

/* ---- docs/msr-policy.md: the table, as `test_msr_policy --doc` prints it ----
 */

#define DOC_PATH "docs/msr-policy.md"

static const char *const rd_names[] = {"pass", "L0", "virtual", "emulated",
				       "#GP", "pass (with L1's offset)"};
static const char *const wr_names[] = {"pass", "#GP", "dropped", "virtual",
				       "emulated"};

static void doc_row(char *buf, size_t size, const struct msr_rule *r)
{
	char range[32];

	if (r->first == r->last)
		snprintf(range, sizeof(range), "0x%x", r->first);
	else
		snprintf(range, sizeof(range), "0x%x-0x%x", r->first, r->last);
	snprintf(buf, size, "| %s | %s | %s | %s |", range, rd_names[r->rd],
		 wr_names[r->wr], r->why);
}

static void print_doc(void)
{
	char row[512];

	printf("| MSR | RDMSR | WRMSR / list entry | why |\n| --- | --- | --- "
	       "| --- |\n");
	for (unsigned i = 0; i < msr_rule_count; i++) {
		doc_row(row, sizeof(row), &msr_rules[i]);
		printf("%s\n", row);
	}
}

/*
 * L1's TSC writes move only its offset: the decision never asks for a
 * hardware write, IA32_TSC_ADJUST follows the TSC (SDM 3B 18.17.3), and a
 * list entry gets the same verdict as WRMSR.
 */
static void tsc_moves_only_the_offset(void **state)
{
	struct msr_ctx c = ctx(XAPIC);
	struct msr_verdict d;

	(void)state;
	virt.has_tsc_adjust = true;
	virt.tsc_adjust = 100;
	virt.tsc_offset = 7;
	c.tsc = 1000;
	d = msr_decide_read(MSR_IA32_TSC, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, 1007);
	d = msr_decide_write(MSR_IA32_TSC, 5000, &c);
	assert_int_equal(d.act, MSR_ACT_TSC);
	assert_int_equal(d.value, 4000); /* L1's TSC reads 5000 now */
	d = msrlist_decide_load(MSR_IA32_TSC, 5000, &c);
	assert_int_equal(d.act, MSR_ACT_TSC);
	assert_int_equal(d.value, 4000);
	/* TSC_ADJUST 100 -> 150: the TSC moves by 50 */
	d = msr_decide_write(MSR_IA32_TSC_ADJUST, 150, &c);
	assert_int_equal(d.act, MSR_ACT_TSC);
	assert_int_equal(d.value, 57);
	d = msr_decide_read(MSR_IA32_TSC_ADJUST, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, 100);
	/* a CPU without IA32_TSC_ADJUST: #GP both ways */
	virt.has_tsc_adjust = false;
	assert_int_equal(msr_decide_read(MSR_IA32_TSC_ADJUST, &c).act,
			 MSR_ACT_GP);
	assert_int_equal(msr_decide_write(MSR_IA32_TSC_ADJUST, 1, &c).act,
			 MSR_ACT_GP);
}

/* L1's virtual split-lock detection (vmx/splitlock.c) and what 0xCF shows. */
static void split_lock_detection_is_virtual(void **state)
{
	struct msr_ctx c = ctx(XAPIC);
	struct msr_verdict d;

	(void)state;
	virt.sld_offered = false;
	virt.has_core_caps = true;
	virt.core_caps = CORE_CAPS_SLD | 1;
	virt.test_ctrl = 0;
	/* not offered: MSR_TEST_CTRL #GPs, 0xCF hides bit 5 */
	assert_int_equal(msr_decide_read(MSR_TEST_CTRL, &c).act, MSR_ACT_GP);
	assert_int_equal(msr_decide_write(MSR_TEST_CTRL, TEST_CTRL_SLD, &c).act,
			 MSR_ACT_GP);
	d = msr_decide_read(MSR_IA32_CORE_CAPABILITIES, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, 1);
	/* offered: bit 29 is L1's own, nothing else may be set */
	virt.sld_offered = true;
	d = msr_decide_read(MSR_IA32_CORE_CAPABILITIES, &c);
	assert_int_equal(d.value, CORE_CAPS_SLD | 1);
	d = msr_decide_write(MSR_TEST_CTRL, TEST_CTRL_SLD, &c);
	assert_int_equal(d.act, MSR_ACT_TEST_CTRL);
	assert_int_equal(d.value, TEST_CTRL_SLD);
	assert_ptr_equal(d.slot, &virt.test_ctrl);
	*d.slot = d.value;
	d = msr_decide_read(MSR_TEST_CTRL, &c);
	assert_int_equal(d.act, MSR_ACT_VALUE);
	assert_int_equal(d.value, TEST_CTRL_SLD);
	assert_int_equal(msr_decide_write(MSR_TEST_CTRL, 1ull << 31, &c).act,
			 MSR_ACT_GP);
	assert_int_equal(msr_decide_write(MSR_TEST_CTRL, 0, &c).act,
			 MSR_ACT_TEST_CTRL);
	/* read-only, and absent where the CPU has none */
	assert_int_equal(msr_decide_write(MSR_IA32_CORE_CAPABILITIES, 0, &c).act,
			 MSR_ACT_REFUSE);
	virt.has_core_caps = false;
	assert_int_equal(msr_decide_read(MSR_IA32_CORE_CAPABILITIES, &c).act,
			 MSR_ACT_GP);
	virt.sld_offered = false;
}

static void docs_in_sync(void **state)
{
	static char doc[64 * 1024];
	FILE *f = fopen(DOC_PATH, "r");
	char row[512];
	size_t n;

	(void)state;
	if (!f)
		fail_msg("cannot open %s (run from the repository root)",
			 DOC_PATH);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = 0;
	for (unsigned i = 0; i < msr_rule_count; i++) {
		doc_row(row, sizeof(row), &msr_rules[i]);
		if (!strstr(doc, row))
			fail_msg(
			    "%s lacks the row '%s' (regenerate the table with "
			    "build/unit/test_msr_policy --doc)",
			    DOC_PATH, row);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--doc")) {
		print_doc();
		return 0;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_are_sane),
	    cmocka_unit_test(named_msrs_have_their_policy),
	    cmocka_unit_test(list_path_agrees_with_wrmsr),
	    cmocka_unit_test(refused_rows_never_reach_hardware),
	    cmocka_unit_test(lists_own_rules),
	    cmocka_unit_test(microcode_trigger_loads_nothing),
	    cmocka_unit_test(mtrr_virtualized),
	    cmocka_unit_test(misc_enable_and_xss),
	    cmocka_unit_test(apic_base_transitions),
	    cmocka_unit_test(tsc_moves_only_the_offset),
	    cmocka_unit_test(split_lock_detection_is_virtual),
	    cmocka_unit_test(docs_in_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
