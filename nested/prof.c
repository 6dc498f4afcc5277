/* SPDX-License-Identifier: Apache-2.0 */
/* The profile's report (nested/prof.h): only in a profiling build. */
#include "nested/prof.h"

#ifdef MK_PROFILE
#include "lib/log.h"

static const struct {
	enum prof_leg leg;
	const char *name;
} phases[PROF_PHASES] = {
#define PHASE(id, leg, name) [PROF_##id] = {PROF_LEG_##leg, name},
#include "nested/prof.def"
#undef PHASE
};

static const char *const leg_names[PROF_LEGS] = {
    [PROF_LEG_EXIT] = "exit", [PROF_LEG_ENTRY] = "vmresume",
    [PROF_LEG_LAUNCH] = "vmlaunch"};

/* Phases of the exit leg are charged on reflected exits, those of the entry
 * leg on VMRESUME and VMLAUNCH together; per VMRESUME they are close enough
 * when VMLAUNCH is rare (make bench: 1 in 500). */
static void print_leg(unsigned cpu, const struct nested_prof *p,
		      enum prof_leg leg)
{
	uint64_t n = p->leg_n[leg], phased = 0;
	enum prof_leg home = leg == PROF_LEG_LAUNCH ? PROF_LEG_ENTRY : leg;

	if (!n)
		return;
	if (leg == PROF_LEG_ENTRY)
		n += p->leg_n[PROF_LEG_LAUNCH];
	log_warn("prof: cpu%u %s leg: %lu in L0 per event (%lu events)", cpu,
		 leg_names[leg], p->leg_sum[leg] / p->leg_n[leg],
		 p->leg_n[leg]);
	if (leg == PROF_LEG_LAUNCH)
		return;
	for (unsigned i = 0; i < PROF_PHASES; i++) {
		if (phases[i].leg != home)
			continue;
		phased += p->sum[i];
		log_warn("prof: cpu%u %s phase %s: %lu", cpu, leg_names[leg],
			 phases[i].name, p->sum[i] / n);
	}
	uint64_t total = p->leg_sum[leg] +
			 (leg == PROF_LEG_ENTRY ? p->leg_sum[PROF_LEG_LAUNCH] : 0);

	log_warn("prof: cpu%u %s phase other: %lu", cpu, leg_names[leg],
		 total > phased ? (total - phased) / n : 0);
}

void prof_print(unsigned cpu, const struct nested_prof *p)
{
	for (unsigned l = PROF_LEG_EXIT; l < PROF_LEGS; l++)
		print_leg(cpu, p, (enum prof_leg)l);
}
#endif
