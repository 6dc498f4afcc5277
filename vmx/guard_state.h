/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-vCPU state of L0's three guards (docs/security.md, "Event windows,
 * split locks, exception loops"): notify exits (vmx/notify.c), split-lock
 * #AC (vmx/splitlock.c) and exception-loop containment (vmx/exc_guard.c).
 */
#ifndef VMX_GUARD_STATE_H
#define VMX_GUARD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/ac_policy.h"
#include "vmx/excloop.h"
#include "vmx/notify_policy.h"

struct vcpu_guard {
	struct notify_state notify;
	struct excloop loop;
	struct sl_window sl_window;
	uint64_t split_locks;   /* split-lock #AC L0's policy took */
	uint64_t sl_waits;      /* ratelimit: times the vCPU was made to wait */
	uint64_t ac_to_guest;   /* #AC given to the guest (L1 or L2) */
	uint64_t db_to_guest;   /* #DB given to the guest */
	bool sl_stepping;       /* detection off for one MTF step */
	bool sl_mtf_was_set;    /* the VMCS had MTF already (L1's, in vmcs02) */
	bool sld_hw;            /* MSR_TEST_CTRL.SLD as L0 last wrote it */
};

#endif
