/* SPDX-License-Identifier: Apache-2.0 */
/* Every VM exit of L1 comes through vmx_handle_exit (from vmx_entry.asm). */
#include "vmx/exit.h"

#include "arch/x86/cpu.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "vmx/vmx.h"

void vmx_handle_exit(struct vcpu *v);
__attribute__((noreturn)) void vmx_resume_failed(struct vcpu *v, uint64_t rflags);

static enum exit_action exit_exception_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO);
	unsigned vector = info & 0xff;

	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
		vcpu_nmi_arrived(v);
		nmi_unblock();
		return EXIT_RESUME;
	}
	if (vector == VEC_AC) {
		/* Split-lock policy is still to come: every #AC is L1's own. */
		vcpu_inject_exception(v, VEC_AC, true,
				      (uint32_t)vmcs_read(VM_EXIT_INTR_ERROR_CODE));
		return EXIT_RESUME;
	}
	log_err("vmx: unexpected exception %u exit (info 0x%x)", vector, info);
	return EXIT_STOP;
}

/* The window opened: vcpu_prepare_entry() delivers the NMI now. */
static enum exit_action exit_nmi_window(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

/*
 * Return contract of every handler: it finishes the exit, advancing RIP
 * (vcpu_skip_instruction) only for an instruction it emulated and queuing
 * any event for L1 (vcpu_inject_exception), then returns EXIT_RESUME; or it
 * logs why it cannot and returns EXIT_STOP, and this vCPU stops for good
 * (the other CPUs go on). A reason with no entry dumps the VMCS and stops.
 */
static const exit_handler handlers[EXIT_REASON_COUNT] = {
	[EXIT_EXCEPTION_NMI] = exit_exception_nmi,
	[EXIT_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_INIT] = exit_init,
	[EXIT_NMI_WINDOW] = exit_nmi_window,
	[EXIT_CPUID] = exit_cpuid,
	[EXIT_GETSEC] = exit_getsec,
	[EXIT_INVD] = exit_invd,
	[EXIT_VMCALL] = exit_vmcall,
	[EXIT_VMCLEAR] = exit_vmx_instruction,
	[EXIT_VMLAUNCH] = exit_vmx_instruction,
	[EXIT_VMPTRLD] = exit_vmx_instruction,
	[EXIT_VMPTRST] = exit_vmx_instruction,
	[EXIT_VMREAD] = exit_vmx_instruction,
	[EXIT_VMRESUME] = exit_vmx_instruction,
	[EXIT_VMWRITE] = exit_vmx_instruction,
	[EXIT_VMXOFF] = exit_vmx_instruction,
	[EXIT_VMXON] = exit_vmxon,
	[EXIT_CR_ACCESS] = exit_cr_access,
	[EXIT_MSR_READ] = exit_rdmsr,
	[EXIT_MSR_WRITE] = exit_wrmsr,
	[EXIT_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
	[EXIT_INVEPT] = exit_vmx_instruction,
	[EXIT_INVVPID] = exit_vmx_instruction,
	[EXIT_VMFUNC] = exit_vmx_instruction,
	[EXIT_XSETBV] = exit_xsetbv,
};

void vmx_handle_exit(struct vcpu *v)
{
	uint32_t reason = (uint32_t)vmcs_read(VM_EXIT_REASON);
	unsigned basic = reason & 0xffff;
	exit_handler h = basic < EXIT_REASON_COUNT ? handlers[basic] : 0;

	v->exits_total++;
	if (basic < EXIT_REASON_COUNT)
		v->exits[basic]++;
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		vcpu_stop(v, "VM entry failed");
	if (!h) {
		log_err("vmx: exit reason %u (%s) has no handler", basic,
			exit_reason_name(basic));
		vcpu_stop(v, "unhandled exit");
	}
	if (h(v) == EXIT_STOP)
		vcpu_stop(v, exit_reason_name(basic));
	vcpu_prepare_entry(v);
}

void vmx_resume_failed(struct vcpu *v, uint64_t rflags)
{
	uint64_t err = 0;

	vmread_raw(VM_INSTRUCTION_ERROR, &err);
	log_err("vmx: VMRESUME failed (rflags 0x%lx): VM-instruction error %lu (%s)",
		rflags, err, vmx_instruction_error_name((unsigned)err));
	vcpu_stop(v, "VMRESUME failed");
}

void exit_print_counters(void)
{
	for (uint32_t cpu = 0; cpu < bootinfo.ncpus; cpu++) {
		const struct percpu *pc =
			(const void *)(bootinfo.percpu_va + cpu * PERCPU_SIZE);
		const struct vcpu *v = &pc->vcpu;

		if (!v->exits_total)
			continue;
		log_info("exits: cpu%u total %lu", cpu, v->exits_total);
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			if (v->exits[r])
				log_info("exits: cpu%u %-20s %lu", cpu,
					 exit_reason_name(r), v->exits[r]);
	}
}
