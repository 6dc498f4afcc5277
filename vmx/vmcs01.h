/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMX_VMCS01_H
#define VMX_VMCS01_H

#include <stdbool.h>
#include <stdint.h>


struct percpu;

/*
 * Writes every field of the current VMCS (vmcs01) for this CPU: controls
 * from vmx_cfg, the core as host, the firmware's saved state as guest with
 * CR0/CR4 as the firmware had them (cr0, cr4). False after logging why.
 */
bool vmcs01_setup(struct percpu *pc, uint64_t cr0, uint64_t cr4);

#endif
