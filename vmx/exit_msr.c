/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RDMSR/WRMSR exits: the MSR bitmap sends here the MSRs of
 * vmx/msr_policy.def, plus, by the SDM's rules, any MSR outside the
 * bitmap's ranges (SDM 25.6.9, 26.1.3). vmx/msr_access.c decides.
 */
#include "vmx/exit.h"
#include "vmx/msr_access.h"

enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint64_t value;

	if (!msr_guest_read(v, (uint32_t)v->regs.rcx, &value)) {
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

	if (!msr_guest_write(v, msr, value)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
