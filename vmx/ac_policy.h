/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whose #AC is it, and what L0's split-lock policy does with it. Pure
 * logic (no VMCS, no MSR), unit-tested on the host (tests/unit/test_ac_policy.c);
 * vmx/splitlock.c carries the verdicts out.
 *
 * Two kinds of #AC(0) reach L0 through the exception bitmap (bit 17):
 * - the alignment check the guest asked for: CPL 3 with CR0.AM and
 *   RFLAGS.AC set (SDM Vol. 3A 6.15 "Interrupt 17 - Alignment Check
 *   Exception"); it is the guest's, always;
 * - a split lock: a LOCKed access whose operand crosses a cache line, with
 *   MSR_TEST_CTRL.SPLIT_LOCK_DETECT (bit 29) set on the CPU (SDM Vol. 3A 9.1.2.3,
 *   Intel's "split lock detection" documentation). When the guest (L1) has
 *   enabled its own, virtual, detection it is the guest's too (as KVM does);
 *   otherwise it is L0's and the policy decides.
 * Where the CPU has no split-lock detection (or L0 has it off), every #AC
 * is the guest's.
 */
#ifndef VMX_AC_POLICY_H
#define VMX_AC_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define AC_CR0_AM (1ull << 18)
#define AC_RFLAGS_AC (1ull << 18)

/* split_lock= (docs/options.md); the numbers are the option's encoding. */
enum sl_mode { SL_OFF = 0, SL_WARN = 1, SL_FATAL = 2, SL_RATELIMIT = 3 };
#define SL_RATELIMIT_MAX 1000000 /* the largest N of ratelimit:N */

struct sl_policy {
	enum sl_mode mode;
	uint32_t per_sec; /* ratelimit:N: N (>= 1) */
};

/* What L0 knows when an #AC exit arrives. */
struct ac_ctx {
	bool hw_sld;    /* split-lock detection is on on this CPU */
	bool guest_sld; /* L1 enabled its virtual MSR_TEST_CTRL.SLD */
	unsigned cpl;   /* of the guest that faulted (L1 or L2) */
	uint64_t cr0;   /* as that guest sees it */
	uint64_t rflags;
};

enum ac_owner { AC_GUEST, AC_SPLIT_LOCK_L0 };

/* The alignment check the guest enabled (SDM Vol. 3A 6.15). */
bool ac_alignment_enabled(unsigned cpl, uint64_t cr0, uint64_t rflags);

/* The guest's #AC, or a split lock for L0's policy. */
enum ac_owner ac_classify(const struct ac_ctx *c);

/* What L0 does with a split lock of its own. */
enum sl_action {
	SL_ACT_STEP, /* let the instruction complete: detection off, one MTF step */
	SL_ACT_WAIT, /* over the rate: wait until wait_until (TSC), then step */
	SL_ACT_STOP, /* stop this vCPU with a dump */
};

/* ratelimit:N's one-second window (per vCPU), in TSC ticks. */
struct sl_window {
	uint64_t start;
	uint32_t used;
	bool started;
};

struct sl_verdict {
	enum sl_action act;
	bool log;            /* warn: worth a (rate-limited) log line */
	uint64_t wait_until; /* SL_ACT_WAIT: the TSC at which to step */
};

/*
 * The verdict for one split lock at TSC `now` (hz ticks a second). off
 * cannot see split locks (detection stays off), but one that arrives anyway
 * is stepped over like warn, without a log line.
 */
struct sl_verdict sl_decide(const struct sl_policy *p, struct sl_window *w,
			    uint64_t now, uint64_t hz);

/* Whether L0 turns split-lock detection on for its own policy. */
bool sl_l0_wants_detection(const struct sl_policy *p);

const char *sl_mode_name(enum sl_mode m);

#endif
