/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/msrs.h"

#include "arch/x86/cpu.h"
#include "vmx/msr.h"

#define CPUID1_ECX_VMX (1u << 5)
#define ALLOWED1(msr, bit) (((msr) >> 32) & (1ull << (bit)))

/* SDM Vol. 3D A.1-A.11: which MSR exists depends on bits of earlier ones. */
void vmx_msrs_read(struct vmx_msrs *m)
{
	*m = (struct vmx_msrs){ .cpuid1_ecx = cpuid(1, 0).ecx };
	if (!(m->cpuid1_ecx & CPUID1_ECX_VMX))
		return;
	m->feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL);
	m->has_vmx_msrs = true;
	m->basic = rdmsr(MSR_IA32_VMX_BASIC);
	m->pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	m->procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	m->exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	m->entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	m->misc = rdmsr(MSR_IA32_VMX_MISC);
	m->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	m->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	m->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	m->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	m->vmcs_enum = rdmsr(MSR_IA32_VMX_VMCS_ENUM);
	if (m->basic & (1ull << 55)) {
		m->true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		m->true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		m->true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
		m->true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	}
	if (ALLOWED1(m->procbased, 31))
		m->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (ALLOWED1(m->procbased, 17))
		m->procbased3 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS3);
	if (ALLOWED1(m->procbased2, 1) || ALLOWED1(m->procbased2, 5))
		m->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	if (ALLOWED1(m->procbased2, 13))
		m->vmfunc = rdmsr(MSR_IA32_VMX_VMFUNC);
}

void vmx_feature_control_enable(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (fc_judge(fc) == FC_MUST_ENABLE)
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc_enable_value(fc));
}
