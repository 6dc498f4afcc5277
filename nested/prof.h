/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Instruction profile of the nested round trip (make PROFILE=1, which
 * defines MK_PROFILE): marks read the TSC, which Bochs counts in
 * instructions, and charge the instructions since the previous mark to a
 * phase of nested/prof.def. Without MK_PROFILE every mark compiles to
 * nothing. HC_PRINT_COUNTERS prints the averages per leg ("prof:" lines,
 * tests/system/bench.sh).
 */
#ifndef NESTED_PROF_H
#define NESTED_PROF_H

#include <stdint.h>

enum prof_phase {
#define PHASE(id, leg, name) PROF_##id,
#include "nested/prof.def"
#undef PHASE
	PROF_PHASES
};

enum prof_leg { PROF_LEG_NONE, PROF_LEG_EXIT, PROF_LEG_ENTRY, PROF_LEG_LAUNCH, PROF_LEGS };

/* One per vCPU (struct nested). */
struct nested_prof {
	uint64_t start, last; /* TSC at the exit's start and at the last mark */
	enum prof_leg leg;    /* what this exit turned out to be */
	uint64_t cur[PROF_PHASES]; /* this exit's, kept if it was a leg */
	uint64_t sum[PROF_PHASES];
	uint64_t leg_sum[PROF_LEGS], leg_n[PROF_LEGS];
};

#ifdef MK_PROFILE
#include "arch/x86/cpu.h"

static inline void prof_begin(struct nested_prof *p)
{
	for (unsigned i = 0; i < PROF_PHASES; i++)
		p->cur[i] = 0;
	p->leg = PROF_LEG_NONE;
	p->start = p->last = read_tsc();
}

static inline void prof_mark(struct nested_prof *p, enum prof_phase ph)
{
	uint64_t now = read_tsc();

	p->cur[ph] += now - p->last;
	p->last = now;
}

/* Instructions since the last mark are nobody's phase ("other"). */
static inline void prof_skip(struct nested_prof *p)
{
	p->last = read_tsc();
}

static inline void prof_leg(struct nested_prof *p, enum prof_leg leg)
{
	p->leg = leg;
}

static inline void prof_end(struct nested_prof *p)
{
	uint64_t now = read_tsc();

	if (p->leg == PROF_LEG_NONE)
		return;
	p->leg_sum[p->leg] += now - p->start;
	p->leg_n[p->leg]++;
	for (unsigned i = 0; i < PROF_PHASES; i++)
		p->sum[i] += p->cur[i];
}

/* The averages per leg and phase, at log level warn (a profiling build). */
void prof_print(unsigned cpu, const struct nested_prof *p);
#else
#define prof_begin(p) ((void)0)
#define prof_mark(p, ph) ((void)0)
#define prof_skip(p) ((void)0)
#define prof_leg(p, leg) ((void)0)
#define prof_end(p) ((void)0)
#define prof_print(cpu, p) ((void)0)
#endif

#endif
