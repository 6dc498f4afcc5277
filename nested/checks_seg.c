/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM-entry checks on vmcs12, part 3: the guest segment registers (SDM Vol.
 * 3C 27.3.1.2), in the SDM's order: selectors, bases, limits, then the
 * access rights sub-field by sub-field (type, S, DPL, P, reserved bits,
 * D/B, G, reserved bits) for CS, SS, DS, ES, FS, GS, then TR and LDTR.
 * "Usable": access-rights bit 16 (unusable) clear. "Virtual-8086":
 * RFLAGS.VM in the guest RFLAGS field.
 */
#define NESTED_CHECKS_IMPL
#include "nested/checks.h"

#include "vmx/controls.h"
#include "vmx/segment.h"

#define CR0_PE	     (1ull << 0)
#define RFLAGS_VM    (1ull << 17)
#define AR_TYPE(ar)  ((ar)&0xfu)
#define AR_DPL(ar)   (((ar) >> 5) & 3u)
#define AR_RSVD_11_8 0xf00u
#define AR_RSVD_HIGH 0xfffe0000u /* 31:17 */
#define SEL_TI	     4u
#define SEL_RPL(s)   ((s)&3u)

enum { CS, SS, DS, ES, FS, GS, TR, LDTR, NSEG };

struct seg {
	uint64_t sel, base;
	uint32_t limit, ar;
};

static const char *const seg_name[NSEG] = {"CS", "SS", "DS", "ES",
					   "FS", "GS", "TR", "LDTR"};

#define SEG_FIELDS(i, R)                                                       \
	do {                                                                   \
		s[i].sel = G(GUEST_##R##_SELECTOR);                            \
		s[i].base = G(GUEST_##R##_BASE);                               \
		s[i].limit = (uint32_t)G(GUEST_##R##_LIMIT);                   \
		s[i].ar = (uint32_t)G(GUEST_##R##_AR_BYTES);                   \
	} while (0)

static bool usable(const struct seg *s)
{
	return !(s->ar & AR_UNUSABLE);
}

/* G must be 0 unless limit bits 11:0 are all 1, and 1 if any of 31:20 is */
static bool granularity_ok(const struct seg *s)
{
	bool g = s->ar & AR_G;

	return (!g || (s->limit & 0xfff) == 0xfff) && (g || !(s->limit >> 20));
}

/* CS always, the others when usable: the registers whose S, P, reserved
 * and G bits are checked */
static bool checked(unsigned i, const struct seg *s)
{
	return i == CS || usable(s);
}

static bool v86_segments(struct nc_run *r, const struct seg *s)
{
	for (unsigned i = CS; i <= GS; i++)
		CHECK(guest_v86_base, s[i].base == s[i].sel << 4,
		      "%s sel 0x%lx base 0x%lx", seg_name[i], s[i].sel,
		      s[i].base);
	return true;
}

/* Access rights of CS, SS, DS, ES, FS, GS outside virtual-8086 mode. */
static bool code_data_rights(struct nc_run *r, const struct seg *s, bool ug,
			     bool ia32e, bool pe)
{
	unsigned cs_type = AR_TYPE(s[CS].ar), cs_dpl = AR_DPL(s[CS].ar);
	unsigned ss_dpl = AR_DPL(s[SS].ar);

	/* type */
	CHECK(guest_cs_type,
	      cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
		  (ug && cs_type == 3),
	      "CS ar 0x%x, unrestricted %d", s[CS].ar, ug);
	if (usable(&s[SS]))
		CHECK(guest_ss_type,
		      AR_TYPE(s[SS].ar) == 3 || AR_TYPE(s[SS].ar) == 7,
		      "SS ar 0x%x", s[SS].ar);
	for (unsigned i = DS; i <= GS; i++) {
		if (!usable(&s[i]))
			continue;
		CHECK(guest_data_accessed, s[i].ar & AR_TYPE_ACCESSED,
		      "%s ar 0x%x", seg_name[i], s[i].ar);
		CHECK(guest_data_readable, !(s[i].ar & 8) || (s[i].ar & 2),
		      "%s ar 0x%x", seg_name[i], s[i].ar);
	}
	/* S */
	for (unsigned i = CS; i <= GS; i++)
		if (checked(i, &s[i]))
			CHECK(guest_seg_s, s[i].ar & AR_S, "%s ar 0x%x",
			      seg_name[i], s[i].ar);
	/* DPL */
	if (cs_type == 3)
		CHECK(guest_cs_dpl_data, cs_dpl == 0, "CS ar 0x%x", s[CS].ar);
	else if (cs_type == 9 || cs_type == 11)
		CHECK(guest_cs_dpl_nonconforming, cs_dpl == ss_dpl,
		      "CS ar 0x%x SS ar 0x%x", s[CS].ar, s[SS].ar);
	else if (cs_type == 13 || cs_type == 15)
		CHECK(guest_cs_dpl_conforming, cs_dpl <= ss_dpl,
		      "CS ar 0x%x SS ar 0x%x", s[CS].ar, s[SS].ar);
	if (!ug)
		CHECK(guest_ss_dpl_rpl, ss_dpl == SEL_RPL(s[SS].sel),
		      "SS sel 0x%lx ar 0x%x", s[SS].sel, s[SS].ar);
	if (cs_type == 3 || !pe)
		CHECK(guest_ss_dpl_zero, ss_dpl == 0,
		      "SS ar 0x%x, CS type %u, CR0.PE %d", s[SS].ar, cs_type,
		      pe);
	for (unsigned i = DS; !ug && i <= GS; i++)
		if (usable(&s[i]) && AR_TYPE(s[i].ar) <= 11)
			CHECK(guest_data_dpl,
			      AR_DPL(s[i].ar) >= SEL_RPL(s[i].sel),
			      "%s sel 0x%lx ar 0x%x", seg_name[i], s[i].sel,
			      s[i].ar);
	/* P, reserved bits 11:8 */
	for (unsigned i = CS; i <= GS; i++)
		if (checked(i, &s[i]))
			CHECK(guest_seg_p, s[i].ar & AR_P, "%s ar 0x%x",
			      seg_name[i], s[i].ar);
	for (unsigned i = CS; i <= GS; i++)
		if (checked(i, &s[i]))
			CHECK(guest_seg_reserved_11_8,
			      !(s[i].ar & AR_RSVD_11_8), "%s ar 0x%x",
			      seg_name[i], s[i].ar);
	/* D/B, G, reserved bits 31:17 */
	if (ia32e && (s[CS].ar & AR_L))
		CHECK(guest_cs_db, !(s[CS].ar & AR_DB), "CS ar 0x%x", s[CS].ar);
	for (unsigned i = CS; i <= GS; i++)
		if (checked(i, &s[i]))
			CHECK(guest_seg_g, granularity_ok(&s[i]),
			      "%s limit 0x%x ar 0x%x", seg_name[i], s[i].limit,
			      s[i].ar);
	for (unsigned i = CS; i <= GS; i++)
		if (checked(i, &s[i]))
			CHECK(guest_seg_reserved_31_17,
			      !(s[i].ar & AR_RSVD_HIGH), "%s ar 0x%x",
			      seg_name[i], s[i].ar);
	return true;
}

static bool tr_ldtr_rights(struct nc_run *r, const struct seg *s, bool ia32e)
{
	const struct seg *tr = &s[TR], *ldtr = &s[LDTR];
	unsigned type = AR_TYPE(tr->ar);

	CHECK(guest_tr_type, type == 11 || (!ia32e && type == 3),
	      "TR ar 0x%x, IA-32e %d", tr->ar, ia32e);
	CHECK(guest_tr_s, !(tr->ar & AR_S), "TR ar 0x%x", tr->ar);
	CHECK(guest_tr_p, tr->ar & AR_P, "TR ar 0x%x", tr->ar);
	CHECK(guest_tr_reserved_11_8, !(tr->ar & AR_RSVD_11_8), "TR ar 0x%x",
	      tr->ar);
	CHECK(guest_tr_g, granularity_ok(tr), "TR limit 0x%x ar 0x%x",
	      tr->limit, tr->ar);
	CHECK(guest_tr_unusable, usable(tr), "TR ar 0x%x", tr->ar);
	CHECK(guest_tr_reserved_31_17, !(tr->ar & AR_RSVD_HIGH), "TR ar 0x%x",
	      tr->ar);
	if (!usable(ldtr))
		return true;
	CHECK(guest_ldtr_type, AR_TYPE(ldtr->ar) == 2, "LDTR ar 0x%x",
	      ldtr->ar);
	CHECK(guest_ldtr_s, !(ldtr->ar & AR_S), "LDTR ar 0x%x", ldtr->ar);
	CHECK(guest_ldtr_p, ldtr->ar & AR_P, "LDTR ar 0x%x", ldtr->ar);
	CHECK(guest_ldtr_reserved_11_8, !(ldtr->ar & AR_RSVD_11_8),
	      "LDTR ar 0x%x", ldtr->ar);
	CHECK(guest_ldtr_g, granularity_ok(ldtr), "LDTR limit 0x%x ar 0x%x",
	      ldtr->limit, ldtr->ar);
	CHECK(guest_ldtr_reserved_31_17, !(ldtr->ar & AR_RSVD_HIGH),
	      "LDTR ar 0x%x", ldtr->ar);
	return true;
}

bool nc_guest_segments(struct nc_run *r)
{
	struct seg s[NSEG];
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
	bool ug = (proc & CPU_SECONDARY_CONTROLS) &&
		  (G(SECONDARY_VM_EXEC_CONTROL) & SEC_UNRESTRICTED_GUEST);
	bool ia32e = G(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE;
	bool pe = G(GUEST_CR0) & CR0_PE;
	bool v86 = G(GUEST_RFLAGS) & RFLAGS_VM;

	SEG_FIELDS(CS, CS);
	SEG_FIELDS(SS, SS);
	SEG_FIELDS(DS, DS);
	SEG_FIELDS(ES, ES);
	SEG_FIELDS(FS, FS);
	SEG_FIELDS(GS, GS);
	SEG_FIELDS(TR, TR);
	SEG_FIELDS(LDTR, LDTR);

	/* selectors */
	CHECK(guest_tr_ti, !(s[TR].sel & SEL_TI), "TR sel 0x%lx", s[TR].sel);
	if (usable(&s[LDTR]))
		CHECK(guest_ldtr_ti, !(s[LDTR].sel & SEL_TI), "LDTR sel 0x%lx",
		      s[LDTR].sel);
	if (!v86 && !ug)
		CHECK(guest_ss_rpl, SEL_RPL(s[SS].sel) == SEL_RPL(s[CS].sel),
		      "SS sel 0x%lx CS sel 0x%lx", s[SS].sel, s[CS].sel);

	/* bases */
	if (v86 && !v86_segments(r, s))
		return false;
	for (unsigned i = FS; i <= TR; i++)
		CHECK(guest_base_canonical, nc_canonical(s[i].base),
		      "%s base 0x%lx", seg_name[i], s[i].base);
	if (usable(&s[LDTR]))
		CHECK(guest_ldtr_base, nc_canonical(s[LDTR].base),
		      "LDTR base 0x%lx", s[LDTR].base);
	CHECK(guest_cs_base, !(s[CS].base >> 32), "CS base 0x%lx", s[CS].base);
	for (unsigned i = SS; i <= ES; i++)
		if (usable(&s[i]))
			CHECK(guest_base_high, !(s[i].base >> 32),
			      "%s base 0x%lx", seg_name[i], s[i].base);

	/* limits, access rights */
	if (v86) {
		for (unsigned i = CS; i <= GS; i++)
			CHECK(guest_v86_limit, s[i].limit == 0xffff,
			      "%s limit 0x%x", seg_name[i], s[i].limit);
		for (unsigned i = CS; i <= GS; i++)
			CHECK(guest_v86_ar, s[i].ar == 0xf3, "%s ar 0x%x",
			      seg_name[i], s[i].ar);
	} else if (!code_data_rights(r, s, ug, ia32e, pe)) {
		return false;
	}
	return tr_ldtr_rights(r, s, ia32e);
}
