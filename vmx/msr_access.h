/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L1's (or L2's) MSR accesses carried out by L0 as vmx/msr_policy.def
 * says: the RDMSR/WRMSR exits and every entry of the VMX MSR lists.
 */
#ifndef VMX_MSR_ACCESS_H
#define VMX_MSR_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

/* RDMSR as L1 sees it; false means #GP. */
bool msr_guest_read(struct vcpu *v, uint32_t msr, uint64_t *value);
/* The same, for L0's own bookkeeping: a refusal is not L1's event. */
bool msr_guest_peek(struct vcpu *v, uint32_t msr, uint64_t *value);
/* WRMSR as L1 in VMX non-root operation meets it; false means #GP. */
bool msr_guest_write(struct vcpu *v, uint32_t msr, uint64_t value);
/* The same for an entry of a VM-entry or VM-exit MSR-load list. */
bool msr_list_write(struct vcpu *v, uint32_t msr, uint64_t value);

#endif
