/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX capability MSRs as L1 reads them. Until nested VMX is emulated
 * (VMXON from L1 fails with VMfailInvalid) these are the CPU's values less
 * what L0 will never offer L1: notify VM exits and posted interrupts.
 */
#ifndef VMX_VCAPS_H
#define VMX_VCAPS_H

#include <stdbool.h>
#include <stdint.h>

/* false if msr is not a VMX capability MSR this CPU has (L1 gets #GP). */
bool vcaps_read(uint32_t msr, uint64_t *value);

#endif
