/* SPDX-License-Identifier: Apache-2.0 */
/* Pure #AC classification and split-lock policy (vmx/ac_policy.h). */
#include "vmx/ac_policy.h"

bool ac_alignment_enabled(unsigned cpl, uint64_t cr0, uint64_t rflags)
{
	return cpl == 3 && (cr0 & AC_CR0_AM) && (rflags & AC_RFLAGS_AC);
}

enum ac_owner ac_classify(const struct ac_ctx *c)
{
	/* without detection on the CPU, no #AC can be a split lock */
	if (!c->hw_sld)
		return AC_GUEST;
	/* the guest asked for alignment checks: a misaligned LOCK is one too */
	if (ac_alignment_enabled(c->cpl, c->cr0, c->rflags))
		return AC_GUEST;
	return c->guest_sld ? AC_GUEST : AC_SPLIT_LOCK_L0;
}

static struct sl_verdict ratelimited(const struct sl_policy *p,
				     struct sl_window *w, uint64_t now,
				     uint64_t hz)
{
	if (!w->started || now < w->start || now - w->start >= hz) {
		w->start = now;
		w->used = 0;
		w->started = true;
	}
	if (w->used < p->per_sec) {
		w->used++;
		return (struct sl_verdict){SL_ACT_STEP, false, 0};
	}
	/* the next window: the caller waits, then this one is its first */
	w->start += hz;
	w->used = 1;
	return (struct sl_verdict){SL_ACT_WAIT, true, w->start};
}

struct sl_verdict sl_decide(const struct sl_policy *p, struct sl_window *w,
			    uint64_t now, uint64_t hz)
{
	switch (p->mode) {
	case SL_FATAL:
		return (struct sl_verdict){SL_ACT_STOP, true, 0};
	case SL_RATELIMIT:
		if (p->per_sec && hz)
			return ratelimited(p, w, now, hz);
		return (struct sl_verdict){SL_ACT_STOP, true, 0};
	case SL_WARN:
		return (struct sl_verdict){SL_ACT_STEP, true, 0};
	default: /* SL_OFF */
		return (struct sl_verdict){SL_ACT_STEP, false, 0};
	}
}

bool sl_l0_wants_detection(const struct sl_policy *p)
{
	return p->mode != SL_OFF;
}

const char *sl_mode_name(enum sl_mode m)
{
	switch (m) {
	case SL_OFF:
		return "off";
	case SL_WARN:
		return "warn";
	case SL_FATAL:
		return "fatal";
	case SL_RATELIMIT:
		return "ratelimit";
	default:
		return "?";
	}
}
