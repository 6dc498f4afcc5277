/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM-entry checks on vmcs12, part 1: the VMX controls and the host-state
 * area (SDM Vol. 3C 27.2: 27.2.1 controls, VMfailValid 7; 27.2.2-27.2.4 host
 * state and address-space size, VMfailValid 8), in the SDM's order. The
 * guest-state checks are nested/checks_guest.c and nested/checks_seg.c.
 *
 * The checks are pure: all they know is vmcs12 and the check_env the caller
 * fills (L1's capability MSRs, its physical-address width and mode, its
 * memory through a callback). Features L0 never offers L1 need no check of
 * their own: their control bits are reserved for L1, so the reserved-bit
 * checks catch them (docs/entry-checks.md lists them).
 */
#define NESTED_CHECKS_IMPL
#include "nested/checks.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/string.h"
#include "nested/ept12.h"
#include "vmx/controls.h"

/* IA32_VMX_BASIC (SDM Vol. 3D A.1): bit 55, the TRUE control MSRs exist */
#define BASIC_TRUE_CTLS (1ull << 55)
/* IA32_VMX_MISC (SDM Vol. 3D A.6) */
#define MISC_CR3_TARGETS(m)  (((m) >> 16) & 0x1ff)
#define MISC_INJECT_LEN_ZERO (1ull << 30)
/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10) */

#define CR0_WP	      (1ull << 16)
#define CR0_PE	      (1ull << 0)
#define CR4_PAE	      (1ull << 5)
#define CR4_LA57      (1ull << 12)
#define CR4_PCIDE     (1ull << 17)
#define CR4_CET	      (1ull << 23)
#define EFER_LME      (1ull << 8)
#define EFER_LMA      (1ull << 10)
#define EFER_RESERVED (~0xd01ull) /* all but SCE, LME, LMA, NXE */

#define NC_NAME(id, name, sec, verdict, qual, text) name,
const char *const nested_check_names[NESTED_CHECK_COUNT] = {
    NESTED_CHECK_LIST(NC_NAME)};
#undef NC_NAME

#define NC_VERDICT(id, name, sec, verdict, qual, text) verdict,
static const uint8_t nc_verdict[NESTED_CHECK_COUNT] = {
    NESTED_CHECK_LIST(NC_VERDICT)};
#undef NC_VERDICT

#define NC_QUAL(id, name, sec, verdict, qual, text) qual,
static const uint8_t nc_qual[NESTED_CHECK_COUNT] = {NESTED_CHECK_LIST(NC_QUAL)};
#undef NC_QUAL

int nested_check_lookup(const char *name)
{
	for (int i = 0; name && i < NESTED_CHECK_COUNT; i++)
		if (!strcmp(name, nested_check_names[i]))
			return i;
	return -1;
}

unsigned nc_qualification(enum nested_check_id id)
{
	return nc_qual[id];
}

void nc_report(const struct nc_run *r, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->e->report)
		r->e->report(r->e->ctx, line);
	else
		log_info("%s", line);
}

bool nc_fail(struct nc_run *r, enum nested_check_id id)
{
	static bool skip_logged;
	const char *skip = r->e->skip;

	if (skip && !strcmp(skip, nested_check_names[id])) {
		if (!skip_logged) {
			skip_logged = true;
			log_debug("nested: VM-entry check %s skipped "
				  "(nested_skip_check)",
				  skip);
		}
		return false;
	}
	r->failed = (int)id;
	return true;
}

/* A control field's value against its capability MSR (SDM Vol. 3D A.3-A.5):
 * allowed-0 settings in bits 31:0 must be 1, allowed-1 in 63:32 may be. */
static bool allowed(uint32_t value, uint64_t msr)
{
	uint32_t must1 = (uint32_t)msr, may1 = (uint32_t)(msr >> 32);

	return (value & must1) == must1 && !(value & ~may1);
}

static bool aligned_within(const struct nc_run *r, uint64_t pa, uint64_t align)
{
	return !(pa & (align - 1)) && nc_within(r, pa);
}

/* The last byte of an MSR list of count 16-byte entries at pa. */
static bool list_end_within(const struct nc_run *r, uint64_t pa, uint32_t count)
{
	uint64_t end = pa + (uint64_t)count * 16 - 1;

	return end >= pa && nc_within(r, end);
}

/* SDM 27.2.1.1: VM-execution control fields. */
static bool exec_controls(struct nc_run *r)
{
	const struct vmx_msrs *m = r->e->caps;
	bool true_ctls = m->basic & BASIC_TRUE_CTLS;
	uint32_t pin = (uint32_t)G(PIN_BASED_VM_EXEC_CONTROL);
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
	/* without "activate secondary controls" they are all 0 */
	uint32_t proc2 = (proc & CPU_SECONDARY_CONTROLS)
			     ? (uint32_t)G(SECONDARY_VM_EXEC_CONTROL)
			     : 0;
	struct ept12_caps ept = ept12_caps_of(m, r->e->phys_bits);

	CHECK(ctl_pin_reserved,
	      allowed(pin, true_ctls ? m->true_pinbased : m->pinbased),
	      "pin 0x%x", pin);
	CHECK(ctl_proc_reserved,
	      allowed(proc, true_ctls ? m->true_procbased : m->procbased),
	      "proc 0x%x", proc);
	CHECK(ctl_proc2_reserved, allowed(proc2, m->procbased2), "proc2 0x%x",
	      proc2);
	CHECK(ctl_cr3_target_count,
	      G(CR3_TARGET_COUNT) <= MISC_CR3_TARGETS(m->misc),
	      "count %lu, misc 0x%lx", G(CR3_TARGET_COUNT), m->misc);
	if (proc & CPU_USE_IO_BITMAPS) {
		CHECK(ctl_io_bitmap_a, aligned_within(r, G(IO_BITMAP_A), 4096),
		      "0x%lx", G(IO_BITMAP_A));
		CHECK(ctl_io_bitmap_b, aligned_within(r, G(IO_BITMAP_B), 4096),
		      "0x%lx", G(IO_BITMAP_B));
	}
	if (proc & CPU_USE_MSR_BITMAPS)
		CHECK(ctl_msr_bitmap, aligned_within(r, G(MSR_BITMAP), 4096),
		      "0x%lx", G(MSR_BITMAP));
	/* TPR shadow and the APIC-virtualization controls: not offered */
	CHECK(ctl_virtual_nmis,
	      (pin & PIN_NMI_EXITING) || !(pin & PIN_VIRTUAL_NMIS), "pin 0x%x",
	      pin);
	CHECK(ctl_nmi_window,
	      (pin & PIN_VIRTUAL_NMIS) || !(proc & CPU_NMI_WINDOW_EXITING),
	      "pin 0x%x proc 0x%x", pin, proc);
	if (proc2 & SEC_ENABLE_VPID)
		CHECK(ctl_vpid, G(VPID) != 0, "vpid %lu", G(VPID));
	if (proc2 & SEC_ENABLE_EPT)
		CHECK(ctl_eptp, ept12_eptp_valid(G(EPT_POINTER), &ept),
		      "eptp 0x%lx", G(EPT_POINTER));
	/* PML: not offered */
	CHECK(ctl_unrestricted_ept,
	      !(proc2 & SEC_UNRESTRICTED_GUEST) || (proc2 & SEC_ENABLE_EPT),
	      "proc2 0x%x", proc2);
	/* mode-based execute control, sub-page permissions, VM functions:
	 * not offered */
	if (proc2 & SEC_SHADOW_VMCS) {
		CHECK(ctl_vmread_bitmap,
		      aligned_within(r, G(VMREAD_BITMAP), 4096), "0x%lx",
		      G(VMREAD_BITMAP));
		CHECK(ctl_vmwrite_bitmap,
		      aligned_within(r, G(VMWRITE_BITMAP), 4096), "0x%lx",
		      G(VMWRITE_BITMAP));
	}
	/* EPT-violation #VE, PT, tertiary controls: not offered */
	return true;
}

/* SDM 27.2.1.2: VM-exit control fields. */
static bool exit_controls(struct nc_run *r)
{
	const struct vmx_msrs *m = r->e->caps;
	uint32_t exit = (uint32_t)G(VM_EXIT_CONTROLS);
	uint32_t pin = (uint32_t)G(PIN_BASED_VM_EXEC_CONTROL);
	uint32_t store = (uint32_t)G(VM_EXIT_MSR_STORE_COUNT),
		 load = (uint32_t)G(VM_EXIT_MSR_LOAD_COUNT);

	CHECK(ctl_exit_reserved,
	      allowed(exit,
		      (m->basic & BASIC_TRUE_CTLS) ? m->true_exit : m->exit),
	      "exit 0x%x", exit);
	CHECK(ctl_exit_save_timer,
	      !(exit & EXIT_SAVE_PREEMPTION_TIMER) ||
		  (pin & PIN_PREEMPTION_TIMER),
	      "exit 0x%x pin 0x%x", exit, pin);
	if (store) {
		CHECK(ctl_exit_msr_store_addr,
		      aligned_within(r, G(VM_EXIT_MSR_STORE_ADDR), 16), "0x%lx",
		      G(VM_EXIT_MSR_STORE_ADDR));
		CHECK(ctl_exit_msr_store_end,
		      list_end_within(r, G(VM_EXIT_MSR_STORE_ADDR), store),
		      "0x%lx count %u", G(VM_EXIT_MSR_STORE_ADDR), store);
	}
	if (load) {
		CHECK(ctl_exit_msr_load_addr,
		      aligned_within(r, G(VM_EXIT_MSR_LOAD_ADDR), 16), "0x%lx",
		      G(VM_EXIT_MSR_LOAD_ADDR));
		CHECK(ctl_exit_msr_load_end,
		      list_end_within(r, G(VM_EXIT_MSR_LOAD_ADDR), load),
		      "0x%lx count %u", G(VM_EXIT_MSR_LOAD_ADDR), load);
	}
	return true;
}

/* Hardware exceptions that push an error code: #DF #TS #NP #SS #GP #PF #AC */
static bool has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/* SDM 27.2.1.3: VM-entry control fields, event injection first. */
static bool entry_controls(struct nc_run *r)
{
	const struct vmx_msrs *m = r->e->caps;
	uint32_t entry = (uint32_t)G(VM_ENTRY_CONTROLS);
	uint32_t info = (uint32_t)G(VM_ENTRY_INTR_INFO);
	uint32_t load = (uint32_t)G(VM_ENTRY_MSR_LOAD_COUNT);

	CHECK(ctl_entry_reserved,
	      allowed(entry,
		      (m->basic & BASIC_TRUE_CTLS) ? m->true_entry : m->entry),
	      "entry 0x%x", entry);
	if (info & INTR_INFO_VALID) {
		unsigned type = (info >> 8) & 7, vector = info & 0xff;
		bool mtf = (m->procbased >> 32) & CPU_MONITOR_TRAP_FLAG;
		uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
		bool ug =
		    (proc & CPU_SECONDARY_CONTROLS) &&
		    (G(SECONDARY_VM_EXEC_CONTROL) & SEC_UNRESTRICTED_GUEST);
		bool pe = G(GUEST_CR0) & CR0_PE;
		bool code = info & INTR_INFO_DELIVER_CODE;
		bool soft = type == 4 || type == 5 || type == 6;
		uint64_t len = G(VM_ENTRY_INSTRUCTION_LEN);

		CHECK(ctl_event_type, type != 1, "info 0x%x", info);
		CHECK(ctl_event_type_mtf, type != 7 || mtf,
		      "info 0x%x, MTF not offered", info);
		CHECK(ctl_event_nmi_vector, type != 2 || vector == 2,
		      "info 0x%x", info);
		CHECK(ctl_event_exception_vector, type != 3 || vector <= 31,
		      "info 0x%x", info);
		CHECK(ctl_event_other_vector, type != 7 || vector == 0,
		      "info 0x%x", info);
		CHECK(ctl_event_error_code,
		      code ==
			  ((!ug || pe) && type == 3 && has_error_code(vector)),
		      "info 0x%x, unrestricted %d, cr0 0x%lx", info, ug,
		      G(GUEST_CR0));
		CHECK(ctl_event_reserved, !(info & 0x7ffff000u), "info 0x%x",
		      info);
		CHECK(ctl_event_error_code_bits,
		      !code || !(G(VM_ENTRY_EXCEPTION_ERROR_CODE) >> 16),
		      "error code 0x%lx", G(VM_ENTRY_EXCEPTION_ERROR_CODE));
		CHECK(ctl_event_insn_len, !soft || len <= 15,
		      "info 0x%x length %lu", info, len);
		CHECK(ctl_event_insn_len_zero,
		      !soft || len || (m->misc & MISC_INJECT_LEN_ZERO),
		      "info 0x%x length 0, misc 0x%lx", info, m->misc);
	}
	if (load) {
		CHECK(ctl_entry_msr_load_addr,
		      aligned_within(r, G(VM_ENTRY_MSR_LOAD_ADDR), 16), "0x%lx",
		      G(VM_ENTRY_MSR_LOAD_ADDR));
		CHECK(ctl_entry_msr_load_end,
		      list_end_within(r, G(VM_ENTRY_MSR_LOAD_ADDR), load),
		      "0x%lx count %u", G(VM_ENTRY_MSR_LOAD_ADDR), load);
	}
	/* entry to SMM, deactivate dual-monitor treatment: not offered (the
	 * reserved-bit check); so are the PERF_GLOBAL_CTRL, BNDCFGS, RTIT,
	 * CET, PKRS loads */
	return true;
}

/* SDM 27.2.2: host control registers and MSRs. */
static bool host_regs(struct nc_run *r)
{
	const struct vmx_msrs *m = r->e->caps;
	uint32_t exit = (uint32_t)G(VM_EXIT_CONTROLS);
	bool host64 = exit & EXIT_HOST_ADDR_SPACE_SIZE;
	uint64_t cr0 = G(HOST_CR0), cr4 = G(HOST_CR4), efer = G(HOST_IA32_EFER);

	CHECK(host_cr0_fixed,
	      (cr0 & m->cr0_fixed0) == m->cr0_fixed0 && !(cr0 & ~m->cr0_fixed1),
	      "cr0 0x%lx, fixed0 0x%lx fixed1 0x%lx", cr0, m->cr0_fixed0,
	      m->cr0_fixed1);
	CHECK(host_cr3_width, nc_within(r, G(HOST_CR3)), "cr3 0x%lx, %u bits",
	      G(HOST_CR3), r->e->phys_bits);
	CHECK(host_cr4_fixed,
	      (cr4 & m->cr4_fixed0) == m->cr4_fixed0 && !(cr4 & ~m->cr4_fixed1),
	      "cr4 0x%lx, fixed0 0x%lx fixed1 0x%lx", cr4, m->cr4_fixed0,
	      m->cr4_fixed1);
	CHECK(host_cr4_cet, !(cr4 & CR4_CET) || (cr0 & CR0_WP),
	      "cr4 0x%lx cr0 0x%lx", cr4, cr0);
	CHECK(host_sysenter_esp, nc_canonical(G(HOST_IA32_SYSENTER_ESP)),
	      "0x%lx", G(HOST_IA32_SYSENTER_ESP));
	CHECK(host_sysenter_eip, nc_canonical(G(HOST_IA32_SYSENTER_EIP)),
	      "0x%lx", G(HOST_IA32_SYSENTER_EIP));
	/* load CET state, load IA32_PERF_GLOBAL_CTRL: not offered */
	if (exit & EXIT_LOAD_IA32_PAT)
		CHECK(host_pat, x86_pat_valid(G(HOST_IA32_PAT)), "pat 0x%lx",
		      G(HOST_IA32_PAT));
	if (exit & EXIT_LOAD_IA32_EFER) {
		CHECK(host_efer_reserved, !(efer & EFER_RESERVED), "efer 0x%lx",
		      efer);
		CHECK(host_efer_lma, !!(efer & EFER_LMA) == host64,
		      "efer 0x%lx exit 0x%x", efer, exit);
		CHECK(host_efer_lme, !!(efer & EFER_LME) == host64,
		      "efer 0x%lx exit 0x%x", efer, exit);
	}
	return true;
}

/* SDM 27.2.3: host segment and descriptor-table registers. */
static bool host_segments(struct nc_run *r)
{
	static const char *const sel_name[] = {"CS", "SS", "DS", "ES",
					       "FS", "GS", "TR"};
	static const char *const base_name[] = {"FS", "GS", "GDTR", "IDTR",
						"TR"};
	const uint64_t sel[] = {G(HOST_CS_SELECTOR), G(HOST_SS_SELECTOR),
				G(HOST_DS_SELECTOR), G(HOST_ES_SELECTOR),
				G(HOST_FS_SELECTOR), G(HOST_GS_SELECTOR),
				G(HOST_TR_SELECTOR)};
	const uint64_t base[] = {G(HOST_FS_BASE), G(HOST_GS_BASE),
				 G(HOST_GDTR_BASE), G(HOST_IDTR_BASE),
				 G(HOST_TR_BASE)};
	bool host64 = G(VM_EXIT_CONTROLS) & EXIT_HOST_ADDR_SPACE_SIZE;

	for (unsigned i = 0; i < 7; i++)
		CHECK(host_sel_rpl_ti, !(sel[i] & 7), "%s 0x%lx", sel_name[i],
		      sel[i]);
	CHECK(host_cs_nonzero, sel[0] != 0, "CS 0");
	CHECK(host_tr_nonzero, sel[6] != 0, "TR 0");
	CHECK(host_ss_nonzero, host64 || sel[1] != 0, "SS 0, 32-bit host");
	for (unsigned i = 0; i < 5; i++)
		CHECK(host_base_canonical, nc_canonical(base[i]),
		      "%s base 0x%lx", base_name[i], base[i]);
	return true;
}

/* SDM 27.2.4: checks related to the address-space size. */
static bool address_space(struct nc_run *r)
{
	uint32_t exit = (uint32_t)G(VM_EXIT_CONTROLS),
		 entry = (uint32_t)G(VM_ENTRY_CONTROLS);
	bool host64 = exit & EXIT_HOST_ADDR_SPACE_SIZE;
	uint64_t cr4 = G(HOST_CR4), rip = G(HOST_RIP);

	CHECK(host_as_l1_mode, host64 == r->e->l1_long_mode,
	      "exit 0x%x, L1 in IA-32e mode %d", exit, r->e->l1_long_mode);
	if (!host64) {
		CHECK(host_as_guest64, !(entry & ENTRY_IA32E_MODE),
		      "entry 0x%x exit 0x%x", entry, exit);
		CHECK(host_as_pcide, !(cr4 & CR4_PCIDE), "cr4 0x%lx", cr4);
		CHECK(host_as_rip_high, !(rip >> 32), "rip 0x%lx", rip);
	} else {
		CHECK(host_as_pae, cr4 & CR4_PAE, "cr4 0x%lx", cr4);
		/*
		 * The VM exit loads RIP in the paging mode the host CR4
		 * field gives: 57-bit canonical with its LA57, else 48 (as
		 * a CPU with 5-level paging checks it).
		 */
		CHECK(host_as_rip_canonical,
		      x86_canonical_to(rip, x86_linear_bits(cr4 & CR4_LA57)),
		      "rip 0x%lx cr4 0x%lx", rip, cr4);
	}
	return true;
}

unsigned nested_check_controls_host(const struct vmcs12 *c,
				    const struct check_env *e,
				    const char **failed)
{
	struct nc_run run = {
	    .c = c, .e = e, .failed = -1, .parts = nc_env_parts(e)};

	/* the common VMRESUME: no control or host field changed */
	if (!(run.parts & NC_CTL_HOST_PARTS))
		return 0;
	if (NC_RUN(exec_controls, exec_controls(&run)) &&
	    NC_RUN(exit_controls, exit_controls(&run)) &&
	    NC_RUN(entry_controls, entry_controls(&run)) &&
	    NC_RUN(host_regs, host_regs(&run)) &&
	    NC_RUN(host_segments, host_segments(&run)) &&
	    NC_RUN(address_space, address_space(&run)))
		return 0;
	if (failed)
		*failed = nested_check_names[run.failed];
	return nc_verdict[run.failed];
}
