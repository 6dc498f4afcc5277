/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L0's guards against a guest that keeps a CPU to itself (docs/security.md,
 * "Event windows, split locks, exception loops"): the notify window
 * (vmx/notify.c), split-lock #AC (vmx/splitlock.c) and exception-loop
 * containment (vmx/exc_guard.c). What the options and the CPU allow is
 * decided once here; every vmcs01 and vmcs02 gets it through
 * guard_vmcs_controls().
 */
#ifndef VMX_GUARD_H
#define VMX_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/ac_policy.h"
#include "vmx/vcpu.h"

struct guard_cfg {
	bool notify;            /* notify VM exits in use */
	uint32_t notify_window; /* crystal-clock cycles */
	bool cpu_sld;           /* the CPU has split-lock detection */
	struct sl_policy sl;    /* split_lock= */
	bool intercepts;        /* #AC and #DB intercepted (exc_intercepts=) */
	bool mtf;               /* the CPU has the monitor trap flag */
};

extern struct guard_cfg guard_cfg;

/* Once, on the bootstrap CPU after vmx_config_init(); logs what is in use. */
void guard_global_init(void);
/* On every CPU before its vmcs01: split-lock detection as the policy says. */
void guard_cpu_init(struct vcpu *v);

/*
 * vmcs01's and every vmcs02's secondary controls and exception bitmap:
 * proc2 and exceptions as the caller (vmcs01, or vmcs02's merge of vmcs12)
 * wants them, plus L0's notify exiting and #AC/#DB intercepts, whatever
 * vmcs12 says. With guard_cfg.notify the caller also writes NOTIFY_WINDOW
 * (guard_cfg.notify_window).
 */
uint32_t guard_proc2(uint32_t proc2);
uint32_t guard_exceptions(uint32_t exceptions);

/* Exit reason 75, of L1 or (never reflected) of L2 (vmx/notify.c). */
enum exit_action exit_notify(struct vcpu *v);

/*
 * An intercepted #AC or #DB (vmx/exc_guard.c). Of L1: always finished here.
 * Of L2: GUARD_TO_L1 when vmcs12 intercepts it and it is the guest's (the
 * caller reflects), else finished here (split-lock policy, or delivered into
 * L2).
 */
enum guard_route { GUARD_DONE_RESUME, GUARD_DONE_STOP, GUARD_TO_L1 };
enum guard_route guard_exception(struct vcpu *v, bool l2, uint32_t exc_bitmap12);

/*
 * Before anything else in an exit: a split-lock step in flight ends (detection
 * back on). True if this exit is that step's own MTF exit, which then is
 * L0's alone unless vmcs12 set MTF itself (sl_mtf_was_set).
 */
bool splitlock_step_ends(struct vcpu *v, unsigned reason);
static inline bool splitlock_exit_hook(struct vcpu *v, unsigned reason)
{
	/* inline: every exit asks, and a step is rarely in flight */
	return v->guard.sl_stepping && splitlock_step_ends(v, reason);
}
/* L0 steps over a split lock (vmx/splitlock.c); false: stop the vCPU. */
enum exit_action splitlock_handle(struct vcpu *v);

/* L1 may have a virtual MSR_TEST_CTRL.SLD (vmx/msr_policy.def). */
bool splitlock_offered(void);
/* The CPU's detection as L0's policy and L1's v->msrv.test_ctrl want it. */
void splitlock_sync(struct vcpu *v);

#endif
