/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bxfix: regression checks for the project's Bochs patches whose behaviour
 * does not depend on a model feature being there (tests/bochs/patches/0006,
 * 0011), run on bare Bochs with every model (tests/system/t-bochs-fixes.sh).
 * Each check decides from CPUID what the SDM requires of this CPU.
 */
#ifndef TESTS_GUESTS_BXFIX_H
#define TESTS_GUESTS_BXFIX_H

#include "tests/guests/guestlib.h"

/* REP MOVSB against a byte-at-a-time reference (bxfix_movsb.c). */
void check_movsb(void);
/* IA32_MISC_ENABLE's fast-strings state and FSRM/ERMS (bxfix.c). */
void check_fast_strings(void);
/* WRMSR canonicality of MSR-held linear addresses (bxfix.c). */
void check_msr_canonical(void);

#endif
