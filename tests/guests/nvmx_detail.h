/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a check's detail text piece by piece, and the common "what did
 * this VM exit say" checks of the L2 tests.
 */
#ifndef TESTS_GUESTS_NVMX_DETAIL_H
#define TESTS_GUESTS_NVMX_DETAIL_H

#include "tests/guests/nvmx.h"

/* Starts a new detail text; dadd appends to it. */
void dstart(void);
__attribute__((format(printf, 1, 2))) void dadd(const char *fmt, ...);
/* One check line with the detail built so far. */
bool dcheck(const char *name, bool pass);

/* What an L2 exit is compared with; fields not in `what` are not shown. */
#define W_QUAL 1u
#define W_LEN  2u
#define W_RIP  4u
#define W_INTR 8u /* interruption information (and error code if valid) */

struct want {
	uint32_t reason;
	unsigned what;
	uint64_t qual;
	uint32_t len;
	long rip;
	uint32_t intr, intr_err;
};

/*
 * Appends "exit R, qualification Q, length L at +O, ..." for the fields in
 * w->what and returns whether all of them match.
 */
bool dexit(const struct vm *vm, const struct want *w);

#endif
