/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM-entry checks on vmcs12, part 2: the guest-state area (SDM Vol. 3C
 * 27.3.1), in the SDM's order: control registers, debug registers and MSRs
 * (27.3.1.1), segment registers (27.3.1.2, nested/checks_seg.c),
 * descriptor-table registers (27.3.1.3), RIP and RFLAGS (27.3.1.4),
 * non-register state with the VMCS link pointer (27.3.1.5), PDPTEs
 * (27.3.1.6). A failure is a VM exit "invalid guest state" (33) whose
 * qualification (SDM 27.8) the failing check's list entry gives.
 */
#define NESTED_CHECKS_IMPL
#include "nested/checks.h"

#include "vmx/controls.h"
#include "vmx/segment.h"

#define CR0_PE	      (1ull << 0)
#define CR0_WP	      (1ull << 16)
#define CR0_PG	      (1ull << 31)
#define CR4_PAE	      (1ull << 5)
#define CR4_PCIDE     (1ull << 17)
#define CR4_CET	      (1ull << 23)
#define EFER_LME      (1ull << 8)
#define EFER_LMA      (1ull << 10)
#define EFER_RESERVED (~0xd01ull) /* all but SCE, LME, LMA, NXE */
/* IA32_DEBUGCTL bits a guest may load: LBR, BTF, 6-15 (TR, BTS, BTINT,
 * BTS_OFF_OS/USR, FREEZE_LBRS/PERFMON_ON_PMI, UNCORE_PMI, FREEZE_WHILE_SMM,
 * RTM_DEBUG); 5:2 and 63:16 are reserved */
#define DEBUGCTL_ALLOWED 0xffc3ull
#define DEBUGCTL_BTF	 (1ull << 1)

#define RFLAGS_RESERVED 0xffffffffffc08028ull /* 63:22, 15, 5, 3 */
#define RFLAGS_FIXED1	(1ull << 1)
#define RFLAGS_TF	(1ull << 8)
#define RFLAGS_IF	(1ull << 9)
#define RFLAGS_VM	(1ull << 17)

#define INTR_ENCLAVE (1u << 4)
#define PENDING_ALLOWED                                                        \
	0x1500full /* 3:0 B0-B3, 12 enabled bp, 14 BS, 16 RTM                  \
		    */
#define PENDING_BS	 (1ull << 14)
#define PENDING_RTM	 (1ull << 16)
#define CPUID7_SGX	 (1u << 2)
#define CPUID7_RTM	 (1u << 11)
#define MISC_ACTIVITY(s) (1ull << (5 + (s))) /* states 1-3: bits 6-8 */

#define PDPTE_P	       (1ull << 0)
#define PDPTE_RESERVED 0x1e6ull /* 2:1, 8:5 */

struct guest_mode {
	uint32_t proc2, entry;
	bool ug, ia32e;
	uint64_t cr0, cr4;
};

static void mode_of(const struct nc_run *r, struct guest_mode *g)
{
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);

	g->proc2 = (proc & CPU_SECONDARY_CONTROLS)
		       ? (uint32_t)G(SECONDARY_VM_EXEC_CONTROL)
		       : 0;
	g->entry = (uint32_t)G(VM_ENTRY_CONTROLS);
	g->ug = g->proc2 & SEC_UNRESTRICTED_GUEST;
	g->ia32e = g->entry & ENTRY_IA32E_MODE;
	g->cr0 = G(GUEST_CR0);
	g->cr4 = G(GUEST_CR4);
}

/* SDM 27.3.1.1: control registers, debug registers, MSRs. */
static bool control_regs(struct nc_run *r, const struct guest_mode *g)
{
	const struct vmx_msrs *m = r->e->caps;
	/* unrestricted guest: PE and PG are free (27.3.1.1, first item) */
	uint64_t fixed0 = m->cr0_fixed0 & ~(g->ug ? CR0_PE | CR0_PG : 0);
	uint64_t cr0 = g->cr0, cr4 = g->cr4, efer = G(GUEST_IA32_EFER);
	bool debug = g->entry & ENTRY_LOAD_DEBUG_CONTROLS;

	CHECK(guest_cr0_fixed,
	      (cr0 & fixed0) == fixed0 && !(cr0 & ~m->cr0_fixed1),
	      "cr0 0x%lx, fixed0 0x%lx fixed1 0x%lx", cr0, fixed0,
	      m->cr0_fixed1);
	CHECK(guest_cr0_pg_pe, !(cr0 & CR0_PG) || (cr0 & CR0_PE), "cr0 0x%lx",
	      cr0);
	CHECK(guest_cr4_fixed,
	      (cr4 & m->cr4_fixed0) == m->cr4_fixed0 && !(cr4 & ~m->cr4_fixed1),
	      "cr4 0x%lx, fixed0 0x%lx fixed1 0x%lx", cr4, m->cr4_fixed0,
	      m->cr4_fixed1);
	CHECK(guest_cr4_cet, !(cr4 & CR4_CET) || (cr0 & CR0_WP),
	      "cr4 0x%lx cr0 0x%lx", cr4, cr0);
	if (debug)
		CHECK(guest_debugctl,
		      !(G(GUEST_IA32_DEBUGCTL) & ~DEBUGCTL_ALLOWED),
		      "debugctl 0x%lx", G(GUEST_IA32_DEBUGCTL));
	if (g->ia32e) {
		CHECK(guest_ia32e_pg, cr0 & CR0_PG, "cr0 0x%lx", cr0);
		CHECK(guest_ia32e_pae, cr4 & CR4_PAE, "cr4 0x%lx", cr4);
	} else {
		CHECK(guest_cr4_pcide, !(cr4 & CR4_PCIDE), "cr4 0x%lx", cr4);
	}
	CHECK(guest_cr3_width, nc_within(r, G(GUEST_CR3)), "cr3 0x%lx, %u bits",
	      G(GUEST_CR3), r->e->phys_bits);
	if (debug)
		CHECK(guest_dr7, !(G(GUEST_DR7) >> 32), "dr7 0x%lx",
		      G(GUEST_DR7));
	CHECK(guest_sysenter_esp, nc_canonical(G(GUEST_SYSENTER_ESP)), "0x%lx",
	      G(GUEST_SYSENTER_ESP));
	CHECK(guest_sysenter_eip, nc_canonical(G(GUEST_SYSENTER_EIP)), "0x%lx",
	      G(GUEST_SYSENTER_EIP));
	/* load CET state, load IA32_PERF_GLOBAL_CTRL: not offered */
	if (g->entry & ENTRY_LOAD_IA32_PAT)
		CHECK(guest_pat, x86_pat_valid(G(GUEST_IA32_PAT)), "pat 0x%lx",
		      G(GUEST_IA32_PAT));
	if (g->entry & ENTRY_LOAD_IA32_EFER) {
		CHECK(guest_efer_reserved, !(efer & EFER_RESERVED),
		      "efer 0x%lx", efer);
		CHECK(guest_efer_lma, !!(efer & EFER_LMA) == g->ia32e,
		      "efer 0x%lx entry 0x%x", efer, g->entry);
		CHECK(guest_efer_lme,
		      !(cr0 & CR0_PG) || !!(efer & EFER_LME) == g->ia32e,
		      "efer 0x%lx entry 0x%x cr0 0x%lx", efer, g->entry, cr0);
	}
	/* load BNDCFGS, RTIT_CTL, CET, PKRS, UINV: not offered */
	return true;
}

/* SDM 27.3.1.3: GDTR and IDTR. */
static bool descriptor_tables(struct nc_run *r)
{
	CHECK(guest_gdtr_base, nc_canonical(G(GUEST_GDTR_BASE)), "0x%lx",
	      G(GUEST_GDTR_BASE));
	CHECK(guest_idtr_base, nc_canonical(G(GUEST_IDTR_BASE)), "0x%lx",
	      G(GUEST_IDTR_BASE));
	CHECK(guest_gdtr_limit, !(G(GUEST_GDTR_LIMIT) >> 16), "0x%lx",
	      G(GUEST_GDTR_LIMIT));
	CHECK(guest_idtr_limit, !(G(GUEST_IDTR_LIMIT) >> 16), "0x%lx",
	      G(GUEST_IDTR_LIMIT));
	return true;
}

/* SDM 27.3.1.4: RIP and RFLAGS. */
static bool rip_rflags(struct nc_run *r, const struct guest_mode *g)
{
	uint64_t rip = G(GUEST_RIP), rflags = G(GUEST_RFLAGS);
	uint32_t info = (uint32_t)G(VM_ENTRY_INTR_INFO);
	bool cs_l = G(GUEST_CS_AR_BYTES) & AR_L;

	/*
	 * "bits 63:N identical", N the CPU's linear-address width: taken as
	 * canonical to N bits, 57 with 5-level paging whatever the guest's
	 * CR4.LA57 (a 4-level guest cannot fetch there, but the entry is
	 * valid; the fetch faults in L2)
	 */
	if (g->ia32e && cs_l)
		CHECK(guest_rip_canonical, nc_canonical(rip), "rip 0x%lx", rip);
	else
		CHECK(guest_rip_high, !(rip >> 32), "rip 0x%lx, cs.l %d", rip,
		      cs_l);
	CHECK(guest_rflags_reserved,
	      !(rflags & RFLAGS_RESERVED) && (rflags & RFLAGS_FIXED1),
	      "rflags 0x%lx", rflags);
	CHECK(guest_rflags_vm,
	      !(rflags & RFLAGS_VM) || (!g->ia32e && (g->cr0 & CR0_PE)),
	      "rflags 0x%lx entry 0x%x cr0 0x%lx", rflags, g->entry, g->cr0);
	if ((info & INTR_INFO_VALID) &&
	    (info & INTR_TYPE_MASK) == INTR_TYPE_EXT_INTR)
		CHECK(guest_rflags_if, rflags & RFLAGS_IF,
		      "rflags 0x%lx, injecting 0x%x", rflags, info);
	return true;
}

/* Events an activity state lets VM entry inject (SDM 27.3.1.5). */
static bool event_allowed(unsigned activity, uint32_t info)
{
	unsigned type = (info >> 8) & 7, vector = info & 0xff;

	switch (activity) {
	case ACTIVITY_ACTIVE:
		return true;
	case ACTIVITY_HLT:
		return type == 0 || type == 2 ||
		       (type == 3 && (vector == 1 || vector == 18)) ||
		       (type == 7 && vector == 0);
	case ACTIVITY_SHUTDOWN:
		return type == 2 || (type == 3 && vector == 18);
	default:
		return false;
	}
}

/* SDM 27.3.1.5: activity and interruptibility state, pending debug
 * exceptions. */
static bool non_register(struct nc_run *r)
{
	const struct check_env *e = r->e;
	unsigned activity = (unsigned)G(GUEST_ACTIVITY_STATE);
	uint32_t intr = (uint32_t)G(GUEST_INTERRUPTIBILITY_INFO);
	uint32_t info = (uint32_t)G(VM_ENTRY_INTR_INFO);
	bool valid = info & INTR_INFO_VALID;
	uint32_t type = info & INTR_TYPE_MASK;
	uint64_t rflags = G(GUEST_RFLAGS),
		 pending = G(GUEST_PENDING_DBG_EXCEPTIONS);
	unsigned ss_dpl = (G(GUEST_SS_AR_BYTES) >> 5) & 3;
	bool vnmi = G(PIN_BASED_VM_EXEC_CONTROL) & PIN_VIRTUAL_NMIS;
	uint32_t sti = INTERRUPTIBILITY_STI, movss = INTERRUPTIBILITY_MOV_SS;

	CHECK(guest_activity_supported,
	      activity == ACTIVITY_ACTIVE ||
		  (activity <= ACTIVITY_WAIT_SIPI &&
		   (e->caps->misc & MISC_ACTIVITY(activity))),
	      "state %u, misc 0x%lx", activity, e->caps->misc);
	CHECK(guest_activity_hlt_dpl, activity != ACTIVITY_HLT || ss_dpl == 0,
	      "ss.dpl %u", ss_dpl);
	CHECK(guest_activity_blocking,
	      !(intr & (sti | movss)) || activity == ACTIVITY_ACTIVE,
	      "state %u interruptibility 0x%x", activity, intr);
	if (valid)
		CHECK(guest_activity_event, event_allowed(activity, info),
		      "state %u, injecting 0x%x", activity, info);
	/* wait-for-SIPI with entry to SMM: neither is offered */

	CHECK(guest_intr_reserved, !(intr >> 5), "interruptibility 0x%x", intr);
	CHECK(guest_intr_enclave,
	      !(intr & INTR_ENCLAVE) ||
		  (!(intr & movss) && (e->cpuid7_ebx & CPUID7_SGX)),
	      "interruptibility 0x%x, cpuid7.ebx 0x%x", intr, e->cpuid7_ebx);
	CHECK(guest_intr_sti_movss, (intr & (sti | movss)) != (sti | movss),
	      "interruptibility 0x%x", intr);
	CHECK(guest_intr_sti_if, !(intr & sti) || (rflags & RFLAGS_IF),
	      "interruptibility 0x%x rflags 0x%lx", intr, rflags);
	if (valid && type == INTR_TYPE_EXT_INTR)
		CHECK(guest_intr_extint, !(intr & (sti | movss)),
		      "interruptibility 0x%x, injecting 0x%x", intr, info);
	if (valid && type == INTR_TYPE_NMI)
		CHECK(guest_intr_nmi_movss, !(intr & movss),
		      "interruptibility 0x%x, injecting NMI", intr);
	/* L1 is never in SMM (and entry to SMM is not offered) */
	CHECK(guest_intr_smi, !(intr & INTERRUPTIBILITY_SMI),
	      "interruptibility 0x%x", intr);
	if (valid && type == INTR_TYPE_NMI)
		CHECK(guest_intr_nmi_sti, !(intr & sti),
		      "interruptibility 0x%x, injecting NMI", intr);
	if (valid && type == INTR_TYPE_NMI && vnmi)
		CHECK(guest_intr_vnmi, !(intr & INTERRUPTIBILITY_NMI),
		      "interruptibility 0x%x, injecting NMI, virtual NMIs",
		      intr);

	CHECK(guest_pending_dbg_reserved, !(pending & ~PENDING_ALLOWED),
	      "pending 0x%lx", pending);
	if ((intr & (sti | movss)) || activity == ACTIVITY_HLT) {
		bool tf = rflags & RFLAGS_TF;
		bool btf = G(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF;

		if (tf && !btf)
			CHECK(guest_pending_dbg_bs_set, pending & PENDING_BS,
			      "pending 0x%lx rflags 0x%lx", pending, rflags);
		else
			CHECK(guest_pending_dbg_bs_clear,
			      !(pending & PENDING_BS),
			      "pending 0x%lx rflags 0x%lx debugctl 0x%lx",
			      pending, rflags, G(GUEST_IA32_DEBUGCTL));
	}
	if (pending & PENDING_RTM) {
		CHECK(guest_pending_dbg_rtm_bits, (pending & 0xffff) == 0x1000,
		      "pending 0x%lx", pending);
		CHECK(guest_pending_dbg_rtm_cpu, e->cpuid7_ebx & CPUID7_RTM,
		      "cpuid7.ebx 0x%x", e->cpuid7_ebx);
		CHECK(guest_pending_dbg_rtm_movss, !(intr & movss),
		      "interruptibility 0x%x", intr);
	}
	return true;
}

/* SDM 27.3.1.5, last item: the VMCS link pointer (qualification 4). */
static bool link_pointer(struct nc_run *r, const struct guest_mode *g)
{
	const struct check_env *e = r->e;
	uint64_t link = G(VMCS_LINK_POINTER);
	uint32_t rev = 0, want = (uint32_t)e->caps->basic & 0x7fffffffu;
	bool shadowing = g->proc2 & SEC_SHADOW_VMCS, ok;

	if (link == ~0ull)
		return true;
	CHECK(guest_link_align, !(link & 0xfff), "link 0x%lx", link);
	CHECK(guest_link_width, nc_within(r, link), "link 0x%lx, %u bits", link,
	      e->phys_bits);
	ok = e->read && e->read(e->ctx, link, &rev, sizeof(rev));
	CHECK(guest_link_revision, ok && (rev & 0x7fffffffu) == want,
	      "link 0x%lx: %s 0x%x, want 0x%x", link,
	      ok ? "revision" : "not L1 memory", rev, want);
	CHECK(guest_link_shadow, !!(rev >> 31) == shadowing,
	      "link 0x%lx: revision 0x%x, VMCS shadowing %d", link, rev,
	      shadowing);
	/* outside SMM (L1 never is in it) */
	CHECK(guest_link_current, link != e->current_ptr, "link 0x%lx", link);
	return true;
}

/* SDM 27.3.1.6: PDPTEs, when the guest will use PAE paging (qual 2). */
static bool pdptes(struct nc_run *r, const struct guest_mode *g)
{
	const struct check_env *e = r->e;

	if (g->ia32e || !(g->cr0 & CR0_PG) || !(g->cr4 & CR4_PAE))
		return true;
	uint64_t pdpte[4] = {0, 0, 0, 0};
	uint64_t reserved = PDPTE_RESERVED | ~((1ull << e->phys_bits) - 1);
	if (g->proc2 & SEC_ENABLE_EPT) {
		pdpte[0] = G(GUEST_PDPTR0);
		pdpte[1] = G(GUEST_PDPTR1);
		pdpte[2] = G(GUEST_PDPTR2);
		pdpte[3] = G(GUEST_PDPTR3);
	} else {
		/* the PDPT is at CR3[31:5] in L1's guest-physical memory */
		uint64_t pdpt = G(GUEST_CR3) & 0xffffffe0u;
		bool ok =
		    e->read && e->read(e->ctx, pdpt, pdpte, sizeof(pdpte));

		if (!ok)
			pdpte[0] = pdpte[1] = pdpte[2] = pdpte[3] = 0;
		CHECK(guest_pdpte_read, ok, "PDPT at 0x%lx", pdpt);
	}
	for (unsigned i = 0; i < 4; i++)
		CHECK(guest_pdpte,
		      !(pdpte[i] & PDPTE_P) || !(pdpte[i] & reserved),
		      "PDPTE%u 0x%lx, %u bits", i, pdpte[i], e->phys_bits);
	return true;
}

bool nested_check_guest(const struct vmcs12 *c, const struct check_env *e,
			uint64_t *qual, const char **failed)
{
	struct nc_run run = {
	    .c = c, .e = e, .failed = -1, .parts = nc_env_parts(e)};
	struct guest_mode g;

	mode_of(&run, &g);
	if (NC_RUN(control_regs, control_regs(&run, &g)) &&
	    NC_RUN(segments, nc_guest_segments(&run)) &&
	    NC_RUN(descriptor_tables, descriptor_tables(&run)) &&
	    NC_RUN(rip_rflags, rip_rflags(&run, &g)) &&
	    NC_RUN(non_register, non_register(&run)) &&
	    NC_RUN(link_pointer, link_pointer(&run, &g)) &&
	    NC_RUN(pdptes, pdptes(&run, &g))) {
		*qual = 0;
		return true;
	}
	*qual = nc_qualification((enum nested_check_id)run.failed);
	if (failed)
		*failed = nested_check_names[run.failed];
	return false;
}
