/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/tscfreq.h"

uint64_t tscfreq_hz(const struct tscfreq_cpuid *c, enum tscfreq_source *source)
{
	enum tscfreq_source s = TSCFREQ_ASSUMED;
	uint64_t hz = TSCFREQ_ASSUMED_HZ;

	if (c->max_leaf >= 0x15 && c->l15_eax && c->l15_ebx && c->l15_ecx) {
		s = TSCFREQ_LEAF15;
		hz = (uint64_t)c->l15_ecx * c->l15_ebx / c->l15_eax;
	} else if (c->max_leaf >= 0x16 && (c->l16_eax & 0xffff)) {
		s = TSCFREQ_LEAF16;
		hz = (uint64_t)(c->l16_eax & 0xffff) * 1000000;
	}
	if (!hz) { /* a numerator smaller than the denominator, say */
		s = TSCFREQ_ASSUMED;
		hz = TSCFREQ_ASSUMED_HZ;
	}
	if (source)
		*source = s;
	return hz;
}

const char *tscfreq_source_name(enum tscfreq_source source)
{
	switch (source) {
	case TSCFREQ_LEAF15:
		return "CPUID 0x15";
	case TSCFREQ_LEAF16:
		return "CPUID 0x16";
	default:
		return "assumed: CPUID gives none";
	}
}
