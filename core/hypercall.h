/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The L1 -> L0 hypercall ABI (docs/hypercalls.md). L1 executes VMCALL at
 * CPL 0 with the function in RAX and arguments in RBX, RCX, RDX; L0 returns
 * a status in RAX and results in RBX, RCX, RDX, and leaves every other
 * register as it was. VMCALL at CPL > 0 gets #UD, as on a CPU without a
 * hypervisor that takes it. Test payloads include this header.
 */
#ifndef CORE_HYPERCALL_H
#define CORE_HYPERCALL_H

#define HC_BASE 0x4d4b0000u /* "MK" */

/*
 * Prints every vCPU's per-exit-reason and guest-event counters on the
 * serial console, within the calling vCPU's guest-event budget (kind
 * COUNTERS): RBX = 1 if they were printed, 0 if the rate limit held them.
 */
#define HC_PRINT_COUNTERS (HC_BASE + 1)
/*
 * For tests of L0's isolation: RBX = physical base of L0's memory, RCX =
 * its size, RDX = physical address of a 16-byte canary inside it.
 */
#define HC_L0_INFO (HC_BASE + 2)
/* RBX = 1 if L0's canary still holds its value, 0 if it was changed. */
#define HC_L0_CANARY_CHECK (HC_BASE + 3)
/*
 * The calling vCPU's counters, for benchmarks: RBX = its exits so far,
 * RCX = entries of L2 it made, RDX = exits of L2 reflected to it.
 */
#define HC_VCPU_EXITS (HC_BASE + 4)
/*
 * Guest-caused events (core/gevent.def, in its order: 0 = VM-entry check
 * failed, ...): RBX = the kind, RCX = whose: HC_GEV_SELF (the calling
 * vCPU), HC_GEV_ALL (every vCPU summed) or HC_GEV_GLOBAL (events tied to no
 * vCPU, e.g. DMA faults). Results: RBX = events of the kind, RCX = their
 * log lines printed, RDX = their lines suppressed (rate limit or a busy
 * console). A kind or RCX out of range: RAX = HC_BAD_ARG, nothing changed.
 */
#define HC_GUEST_EVENTS (HC_BASE + 5)
#define HC_GEV_SELF	0
#define HC_GEV_ALL	1
#define HC_GEV_GLOBAL	2
/*
 * For tests of the MSR policy (vmx/msr_policy.def): RBX = the CPU's own
 * value of the MTRR MSR in RCX, which L1's WRMSR never changes (L1 has a
 * virtual copy); HC_UNKNOWN for an MSR that is not an MTRR.
 */
#define HC_MTRR_HW (HC_BASE + 6)
/*
 * Memory bounds (docs/nested.md, "Memory bounds"). RBX = 0: RBX = the
 * calling vCPU's EPT02 pages in use (root included), RCX = its EPT02
 * evictions, RDX = EPT01's table pages. RBX = 1: RBX = the EPT02 budget per
 * vCPU, RCX = the most table pages EPT01 can ever have, RDX = EPT01 blocks
 * sent to the sink. Other RBX: HC_UNKNOWN.
 */
#define HC_MEM_BUDGET (HC_BASE + 7)

#define HC_OK 0ull
#define HC_UNKNOWN 0xffffffffffffffffull
#define HC_BAD_ARG 0xfffffffffffffffeull

/* CPUID leaf 0x40000000: EAX = highest hypervisor leaf, EBX:ECX:EDX = this. */
#define HV_CPUID_LEAF 0x40000000u
#define HV_SIGNATURE "MatryoshkaL0"

/* The canary's 16 bytes (two quadwords). */
#define HC_CANARY_LO 0x6b6873796f72744dull /* "Mtroyshk" */
#define HC_CANARY_HI 0x3f3f3f3f6e656b6full /* "oken????" */

#endif
