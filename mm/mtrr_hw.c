/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/mtrr.h"

#include "arch/x86/cpu.h"

/* SDM Vol. 4 Table 2-2. */
#define MSR_IA32_MTRRCAP          0x0fe
#define MSR_IA32_MTRR_PHYSBASE(n) (0x200 + 2 * (n))
#define MSR_IA32_MTRR_PHYSMASK(n) (0x201 + 2 * (n))
#define MSR_IA32_MTRR_DEF_TYPE    0x2ff

#define CPUID1_EDX_MTRR (1u << 12)

/* In the order of struct mtrr_state.fixed, i.e. by address. */
static const uint32_t fixed_msrs[MTRR_FIXED_MSRS] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
	0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

/*
 * CPUID.80000008H:EAX[7:0]; without that leaf the width is 36 (with PAE,
 * which every 64-bit CPU has; SDM Vol. 3A 4.1.4).
 */
static unsigned phys_bits(void)
{
	if (cpuid(0x80000000, 0).eax < 0x80000008)
		return MTRR_PHYS_BITS_DEFAULT;

	unsigned bits = cpuid(0x80000008, 0).eax & 0xff;

	return bits ? bits : MTRR_PHYS_BITS_DEFAULT;
}

/*
 * SDM Vol. 3A 12.11.1: CPUID.01H:EDX.MTRR says the MTRR MSRs exist at all,
 * MTRRCAP how many variable pairs there are and whether the fixed-range
 * MSRs exist. Reading any other would #GP.
 */
void mtrr_read(struct mtrr_state *s)
{
	*s = (struct mtrr_state){ .phys_bits = phys_bits() };
	if (!(cpuid(1, 0).edx & CPUID1_EDX_MTRR))
		return;
	s->cap = rdmsr(MSR_IA32_MTRRCAP);
	s->def_type = rdmsr(MSR_IA32_MTRR_DEF_TYPE);
	if (s->cap & MTRRCAP_FIX)
		for (unsigned i = 0; i < MTRR_FIXED_MSRS; i++)
			s->fixed[i] = rdmsr(fixed_msrs[i]);
	for (unsigned n = 0; n < mtrr_var_count(s); n++) {
		s->var[n].base = rdmsr(MSR_IA32_MTRR_PHYSBASE(n));
		s->var[n].mask = rdmsr(MSR_IA32_MTRR_PHYSMASK(n));
	}
}
