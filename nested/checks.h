/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry consistency checks on vmcs12 (SDM Vol. 3C 27.2 and 27.3.1;
 * chapter 26 in older SDMs), done in software before vmcs02 is built.
 * Pure logic: no hardware access, L1 memory only through check_env.read.
 *
 * Every check has a stable name ("ctl.pin.reserved", "guest.cs.type"...)
 * listed once, in the SDM's order, in NESTED_CHECK_LIST below: the enum of
 * check ids, nested_check_names[], the unit tests (one per check, compiled
 * from the same list) and docs/entry-checks.md (whose table the unit test
 * binary prints with --doc, and checks against the file) all come from it.
 */
#ifndef NESTED_CHECKS_H
#define NESTED_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/dirty12.h"
#include "vmx/caps.h"

struct vmcs12;

/* What the checks need besides vmcs12: everything the CPU would know. */
struct check_env {
	const struct vmx_msrs *caps; /* the capability MSRs L1 sees */
	unsigned phys_bits;	     /* L1's MAXPHYADDR */
	bool l1_long_mode;	     /* L1 is in IA-32e mode at VMLAUNCH */
	uint64_t current_ptr;	     /* the current vmcs12's address */
	/* CPUID.(EAX=7,ECX=0):EBX as L1 sees it: SGX (bit 2), RTM (bit 11) */
	uint32_t cpuid7_ebx;
	/*
	 * CPUID.(EAX=7,ECX=0):ECX.LA57 as L1 sees it: 5-level paging, and
	 * 57-bit linear addresses in the canonical checks that do not depend
	 * on CR4.LA57 (nested/x86_rules.h).
	 */
	bool la57;
	/* Reads n bytes of L1 guest-physical memory (the link pointer's VMCS
	 * revision, the PDPTEs at CR3); false if gpa is not L1 memory. */
	bool (*read)(void *ctx, uint64_t gpa, void *buf, unsigned n);
	void *ctx;
	/* NULL, or the name of one check that is treated as passing: a debug
	 * option that lets a bad vmcs12 reach the CPU. */
	const char *skip;
	/* NULL (the line goes to log_info), or where the line of a failing
	 * check goes: L0 passes it to the vCPU's rate-limited guest events. */
	void (*report)(void *ctx, const char *line);
	/*
	 * NULL: every check runs. Else the vmcs12 fields that changed since
	 * all checks last passed on this vmcs12: a part of the checks
	 * (NC_PART_LIST) runs only if one of its inputs is in the set, since
	 * a check whose inputs did not change cannot start failing. Parts
	 * that read L1's memory always run; the rest of check_env must be
	 * what it was when the checks last passed.
	 */
	const struct dirty12 *changed;
	/*
	 * 0, or nc_parts_to_run(changed) when the caller has it already (the
	 * two check functions then need not compute it each).
	 */
	uint32_t parts;
};

/*
 * SDM 27.2: VM-execution, VM-exit and VM-entry controls (27.2.1), host
 * state (27.2.2, 27.2.3) and address-space size (27.2.4), in that order.
 * Returns 0 if all pass, else the VM-instruction error of the first check
 * that fails: 7 (controls) or 8 (host state); *failed (if failed is not
 * NULL) is then its name.
 */
unsigned nested_check_controls_host(const struct vmcs12 *c,
				    const struct check_env *e,
				    const char **failed);

/*
 * SDM 27.3.1: the guest-state area, called after the controls and host state
 * passed. false: VM entry fails with exit reason 33 (invalid guest state),
 * *qual is the exit qualification (SDM 27.8: 0, 2 PDPTE, 3 NMI injection
 * with blocking by STI, 4 VMCS link pointer) and *failed the check's name.
 */
bool nested_check_guest(const struct vmcs12 *c, const struct check_env *e,
			uint64_t *qual, const char **failed);

/*
 * X(id, "name", "SDM section", verdict, qualification, "what it requires")
 * verdict: 7 or 8 = VMfailValid with that error, 33 = exit "invalid guest
 * state" with the qualification. The order is the SDM's and the order the
 * checks run in. Features L0 never offers L1 (TPR shadow, APIC
 * virtualization, PML, VM functions, #VE, SMM entry, PERF_GLOBAL_CTRL,
 * BNDCFGS, CET state, ...) have no entry: their controls are reserved bits
 * for L1, so the *.reserved checks cover them (docs/entry-checks.md).
 */
#define NESTED_CHECK_LIST(X)                                                   \
	/* 27.2.1.1 VM-execution control fields */                             \
	X(ctl_pin_reserved, "ctl.pin.reserved", "27.2.1.1", 7, 0,              \
	  "pin-based controls within the allowed-0/allowed-1 settings of "     \
	  "IA32_VMX_TRUE_PINBASED_CTLS")                                       \
	X(ctl_proc_reserved, "ctl.proc.reserved", "27.2.1.1", 7, 0,            \
	  "primary processor-based controls within "                           \
	  "IA32_VMX_TRUE_PROCBASED_CTLS")                                      \
	X(ctl_proc2_reserved, "ctl.proc2.reserved", "27.2.1.1", 7, 0,          \
	  "with activate secondary controls: secondary controls within "       \
	  "IA32_VMX_PROCBASED_CTLS2")                                          \
	X(ctl_cr3_target_count, "ctl.cr3_target_count", "27.2.1.1", 7, 0,      \
	  "CR3-target count at most IA32_VMX_MISC[24:16]")                     \
	X(ctl_io_bitmap_a, "ctl.io_bitmap_a", "27.2.1.1", 7, 0,                \
	  "with use I/O bitmaps: I/O-bitmap A address 4 KiB aligned, within "  \
	  "the physical-address width")                                        \
	X(ctl_io_bitmap_b, "ctl.io_bitmap_b", "27.2.1.1", 7, 0,                \
	  "with use I/O bitmaps: I/O-bitmap B address 4 KiB aligned, within "  \
	  "the physical-address width")                                        \
	X(ctl_msr_bitmap, "ctl.msr_bitmap", "27.2.1.1", 7, 0,                  \
	  "with use MSR bitmaps: MSR-bitmap address 4 KiB aligned, within "    \
	  "the physical-address width")                                        \
	X(ctl_virtual_nmis, "ctl.virtual_nmis", "27.2.1.1", 7, 0,              \
	  "virtual NMIs only with NMI exiting")                                \
	X(ctl_nmi_window, "ctl.nmi_window", "27.2.1.1", 7, 0,                  \
	  "NMI-window exiting only with virtual NMIs")                         \
	X(ctl_vpid, "ctl.vpid", "27.2.1.1", 7, 0,                              \
	  "with enable VPID: VPID not 0")                                      \
	X(ctl_eptp, "ctl.eptp", "27.2.1.1", 7, 0,                              \
	  "with enable EPT: EPTP memory type UC or WB, 4-level walk, A/D "     \
	  "flags off (not offered), bits 11:7 zero, address within the "       \
	  "physical-address width")                                            \
	X(ctl_unrestricted_ept, "ctl.unrestricted_ept", "27.2.1.1", 7, 0,      \
	  "unrestricted guest only with enable EPT")                           \
	X(ctl_vmread_bitmap, "ctl.vmread_bitmap", "27.2.1.1", 7, 0,            \
	  "with VMCS shadowing: VMREAD-bitmap address 4 KiB aligned, within "  \
	  "the physical-address width")                                        \
	X(ctl_vmwrite_bitmap, "ctl.vmwrite_bitmap", "27.2.1.1", 7, 0,          \
	  "with VMCS shadowing: VMWRITE-bitmap address 4 KiB aligned, within " \
	  "the physical-address width")                                        \
	/* 27.2.1.2 VM-exit control fields */                                  \
	X(ctl_exit_reserved, "ctl.exit.reserved", "27.2.1.2", 7, 0,            \
	  "VM-exit controls within IA32_VMX_TRUE_EXIT_CTLS")                   \
	X(ctl_exit_save_timer, "ctl.exit.save_timer", "27.2.1.2", 7, 0,        \
	  "save VMX-preemption timer value only with activate VMX-preemption " \
	  "timer")                                                             \
	X(ctl_exit_msr_store_addr, "ctl.exit.msr_store.addr", "27.2.1.2", 7,   \
	  0,                                                                   \
	  "with a VM-exit MSR-store count: address 16-byte aligned, within "   \
	  "the physical-address width")                                        \
	X(ctl_exit_msr_store_end, "ctl.exit.msr_store.end", "27.2.1.2", 7, 0,  \
	  "with a VM-exit MSR-store count: last byte of the list (address + "  \
	  "count * 16 - 1) within the physical-address width")                 \
	X(ctl_exit_msr_load_addr, "ctl.exit.msr_load.addr", "27.2.1.2", 7, 0,  \
	  "with a VM-exit MSR-load count: address 16-byte aligned, within "    \
	  "the physical-address width")                                        \
	X(ctl_exit_msr_load_end, "ctl.exit.msr_load.end", "27.2.1.2", 7, 0,    \
	  "with a VM-exit MSR-load count: last byte of the list within the "   \
	  "physical-address width")                                            \
	/* 27.2.1.3 VM-entry control fields */                                 \
	X(ctl_entry_reserved, "ctl.entry.reserved", "27.2.1.3", 7, 0,          \
	  "VM-entry controls within IA32_VMX_TRUE_ENTRY_CTLS (entry to SMM "   \
	  "and deactivate dual-monitor treatment are not offered: 0)")         \
	X(ctl_event_type, "ctl.event.type", "27.2.1.3", 7, 0,                  \
	  "injected event: interruption type not 1 (reserved)")                \
	X(ctl_event_type_mtf, "ctl.event.type_mtf", "27.2.1.3", 7, 0,          \
	  "injected event: type 7 (other event) only if the monitor trap "     \
	  "flag control is offered")                                           \
	X(ctl_event_nmi_vector, "ctl.event.nmi_vector", "27.2.1.3", 7, 0,      \
	  "injected NMI: vector 2")                                            \
	X(ctl_event_exception_vector, "ctl.event.exception_vector",            \
	  "27.2.1.3", 7, 0, "injected hardware exception: vector at most 31")  \
	X(ctl_event_other_vector, "ctl.event.other_vector", "27.2.1.3", 7, 0,  \
	  "injected other event: vector 0 (pending MTF VM exit)")              \
	X(ctl_event_error_code, "ctl.event.error_code", "27.2.1.3", 7, 0,      \
	  "injected event: deliver-error-code set exactly for a hardware "     \
	  "exception 8, 10-14 or 17, unless unrestricted guest with CR0.PE "   \
	  "= 0 (IA32_VMX_BASIC[56] is 0 for L1)")                              \
	X(ctl_event_reserved, "ctl.event.reserved", "27.2.1.3", 7, 0,          \
	  "injected event: interruption-information bits 30:12 zero")          \
	X(ctl_event_error_code_bits, "ctl.event.error_code_bits", "27.2.1.3",  \
	  7, 0,                                                                \
	  "injected event with an error code: error code bits 31:16 "          \
	  "zero")                                                              \
	X(ctl_event_insn_len, "ctl.event.insn_len", "27.2.1.3", 7, 0,          \
	  "injected software interrupt/exception, privileged software "        \
	  "exception: instruction length at most 15")                          \
	X(ctl_event_insn_len_zero, "ctl.event.insn_len_zero", "27.2.1.3", 7,   \
	  0, "the same: instruction length 0 only if IA32_VMX_MISC[30] is 1")  \
	X(ctl_entry_msr_load_addr, "ctl.entry.msr_load.addr", "27.2.1.3", 7,   \
	  0,                                                                   \
	  "with a VM-entry MSR-load count: address 16-byte aligned, within "   \
	  "the physical-address width")                                        \
	X(ctl_entry_msr_load_end, "ctl.entry.msr_load.end", "27.2.1.3", 7, 0,  \
	  "with a VM-entry MSR-load count: last byte of the list within the "  \
	  "physical-address width")                                            \
	/* 27.2.2 host control registers and MSRs */                           \
	X(host_cr0_fixed, "host.cr0.fixed", "27.2.2", 8, 0,                    \
	  "host CR0 within IA32_VMX_CR0_FIXED0/FIXED1 (bits 63:32 zero)")      \
	X(host_cr3_width, "host.cr3.width", "27.2.2", 8, 0,                    \
	  "host CR3 without bits beyond the physical-address width")           \
	X(host_cr4_fixed, "host.cr4.fixed", "27.2.2", 8, 0,                    \
	  "host CR4 within IA32_VMX_CR4_FIXED0/FIXED1 (bits 63:32 zero)")      \
	X(host_cr4_cet, "host.cr4.cet", "27.2.2", 8, 0,                        \
	  "host CR4.CET only with CR0.WP")                                     \
	X(host_sysenter_esp, "host.sysenter_esp", "27.2.2", 8, 0,              \
	  "host IA32_SYSENTER_ESP canonical")                                  \
	X(host_sysenter_eip, "host.sysenter_eip", "27.2.2", 8, 0,              \
	  "host IA32_SYSENTER_EIP canonical")                                  \
	X(host_pat, "host.pat", "27.2.2", 8, 0,                                \
	  "with load IA32_PAT: every host PAT entry 0, 1, 4, 5, 6 or 7")       \
	X(host_efer_reserved, "host.efer.reserved", "27.2.2", 8, 0,            \
	  "with load IA32_EFER: host EFER reserved bits zero (only SCE, LME, " \
	  "LMA, NXE)")                                                         \
	X(host_efer_lma, "host.efer.lma", "27.2.2", 8, 0,                      \
	  "with load IA32_EFER: host EFER.LMA = host address-space size")      \
	X(host_efer_lme, "host.efer.lme", "27.2.2", 8, 0,                      \
	  "with load IA32_EFER: host EFER.LME = host address-space size")      \
	/* 27.2.3 host segment and descriptor-table registers */               \
	X(host_sel_rpl_ti, "host.sel.rpl_ti", "27.2.3", 8, 0,                  \
	  "host CS, SS, DS, ES, FS, GS, TR selectors: RPL and TI zero")        \
	X(host_cs_nonzero, "host.cs.nonzero", "27.2.3", 8, 0,                  \
	  "host CS selector not 0")                                            \
	X(host_tr_nonzero, "host.tr.nonzero", "27.2.3", 8, 0,                  \
	  "host TR selector not 0")                                            \
	X(host_ss_nonzero, "host.ss.nonzero", "27.2.3", 8, 0,                  \
	  "host SS selector not 0 unless the host address-space size is 1")    \
	X(host_base_canonical, "host.base.canonical", "27.2.3", 8, 0,          \
	  "host FS, GS, GDTR, IDTR, TR bases canonical")                       \
	/* 27.2.4 address-space size */                                        \
	X(host_as_l1_mode, "host.as.l1_mode", "27.2.4", 8, 0,                  \
	  "host address-space size = 1 exactly when L1 is in IA-32e mode")     \
	X(host_as_guest64, "host.as.guest64", "27.2.4", 8, 0,                  \
	  "IA-32e mode guest only with host address-space size 1 (so never "   \
	  "from outside IA-32e mode)")                                         \
	X(host_as_pcide, "host.as.pcide", "27.2.4", 8, 0,                      \
	  "host address-space size 0: host CR4.PCIDE 0")                       \
	X(host_as_rip_high, "host.as.rip_high", "27.2.4", 8, 0,                \
	  "host address-space size 0: host RIP bits 63:32 zero")               \
	X(host_as_pae, "host.as.pae", "27.2.4", 8, 0,                          \
	  "host address-space size 1: host CR4.PAE 1")                         \
	X(host_as_rip_canonical, "host.as.rip_canonical", "27.2.4", 8, 0,      \
	  "host address-space size 1: host RIP canonical")                     \
	/* 27.3.1.1 guest control registers, debug registers, MSRs */          \
	X(guest_cr0_fixed, "guest.cr0.fixed", "27.3.1.1", 33, 0,               \
	  "guest CR0 within IA32_VMX_CR0_FIXED0/FIXED1; PE and PG free with "  \
	  "unrestricted guest")                                                \
	X(guest_cr0_pg_pe, "guest.cr0.pg_pe", "27.3.1.1", 33, 0,               \
	  "guest CR0.PG only with CR0.PE")                                     \
	X(guest_cr4_fixed, "guest.cr4.fixed", "27.3.1.1", 33, 0,               \
	  "guest CR4 within IA32_VMX_CR4_FIXED0/FIXED1")                       \
	X(guest_cr4_cet, "guest.cr4.cet", "27.3.1.1", 33, 0,                   \
	  "guest CR4.CET only with CR0.WP")                                    \
	X(guest_debugctl, "guest.debugctl", "27.3.1.1", 33, 0,                 \
	  "with load debug controls: guest IA32_DEBUGCTL only bits 0, 1, "     \
	  "6-15")                                                              \
	X(guest_ia32e_pg, "guest.ia32e.pg", "27.3.1.1", 33, 0,                 \
	  "IA-32e mode guest: CR0.PG 1")                                       \
	X(guest_ia32e_pae, "guest.ia32e.pae", "27.3.1.1", 33, 0,               \
	  "IA-32e mode guest: CR4.PAE 1")                                      \
	X(guest_cr4_pcide, "guest.cr4.pcide", "27.3.1.1", 33, 0,               \
	  "not an IA-32e mode guest: CR4.PCIDE 0")                             \
	X(guest_cr3_width, "guest.cr3.width", "27.3.1.1", 33, 0,               \
	  "guest CR3 without bits beyond the physical-address width")          \
	X(guest_dr7, "guest.dr7", "27.3.1.1", 33, 0,                           \
	  "with load debug controls: guest DR7 bits 63:32 zero")               \
	X(guest_sysenter_esp, "guest.sysenter_esp", "27.3.1.1", 33, 0,         \
	  "guest IA32_SYSENTER_ESP canonical")                                 \
	X(guest_sysenter_eip, "guest.sysenter_eip", "27.3.1.1", 33, 0,         \
	  "guest IA32_SYSENTER_EIP canonical")                                 \
	X(guest_pat, "guest.pat", "27.3.1.1", 33, 0,                           \
	  "with load IA32_PAT: every guest PAT entry 0, 1, 4, 5, 6 or 7")      \
	X(guest_efer_reserved, "guest.efer.reserved", "27.3.1.1", 33, 0,       \
	  "with load IA32_EFER: guest EFER reserved bits zero")                \
	X(guest_efer_lma, "guest.efer.lma", "27.3.1.1", 33, 0,                 \
	  "with load IA32_EFER: guest EFER.LMA = IA-32e mode guest")           \
	X(guest_efer_lme, "guest.efer.lme", "27.3.1.1", 33, 0,                 \
	  "with load IA32_EFER and CR0.PG: guest EFER.LME = IA-32e mode "      \
	  "guest")                                                             \
	/* 27.3.1.2 segment registers: selectors */                            \
	X(guest_tr_ti, "guest.tr.ti", "27.3.1.2", 33, 0,                       \
	  "TR selector TI flag 0")                                             \
	X(guest_ldtr_ti, "guest.ldtr.ti", "27.3.1.2", 33, 0,                   \
	  "usable LDTR: selector TI flag 0")                                   \
	X(guest_ss_rpl, "guest.ss.rpl", "27.3.1.2", 33, 0,                     \
	  "not virtual-8086, no unrestricted guest: SS.RPL = CS.RPL")          \
	/* bases */                                                            \
	X(guest_v86_base, "guest.v86.base", "27.3.1.2", 33, 0,                 \
	  "virtual-8086: CS, SS, DS, ES, FS, GS base = selector * 16")         \
	X(guest_base_canonical, "guest.base.canonical", "27.3.1.2", 33, 0,     \
	  "TR, FS, GS bases canonical")                                        \
	X(guest_ldtr_base, "guest.ldtr.base", "27.3.1.2", 33, 0,               \
	  "usable LDTR: base canonical")                                       \
	X(guest_cs_base, "guest.cs.base", "27.3.1.2", 33, 0,                   \
	  "CS base bits 63:32 zero")                                           \
	X(guest_base_high, "guest.base.high", "27.3.1.2", 33, 0,               \
	  "usable SS, DS, ES: base bits 63:32 zero")                           \
	/* limits */                                                           \
	X(guest_v86_limit, "guest.v86.limit", "27.3.1.2", 33, 0,               \
	  "virtual-8086: CS, SS, DS, ES, FS, GS limit 0xffff")                 \
	/* access rights */                                                    \
	X(guest_v86_ar, "guest.v86.ar", "27.3.1.2", 33, 0,                     \
	  "virtual-8086: CS, SS, DS, ES, FS, GS access rights 0xf3")           \
	X(guest_cs_type, "guest.cs.type", "27.3.1.2", 33, 0,                   \
	  "CS type 9, 11, 13 or 15 (or 3 with unrestricted guest)")            \
	X(guest_ss_type, "guest.ss.type", "27.3.1.2", 33, 0,                   \
	  "usable SS: type 3 or 7")                                            \
	X(guest_data_accessed, "guest.data.accessed", "27.3.1.2", 33, 0,       \
	  "usable DS, ES, FS, GS: type bit 0 (accessed) 1")                    \
	X(guest_data_readable, "guest.data.readable", "27.3.1.2", 33, 0,       \
	  "usable DS, ES, FS, GS with a code type: readable (type bit 1)")     \
	X(guest_seg_s, "guest.seg.s", "27.3.1.2", 33, 0,                       \
	  "CS and usable SS, DS, ES, FS, GS: S 1")                             \
	X(guest_cs_dpl_data, "guest.cs.dpl_data", "27.3.1.2", 33, 0,           \
	  "CS type 3: DPL 0")                                                  \
	X(guest_cs_dpl_nonconforming, "guest.cs.dpl_nonconforming",            \
	  "27.3.1.2", 33, 0, "CS type 9 or 11: CS.DPL = SS.DPL")               \
	X(guest_cs_dpl_conforming, "guest.cs.dpl_conforming", "27.3.1.2", 33,  \
	  0, "CS type 13 or 15: CS.DPL <= SS.DPL")                             \
	X(guest_ss_dpl_rpl, "guest.ss.dpl_rpl", "27.3.1.2", 33, 0,             \
	  "no unrestricted guest: SS.DPL = SS.RPL")                            \
	X(guest_ss_dpl_zero, "guest.ss.dpl_zero", "27.3.1.2", 33, 0,           \
	  "CS type 3 or CR0.PE 0: SS.DPL 0")                                   \
	X(guest_data_dpl, "guest.data.dpl", "27.3.1.2", 33, 0,                 \
	  "no unrestricted guest, usable DS, ES, FS, GS of type 0-11: DPL >= " \
	  "RPL")                                                               \
	X(guest_seg_p, "guest.seg.p", "27.3.1.2", 33, 0,                       \
	  "CS and usable SS, DS, ES, FS, GS: P 1")                             \
	X(guest_seg_reserved_11_8, "guest.seg.reserved_11_8", "27.3.1.2", 33,  \
	  0, "CS and usable SS, DS, ES, FS, GS: access-rights bits 11:8 zero") \
	X(guest_cs_db, "guest.cs.db", "27.3.1.2", 33, 0,                       \
	  "IA-32e mode guest with CS.L 1: CS.D/B 0")                           \
	X(guest_seg_g, "guest.seg.g", "27.3.1.2", 33, 0,                       \
	  "CS and usable SS, DS, ES, FS, GS: G 0 if limit bits 11:0 are not "  \
	  "all 1, G 1 if limit bits 31:20 are not all 0")                      \
	X(guest_seg_reserved_31_17, "guest.seg.reserved_31_17", "27.3.1.2",    \
	  33, 0,                                                               \
	  "CS and usable SS, DS, ES, FS, GS: access-rights bits 31:17 zero")   \
	X(guest_tr_type, "guest.tr.type", "27.3.1.2", 33, 0,                   \
	  "TR type 11 (busy 32/64-bit TSS), or 3 (busy 16-bit TSS) outside "   \
	  "IA-32e mode")                                                       \
	X(guest_tr_s, "guest.tr.s", "27.3.1.2", 33, 0, "TR: S 0")              \
	X(guest_tr_p, "guest.tr.p", "27.3.1.2", 33, 0, "TR: P 1")              \
	X(guest_tr_reserved_11_8, "guest.tr.reserved_11_8", "27.3.1.2", 33, 0, \
	  "TR: access-rights bits 11:8 zero")                                  \
	X(guest_tr_g, "guest.tr.g", "27.3.1.2", 33, 0,                         \
	  "TR: G consistent with the limit (as guest.seg.g)")                  \
	X(guest_tr_unusable, "guest.tr.unusable", "27.3.1.2", 33, 0,           \
	  "TR usable")                                                         \
	X(guest_tr_reserved_31_17, "guest.tr.reserved_31_17", "27.3.1.2", 33,  \
	  0, "TR: access-rights bits 31:17 zero")                              \
	X(guest_ldtr_type, "guest.ldtr.type", "27.3.1.2", 33, 0,               \
	  "usable LDTR: type 2")                                               \
	X(guest_ldtr_s, "guest.ldtr.s", "27.3.1.2", 33, 0, "usable LDTR: S 0") \
	X(guest_ldtr_p, "guest.ldtr.p", "27.3.1.2", 33, 0, "usable LDTR: P 1") \
	X(guest_ldtr_reserved_11_8, "guest.ldtr.reserved_11_8", "27.3.1.2",    \
	  33, 0, "usable LDTR: access-rights bits 11:8 zero")                  \
	X(guest_ldtr_g, "guest.ldtr.g", "27.3.1.2", 33, 0,                     \
	  "usable LDTR: G consistent with the limit")                          \
	X(guest_ldtr_reserved_31_17, "guest.ldtr.reserved_31_17", "27.3.1.2",  \
	  33, 0, "usable LDTR: access-rights bits 31:17 zero")                 \
	/* 27.3.1.3 descriptor-table registers */                              \
	X(guest_gdtr_base, "guest.gdtr.base", "27.3.1.3", 33, 0,               \
	  "GDTR base canonical")                                               \
	X(guest_idtr_base, "guest.idtr.base", "27.3.1.3", 33, 0,               \
	  "IDTR base canonical")                                               \
	X(guest_gdtr_limit, "guest.gdtr.limit", "27.3.1.3", 33, 0,             \
	  "GDTR limit bits 31:16 zero")                                        \
	X(guest_idtr_limit, "guest.idtr.limit", "27.3.1.3", 33, 0,             \
	  "IDTR limit bits 31:16 zero")                                        \
	/* 27.3.1.4 RIP and RFLAGS */                                          \
	X(guest_rip_high, "guest.rip.high", "27.3.1.4", 33, 0,                 \
	  "RIP bits 63:32 zero unless IA-32e mode guest with CS.L 1")          \
	X(guest_rip_canonical, "guest.rip.canonical", "27.3.1.4", 33, 0,       \
	  "IA-32e mode guest with CS.L 1: RIP canonical")                      \
	X(guest_rflags_reserved, "guest.rflags.reserved", "27.3.1.4", 33, 0,   \
	  "RFLAGS bits 63:22, 15, 5, 3 zero, bit 1 set")                       \
	X(guest_rflags_vm, "guest.rflags.vm", "27.3.1.4", 33, 0,               \
	  "RFLAGS.VM only outside IA-32e mode and with CR0.PE 1")              \
	X(guest_rflags_if, "guest.rflags.if", "27.3.1.4", 33, 0,               \
	  "injected external interrupt: RFLAGS.IF 1")                          \
	/* 27.3.1.5 non-register state */                                      \
	X(guest_activity_supported, "guest.activity.supported", "27.3.1.5",    \
	  33, 0, "activity state 0-3 and offered in IA32_VMX_MISC[8:6]")       \
	X(guest_activity_hlt_dpl, "guest.activity.hlt_dpl", "27.3.1.5", 33, 0, \
	  "HLT state only with SS.DPL 0")                                      \
	X(guest_activity_blocking, "guest.activity.blocking", "27.3.1.5", 33,  \
	  0, "blocking by STI or MOV SS: active state")                        \
	X(guest_activity_event, "guest.activity.event", "27.3.1.5", 33, 0,     \
	  "injected event allowed in the activity state (HLT: external "       \
	  "interrupt, NMI, #DB, #MC, MTF; shutdown: NMI, #MC; wait-for-SIPI: " \
	  "none)")                                                             \
	X(guest_intr_reserved, "guest.intr.reserved", "27.3.1.5", 33, 0,       \
	  "interruptibility state bits 31:5 zero")                             \
	X(guest_intr_enclave, "guest.intr.enclave", "27.3.1.5", 33, 0,         \
	  "enclave interruption (bit 4) only without blocking by MOV SS and "  \
	  "with SGX in L1's CPUID")                                            \
	X(guest_intr_sti_movss, "guest.intr.sti_movss", "27.3.1.5", 33, 0,     \
	  "not both blocking by STI and by MOV SS")                            \
	X(guest_intr_sti_if, "guest.intr.sti_if", "27.3.1.5", 33, 0,           \
	  "blocking by STI only with RFLAGS.IF 1")                             \
	X(guest_intr_extint, "guest.intr.extint", "27.3.1.5", 33, 0,           \
	  "injected external interrupt: no blocking by STI or MOV SS")         \
	X(guest_intr_nmi_movss, "guest.intr.nmi_movss", "27.3.1.5", 33, 0,     \
	  "injected NMI: no blocking by MOV SS")                               \
	X(guest_intr_smi, "guest.intr.smi", "27.3.1.5", 33, 0,                 \
	  "blocking by SMI 0 (L1 is never in SMM)")                            \
	X(guest_intr_nmi_sti, "guest.intr.nmi_sti", "27.3.1.5", 33, 3,         \
	  "injected NMI: no blocking by STI (the SDM lets a processor "        \
	  "require it; L0 does)")                                              \
	X(guest_intr_vnmi, "guest.intr.vnmi", "27.3.1.5", 33, 0,               \
	  "virtual NMIs and an injected NMI: no blocking by NMI")              \
	X(guest_pending_dbg_reserved, "guest.pending_dbg.reserved",            \
	  "27.3.1.5", 33, 0,                                                   \
	  "pending debug exceptions bits 11:4, 13, 15, 63:17 zero")            \
	X(guest_pending_dbg_bs_set, "guest.pending_dbg.bs_set", "27.3.1.5",    \
	  33, 0,                                                               \
	  "STI/MOV-SS blocking or HLT, RFLAGS.TF 1 and DEBUGCTL.BTF 0: "       \
	  "pending BS (bit 14) 1")                                             \
	X(guest_pending_dbg_bs_clear, "guest.pending_dbg.bs_clear",            \
	  "27.3.1.5", 33, 0,                                                   \
	  "STI/MOV-SS blocking or HLT, RFLAGS.TF 0 or DEBUGCTL.BTF 1: "        \
	  "pending BS 0")                                                      \
	X(guest_pending_dbg_rtm_bits, "guest.pending_dbg.rtm_bits",            \
	  "27.3.1.5", 33, 0,                                                   \
	  "pending RTM (bit 16): bits 11:0, 15:13 zero, bit 12 set")           \
	X(guest_pending_dbg_rtm_cpu, "guest.pending_dbg.rtm_cpu", "27.3.1.5",  \
	  33, 0, "pending RTM: RTM in L1's CPUID")                             \
	X(guest_pending_dbg_rtm_movss, "guest.pending_dbg.rtm_movss",          \
	  "27.3.1.5", 33, 0, "pending RTM: no blocking by MOV SS")             \
	X(guest_link_align, "guest.link.align", "27.3.1.5", 33, 4,             \
	  "VMCS link pointer ~0 or 4 KiB aligned")                             \
	X(guest_link_width, "guest.link.width", "27.3.1.5", 33, 4,             \
	  "VMCS link pointer within the physical-address width")               \
	X(guest_link_revision, "guest.link.revision", "27.3.1.5", 33, 4,       \
	  "the VMCS at the link pointer is readable L1 memory with L1's VMCS " \
	  "revision (bits 30:0)")                                              \
	X(guest_link_shadow, "guest.link.shadow", "27.3.1.5", 33, 4,           \
	  "the shadow-VMCS indicator (bit 31) at the link pointer = the VMCS " \
	  "shadowing control")                                                 \
	X(guest_link_current, "guest.link.current", "27.3.1.5", 33, 4,         \
	  "VMCS link pointer not the current VMCS pointer")                    \
	/* 27.3.1.6 PDPTEs */                                                  \
	X(guest_pdpte_read, "guest.pdpte.read", "27.3.1.6", 33, 2,             \
	  "PAE paging without EPT: the PDPT at CR3[31:5] is readable L1 "      \
	  "memory")                                                            \
	X(guest_pdpte, "guest.pdpte", "27.3.1.6", 33, 2,                       \
	  "PAE paging: present PDPTEs (vmcs12's with EPT, L1 memory's "        \
	  "without) have bits 2:1, 8:5 and bits beyond the physical-address "  \
	  "width zero")

enum nested_check_id {
#define NC_ENUM(id, name, sec, verdict, qual, text) NC_##id,
	NESTED_CHECK_LIST(NC_ENUM)
#undef NC_ENUM
	    NESTED_CHECK_COUNT
};

/* Every check's name, by id (docs, validation of the debug option). */
extern const char *const nested_check_names[NESTED_CHECK_COUNT];

/* The id of a check name, or -1 if there is no such check. */
int nested_check_lookup(const char *name);

/*
 * The parts of the checks and the vmcs12 fields each reads (besides
 * check_env's constants: capabilities, MAXPHYADDR, CPUID, the current
 * pointer, L1's mode: a caller passing check_env.changed keeps these the
 * same, or passes NULL). X(part, always, inputs) with inputs a list of
 * F(field); always = 1 for the parts that read L1's memory, which the set
 * of changed fields cannot tell about.
 */
#define NC_MODE_INPUTS(F)                                                      	F(CPU_BASED_VM_EXEC_CONTROL)                                           	F(SECONDARY_VM_EXEC_CONTROL) F(VM_ENTRY_CONTROLS) F(GUEST_CR0)        	    F(GUEST_CR4)
#define NC_SEG_INPUTS(F, R)                                                    	F(GUEST_##R##_SELECTOR)                                                	F(GUEST_##R##_BASE) F(GUEST_##R##_LIMIT) F(GUEST_##R##_AR_BYTES)
#define NC_IN_EXEC(F)                                                          	F(PIN_BASED_VM_EXEC_CONTROL)                                           	F(CPU_BASED_VM_EXEC_CONTROL) F(SECONDARY_VM_EXEC_CONTROL)             	    F(CR3_TARGET_COUNT) F(IO_BITMAP_A) F(IO_BITMAP_B) F(MSR_BITMAP)   		F(EPT_POINTER) F(VMREAD_BITMAP) F(VMWRITE_BITMAP) F(VPID)
#define NC_IN_EXIT(F)                                                          	F(PIN_BASED_VM_EXEC_CONTROL)                                           	F(VM_EXIT_CONTROLS) F(VM_EXIT_MSR_LOAD_ADDR) F(VM_EXIT_MSR_LOAD_COUNT) 	    F(VM_EXIT_MSR_STORE_ADDR) F(VM_EXIT_MSR_STORE_COUNT)
#define NC_IN_ENTRY(F)                                                         	F(CPU_BASED_VM_EXEC_CONTROL)                                           	F(SECONDARY_VM_EXEC_CONTROL) F(VM_ENTRY_CONTROLS) F(GUEST_CR0)        	    F(VM_ENTRY_EXCEPTION_ERROR_CODE) F(VM_ENTRY_INSTRUCTION_LEN)      		F(VM_ENTRY_INTR_INFO) F(VM_ENTRY_MSR_LOAD_ADDR)               		    F(VM_ENTRY_MSR_LOAD_COUNT)
#define NC_IN_HOST_REGS(F)                                                     	F(HOST_CR0)                                                            	F(HOST_CR3) F(HOST_CR4) F(HOST_IA32_EFER) F(HOST_IA32_PAT)            	    F(HOST_IA32_SYSENTER_EIP) F(HOST_IA32_SYSENTER_ESP)               		F(VM_EXIT_CONTROLS)
#define NC_IN_HOST_SEGS(F)                                                     	F(HOST_CS_SELECTOR)                                                    	F(HOST_SS_SELECTOR) F(HOST_DS_SELECTOR) F(HOST_ES_SELECTOR)           	    F(HOST_FS_SELECTOR) F(HOST_GS_SELECTOR) F(HOST_TR_SELECTOR)       		F(HOST_FS_BASE) F(HOST_GS_BASE) F(HOST_TR_BASE)               		    F(HOST_GDTR_BASE) F(HOST_IDTR_BASE) F(VM_EXIT_CONTROLS)
#define NC_IN_ADDRESS_SPACE(F)                                                 	F(HOST_CR4) F(HOST_RIP) F(VM_ENTRY_CONTROLS) F(VM_EXIT_CONTROLS)
#define NC_IN_CONTROL_REGS(F)                                                  	NC_MODE_INPUTS(F)                                                      	F(GUEST_CR3) F(GUEST_DR7) F(GUEST_IA32_DEBUGCTL) F(GUEST_IA32_EFER)   	    F(GUEST_IA32_PAT) F(GUEST_SYSENTER_EIP) F(GUEST_SYSENTER_ESP)
#define NC_IN_SEGMENTS(F)                                                      	NC_SEG_INPUTS(F, CS)                                                   	NC_SEG_INPUTS(F, SS) NC_SEG_INPUTS(F, DS) NC_SEG_INPUTS(F, ES)        	    NC_SEG_INPUTS(F, FS) NC_SEG_INPUTS(F, GS) NC_SEG_INPUTS(F, TR)    		NC_SEG_INPUTS(F, LDTR) F(CPU_BASED_VM_EXEC_CONTROL)           		    F(SECONDARY_VM_EXEC_CONTROL) F(VM_ENTRY_CONTROLS)         			F(GUEST_CR0) F(GUEST_RFLAGS)
#define NC_IN_DESCRIPTOR_TABLES(F)                                             	F(GUEST_GDTR_BASE) F(GUEST_GDTR_LIMIT) F(GUEST_IDTR_BASE)             	    F(GUEST_IDTR_LIMIT)
#define NC_IN_RIP_RFLAGS(F)                                                    	NC_MODE_INPUTS(F)                                                      	F(GUEST_CS_AR_BYTES) F(GUEST_RFLAGS) F(GUEST_RIP) F(VM_ENTRY_INTR_INFO)
#define NC_IN_NON_REGISTER(F)                                                  	F(GUEST_ACTIVITY_STATE)                                                	F(GUEST_IA32_DEBUGCTL) F(GUEST_INTERRUPTIBILITY_INFO)                  	    F(GUEST_PENDING_DBG_EXCEPTIONS) F(GUEST_RFLAGS) F(GUEST_SS_AR_BYTES) 		F(PIN_BASED_VM_EXEC_CONTROL) F(VM_ENTRY_INTR_INFO)
#define NC_IN_LINK_POINTER(F) NC_MODE_INPUTS(F) F(VMCS_LINK_POINTER)
#define NC_IN_PDPTES(F)                                                        	NC_MODE_INPUTS(F)                                                      	F(GUEST_CR3) F(GUEST_PDPTR0) F(GUEST_PDPTR1) F(GUEST_PDPTR2)          	    F(GUEST_PDPTR3)

#define NC_PART_LIST(X)                                                        	X(exec_controls, 0, NC_IN_EXEC)                                        	X(exit_controls, 0, NC_IN_EXIT)                                        	X(entry_controls, 0, NC_IN_ENTRY)                                      	X(host_regs, 0, NC_IN_HOST_REGS)                                       	X(host_segments, 0, NC_IN_HOST_SEGS)                                   	X(address_space, 0, NC_IN_ADDRESS_SPACE)                               	X(control_regs, 0, NC_IN_CONTROL_REGS)                                 	X(segments, 0, NC_IN_SEGMENTS)                                         	X(descriptor_tables, 0, NC_IN_DESCRIPTOR_TABLES)                       	X(rip_rflags, 0, NC_IN_RIP_RFLAGS)                                     	X(non_register, 0, NC_IN_NON_REGISTER)                                 	X(link_pointer, 1, NC_IN_LINK_POINTER)                                 	X(pdptes, 1, NC_IN_PDPTES)

enum nc_part {
#define NC_PART_ENUM(part, always, inputs) NC_PART_##part,
	NC_PART_LIST(NC_PART_ENUM)
#undef NC_PART_ENUM
	    NC_PART_COUNT
};

/* The part's inputs as a set (nested/check_parts.c). */
extern const struct dirty12 nc_part_inputs[NC_PART_COUNT];
/* The parts that run whatever changed (they read L1's memory). */
#define NC_ALWAYS(part, always, inputs) [NC_PART_##part] = (always),
static const bool nc_part_always[NC_PART_COUNT] = {NC_PART_LIST(NC_ALWAYS)};
#undef NC_ALWAYS
_Static_assert(NC_PART_COUNT <= 32, "a part set is a 32-bit mask");
/* The parts of nested_check_controls_host(), as a mask (bit p: part p). */
#define NC_CTL_HOST_PARTS                                                      \
	((1u << NC_PART_exec_controls) | (1u << NC_PART_exit_controls) |       \
	 (1u << NC_PART_entry_controls) | (1u << NC_PART_host_regs) |          \
	 (1u << NC_PART_host_segments) | (1u << NC_PART_address_space))
/*
 * The parts that must run for changed (NULL: all), as a mask: those with an
 * input in the set, and the always-run ones (nested/check_parts.c). One
 * table lookup per changed field instead of one set test per part.
 */
uint32_t nc_parts_to_run(const struct dirty12 *changed);
#ifdef UNIT_TEST
/* The part running now (-1: none) and the hook that sees each field read. */
extern int nc_part_now;
void nc_note_read(unsigned slot);
#endif

#ifdef NESTED_CHECKS_IMPL
/*
 * For nested/checks*.c only: one run of the checks, and CHECK(). A check
 * whose expression is false fails unless it is e->skip; it logs its name,
 * its expression and the values given, and makes the function return false.
 * Nothing is looked up while checks pass.
 */
#include "lib/log.h"
#include "nested/vmcs12.h"
#include "nested/x86_rules.h"

struct nc_run {
	const struct vmcs12 *c;
	const struct check_env *e;
	int failed;	/* enum nested_check_id of the failure, -1 before */
	uint32_t parts; /* the parts to run (nc_parts_to_run) */
};

/* true: the failure counts (recorded in r); false: it is the skipped one */
bool nc_fail(struct nc_run *r, enum nested_check_id id);
/* The exit qualification of a guest-state check (its list entry). */
unsigned nc_qualification(enum nested_check_id id);
/* A failing check's line, to r->e->report or else log_info. */
__attribute__((format(printf, 2, 3))) void nc_report(const struct nc_run *r,
						     const char *fmt, ...);

#define CHECK(id, expr, fmt, ...)                                              \
	do {                                                                   \
		if (__builtin_expect(!(expr), 0) && nc_fail(r, NC_##id)) {     \
			nc_report(r,                                           \
				  "nested: VM-entry check %s failed: %s (" fmt \
				  ")",                                         \
				  nested_check_names[NC_##id], #expr,          \
				  ##__VA_ARGS__);                              \
			return false;                                          \
		}                                                              \
	} while (0)

/*
 * vmcs12_get(r->c, f) without its out-of-line lookup: GCC does not inline
 * vmcs12_slot_of() at this many call sites, and a lookup per field read
 * would cost thousands of instructions per VMRESUME. The slot is a
 * constant; a field L0 does not emulate (nested/vmcs12_unemulated.def)
 * reads 0, as vmcs12_get() gives, from the table below, which the compiler
 * folds.
 */
static const bool nc_unemulated[VMCS12_SLOT_COUNT] = {
#define UNEMULATED(name) [VMCS12_SLOT_##name] = true,
#include "nested/vmcs12_unemulated.def"
#undef UNEMULATED
};

#ifdef UNIT_TEST
/* The unit test records which fields each part reads (tests/unit/test_checks.c
 * proves them declared in NC_PART_LIST). */
#define NC_NOTE(f) nc_note_read(VMCS12_SLOT_##f),
#else
#define NC_NOTE(f)
#endif
#define G(f)                                                                   	(NC_NOTE(f) nc_unemulated[VMCS12_SLOT_##f] ? 0                        						   : r->c->field[VMCS12_SLOT_##f])

/* Whether part p runs (check_env.changed). Inline: 13 of these per
 * VMRESUME. */
/* The parts to run for e: the caller's mask, or made from e->changed. */
static inline uint32_t nc_env_parts(const struct check_env *e)
{
	return e->parts ? e->parts : nc_parts_to_run(e->changed);
}

static inline bool nc_part_runs(const struct nc_run *r, enum nc_part p)
{
	return (r->parts >> p) & 1;
}
#ifdef UNIT_TEST
#define NC_PART_BEGIN(p) (nc_part_now = (p))
#else
#define NC_PART_BEGIN(p) ((void)0)
#endif
/* fn(&run) of part p, or true when p need not run. */
#define NC_RUN(p, call)                                                        	(!nc_part_runs(&run, NC_PART_##p) || (NC_PART_BEGIN(NC_PART_##p), call))

/*
 * The canonical checks of SDM 27.2.2, 27.2.3, 27.3.1.1-27.3.1.4: relative to
 * the CPU's linear-address width (57 bits with 5-level paging), whatever
 * CR4.LA57 L1 or L2 runs with; the host RIP alone follows the host CR4
 * field (nested/checks.c).
 */
#define nc_canonical(a) x86_canonical_to((a), x86_linear_bits(r->e->la57))

static inline bool nc_within(const struct nc_run *r, uint64_t pa)
{
	return !(pa >> r->e->phys_bits);
}

/* The parts of the guest-state checks (nested/checks_guest.c,
 * nested/checks_seg.c). */
bool nc_guest_segments(struct nc_run *r);
#endif

#endif
