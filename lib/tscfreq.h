/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TSC's frequency from what CPUID reports (pure: the caller passes the
 * leaves). Leaf 0x15 gives it exactly (crystal Hz * EBX / EAX) where the
 * CPU fills in all three; else leaf 0x16's base frequency in MHz, at which
 * the TSC of such CPUs ticks; else TSCFREQ_ASSUMED_HZ.
 */
#ifndef LIB_TSCFREQ_H
#define LIB_TSCFREQ_H

#include <stdint.h>

/*
 * When CPUID says nothing: higher than any x86 TSC runs today, so that a
 * rate computed from it is never faster than meant (a slower TSC only makes
 * it slower).
 */
#define TSCFREQ_ASSUMED_HZ 5000000000ull

struct tscfreq_cpuid {
	uint32_t max_leaf; /* CPUID.0:EAX */
	uint32_t l15_eax, l15_ebx,
	    l15_ecx;	  /* denominator, numerator, crystal Hz */
	uint32_t l16_eax; /* base frequency, MHz */
};

enum tscfreq_source { TSCFREQ_LEAF15, TSCFREQ_LEAF16, TSCFREQ_ASSUMED };

/* Ticks per second; *source (if not NULL) says where it came from. */
uint64_t tscfreq_hz(const struct tscfreq_cpuid *c, enum tscfreq_source *source);

/* "CPUID 0x15", "CPUID 0x16", "assumed: CPUID gives none" */
const char *tscfreq_source_name(enum tscfreq_source source);

#endif
