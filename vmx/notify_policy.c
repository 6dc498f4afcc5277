/* SPDX-License-Identifier: Apache-2.0 */
/* Notify-exit qualification and progress (vmx/notify_policy.h). */
#include "vmx/notify_policy.h"

struct notify_verdict notify_decide(struct notify_state *s, uint64_t qual,
				    uint64_t rip)
{
	struct notify_verdict d = {
	    .stop = (qual & NOTIFY_QUAL_CONTEXT_INVALID) != 0,
	    .block_nmi = (qual & NOTIFY_QUAL_NMI_UNBLOCKED) != 0,
	    .no_progress = s->have_last && s->last_rip == rip,
	};

	s->exits++;
	if (d.no_progress)
		s->no_progress++;
	s->last_rip = rip;
	s->have_last = true;
	return d;
}
