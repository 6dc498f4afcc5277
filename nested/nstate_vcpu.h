/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A vCPU's nested state as a blob in KVM's format (nested/nstate.h):
 * get, validated set, the round-trip stress mode and the dump on a vCPU
 * stop. docs/nested-state.md.
 */
#ifndef NESTED_NSTATE_VCPU_H
#define NESTED_NSTATE_VCPU_H

#include <stddef.h>

#include "nested/nstate.h"
#include "vmx/vcpu.h"

/* nested_state_stress=N from the loader (0: off); set once at start-up. */
void nested_state_stress_init(uint32_t every);

/*
 * The vCPU's nested state into buf. Never writes guest memory; reads the
 * current VMCS (vmcs02 in guest mode: L2's live state goes into the
 * blob's vmcs12 as a VM exit would save it) and, in guest mode with VMCS
 * shadowing, the shadow vmcs12 at vmcs12's link pointer. Returns the
 * blob's size; nothing is written if len is smaller.
 */
size_t nested_state_get(struct vcpu *v, void *buf, size_t len);

/*
 * Replaces the vCPU's nested state with the blob's. Everything is
 * validated first (nstate_decode, and in guest mode the VM-entry checks);
 * a refused blob leaves the vCPU as it was. Then all nested state is
 * dropped (vmcs12 cache, vmcs02, EPT02, the shadow VMCS's contents) and
 * rebuilt from the blob; in guest mode vmcs02 is built again and is the
 * current VMCS. Call just before a VM entry, after vcpu_prepare_entry()
 * (vmcs01 current, or vmcs02 in guest mode): a pending entry's event is
 * then vmcs12's, in vmcs02, and nothing else is queued.
 */
struct nstate_result nested_state_set(struct vcpu *v, const void *blob,
				      size_t len);

/*
 * After every L2 exit and L1 VMX instruction, just before the VM entry: the
 * stress mode (docs/nested-state.md: which of them are nested events).
 */
void nested_state_event(struct vcpu *v);

/* On a vCPU stop: the nested state as base64 lines (tools/nstate reads it). */
void nested_state_dump(struct vcpu *v);

/* Round trips made by the stress mode so far (all vCPUs). */
void nested_state_print_counters(void);

#endif
