/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RDMSR/WRMSR exits: the MSR bitmap sends only L0's own MSRs here (feature
 * control and the VMX capabilities), plus, by the SDM's rules, any MSR
 * outside the bitmap's ranges (SDM 26.1.3), which goes to the CPU.
 */
#include "arch/x86/cpu.h"
#include "nested/nested.h"
#include "vmx/apic.h"
#include "vmx/exit.h"
#include "vmx/msr.h"

static bool l0_owns(uint32_t msr)
{
	return msr == MSR_IA32_FEATURE_CONTROL ||
	       (msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_PROCBASED_CTLS3);
}

enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value;
	bool ok;

	if (msr == MSR_IA32_FEATURE_CONTROL) {
		/* locked, VMX on: what L1 needs to see to use VMX */
		value = FC_LOCK | FC_VMX_OUTSIDE_SMX;
		ok = true;
	} else if (l0_owns(msr)) {
		ok = nested_vmx_msr(msr, &value);
	} else {
		ok = rdmsr_safe(msr, &value) == 0;
	}
	if (!ok) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (msr == MSR_X2APIC_ICR)
		return apic_x2apic_icr_write(v, value);
	/* feature control is locked and the capability MSRs are read-only */
	if (l0_owns(msr) || wrmsr_safe(msr, value)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
