/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An exit while L2 ran. First what is L0's own whatever L1 asked for (NMIs,
 * EPT02 faults, exits only L0's intercepts caused); then reflect_decide()
 * reads vmcs12's controls and bitmaps: L1's exits go to L1 (nested/vmexit.c)
 * and the rest are handled by L0 on L2's behalf, as the CPU would have
 * without a VMM in between.
 */
#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "nested/internal.h"
#include "nested/reflect.h"
#include "vmx/exit.h"
#include "vmx/gmem.h"
#include "vmx/guard.h"
#include "vmx/vmx.h"

/* L1's I/O and MSR bitmaps: in no memory they read as all ones (exits). */
static bool read_l1(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	gmem_read(gpa, buf, n);
	return true;
}

static void load_ctls(const struct vmcs12 *c, struct reflect_ctls *r)
{
	r->pin = (uint32_t)vmcs12_get(c, PIN_BASED_VM_EXEC_CONTROL);
	r->proc = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);
	r->proc2 = (r->proc & CPU_SECONDARY_CONTROLS)
		       ? (uint32_t)vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL)
		       : 0;
	r->exception_bitmap = (uint32_t)vmcs12_get(c, EXCEPTION_BITMAP);
	r->pf_mask = (uint32_t)vmcs12_get(c, PAGE_FAULT_ERROR_CODE_MASK);
	r->pf_match = (uint32_t)vmcs12_get(c, PAGE_FAULT_ERROR_CODE_MATCH);
	r->cr0_mask = vmcs12_get(c, CR0_GUEST_HOST_MASK);
	r->cr0_shadow = vmcs12_get(c, CR0_READ_SHADOW);
	r->cr4_mask = vmcs12_get(c, CR4_GUEST_HOST_MASK);
	r->cr4_shadow = vmcs12_get(c, CR4_READ_SHADOW);
	r->cr3_target_count = (uint32_t)vmcs12_get(c, CR3_TARGET_COUNT);
	for (unsigned i = 0; i < 4; i++)
		r->cr3_target[i] = vmcs12_get(c, CR3_TARGET_VALUE0 + 2 * i);
	r->io_bitmap_a = vmcs12_get(c, IO_BITMAP_A);
	r->io_bitmap_b = vmcs12_get(c, IO_BITMAP_B);
	r->msr_bitmap = vmcs12_get(c, MSR_BITMAP);
}

static enum reflect_verdict decide(struct vcpu *v, unsigned reason)
{
	/* CPUID, VMCALL, the VMX instructions...: no control to read */
	if (reflect_always_l1(reason))
		return REFLECT_L1;
	struct reflect_ctls ctls;
	struct reflect_exit e = {
	    .reason = reason,
	    .qualification = vmcs_read(EXIT_QUALIFICATION),
	    .intr_info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO),
	    .intr_error = (uint32_t)vmcs_read(VM_EXIT_INTR_ERROR_CODE),
	    .rcx = v->regs.rcx,
	};

	load_ctls(v->nested.vmcs12, &ctls);
	if (reason == EXIT_CR_ACCESS)
		e.cr_source_value =
		    vcpu_read_gpr(v, (e.qualification >> 8) & 15);
	return reflect_decide(&ctls, &e, read_l1, 0);
}

/* An NMI (or L0's INIT doorbell) arrived while L2 ran. */
static enum exit_action nmi(struct vcpu *v)
{
	vcpu_nmi_arrived(v);
	nmi_unblock();
	/* L1's NMI-exiting decides in nested_prepare_entry() */
	return EXIT_RESUME;
}

/* A CR write reaches L0 only for VMX's fixed bits: #GP in L2, as the CPU would.
 */
static enum exit_action cr_fixed_bits(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return EXIT_RESUME;
}

/*
 * #AC and #DB L0 intercepts in every vmcs02: a split lock is L0's, a loop
 * is contained, the rest is L1's when vmcs12 intercepts it, else L2's own.
 */
static enum exit_action l0_guard(struct vcpu *v)
{
	uint32_t bitmap12 = (uint32_t)vmcs12_get(v->nested.vmcs12, EXCEPTION_BITMAP);

	switch (guard_exception(v, true, bitmap12)) {
	case GUARD_TO_L1:
		nested_reflect(v);
		return EXIT_RESUME;
	case GUARD_DONE_STOP:
		v->nested.l0_handled++;
		return EXIT_STOP;
	default:
		v->nested.l0_handled++;
		return EXIT_RESUME;
	}
}

enum exit_action nested_l2_exit(struct vcpu *v, unsigned reason)
{
	uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO);
	const struct vmcs12 *c = v->nested.vmcs12;
	bool ept12 =
	    ((uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL) &
	     CPU_SECONDARY_CONTROLS) &&
	    (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_EPT);

	if (reason == EXIT_EXCEPTION_NMI &&
	    (info & INTR_TYPE_MASK) == INTR_TYPE_NMI)
		return nmi(v);
	if (reason == EXIT_EPT_VIOLATION && ept12)
		return ept02_violation(v);
	if (reason == EXIT_EPT_VIOLATION || reason == EXIT_EPT_MISCONFIG) {
		/* L2 in L1's guest-physical space: EPT01's business */
		v->nested.l0_handled++;
		return reason == EXIT_EPT_VIOLATION ? exit_ept_violation(v)
						    : exit_ept_misconfig(v);
	}
	if (reason == EXIT_EXCEPTION_NMI && guard_cfg.intercepts &&
	    ((info & 0xff) == VEC_AC || (info & 0xff) == VEC_DB))
		return l0_guard(v);
	if ((reason == EXIT_VMREAD || reason == EXIT_VMWRITE) &&
	    nested_shadow12_access(v, reason)) {
		v->nested.l0_handled++;
		return EXIT_RESUME;
	}
	enum reflect_verdict verdict = decide(v, reason);

	prof_mark(&v->nested.prof, PROF_X_DECIDE);
	if (verdict == REFLECT_L1) {
		nested_reflect(v);
		return EXIT_RESUME;
	}
	v->nested.l0_handled++;
	switch (reason) {
	case EXIT_EXCEPTION_NMI: /* #AC L0 intercepts and L1 does not: L2's own
				  */
		vcpu_inject_exception(
		    v, info & 0xff, info & INTR_INFO_DELIVER_CODE,
		    (uint32_t)vmcs_read(VM_EXIT_INTR_ERROR_CODE));
		return EXIT_RESUME;
	case EXIT_NMI_WINDOW: /* L0's own window for an NMI owed to L2 */
		return EXIT_RESUME;
	case EXIT_MSR_READ:
		return exit_rdmsr(v);
	case EXIT_MSR_WRITE:
		return exit_wrmsr(v);
	case EXIT_CR_ACCESS:
		return cr_fixed_bits(v);
	case EXIT_XSETBV:
		return exit_xsetbv(v);
	case EXIT_NOTIFY: /* L0's window (L1 is never offered notify exits) */
		return exit_notify(v);
	default:
		log_err("nested: cpu%u: L2 exit %u (%s) is neither L1's nor "
			"handled by L0",
			v->cpu, reason, exit_reason_name(reason));
		return EXIT_STOP;
	}
}

/*
 * Before entering L2: NMIs owed while L2 runs go to L1 as NMI exits when
 * vmcs12 asks for NMI exiting, else they are L2's (vcpu_prepare_entry
 * injects them into vmcs02).
 */
void nested_prepare_entry(struct vcpu *v)
{
	const struct vmcs12 *c = v->nested.vmcs12;

	if (v->nested.guest_mode &&
	    __atomic_load_n(&v->init_pending, __ATOMIC_ACQUIRE)) {
		/* INIT in VMX non-root operation is an exit (SDM 26.2), then
		 * blocked in root */
		struct nested_exit_info init = {.reason = EXIT_INIT};

		__atomic_store_n(&v->init_pending, 0, __ATOMIC_RELEASE);
		nested_vmexit(v, &init);
		return;
	}
	if (!v->nested.guest_mode || !v->nmis_pending ||
	    !(vmcs12_get(c, PIN_BASED_VM_EXEC_CONTROL) & PIN_NMI_EXITING))
		return;
	struct nested_exit_info e = {
	    .reason = EXIT_EXCEPTION_NMI,
	    .intr_info = INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI,
	    .idt_info = (uint32_t)vmcs_read(IDT_VECTORING_INFO),
	    .idt_error = (uint32_t)vmcs_read(IDT_VECTORING_ERROR_CODE),
	};

	/* only if the exit that brought us here did not deliver something else
	 */
	if (v->injected)
		e.idt_info = 0;
	__atomic_sub_fetch(&v->nmis_pending, 1, __ATOMIC_RELAXED);
	nested_vmexit(v, &e);
}
