/* SPDX-License-Identifier: Apache-2.0 */
/* A vCPU's nested-VMX state (struct vcpu holds one); the API is
 * nested/nested.h. */
#ifndef NESTED_STATE_H
#define NESTED_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/checks.h"
#include "nested/dirty12.h"
#include "nested/ept02_policy.h"
#include "nested/prof.h"

#define VMCS12_NONE (~0ull) /* current-VMCS pointer when there is none */

struct vmcs12;
struct msr_undo;

/* One per vCPU, inside struct vcpu. */
struct nested {
	bool vmxon;	       /* L1 is in VMX operation (SDM 24.3) */
	bool guest_mode;       /* vmcs02 is current: L2 runs */
	bool vmcs02_launched;  /* the next entry of vmcs02 is VMRESUME */
	bool vmcs02_ready;     /* vmcs02 was VMCLEARed once */
	bool launching;	       /* the entry under way is L1's VMLAUNCH */
	bool run_pending;      /* L2's entry is emulated, the CPU's not done */
	bool entry_was_launch; /* vmx_entry.asm's last entry was VMLAUNCH of
				  vmcs02 */
	uint32_t
	    proc_ctls01; /* vmcs01's processor-based controls while L2 runs */
	uint64_t vmxon_ptr;    /* L1-physical, as given to VMXON */
	uint64_t current_ptr;  /* L1-physical address of the current vmcs12 */
	struct vmcs12 *vmcs12; /* the cache (an L0 page), valid while current */
	struct msr_undo *msr_undo; /* what the last entry's MSR list changed */
	uint64_t vmcs02_pa;
	uint64_t shadow_pa;   /* hardware shadow VMCS linked from vmcs01
				 (nested/shadow.c) */
	uint64_t shadow_reserved; /* its page, reserved at start-up */
	uint16_t vpid02;      /* the VPID L2 runs with (never L1's) */
	uint16_t last_vpid12; /* vmcs12's VPID at the last entry */
	uint64_t msr_bitmap02_pa,
	    io_all_pa; /* vmcs02's MSR bitmap; an all-ones I/O bitmap */
	/* EPT02: L2-physical to host-physical, built on demand from EPT12 */
	uint64_t ept02_root;
	uint64_t ept02_eptp12; /* the EPT12 pointer EPT02 was built from */
	/* the vCPU's own EPT02 pages (nested/reserve.h): those not in the
	 * tree, linked through their first quadword, and the accounting */
	uint64_t ept02_free;
	struct ept02_budget ept02_budget;
	/* the L2 exit being handled only filled EPT02: L0's own business, not
	 * a nested event (nested_state_event() reads and clears it) */
	bool ept02_filled;
	/* the fast path (nested/internal.h: nested_forget) */
	struct dirty12 dirty02, unchecked;
	/* vmcs02 holds L2's GUEST_FIELD_LAZY values, vmcs12 older ones
	 * (nested/guest_fields.def, nested_sync_lazy) */
	bool lazy_stale;
	uint32_t proc02;      /* vmcs02's primary controls from vmcs12 */
	bool msr02_filled;    /* vmcs02's MSR bitmap is all ones but holes */
	bool checked_l1_long_mode; /* L1's mode when the checks last passed */
	/* the checks' environment, built at the first entry (nested/entry.c) */
	struct check_env check_env;
	bool msr12_known;	   /* msr12_hpa is gmem_page_hpa(msr12_gpa) */
	uint64_t msr12_gpa, msr12_hpa;
	/* counters (HC_PRINT_COUNTERS and make bench) */
	uint64_t entries, reflected, l0_handled, dry_runs;
#ifdef MK_PROFILE
	struct nested_prof prof; /* make PROFILE=1 (nested/prof.h) */
#endif
};

#endif
