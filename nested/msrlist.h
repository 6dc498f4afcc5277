/* SPDX-License-Identifier: Apache-2.0 */
/* vmcs12's VM-entry/VM-exit MSR lists (nested/msrlist.c). */
#ifndef NESTED_MSRLIST_H
#define NESTED_MSRLIST_H

#include <stdint.h>

/*
 * Loads count entries at L1-physical gpa, VMCS-resident MSRs into the
 * current VMCS's guest fields. 0 on success, else the 1-based number of the
 * entry that failed (the exit qualification of exit 34, SDM 27.8); entries
 * before it stay loaded, as on the CPU.
 */
uint32_t msrlist_load(uint64_t gpa, uint32_t count);
/* Stores the MSRs' values into the entries' data; 0 or the failing entry. */
uint32_t msrlist_store(uint64_t gpa, uint32_t count);

#endif
