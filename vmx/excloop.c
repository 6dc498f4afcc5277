/* SPDX-License-Identifier: Apache-2.0 */
/* The no-progress detector for re-delivered exceptions (vmx/excloop.h). */
#include "vmx/excloop.h"

enum excloop_verdict excloop_note(struct excloop *s, unsigned vector,
				  uint64_t rip, bool during_delivery,
				  unsigned idt_vector, uint32_t threshold)
{
	bool round = during_delivery && idt_vector == vector;
	bool same = s->rounds && s->vector == vector && s->rip == rip;

	if (!round) {
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
