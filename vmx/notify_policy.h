/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a notify VM exit (exit reason 75, SDM Vol. 3C 26.2 "Other Causes of
 * VM Exits", "notify VM exiting") means for the vCPU. The CPU takes it when
 * no event window opened for longer than the NOTIFY_WINDOW field (0x4024)
 * allows. Its qualification: bit 0 "VM context invalid" (the guest cannot be
 * resumed safely), bit 12 "NMI unblocking due to IRET" (SDM 28.2.3: the
 * VMM sets blocking by NMI again before resuming). Pure logic:
 * tests/unit/test_notify_policy.c; vmx/notify.c carries it out.
 */
#ifndef VMX_NOTIFY_POLICY_H
#define VMX_NOTIFY_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define NOTIFY_QUAL_CONTEXT_INVALID (1ull << 0)
#define NOTIFY_QUAL_NMI_UNBLOCKED (1ull << 12)

/*
 * The default window (notify_window=), in the unit of the NOTIFY_WINDOW
 * field: cycles of the core crystal clock (CPUID.15H; SDM Vol. 3C 25.6.25).
 * 128 Ki cycles are about 5 ms at the 25 MHz crystal of recent server parts:
 * far beyond anything a well-behaved guest holds its event windows shut
 * for (an instruction, an event delivery), and short enough that a CPU
 * cannot be kept from an interrupt (L0's NMIs, INIT) for long. The CPU adds
 * its own internal threshold to whatever is set here, so this bounds the
 * wait rather than trusting that threshold alone.
 */
#define NOTIFY_WINDOW_DEFAULT 131072u
#define NOTIFY_WINDOW_OFF 0xffffffffffull /* notify_window=off (> 32 bits) */

/* Per vCPU. */
struct notify_state {
	uint64_t exits;       /* notify exits of this vCPU (L1 and L2) */
	uint64_t no_progress; /* exits at the RIP of the one before */
	uint64_t last_rip;
	bool have_last;
};

struct notify_verdict {
	bool stop;        /* VM context invalid: stop this vCPU with a dump */
	bool block_nmi;   /* set blocking by NMI before resuming */
	bool no_progress; /* same RIP as the exit before: warn */
};

struct notify_verdict notify_decide(struct notify_state *s, uint64_t qual,
				    uint64_t rip);

#endif
