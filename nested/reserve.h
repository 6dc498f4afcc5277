/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pages each vCPU needs for nested VMX, reserved for it at start-up so
 * no vCPU's use can starve another and none is ever stopped at run time for
 * lack of a page (docs/nested.md, "Memory bounds"). The loader sizes the
 * pool with NESTED_VCPU_PAGES per CPU (boot/load.c).
 */
#ifndef NESTED_RESERVE_H
#define NESTED_RESERVE_H

#include <stdbool.h>

/*
 * EPT02's pages per vCPU, the root included: 256 pages (1 MiB) map 254
 * 2 MiB stretches of L2 memory in 4 KiB pages, or 254 GiB in 2 MiB pages,
 * before the tree is evicted and refilled.
 */
#define EPT02_BUDGET_PAGES 256u
/* vmcs12 cache, vmcs02, MSR undo, vmcs02's MSR bitmap, the all-ones I/O
 * bitmap, the shadow VMCS */
#define NESTED_FIXED_PAGES 6u
#define NESTED_VCPU_PAGES  (NESTED_FIXED_PAGES + EPT02_BUDGET_PAGES)

struct vcpu;

/* Takes this vCPU's pages from the pool; false (with a log line) if short. */
bool nested_reserve(struct vcpu *v);

#endif
