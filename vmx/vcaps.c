/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/vcaps.h"

#include "arch/x86/cpu.h"
#include "vmx/msr.h"

#define PIN_POSTED_INTERRUPTS (1ull << (32 + 7))
#define SEC_NOTIFY_VM_EXITING (1ull << (32 + 31))

bool vcaps_read(uint32_t msr, uint64_t *value)
{
	if (msr < MSR_IA32_VMX_BASIC || msr > MSR_IA32_VMX_PROCBASED_CTLS3 ||
	    rdmsr_safe(msr, value))
		return false;
	if (msr == MSR_IA32_VMX_PINBASED_CTLS || msr == MSR_IA32_VMX_TRUE_PINBASED_CTLS)
		*value &= ~PIN_POSTED_INTERRUPTS;
	else if (msr == MSR_IA32_VMX_PROCBASED_CTLS2)
		*value &= ~SEC_NOTIFY_VM_EXITING;
	return true;
}
