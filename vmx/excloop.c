/* SPDX-License-Identifier: Apache-2.0 */
/* The no-progress detector for re-delivered exceptions (vmx/excloop.h). */
#include "vmx/excloop.h"

bool excloop_is_round(const struct excloop_exit *e)
{
	return (e->idt_valid && e->idt_vector == e->vector) ||
	       (e->have_handler && e->handler_rip == e->rip);
}

enum excloop_verdict excloop_note(struct excloop *s, const struct excloop_exit *e,
				  uint32_t threshold)
{
	unsigned vector = e->vector;
	uint64_t rip = e->rip;
	bool same = s->rounds && s->vector == vector && s->rip == rip;

	if (!excloop_is_round(e)) {
		excloop_progress(s);
		return EXCLOOP_DELIVER;
	}
	if (!same) {
		s->vector = vector;
		s->rip = rip;
		s->rounds = 0;
	}
	if (s->rounds < UINT32_MAX)
		s->rounds++;
	if (s->rounds < threshold)
		return EXCLOOP_DELIVER;
	if (s->rounds == threshold)
		s->loops++;
	return EXCLOOP_CONTAIN;
}

void excloop_progress(struct excloop *s)
{
	s->rounds = 0;
}
