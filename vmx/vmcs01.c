/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs01 from the live CPU: the guest state is the firmware's state saved by
 * core_enter (so L1 resumes exactly there, core_enter "returning" 0), the
 * host state is the core's.
 */
#include "vmx/vmcs01.h"

#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "mm/page_alloc.h"
#include "vmx/config.h"
#include "vmx/ept.h"
#include "vmx/guard.h"
#include "vmx/msr.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_DEBUGCTL 0x1d9
#define MSR_IA32_PAT 0x277
#define EFER_LMA (1ull << 10)

extern const char vmx_exit_entry[];

static void controls(struct vcpu *v, uint64_t efer, uint64_t cr0, uint64_t cr4)
{
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_cfg.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_cfg.proc);
	v->proc_ctls = vmx_cfg.proc;
	vmcs_write(VM_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write(VM_ENTRY_CONTROLS,
		   vmx_cfg.entry | ((efer & EFER_LMA) ? ENTRY_IA32E_MODE : 0));
	/* notify window, #AC and #DB intercepts (vmx/guard.h) */
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, guard_proc2(vmx_cfg.proc2));
	vmcs_write(EXCEPTION_BITMAP, guard_exceptions(0));
	if (guard_cfg.notify)
		vmcs_write(NOTIFY_WINDOW, guard_cfg.notify_window);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO, 0);
	vmcs_write(MSR_BITMAP, vmx_cfg.msr_bitmap_pa);
	vmcs_write(TSC_OFFSET, v->msrv.tsc_offset);
	vmcs_write(EPT_POINTER, ept01.eptp);
	vmcs_write(VPID, v->vpid);
	vmcs_write(CR0_GUEST_HOST_MASK, vmx_cfg.cr0_mask);
	vmcs_write(CR4_GUEST_HOST_MASK, vmx_cfg.cr4_mask);
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(CR4_READ_SHADOW, cr4);
}

static void host_state(const struct percpu *pc)
{
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CR3, read_cr3());
	vmcs_write(HOST_CR4, read_cr4());
	vmcs_write(HOST_CS_SELECTOR, GDT_CODE);
	vmcs_write(HOST_SS_SELECTOR, GDT_DATA);
	vmcs_write(HOST_DS_SELECTOR, GDT_DATA);
	vmcs_write(HOST_ES_SELECTOR, GDT_DATA);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_TSS);
	vmcs_write(HOST_FS_BASE, 0);
	vmcs_write(HOST_GS_BASE, (uint64_t)pc);
	vmcs_write(HOST_TR_BASE, (uint64_t)&pc->tss);
	vmcs_write(HOST_GDTR_BASE, (uint64_t)pc->gdt);
	vmcs_write(HOST_IDTR_BASE, idt_base());
	vmcs_write(HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write(HOST_RSP, percpu_stack_top(pc));
	vmcs_write(HOST_RIP, (uint64_t)vmx_exit_entry);
}

struct seg_fields {
	enum vmcs_field sel, base, limit, ar;
};

static const struct seg_fields seg_es = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES };
static const struct seg_fields seg_cs = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES };
static const struct seg_fields seg_ss = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES };
static const struct seg_fields seg_ds = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES };
static const struct seg_fields seg_fs = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES };
static const struct seg_fields seg_gs = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES };
static const struct seg_fields seg_tr = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES };
static const struct seg_fields seg_ldtr = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES };

static void write_segment(const struct seg_fields *f, const struct seg_state *s)
{
	vmcs_write(f->sel, s->sel);
	vmcs_write(f->base, s->base);
	vmcs_write(f->limit, s->limit);
	vmcs_write(f->ar, s->ar);
}

/* The firmware's segment registers, as its GDT describes them. */
static bool segment(const struct fw_context *fw, const struct seg_fields *f,
		    uint16_t sel, enum seg_kind kind, const char *name)
{
	struct seg_state s;
	const char *why = "";

	if (!seg_from_gdt((const void *)fw->gdtr.base, fw->gdtr.limit, sel, kind,
			  &s, &why)) {
		log_err("vmx: cannot take the firmware's %s (selector 0x%x): %s",
			name, sel, why);
		return false;
	}
	write_segment(f, &s);
	return true;
}

static bool guest_segments(const struct fw_context *fw)
{
	bool ok = segment(fw, &seg_cs, fw->cs, SEG_CODE_DATA, "CS") &&
		  segment(fw, &seg_ss, fw->ss, SEG_CODE_DATA, "SS") &&
		  segment(fw, &seg_ds, fw->ds, SEG_CODE_DATA, "DS") &&
		  segment(fw, &seg_es, fw->es, SEG_CODE_DATA, "ES") &&
		  segment(fw, &seg_fs, fw->fs, SEG_CODE_DATA, "FS") &&
		  segment(fw, &seg_gs, fw->gs, SEG_CODE_DATA, "GS") &&
		  segment(fw, &seg_tr, fw->tr, SEG_TR, "TR") &&
		  segment(fw, &seg_ldtr, fw->ldtr, SEG_LDTR, "LDTR");

	/* In IA-32e mode FS and GS bases live in MSRs, not descriptors. */
	vmcs_write(GUEST_FS_BASE, fw->fs_base);
	vmcs_write(GUEST_GS_BASE, fw->gs_base);
	vmcs_write(GUEST_GDTR_BASE, fw->gdtr.base);
	vmcs_write(GUEST_GDTR_LIMIT, fw->gdtr.limit);
	vmcs_write(GUEST_IDTR_BASE, fw->idtr.base);
	vmcs_write(GUEST_IDTR_LIMIT, fw->idtr.limit);
	return ok;
}

static void guest_state(const struct fw_context *fw, uint64_t cr0, uint64_t cr4,
			uint64_t efer)
{
	vmcs_write(GUEST_CR0, vmx_guest_cr0(cr0));
	vmcs_write(GUEST_CR3, fw->cr3);
	vmcs_write(GUEST_CR4, vmx_guest_cr4(cr4));
	vmcs_write(GUEST_DR7, read_dr7());
	vmcs_write(GUEST_RSP, fw->rsp);
	vmcs_write(GUEST_RIP, fw->rip);
	vmcs_write(GUEST_RFLAGS, fw->rflags | 2);
	vmcs_write(GUEST_IA32_EFER, efer);
	vmcs_write(GUEST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	uint64_t debugctl = 0;

	rdmsr_safe(MSR_IA32_DEBUGCTL, &debugctl);
	vmcs_write(GUEST_IA32_DEBUGCTL, debugctl);
	vmcs_write(GUEST_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
	vmcs_write(GUEST_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	vmcs_write(GUEST_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	vmcs_write(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
}

bool vmcs01_setup(struct percpu *pc, uint64_t cr0, uint64_t cr4)
{
	struct vcpu *v = &pc->vcpu;
	const struct fw_context *fw = pc->fw;
	uint64_t efer = rdmsr(MSR_IA32_EFER);

	controls(v, efer, cr0, cr4);
	host_state(pc);
	guest_state(fw, cr0, cr4, efer);
	/* the hot paths' unchecked accesses rely on the list (vmx/vmx.h) */
	vmx_basic_fields_selftest();
	/* L1 resumes as if core_enter returned 0 (success) */
	v->regs = (struct guest_regs){ .rax = 0, .rbx = fw->rbx, .rbp = fw->rbp,
				       .r12 = fw->r12, .r13 = fw->r13,
				       .r14 = fw->r14, .r15 = fw->r15 };
	return guest_segments(fw);
}
