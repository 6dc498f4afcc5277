/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nested VMX: L1 (L0's guest) runs its own guest L2 with VMX instructions
 * that L0 emulates. L0 keeps L1's current VMCS (vmcs12) cached in a page of
 * its own while it is current, builds vmcs02 from it and runs L2 on vmcs02.
 * See docs/nested.md for the whole design.
 */
#ifndef NESTED_NESTED_H
#define NESTED_NESTED_H

#include "nested/state.h"
#include "vmx/vcpu.h"

/* Once, on the bootstrap CPU: the virtual VMX capabilities L1 reads. */
void nested_global_init(void);
/*
 * Each vCPU's nested state, before it first runs L1, with every page its
 * nested VMX will use (nested/reserve.h); false if the pool is short.
 */
bool nested_vcpu_init(struct vcpu *v);
/* IA32_VMX_* as L1 reads them; false means #GP. */
bool nested_vmx_msr(uint32_t msr, uint64_t *value);

/* A VMX instruction exit of L1 (in VMX operation or not). */
enum exit_action nested_vmx_instruction(struct vcpu *v);

/* An exit while L2 ran: reflected to L1 or handled by L0. */
enum exit_action nested_l2_exit(struct vcpu *v, unsigned reason);

/* The CPU refused vmcs02 (nested/entry.c): L1 sees what the CPU reported. */
void nested_hw_vmfail(struct vcpu *v, uint64_t rflags);
void nested_hw_entry_failure(struct vcpu *v, uint32_t reason);

/*
 * A guest-physical address of the guest the vCPU runs now as L1-physical:
 * the same for L1 and for L2 on EPT01, through EPT12 for L2 with EPT.
 * False if EPT12 does not map it (readable).
 */
bool nested_to_l1(struct vcpu *v, uint64_t gpa, uint64_t *l1);

/* Before every entry while L2 runs: owed NMIs/INIT that are L1's business. */
void nested_prepare_entry(struct vcpu *v);
/*
 * L1's TSC offset changed (vmx/msr_access.c): the current VMCS gets it
 * (vmcs02 with vmcs12's added); vmcs01 is brought up to date when it is
 * current again.
 */
void nested_tsc_offset_changed(struct vcpu *v);

#endif
