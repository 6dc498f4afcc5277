/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bmodels: checks the Bochs models of issue 10 (tests/bochs/patches/0100
 * notify VM exits, 0101 split-lock detection) on bare Bochs, as the SDM
 * describes the features. The payload decides from CPUID and the capability
 * MSRs whether a feature is there: where it is, each behaviour is checked;
 * where it is not (corei7_skylake_x), a check that it is really absent, and
 * SKIP lines for what cannot be run without it.
 */
#ifndef TESTS_GUESTS_BMODELS_H
#define TESTS_GUESTS_BMODELS_H

#include "tests/guests/nvmx.h"

/* SDM Vol. 4 (MSRs 33H, CFH); #AC: Vol. 3A 6.15, interrupt 17. */
#define MSR_TEST_CTRL	      0x33
#define MSR_CORE_CAPABILITIES 0xcf
#define CORE_CAP_SPLIT_LOCK   (1ull << 5)
#define TEST_CTRL_SLD	      (1ull << 29)

/* SDM Vol. 3C 25.6.2 (secondary controls), 25.6 (notify window), App. C. */
#define PROC2_NOTIFY	(1u << 31)
#define F_NOTIFY_WINDOW 0x4024u
#define EXIT_NOTIFY	75
#define NOTIFY_CONTEXT_INVALID (1ull << 0)
#define NOTIFY_NMI_UNBLOCK     (1ull << 12)

/* "bmodels: SKIP name why" (a check that could not run: never PASS). */
void bm_skip(const char *name, const char *why);

/* Capability bits and MSRs; true if split-lock detection is there. */
bool check_core_caps(void);
/* Split-lock #AC matrix (bmodels_sld.c). */
void check_split_lock(bool sld);
/* Notify VM exits (bmodels_notify.c); after env_init(). */
void check_notify(void);

/* L2 code (bmodels_l2.asm). */
extern const char bm_l2_loop[] HIDDEN;
extern const char bm_l2_push32[] HIDDEN;
extern const char bm_l2_ac_handler[] HIDDEN;
extern const char bm_l2_iret32[] HIDDEN;
extern const char bm_l2_icebp[] HIDDEN;
extern const char bm_l2_db_handler[] HIDDEN;

#endif
