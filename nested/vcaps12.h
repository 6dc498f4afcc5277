/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX capability MSRs as L1 reads them once nested VMX is emulated: they
 * describe exactly what L0 emulates, never more than the CPU has, and never
 * the CPU's own VMCS revision. Pure logic.
 */
#ifndef NESTED_VCAPS12_H
#define NESTED_VCAPS12_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/vmcs12.h" /* VMCS12_REVISION, the revision L1 sees */
#include "vmx/caps.h"

/*
 * L1's view from the CPU's raw MSRs. Fields of an MSR L1 must not have are 0;
 * cpuid1_ecx, feature_control and has_vmx_msrs are copied unchanged.
 */
void vcaps12_compute(const struct vmx_msrs *hw, struct vmx_msrs *virt);

/*
 * Value of MSR 0x480..0x492 as L1 reads it. false (L1 gets #GP) outside that
 * range and for an MSR the offered capabilities say does not exist: TRUE_*
 * without basic bit 55, PROCBASED_CTLS2 without secondary controls,
 * EPT_VPID_CAP without EPT and VPID, VMFUNC without VM functions,
 * PROCBASED_CTLS3 without tertiary controls (SDM Vol. 3D A.1, A.3.3,
 * A.3.4, A.10, A.11).
 */
bool vcaps12_msr(const struct vmx_msrs *virt, uint32_t msr, uint64_t *value);

#endif
